/**
 * The visited set through its rehashes, by its public API only (insert, has,
 * size, pathTo): every fingerprint inserted stays found, with its id, at
 * every size, in particular just before and just after each doubling. Written
 * for the mutant "the rehash skips the last slot of the old table" (an
 * off-by-one that survived while the property test stayed under 10 entries),
 * and for the other rehash and probe mutants: a lost fingerprint makes a
 * search explore a state twice and count it twice.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VisitedSet } from '../../explorer/search/visited.js';

type Fp = readonly [number, number];
const key = ([h, l]: Fp) => `${h},${l}`;

/** Inserts `fps` one by one; after each insert, every fingerprint so far is present and a missing one is not. */
function insertAll(v: VisitedSet, fps: readonly Fp[], absent: readonly Fp[]): Map<string, number> {
  const ids = new Map<string, number>();
  for (const fp of fps) {
    const k = key(fp);
    const id = v.insert(fp[0], fp[1], ids.size - 1, ids.size & 0xff);
    if (ids.has(k)) {
      expect(id, `duplicate ${k}`).toBe(-1);
      continue;
    }
    expect(id, `new ${k}`).toBe(ids.size);
    ids.set(k, id);
    expect(v.size).toBe(ids.size);
    for (const [k2] of ids) {
      const [h, l] = k2.split(',').map(Number) as [number, number];
      if (!v.has(h, l)) expect.fail(`${k2} lost after ${ids.size} inserts`);
    }
    for (const a of absent) if (!ids.has(key(a))) expect(v.has(a[0], a[1]), `absent ${key(a)}`).toBe(false);
  }
  return ids;
}

for (const shared of [false, true]) describe(`visited set across rehashes (${shared ? 'shared: grows in place, rehashed in place' : 'moves to a new buffer'})`, () => {
  it('keeps every fingerprint at every size from 1 to past five doublings (checked after each insert)', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    // small values too: fingerprints that share their low bits cluster and wrap around the table's end
    const word = fc.oneof(u32, fc.nat(15), fc.constantFrom(0xffffffff, 0x80000000, 0x7fffffff));
    fc.assert(
      fc.property(fc.array(fc.tuple(word, word), { minLength: 200, maxLength: 700 }), fc.array(fc.tuple(u32, u32), { maxLength: 8 }), (fps, absent) => {
        const v = new VisitedSet(16, shared);
        const ids = insertAll(v, fps, absent);
        expect(v.size).toBe(ids.size);
        expect(v.capacity).toBeGreaterThan(v.size);
        // every id leads back along the parent links given at insert (each new state's parent: the one before it)
        for (const [, id] of ids) expect(v.pathTo(id)).toHaveLength(id + 1);
      }),
      { seed: 12, numRuns: 12 },
    );
  });

  it('keeps all fingerprints when the table is full up to its threshold and doubles on the next insert', () => {
    // a dense block of low words: every home slot taken, the probe chains reach the table's end and wrap
    for (const start of [16, 64, 256]) {
      const v = new VisitedSet(start, shared);
      const fps: Fp[] = [];
      for (let i = 1; fps.length < start * 3; i++) fps.push([0, i]);
      insertAll(v, fps, [[0, start * 4], [1, 1]]);
      expect(v.capacity).toBeGreaterThanOrEqual(start * 4);
    }
  });

  it('also keeps the all-zero fingerprint and tells it apart from an empty slot, across doublings', () => {
    const v = new VisitedSet(16, shared);
    expect(v.has(0, 0)).toBe(false);
    const fps: Fp[] = [[0, 0]];
    for (let i = 1; i <= 100; i++) fps.push([i, 0], [0, i]);
    insertAll(v, fps, [[0, 101], [101, 0]]);
    expect(v.insert(0, 0, -1, 0)).toBe(-1);
  });
});
