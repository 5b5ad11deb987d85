/**
 * decode is the inverse of encode on every reachable state of every shipped
 * scope (so the engine can keep its frontier packed and run parallel
 * workers), and symmetry reduction keeps every verdict: each scope with and
 * without it, under fixed, v2 and restore=rehydrate.
 */
import { modelFactoryUrl } from '../../explorer/cli/model-factory.js';
import { LIFECYCLE } from './helpers-kexec.js';
import { describe, expect, test } from 'vitest';
import { explore } from '../../explorer/search/bfs.js';
import { Encoder } from '../../explorer/search/fingerprint.js';
import type { Model } from '../../explorer/model.js';
import { exploreParallel } from '../../explorer/search/parallel.js';
import { iommufdSpec } from '../../model/iommufd/index.js';
import { findSwap, swapState } from '../../model/iommufd/state/symmetry.js';
import type { Action, State } from '../../model/iommufd/state/types.js';
import { FIXED, V2 } from './helpers.js';

const VARIANTS = { fixed: FIXED, v2: V2, rehydrate: { ...FIXED, restore: 'rehydrate' } } as const;

/** `inner` whose encode also checks that decode(encode(s)) encodes to the same words. */
function roundTripping(inner: Model<State, Action>, bad: string[]): Model<State, Action> {
  const a = new Encoder();
  const b = new Encoder();
  return {
    ...inner,
    initStates: () => inner.initStates(),
    actions: (s) => inner.actions(s),
    nextState: (s, x) => inner.nextState(s, x),
    process: (x) => inner.process(x),
    label: (x) => inner.label(x),
    toJson: (s) => inner.toJson(s),
    encode: (s, out) => {
      a.reset();
      inner.encode(s, a);
      b.reset();
      inner.encode(inner.decode!(a.buf.slice(0, a.len)), b);
      if (a.words().join(',') !== b.words().join(',') && bad.length < 3) bad.push(JSON.stringify(inner.toJson(s)));
      inner.encode(s, out);
    },
  };
}

// deep and nightly are millions of states (`npm run bench` and the nightly workflow run them); ci covers the same code.
const SCOPES = Object.keys(iommufdSpec.scopes).filter((n) => n !== 'deep' && n !== 'nightly');
/**
 * The scope a loop below explores under `name`: ci without its count-race
 * HWPT (LIFECYCLE: the same code at half the states; the full ci is checked
 * by the ci tests at the end and by test/model/cases.test.ts).
 */
const scopeFor = (name: string) => (name === 'ci' ? LIFECYCLE : iommufdSpec.scopes[name]!);

describe('decode(encode(s)) re-encodes identically', () => {
  for (const name of SCOPES) {
    const variants = VARIANTS;
    for (const [vname, v] of Object.entries(variants)) {
      test(`${name} (${vname}), every reachable state`, () => {
        const scope = scopeFor(name);
        const bad: string[] = [];
        const r = explore(roundTripping(iommufdSpec.build(scope, v), bad), iommufdSpec.invariants(scope, v), { continueAfterViolation: true });
        expect(bad).toEqual([]);
        expect(r.result).not.toBe('incomplete');
      });
    }
  }
});

describe('symmetry reduction keeps every verdict', () => {
  for (const name of SCOPES) {
    const variants = VARIANTS;
    for (const [vname, v] of Object.entries(variants)) {
      test(`${name} (${vname})`, () => {
        const scope = scopeFor(name);
        const plain = explore(iommufdSpec.build(scope, v), iommufdSpec.invariants(scope, v), { continueAfterViolation: true });
        const sym = explore(iommufdSpec.build(scope, v, { symmetry: true }), iommufdSpec.invariants(scope, v), { continueAfterViolation: true });
        expect(sym.result).toBe(plain.result);
        expect(sym.violations.map((x) => [x.invariant, x.trace.length])).toEqual(plain.violations.map((x) => [x.invariant, x.trace.length]));
        expect(sym.witnesses).toEqual(plain.witnesses);
        expect(sym.distinctStates).toBeLessThanOrEqual(plain.distinctStates);
      });
    }
  }

  test('ci: the two devices are interchangeable, every state and its mirror image encode alike, and the count shrinks', () => {
    const scope = iommufdSpec.scopes['ci']!;
    const x = findSwap(scope)!;
    expect([x.a, x.b, x.tokens]).toEqual([0, 1, [3, 4]]);
    const m = iommufdSpec.build(scope, FIXED, { symmetry: true });
    const enc = (s: State) => {
      const e = new Encoder();
      m.encode(s, e);
      return e.words().join(',');
    };
    let checked = 0;
    const seen = new Set<string>();
    const todo = [...m.initStates()];
    while (todo.length && checked < 3000) {
      const s = todo.pop()!;
      const k = enc(s);
      if (seen.has(k)) continue;
      seen.add(k);
      checked++;
      expect(enc(swapState(s, x))).toBe(k);
      for (const a of m.actions(s)) todo.push(m.nextState(s, a));
    }
    const plain = explore(iommufdSpec.build(scope, FIXED), []).distinctStates;
    expect(explore(m, []).distinctStates).toBeLessThan(plain * 0.6);
    expect(findSwap(iommufdSpec.scopes['sanitize']!)).toBeUndefined(); // dev1 preserved, dev2 not: not interchangeable
  });

  test('ci-trust with symmetry: the counterexample replays on real states, sequential and with 2 workers', () => {
    const scope = iommufdSpec.scopes['ci']!;
    const v = { ...FIXED, verify: 'trust' };
    const seq = explore(iommufdSpec.build(scope, v, { symmetry: true }), iommufdSpec.invariants(scope, v));
    const par = exploreParallel(iommufdSpec.build(scope, v, { symmetry: true }), iommufdSpec.invariants(scope, v), { factory: modelFactoryUrl(), modelName: 'iommufd', scope, variant: v, symmetry: true }, 2);
    expect(par.distinctStates).toBe(seq.distinctStates);
    expect(par.violations[0]!.invariant).toBe('rebuilt-equals-preserved');
    expect(par.violations[0]!.trace.length).toBe(seq.violations[0]!.trace.length);
  });
});
