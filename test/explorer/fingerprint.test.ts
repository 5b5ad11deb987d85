import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Encoder, collisionProbability } from '../../explorer/fingerprint.js';
import { VisitedSet } from '../../explorer/visited.js';
import { parseBoolField, parseEnumField, describe as describeValue } from '../../explorer/scope-file.js';
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
