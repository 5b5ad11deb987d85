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
import { MAX_WORD_BYTES, ObjectFrontier, PackedFrontier, newFrontier, packWords, unpackWords } from '../../explorer/search/frontier.js';

/** A decoder that keeps the words it is given (copied: the frontier hands out a view of its buffer). */
const copy = (w: Int32Array): number[] => Array.from(w);

/** Bytes of one word packed, by its unsigned value: 7 bits a byte. */
const packedLength = (w: number): number => {
  const v = w >>> 0;
  return v < 2 ** 7 ? 1 : v < 2 ** 14 ? 2 : v < 2 ** 21 ? 3 : v < 2 ** 28 ? 4 : 5;
};

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

  it('grows past its first buffers (16,384 bytes, 1,024 ends) without losing a state', () => {
    const f = new PackedFrontier(copy);
    const before = f.bytes;
    expect(before).toBe((1 << 14) + 4 * (1 << 10) + 4 * 64);
    const n = 3000; // ends: past 1024; bytes: past 16,384 (the negative word alone takes 5)
    let packed = 0;
    for (let i = 0; i < n; i++) {
      const ws = [i, -i - 1, i * 7];
      f.pushWords(Int32Array.from(ws));
      packed += ws.reduce((t, w) => t + packedLength(w), 0);
    }
    expect(f.length).toBe(n);
    for (const i of [0, 1, 1023, 1024, 1025, 1365, 1366, 2999]) expect(f.get(i)).toEqual([i, -i - 1, i * 7]);
    expect(f.bytes).toBeGreaterThan(before);
    expect(f.bytes).toBeGreaterThanOrEqual(packed + 4 * n);
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
    const { bytes: packed, ends } = f.view();
    expect(Array.from(packed.subarray(0, 3))).toEqual([7, 8, 9]);
    expect(Array.from(ends.subarray(0, 2))).toEqual([1, 3]);
  });

  it('takes runs of states a worker packed back to back: only those bytes, the same as packing the words here', () => {
    const states = [[300, -1], [], [7, 0x7fffffff, 128], [5], [0, 1, 2]];
    const reply = new Uint8Array(64).fill(0xee);
    const lens = new Int32Array(states.length).fill(-1);
    let pos = 3; // a run need not start at byte 0
    for (let i = 0; i < states.length; i++) {
      const end = packWords(Int32Array.from(states[i]!), reply, pos);
      lens[i] = end - pos;
      pos = end;
    }
    const f = new PackedFrontier(copy);
    const g = new PackedFrontier(copy);
    // Runs of one, three and one states (lens read only up to the count).
    f.pushPacked(reply, 3, lens, 1);
    f.pushPacked(reply, 3 + lens[0]!, lens.subarray(1), 3);
    f.pushPacked(reply, 3 + lens[0]! + lens[1]! + lens[2]! + lens[3]!, lens.subarray(4), 1);
    for (const ws of states) g.pushWords(Int32Array.from(ws));
    expect(f.length).toBe(states.length);
    for (let i = 0; i < states.length; i++) expect(f.get(i)).toEqual(states[i]);
    const a = f.view();
    const b = g.view();
    const n = states.length;
    expect(Array.from(a.ends.subarray(0, n))).toEqual(Array.from(b.ends.subarray(0, n)));
    expect(Array.from(a.bytes.subarray(0, a.ends[n - 1]))).toEqual(Array.from(b.bytes.subarray(0, b.ends[n - 1])));
  });

  it('takes a range of a word array: only those words', () => {
    const f = new PackedFrontier(copy);
    const reply = Int32Array.of(5, 300, -1, 6, 7);
    f.pushWords(reply, 1, 3);
    f.pushWords(reply, 3, 3);
    f.pushWords(reply, 4, 5);
    expect(f.length).toBe(3);
    expect(f.get(0)).toEqual([300, -1]);
    expect(f.get(1)).toEqual([]);
    expect(f.get(2)).toEqual([7]);
  });

  it('shares its buffers with workers when asked, and only then', () => {
    expect(new PackedFrontier(copy, true).view().bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(new PackedFrontier(copy, false).view().bytes.buffer).toBeInstanceOf(ArrayBuffer);
    expect(new PackedFrontier(copy).view().ends.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });
});

describe('packed words', () => {
  const word = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

  it('read back exactly, each in 7 bits a byte (one byte below 128, five for a negative word)', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 60 }), fc.nat(7), (ws, at) => {
        const src = Int32Array.from(ws);
        const dst = new Uint8Array(at + ws.length * MAX_WORD_BYTES);
        const end = packWords(src, dst, at);
        expect(end - at).toBe(ws.reduce((t, w) => t + packedLength(w), 0));
        const out = new Int32Array(Math.max(1, end - at));
        const n = unpackWords(dst, at, end, out);
        expect(Array.from(out.subarray(0, n))).toEqual(ws);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('take the lengths the boundaries give', () => {
    const cases: [number, number][] = [[0, 1], [127, 1], [128, 2], [2 ** 14 - 1, 2], [2 ** 14, 3], [2 ** 21, 4], [2 ** 28 - 1, 4], [2 ** 28, 5], [2 ** 31 - 1, 5], [-1, 5], [-(2 ** 31), 5]];
    for (const [w, len] of cases) {
      const dst = new Uint8Array(MAX_WORD_BYTES);
      expect(packWords(Int32Array.of(w), dst, 0), String(w)).toBe(len);
      const out = new Int32Array(MAX_WORD_BYTES);
      expect(unpackWords(dst, 0, len, out)).toBe(1);
      expect(out[0]).toBe(w);
    }
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
