import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Encoder, collisionProbability } from '../../explorer/search/fingerprint.js';
import { VisitedSet } from '../../explorer/search/visited.js';
import { parseBoolField, parseEnumField, describe as describeValue } from '../../explorer/traces/scope-file.js';
import { UsageError, oneOf } from '../../explorer/errors.js';

const fp = (words: number[]) => {
  const e = new Encoder(2);
  for (const w of words) e.push(w);
  e.hash();
  return [e.hi, e.lo] as const;
};

describe('fingerprints', () => {
  it('are stable: the same words give the same 64 bits, in every run', () => {
    expect(fp([1, 2, 3])).toEqual(fp([1, 2, 3]));
    // Pinned, so a change of the hash (which would change every stored fingerprint) is seen.
    expect(fp([1, 2, 3]).map((x) => x.toString(16))).toMatchSnapshot();
  });

  it('tell apart word sequences (no collisions among 100k small states)', () => {
    const seen = new Set<string>();
    for (let a = 0; a < 100; a++) for (let b = 0; b < 100; b++) for (let c = 0; c < 10; c++) seen.add(fp([a, b, c]).join(','));
    expect(seen.size).toBe(100_000);
    expect(fp([1])).not.toEqual(fp([1, 0]));
  });

  it('length-prefix lists and encode booleans', () => {
    const a = new Encoder();
    a.pushList([1]);
    a.pushList([2]);
    const b = new Encoder();
    b.pushList([1, 2]);
    b.pushList([]);
    expect(a.words()).not.toEqual(b.words());
    const c = new Encoder();
    c.pushBool(true);
    c.pushBool(false);
    expect(c.words()).toEqual([1, 0]);
    c.reset();
    expect(c.words()).toEqual([]);
  });

  it('collision probability grows with the square of the state count', () => {
    expect(collisionProbability(0)).toBe(0);
    expect(collisionProbability(2 ** 20)).toBeCloseTo(2 ** -25, 12);
    expect(collisionProbability(2 ** 40)).toBe(1);
  });
});

describe('visited set', () => {
  it('behaves as a set of fingerprints, across resizes, with parent links', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(7), fc.nat(7)), { maxLength: 300 }), (pairs) => {
        const v = new VisitedSet(16);
        const ref = new Set<string>();
        for (const [h, l] of pairs) {
          const id = v.insert(h, l, ref.size - 1, 0);
          const key = `${h},${l}`;
          expect(id >= 0).toBe(!ref.has(key));
          ref.add(key);
          expect(v.has(h, l)).toBe(true);
        }
        expect(v.size).toBe(ref.size);
        expect(v.has(99, 99)).toBe(false);
      }),
      { seed: 1, numRuns: 200 },
    );
  });

  it('keeps every fingerprint and its id through many doublings (wide keys, wrap-around slots)', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(fc.array(fc.tuple(u32, u32), { minLength: 400, maxLength: 1500 }), fc.array(fc.tuple(u32, u32), { maxLength: 50 }), (pairs, others) => {
        const v = new VisitedSet(16);
        const ids = new Map<string, number>();
        for (const [h, l] of pairs) {
          const key = `${h},${l}`;
          const id = v.insert(h, l, ids.size - 1, ids.size & 0xffff);
          expect(id).toBe(ids.has(key) ? -1 : ids.size);
          if (!ids.has(key)) ids.set(key, id);
        }
        expect(v.size).toBe(ids.size);
        expect(v.capacity).toBeGreaterThanOrEqual(16 << 5); // at least five doublings
        expect(v.size * 4).toBeLessThanOrEqual(v.capacity * 3);
        for (const [key, id] of ids) {
          const [h, l] = key.split(',').map(Number) as [number, number];
          expect(v.has(h, l), key).toBe(true);
          expect(v.insert(h, l, 0, 0), key).toBe(-1);
          expect(v.parentOf(id)).toBe(id - 1);
        }
        for (const [h, l] of others) expect(v.has(h, l)).toBe(ids.has(`${h},${l}`));
      }),
      { seed: 7, numRuns: 25 },
    );
  });

  it('keeps fingerprints whose home is the last slot across a doubling', () => {
    // (lo ^ imul(hi, golden)) & mask === mask: with hi = 0 that is lo = mask
    const v = new VisitedSet(16);
    const keys = [15, 31, 63, 127, 255].map((lo) => [0, lo] as const);
    for (let k = 1; k <= 200; k++) v.insert(k, k * 7919, -1, 0);
    for (const [h, l] of keys) v.insert(h, l, -1, 0);
    for (let k = 201; k <= 900; k++) v.insert(k, k * 7919, -1, 0);
    for (const [h, l] of keys) expect(v.has(h, l), `${h},${l}`).toBe(true);
    for (let k = 1; k <= 900; k++) expect(v.has(k, k * 7919)).toBe(true);
  });

  it('rebuilds the path of action indices from parent links', () => {
    const v = new VisitedSet();
    const a = v.insert(1, 1, -1, 0);
    const b = v.insert(2, 2, a, 3);
    const c = v.insert(3, 3, b, 5);
    expect(v.pathTo(c)).toEqual([0, 3, 5]);
    expect(v.bytes).toBeGreaterThan(0);
    expect(v.capacity).toBeGreaterThanOrEqual(16);
    expect(v.insert(0, 0, -1, 0)).toBe(3); // the all-zero fingerprint is stored too
    expect(v.insert(0, 0, -1, 0)).toBe(-1);
  });
});

describe('scope-file validators', () => {
  it('accept the right types and name the bad value', () => {
    expect(parseBoolField({ x: true }, 'x', false)).toBe(true);
    expect(parseBoolField({}, 'x', false)).toBe(false);
    expect(() => parseBoolField({ x: 1 }, 'x', false)).toThrow(/"x" = 1; expected true or false/);
    expect(parseEnumField({ m: 'a' }, 'm', ['a', 'b'])).toBe('a');
    expect(parseEnumField({}, 'm', ['a', 'b'], 'b')).toBe('b');
    expect(() => parseEnumField({ m: 'c' }, 'm', ['a', 'b'])).toThrow(UsageError);
    expect(describeValue('x'.repeat(100))).toHaveLength(40);
    expect(oneOf([])).toBe('(none)');
    expect(oneOf(['a'])).toBe('a');
  });
});
