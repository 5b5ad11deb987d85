/**
 * The parallel search's visited set (explorer/search/concurrent-visited.ts)
 * on one thread: what a claim answers (new, not new, full), that the
 * smallest claim of a level stays whatever the order of the inserts, the
 * all-zero fingerprint, the slot budget, and growth.
 */
import { describe, expect, it } from 'vitest';
import { ConcurrentVisitedSet, NOT_NEW, SlotBudget, TABLE_FULL, claim, claimAt, claimOf, slotOf, zeroSlot } from '../../explorer/search/concurrent-visited.js';

/** A set with the initial state (1, 1) as state 0, and a round open. */
function level1(cap = 1 << 10) {
  const v = new ConcurrentVisitedSet(cap);
  expect(v.insert(1, 1, -1, 0)).toBe(0);
  return { v, t: v.beginRound(), budget: new SlotBudget() };
}

describe('claim', () => {
  it('keeps the smallest claim of the level, in any order of the inserts, and says which inserts may be new', () => {
    for (const order of [[5, 3, 7], [7, 5, 3], [3, 7, 5]]) {
      const { v, t, budget } = level1();
      const level = claimOf(0);
      const answers = order.map((src) => claim(t, 0x1234, 0x5678, claimOf(src), level, budget));
      const slot = answers.find((a) => a >= 0)!;
      // an insert is a candidate exactly when no smaller claim was there before it
      order.forEach((src, j) => expect(answers[j], `source ${src} after ${order.slice(0, j)}`).toBe(order.slice(0, j).every((p) => p > src) ? slot : NOT_NEW));
      expect(claimAt(t, slot)).toBe(claimOf(3));
      expect(claim(t, 0x1234, 0x5678, claimOf(3), level, budget)).toBe(slot); // the same claim again: still a candidate
      budget.giveBack(t);
      expect(v.used).toBe(2);
      expect(slotOf(t, 0x1234, 0x5678)).toBe(slot);
      expect(slotOf(t, 0x1234, 0x5679)).toBe(-1);
    }
  });

  it("says not new for an earlier level's fingerprint, the initial state's included, and leaves its claim", () => {
    const { v, t, budget } = level1();
    const s = claim(t, 9, 9, claimOf(0), claimOf(0), budget);
    expect(s).toBeGreaterThanOrEqual(0);
    // the next level starts at id 1: claims below claimOf(1) are earlier levels'
    expect(claim(t, 9, 9, claimOf(1), claimOf(1), budget)).toBe(NOT_NEW);
    expect(claimAt(t, s)).toBe(claimOf(0));
    expect(claim(t, 1, 1, claimOf(1), claimOf(1), budget)).toBe(NOT_NEW);
    expect(claim(t, 1, 1, claimOf(0), claimOf(0), budget)).toBe(NOT_NEW);
    expect(v.has(1, 1)).toBe(true);
    expect(v.has(9, 9)).toBe(true);
    expect(v.has(9, 8)).toBe(false);
  });

  it('keeps the all-zero fingerprint apart, with the same claims', () => {
    const { v, t, budget } = level1();
    const level = claimOf(0);
    expect(v.has(0, 0)).toBe(false);
    expect(claim(t, 0, 0, claimOf(4), level, budget)).toBe(zeroSlot(t));
    expect(claim(t, 0, 0, claimOf(6), level, budget)).toBe(NOT_NEW);
    expect(claim(t, 0, 0, claimOf(2), level, budget)).toBe(zeroSlot(t));
    expect(claimAt(t, zeroSlot(t))).toBe(claimOf(2));
    expect(claim(t, 0, 0, claimOf(9), claimOf(9), budget)).toBe(NOT_NEW);
    budget.giveBack(t);
    expect(v.used).toBe(2);
    expect(v.has(0, 0)).toBe(true);
    expect(slotOf(t, 0, 0)).toBe(zeroSlot(t));
    // a fingerprint with one zero half is an ordinary one
    expect(claim(t, 0, 5, claimOf(1), level, budget)).not.toBe(zeroSlot(t));
    expect(claim(t, 5, 0, claimOf(1), level, budget)).toBeGreaterThanOrEqual(0);
    expect(slotOf(t, 0, 5)).not.toBe(slotOf(t, 5, 0));
  });

  it('finds the table full past seven eighths, writing nothing, and gives back what a thread did not fill', () => {
    const v = new ConcurrentVisitedSet(16);
    expect(v.capacity).toBe(16);
    const t = v.beginRound();
    const budget = new SlotBudget();
    const got: number[] = [];
    for (let k = 1; k <= 14; k++) got.push(claim(t, k, k * 7, claimOf(0), claimOf(0), budget));
    expect(got.every((s) => s >= 0)).toBe(true);
    expect(new Set(got).size).toBe(14);
    expect(v.full).toBe(false);
    expect(claim(t, 99, 99, claimOf(0), claimOf(0), budget)).toBe(TABLE_FULL);
    expect(v.full).toBe(true);
    expect(slotOf(t, 99, 99)).toBe(-1);
    // a fingerprint already there is still found
    expect(claim(t, 3, 21, claimOf(0), claimOf(0), budget)).toBe(got[2]);
    budget.giveBack(t);
    expect(v.used).toBe(14);
    // a new round clears the flag; growing makes room
    v.beginRound();
    expect(v.full).toBe(false);
    v.reserve(10);
    expect(v.capacity).toBe(32);
    expect((v.used + 10) * 4).toBeLessThanOrEqual(v.capacity * 3);
  });

  it('a budget takes a block at a time, and only what is left below the limit', () => {
    const v = new ConcurrentVisitedSet(1 << 12);
    const t = v.beginRound();
    const a = new SlotBudget();
    expect(a.take(t)).toBe(true);
    expect(a.left).toBe(256);
    expect(v.used).toBe(256);
    a.left = 10; // 246 filled
    a.giveBack(t);
    expect(v.used).toBe(246);
    expect(a.left).toBe(0);
    const small = new ConcurrentVisitedSet(16);
    const ts = small.beginRound();
    const b = new SlotBudget();
    expect(b.take(ts)).toBe(true);
    expect(b.left).toBe(14);
    expect(b.take(ts)).toBe(false);
    expect(small.full).toBe(true);
  });
});

