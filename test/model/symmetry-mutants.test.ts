/**
 * Symmetry reduction of the iommufd model (model/iommufd/state/symmetry.ts)
 * against an oracle built apart from it: the canonical encoding of a state
 * is the smaller, word by word, of the plain encodings of the state and of
 * its mirror image; the mirror image of the mirror image is the state; and
 * a scope has a swap exactly when its two devices are alike, alone in their
 * groups, preserved under tokens nothing else uses, and every menu maps
 * onto itself. Bounded searches of ci, seconds in all (test/model/encode.test.ts
 * checks the verdicts of whole scopes with and without the reduction).
 */
import { describe, expect, test } from 'vitest';
import { explore } from '../../explorer/search/bfs.js';
import { Encoder } from '../../explorer/search/fingerprint.js';
import type { IommufdScope } from '../../model/iommufd/scopes/scopes.js';
import { findSwap, swapState, type DeviceSwap } from '../../model/iommufd/state/symmetry.js';
import type { Op, State } from '../../model/iommufd/state/types.js';
import { IommufdModel } from '../../model/iommufd/index.js';
import { FIXED, modelFor, scopeOf, walk } from './helpers.js';
import { CDEVS, FREEZE, LIFECYCLE, PRESERVE } from './helpers-kexec.js';

const CI = scopeOf('ci');

/** The first `n` states of a breadth-first walk of `scope` under fixed (from `from`, or its initial state). */
function statesOf(scope: IommufdScope, n: number, from?: State): State[] {
  const m = modelFor(scope);
  const seen = new Set<string>();
  const out: State[] = [];
  const todo = from ? [from] : [...m.initStates()];
  for (let i = 0; i < todo.length && out.length < n; i++) {
    const s = todo[i]!;
    const e = new Encoder();
    m.encode(s, e);
    const k = e.words().join(',');
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(s);
    for (const a of m.actions(s)) todo.push(m.nextState(s, a));
  }
  return out;
}

function wordsOf(m: IommufdModel, s: State): number[] {
  const e = new Encoder();
  m.encode(s, e);
  return e.words();
}

/** The smaller of two word lists, compared word by word. */
function smaller(a: number[], b: number[]): number[] {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? a : b;
  return a.length <= b.length ? a : b;
}

describe('the canonical encoding', () => {
  const x = findSwap(CI)!;
  const plain = modelFor(CI);
  const symModel = new IommufdModel(CI, FIXED, { symmetry: true });

  test('is the smaller of the encodings of the state and of its mirror image, on the first 4,000 states of ci', () => {
    let differ = 0;
    let pickedMirror = 0;
    for (const s of statesOf(CI, 4000)) {
      const own = wordsOf(plain, s);
      const mirror = wordsOf(plain, swapState(s, x));
      if (own.join(',') !== mirror.join(',')) differ++;
      const want = smaller(own, mirror);
      if (want === mirror && own.join(',') !== mirror.join(',')) pickedMirror++;
      expect(wordsOf(symModel, s)).toEqual(want);
    }
    // the oracle is not vacuous: many states differ from their mirror image, and either side can be the smaller
    expect(differ).toBeGreaterThan(500);
    expect(pickedMirror).toBeGreaterThan(100);
    expect(pickedMirror).toBeLessThan(differ);
  });

  test('the same after kexec, in the new kernel (the lifecycle of ci with one HWPT, from just before B3)', () => {
    const p = modelFor(LIFECYCLE);
    // both cdevs preserved, every file frozen, kexec, B1 and B2: B3 is next
    const start = walk(p, [...PRESERVE, ...CDEVS, ...FREEZE, 'kexec', 'B1 ', 'B2 ']);
    const y = findSwap(LIFECYCLE)!;
    const r = new IommufdModel(LIFECYCLE, FIXED, { symmetry: true });
    let differ = 0;
    for (const s of statesOf(LIFECYCLE, 3000, start)) {
      const own = wordsOf(p, s);
      const mirror = wordsOf(p, swapState(s, y));
      if (own.join(',') !== mirror.join(',')) differ++;
      expect(wordsOf(r, s)).toEqual(smaller(own, mirror));
    }
    expect(differ).toBeGreaterThan(500);
  });

  test('the mirror image of the mirror image is the state itself', () => {
    for (const s of statesOf(CI, 1500)) expect(wordsOf(plain, swapState(swapState(s, x), x))).toEqual(wordsOf(plain, s));
  });

  test('a state and its mirror image count once: a bounded search finds fewer states with the reduction, at least half as many', () => {
    const a = explore(plain, [], { maxDepth: 14 }).distinctStates;
    const b = explore(symModel, [], { maxDepth: 14 }).distinctStates;
    expect(b).toBeLessThan(a);
    expect(2 * b).toBeGreaterThanOrEqual(a);
  });
});

