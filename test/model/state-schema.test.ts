/**
 * The declared state (model/iommufd/state/state-schema.ts) is the state: every
 * state reachable in the shipped scopes, under the fixed and v2 presets,
 * has exactly the declared fields, with values in their bounds; docs/state.md
 * is what the declaration generates; and decode inverts encode on them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/search/bfs.js';
import { Encoder } from '../../explorer/search/fingerprint.js';
import type { Invariant } from '../../explorer/invariant.js';
import { iommufdSpec } from '../../model/iommufd/index.js';
import { stateDoc } from '../../model/iommufd/render/state-doc.js';
import { STATE_SCHEMA, misfit } from '../../model/iommufd/state/state-schema.js';
import type { Action, State } from '../../model/iommufd/state/types.js';
import { FIXED, V2, modelFor } from './helpers.js';

/** Scopes too big to walk here in full; the first states of each are still checked. */
const CAP = 4000;

describe('the declared state', () => {
  it('docs/state.md is generated from it (npm run docs:state)', () => {
    expect(readFileSync(new URL('../../docs/state.md', import.meta.url), 'utf8')).toBe(stateDoc());
  });

  for (const name of Object.keys(iommufdSpec.scopes)) {
    for (const [vname, v] of [['fixed', FIXED], ['v2', V2]] as const) {
      it(`holds every state of scope ${name} (${vname}), and decode inverts encode`, () => {
        const model = modelFor(name, v);
        let bad: string | null = null;
        let roundTrips = 0;
        let seen = 0;
        const fits: Invariant<State, Action> = {
          id: 'fits-schema', title: 'fits the declared state', source: 'test', kind: 'state',
          check: (s) => {
            seen++;
            bad ??= misfit(s, STATE_SCHEMA, '');
            const e = new Encoder();
            model.encode(s, e);
            const words = e.words();
            const back = new Encoder();
            model.encode(model.decode(Int32Array.from(words)), back);
            if (back.words().join() === words.join()) roundTrips++;
            return bad;
          },
        };
        const r = explore(model, [fits], { maxStates: CAP });
        expect(bad).toBeNull();
        expect(r.violations).toEqual([]);
        expect(seen).toBeGreaterThan(0);
        expect(roundTrips).toBe(seen);
      });
    }
  }

  it('refuses what does not fit: a field too many, one missing, a value out of bounds', () => {
    const s = modelFor('count-race').initStates()[0]!;
    expect(misfit(s, STATE_SCHEMA, '')).toBeNull();
    expect(misfit({ ...s, extra: 1 }, STATE_SCHEMA, '')).toMatch(/extra is not a field/);
    const { oops: _o, ...missing } = s;
    expect(misfit(missing, STATE_SCHEMA, '')).toMatch(/oops = undefined/);
    expect(misfit({ ...s, hwpts: s.hwpts.map((h) => ({ ...h, users: 256 })) }, STATE_SCHEMA, '')).toMatch(/hwpts\[0\]\.users = 256, expected an integer from 0 to 255/);
    expect(misfit({ ...s, threads: s.threads.map((t) => ({ ...t, pc: 'NOPE' })) }, STATE_SCHEMA, '')).toMatch(/pc = "NOPE"/);
  });
});
