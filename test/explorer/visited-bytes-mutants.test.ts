/**
 * The visited set's size figures, which the memory limit (explorer/search/limits.ts)
 * reads before each level: the table's capacity from the initial request,
 * the bytes it holds, and the bytes its next doubling will allocate. The
 * oracles are the layout (two 32-bit words per slot; per state, a 32-bit
 * parent and a 16-bit action index, in chunks of 65536 states) and the
 * doubling point observed by inserting until `capacity` changes, not the
 * formulas of visited.ts. Also the action indices `pathTo` returns. Written
 * for mutants of visited.ts that no search result can show (a wrong figure
 * only moves the point where `--max-memory` stops a search).
 */
import { describe, expect, it } from 'vitest';
import { VisitedSet } from '../../explorer/search/visited.js';

const CHUNK = 65536;
/** Bytes per table slot (hi and lo words) and per state (Int32 parent, Uint16 via). */
const SLOT_BYTES = 8;
const STATE_BYTES = 6;

describe('visited set figures', () => {
  it('rounds the initial capacity up to a power of two, at least 16', () => {
    const cases: [number, number][] = [
      [0, 16],
      [1, 16],
      [16, 16],
      [17, 32],
      [32, 32],
      [33, 64],
      [1000, 1024],
      [1024, 1024],
    ];
    for (const [asked, cap] of cases) expect(new VisitedSet(asked).capacity, `asked ${asked}`).toBe(cap);
  });

  it('counts the table and one chunk of per-state arrays per 65536 states', () => {
    const v = new VisitedSet(16);
    expect(v.bytes).toBe(16 * SLOT_BYTES);
    v.insert(1, 1, -1, 0);
    expect(v.bytes).toBe(v.capacity * SLOT_BYTES + CHUNK * STATE_BYTES);
    for (let i = 2; i <= CHUNK; i++) v.insert(i, i, i - 2, 0);
    expect(v.size).toBe(CHUNK);
    expect(v.bytes).toBe(v.capacity * SLOT_BYTES + CHUNK * STATE_BYTES);
    v.insert(CHUNK + 1, 7, 0, 0);
    expect(v.bytes).toBe(v.capacity * SLOT_BYTES + 2 * CHUNK * STATE_BYTES);
  });

  it('announces the doubled table exactly when the doubling is within the lookahead', () => {
    for (const start of [16, 64]) {
      // where the doubling happens, observed on a twin set
      const twin = new VisitedSet(start);
      let doublesAt = 0;
      while (twin.capacity === start) twin.insert(++doublesAt, 1, -1, 0);
      const v = new VisitedSet(start);
      for (let size = 0; size < doublesAt; size++) {
        expect(v.size).toBe(size);
        for (let look = 1; look <= doublesAt + 2; look++) {
          // the insert number `doublesAt` doubles the table: it is within `look` inserts iff size + look >= doublesAt
          const want = size + look >= doublesAt ? 2 * start * SLOT_BYTES : 0;
          expect(v.upcomingBytes(look), `start ${start}, size ${size}, lookahead ${look}`).toBe(want);
        }
        v.insert(size + 1, 1, -1, 0);
      }
      expect(v.capacity).toBe(2 * start);
    }
  });

  it('announces only the new half of a table that grows in place (shared, no address-space limit)', () => {
    const v = new VisitedSet(16, true);
    expect(v.upcomingBytes()).toBe(16 * SLOT_BYTES);
    for (let i = 1; v.capacity === 16; i++) v.insert(i, 1, -1, 0);
    expect(v.capacity).toBe(32);
    expect(v.upcomingBytes()).toBe(32 * SLOT_BYTES);
  });

  it('with its default lookahead of 65536 inserts, announces a small table\'s doubling at once', () => {
    const v = new VisitedSet(16);
    expect(v.upcomingBytes()).toBe(32 * SLOT_BYTES);
    const big = new VisitedSet(1 << 20);
    expect(big.upcomingBytes()).toBe(0);
  });

  it('returns the action indices given at insert along the parent links', () => {
    const v = new VisitedSet(16);
    // a chain 0 <- 1 <- 2 <- ... with via = 3 * id + 1, and a side branch from 1
    const n = 40;
    for (let id = 0; id < n; id++) expect(v.insert(id + 1, 99, id - 1, 3 * id + 1)).toBe(id);
    const side = v.insert(500, 500, 1, 65535);
    expect(v.pathTo(n - 1)).toEqual(Array.from({ length: n }, (_, id) => 3 * id + 1));
    expect(v.pathTo(side)).toEqual([1, 4, 65535]);
    expect(v.parentOf(side)).toBe(1);
    expect(v.viaOf(side)).toBe(65535);
    // the all-zero fingerprint, kept apart from the table, links the same way
    const zero = v.insert(0, 0, side, 7);
    expect(v.pathTo(zero)).toEqual([1, 4, 65535, 7]);
  });
});
