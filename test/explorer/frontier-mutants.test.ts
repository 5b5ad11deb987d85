/**
 * The breadth-first frontier on its own: what goes in comes out, in order,
 * at every length, across the growth of its buffers and after `clear()`.
 * Written for the mutants of explorer/search/frontier.ts that the search
 * tests let live (a start offset of the first state, a growth bound, the
 * byte count the memory bound reads).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Encoder } from '../../explorer/search/fingerprint.js';
import { ObjectFrontier, PackedFrontier, newFrontier } from '../../explorer/search/frontier.js';

/** A decoder that keeps the words it is given (copied: the frontier hands out a view of its buffer). */
const copy = (w: Int32Array): number[] => Array.from(w);

const encode = (words: readonly number[]): Encoder => {
  const e = new Encoder(1);
  for (const w of words) e.push(w);
  return e;
};

describe('packed frontier', () => {
  it('gives back every state, in order, at every length (empty states and long ones too), across growth', () => {
    const word = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    fc.assert(
      fc.property(fc.array(fc.array(word, { maxLength: 40 }), { maxLength: 400 }), fc.boolean(), (states, shared) => {
        const f = new PackedFrontier(copy, shared);
        for (let i = 0; i < states.length; i++) {
          f.push(undefined as unknown as number[], encode(states[i]!));
          expect(f.length).toBe(i + 1);
        }
        for (let i = 0; i < states.length; i++) expect(f.get(i)).toEqual(states[i]);
      }),
      { seed: 5, numRuns: 60 },
    );
  });

  it('grows past its first buffers (4096 words, 1024 ends) without losing a state', () => {
    const f = new PackedFrontier(copy);
    const before = f.bytes;
    expect(before).toBe(4 * (1 << 12) + 4 * (1 << 10));
    const n = 3000; // ends: past 1024; words: 3000 * 3 = 9000, past 4096
    for (let i = 0; i < n; i++) f.pushWords(Int32Array.of(i, -i - 1, i * 7));
    expect(f.length).toBe(n);
    for (const i of [0, 1, 1023, 1024, 1025, 1365, 1366, 2999]) expect(f.get(i)).toEqual([i, -i - 1, i * 7]);
    expect(f.bytes).toBeGreaterThan(before);
    expect(f.bytes).toBeGreaterThanOrEqual(4 * (3 * n + n));
  });

  it('pushes only the encoder words written since its reset, not its whole buffer', () => {
    const f = new PackedFrontier(copy);
    const e = new Encoder(64);
    e.push(9);
    e.push(8);
    e.reset();
    e.push(1);
    f.push(undefined as unknown as number[], e);
    expect(f.get(0)).toEqual([1]);
  });

  it('clear empties it, and what comes next is read from the start of the buffers', () => {
    const f = new PackedFrontier(copy);
    f.pushWords(Int32Array.of(1, 2));
    f.pushWords(Int32Array.of(3));
    const bytes = f.bytes;
    f.clear();
    expect(f.length).toBe(0);
    expect(f.bytes).toBe(bytes); // the buffers are kept
    f.pushWords(Int32Array.of(7));
    f.pushWords(Int32Array.of(8, 9));
    expect(f.length).toBe(2);
    expect(f.get(0)).toEqual([7]);
    expect(f.get(1)).toEqual([8, 9]);
    const { words, ends } = f.view();
    expect(Array.from(words.subarray(0, 3))).toEqual([7, 8, 9]);
    expect(Array.from(ends.subarray(0, 2))).toEqual([1, 3]);
  });

  it('shares its buffers with workers when asked, and only then', () => {
    expect(new PackedFrontier(copy, true).view().words.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(new PackedFrontier(copy, false).view().words.buffer).toBeInstanceOf(ArrayBuffer);
    expect(new PackedFrontier(copy).view().ends.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });
});

describe('object frontier', () => {
  it('keeps the objects themselves, in order; clear empties it; bytes grow with the count', () => {
    const f = new ObjectFrontier<{ n: number }>();
    const e = new Encoder();
    const states = [{ n: 1 }, { n: 2 }, { n: 3 }];
    for (const s of states) f.push(s);
    expect(f.length).toBe(3);
    expect(f.get(1)).toBe(states[1]);
    expect(f.bytes).toBe(3 * 64);
    f.clear();
    expect(f.length).toBe(0);
    expect(f.bytes).toBe(0);
    f.push(states[2]!);
    expect(f.get(0)).toBe(states[2]);
    expect(e.len).toBe(0);
  });
});

describe('newFrontier', () => {
  it('packs when the model decodes, keeps objects otherwise', () => {
    expect(newFrontier(copy)).toBeInstanceOf(PackedFrontier);
    expect(newFrontier(undefined)).toBeInstanceOf(ObjectFrontier);
  });
});