describe('growth', () => {
  it('keeps every fingerprint with its claim, and bumps the generation', () => {
    const v = new ConcurrentVisitedSet(16);
    expect(v.insert(7, 7, -1, 0)).toBe(0);
    expect(v.insert(7, 7, -1, 1)).toBe(-1);
    const t = v.beginRound();
    const budget = new SlotBudget();
    const fps = [[1, 2], [3, 4], [5, 6], [0, 8], [9, 0], [0, 0]] as const;
    fps.forEach(([h, l], j) => expect(claim(t, h, l, claimOf(10 + j), claimOf(10), budget)).toBeGreaterThanOrEqual(0));
    budget.giveBack(t);
    const bytes = v.bytes;
    v.grow();
    v.grow();
    const g = v.claimTable();
    expect(g.gen).toBe(t.gen + 2);
    expect(v.capacity).toBe(64);
    expect(v.bytes).toBeGreaterThan(bytes);
    fps.forEach(([h, l], j) => expect(claimAt(g, slotOf(g, h, l)), `${h},${l}`).toBe(claimOf(10 + j)));
    expect(claimAt(g, slotOf(g, 7, 7))).toBe(1);
    expect(v.used).toBe(7);
    expect(v.size).toBe(1);
    expect(v.pathTo(0)).toEqual([0]);
  });

  it('says when it will grow, and takes its states only from claims and links', () => {
    const v = new ConcurrentVisitedSet(16);
    expect(v.upcomingBytes(12)).toBe(0);
    expect(v.upcomingBytes(13)).toBe(32 * 3 * 4); // the doubled table
    expect(() => v.insert(1, 2, 0, 0)).toThrow('a concurrent visited set takes its states from claim() and link()');
    expect(v.link(-1, 3)).toBe(0);
    expect(v.link(0, 5)).toBe(1);
    expect(v.pathTo(1)).toEqual([3, 5]);
  });
});
