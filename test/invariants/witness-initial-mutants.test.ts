/**
 * Every witness names an event ("SESSION_FINISH was refused ...", "a restored
 * domain was freed ..."): at an initial state nothing has happened yet, so no
 * witness may be reached there (the engine asks with no previous state and
 * no action), under the fixed or the v2 switches, in any shipped scope. The
 * oracle is that meaning, not the predicates. Written for the witness
 * mutants of invariants/ that turn a `p !== undefined` or a whole predicate
 * into `true`: a case would then count as exercised by a run that never
 * exercised it.
 */
import { describe, expect, it } from 'vitest';
import { SCOPES } from '../../model/iommufd/scopes/scopes.js';
import { FIXED, V2, invariantsFor, modelFor } from '../model/helpers.js';

describe('no witness is reached at an initial state', () => {
  for (const [label, set] of [['fixed', FIXED], ['v2', V2]] as const) {
    it(`under the ${label} switches, in every shipped scope`, () => {
      let checked = 0;
      for (const name of Object.keys(SCOPES)) {
        const m = modelFor(name, set);
        const invs = invariantsFor(name, set).filter((i) => i.witness);
        for (const s of m.initStates()) {
          for (const i of invs) {
            expect(i.witness!.reached(undefined, undefined, s), `${i.id} in ${name}`).toBe(false);
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(Object.keys(SCOPES).length);
    });
  }
});