describe('findSwap', () => {
  const devs = CI.devices;
  const withDevices = (d: IommufdScope['devices']): IommufdScope => ({ ...CI, devices: d });
  const swapOf = (s: IommufdScope): Pick<DeviceSwap, 'a' | 'b' | 'ga' | 'gb' | 'tokens'> | undefined => {
    const x = findSwap(s);
    return x && { a: x.a, b: x.b, ga: x.ga, gb: x.gb, tokens: x.tokens };
  };

  test('finds ci\'s two devices, their groups and their cdevs\' tokens, and maps each menu onto itself', () => {
    const x = findSwap(CI)!;
    expect(swapOf(CI)).toEqual({ a: 0, b: 1, ga: 0, gb: 1, tokens: [3, 4] });
    expect(x.perm[0]).toHaveLength(CI.threads[0]!.length + CI.restore[0]!.length);
    // T1 preserves cdev(0) at menu index 2 and cdev(1) at 3: they trade places; the others stay
    expect(x.perm[0]!.slice(0, 5)).toEqual([0, 1, 3, 2, 4]);
  });

  test('none where the two devices differ: another HWPT, another PASID entry, one group for both', () => {
    expect(swapOf(withDevices([devs[0]!, { ...devs[1]!, hwpt: 1 }]))).toBeUndefined();
    expect(swapOf(withDevices([devs[0]!, { ...devs[1]!, pasid: true }]))).toBeUndefined();
    expect(swapOf(withDevices([devs[0]!, { ...devs[1]!, group: devs[0]!.group }]))).toBeUndefined();
    expect(swapOf(withDevices([{ ...devs[0]!, pasid: true }, { ...devs[1]!, pasid: true }]))).toEqual({ a: 0, b: 1, ga: 0, gb: 1, tokens: [3, 4] });
  });

  test('none where a menu does not map onto itself, or a cdev token is preserved twice or names something else', () => {
    const t1 = CI.threads[0]!;
    const only = (ops: readonly Op[]): IommufdScope => ({ ...CI, threads: [ops, CI.threads[1]!] });
    // cdev(1) never preserved, cdev(0) is
    expect(swapOf(only(t1.filter((o) => !(o.op === 'preserve_fd' && o.file.kind === 'cdev' && o.file.dev === 1))))).toBeUndefined();
    // cdev(0) preserved twice
    expect(swapOf(only([...t1, { op: 'preserve_fd', file: { kind: 'cdev', dev: 0 }, token: 9 }]))).toBeUndefined();
    // a cdev's token is also a HWPT's token
    expect(swapOf({ ...CI, hwpts: [CI.hwpts[0]!, { ...CI.hwpts[1]!, token: 3 }] })).toBeUndefined();
    // a cdev's token is also the session's memfd's
    expect(swapOf({ ...CI, session: [{ ...CI.session[0]!, token: 4 }] })).toBeUndefined();
    // a menu op for one device without its mirror
    expect(swapOf({ ...CI, restore: [[...CI.restore[0]!, { op: 'bind_driver', dev: 0 }, { op: 'replace', dev: 0, hwpt: 2 }]] })).toBeUndefined();
    // neither cdev preserved: no tokens to swap
    const none = only(t1.filter((o) => !(o.op === 'preserve_fd' && o.file.kind === 'cdev')));
    expect(swapOf(none)?.tokens).toEqual([0, 0]);
  });

  test('the scopes that ship: ci has one; deep (its new kernel attaches dev2 alone to an IOAS) and the scopes that preserve one device of two do not', () => {
    for (const n of ['deep', 'nightly', 'sanitize', 'partial-group', 'partial-group-last']) expect(swapOf(scopeOf(n)), n).toBeUndefined();
  });
});
