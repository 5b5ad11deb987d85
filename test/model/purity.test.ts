/**
 * Contract checks over every reachable state of every scope: transitions
 * never mutate (states are deep-frozen as they are produced), actions() is
 * deterministic, labels are unique among the enabled actions of a state, and
 * the encoding is a deterministic function of the state.
 */
import { describe, expect, test } from 'vitest';
import { explore } from '../../explorer/search/bfs.js';
import { Encoder } from '../../explorer/search/fingerprint.js';
import type { Model } from '../../explorer/model.js';
import { iommufdSpec } from '../../model/iommufd/index.js';
import type { Action, State } from '../../model/iommufd/state/types.js';
import { deepFreeze, invariantsFor, modelFor, V2 } from './helpers.js';
import { LIFECYCLE } from './helpers-kexec.js';

function checked(inner: Model<State, Action>): Model<State, Action> {
  const words = (s: State) => {
    const e = new Encoder();
    inner.encode(s, e);
    return e.words();
  };
  return {
    initStates: () => inner.initStates().map((s) => deepFreeze(s)),
    actions: (s) => {
      const a = inner.actions(s);
      const b = inner.actions(s);
      expect(b.map((x) => inner.label(x))).toEqual(a.map((x) => inner.label(x)));
      const ls = a.map((x) => `${inner.process(x)} ${inner.label(x)}`);
      expect(new Set(ls).size).toBe(ls.length);
      return a;
    },
    nextState: (s, a) => deepFreeze(inner.nextState(s, a)),
    encode: (s, out) => {
      expect(words(s)).toEqual(words(structuredClone(s)));
      inner.encode(s, out);
    },
    process: (a) => inner.process(a),
    label: (a) => inner.label(a),
    toJson: (s) => inner.toJson(s),
  };
}

describe('model contract on every reachable state', () => {
  // deep and nightly are millions of states; ci covers the same code.
  // ci is checked without its count-race HWPT (LIFECYCLE): the same code at half
  // the states, which count-race and mark-beside-preserve cover.
  for (const name of Object.keys(iommufdSpec.scopes).filter((n) => n !== 'deep' && n !== 'nightly')) {
    const scope = name === 'ci' ? LIFECYCLE : name;
    for (const [vname, set] of [['fixed', {}], ['v2', V2]] as const) {
      test(`${name} (${vname})`, () => {
        const plain = explore(modelFor(scope, set), invariantsFor(scope, set), { continueAfterViolation: true });
        const r = explore(checked(modelFor(scope, set)), invariantsFor(scope, set), { continueAfterViolation: true });
        expect(r.distinctStates).toBe(plain.distinctStates);
      });
    }
  }
});

test('toJson is plain JSON with 1-based names', () => {
  const m = modelFor('shared-ioas');
  const j = JSON.parse(JSON.stringify(m.toJson(m.initStates()[0]!))) as Record<string, Record<string, unknown>>;
  expect(Object.keys(j['hwpts']!)).toEqual(['hwpt1', 'hwpt2']);
  expect(Object.keys(j['memfds']!)).toEqual(['memfd1']);
});
