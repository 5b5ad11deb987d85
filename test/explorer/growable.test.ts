/**
 * Shared arrays grow in place where no address-space limit forbids the
 * reservation (explorer/search/growable.ts): the buffer and its view stay
 * the same objects, so no thread is left holding an old table or frontier.
 * Unshared ones, and shared ones under a limit, move to a new buffer.
 */
import { describe, expect, it } from 'vitest';
import { GrowableInt32, GrowableUint32, GrowableUint8 } from '../../explorer/search/growable.js';
import { addressSpaceLimit } from '../../explorer/search/limits.js';
import { VisitedSet, probe } from '../../explorer/search/visited.js';

const inPlace = addressSpaceLimit() === undefined;

describe('growable arrays', () => {
  it(`a shared one ${inPlace ? 'grows in place' : 'moves (an address-space limit is set)'}, keeping its contents`, () => {
    for (const g of [new GrowableUint32(4, true), new GrowableInt32(4, true), new GrowableUint8(4, true)]) {
      expect(g.inPlace).toBe(inPlace);
      const buffer = g.buffer;
      const view = g.view;
      for (let i = 0; i < 4; i++) g.view[i] = i + 1;
      g.ensure(5);
      expect(g.view.length).toBe(8);
      expect([...g.view]).toEqual([1, 2, 3, 4, 0, 0, 0, 0]);
      expect(g.buffer === buffer).toBe(inPlace);
      // A fixed-length view, made again: a length-tracking one is slow in V8.
      expect(g.view).not.toBe(view);
      expect(view.length).toBe(4);
      g.ensure(3);
      expect(g.view.length).toBe(8);
      g.ensure(20, true);
      expect(g.view.length).toBe(20);
    }
  });

  it('an unshared one moves to a new buffer and leaves the old view intact', () => {
    const g = new GrowableUint32(2, false);
    expect(g.inPlace).toBe(false);
    g.view[0] = 7;
    const old = g.view;
    g.ensure(3);
    expect(g.view).not.toBe(old);
    expect([...old]).toEqual([7, 0]);
    expect([...g.view]).toEqual([7, 0, 0, 0]);
  });

  it('a shared visited set keeps every fingerprint through its doublings, in one buffer where it grows in place', () => {
    const v = new VisitedSet(16, true);
    const first = v.view().slots.buffer;
    const fps: [number, number][] = [];
    for (let i = 1; i <= 5000; i++) fps.push([Math.imul(i, 0x9e3779b1) >>> 0, Math.imul(i, 0x85ebca77) >>> 0]);
    fps.forEach(([hi, lo], i) => expect(v.insert(hi, lo, i - 1, 0)).toBe(i));
    expect(v.capacity).toBeGreaterThan(4096);
    expect(v.view().slots.buffer === first).toBe(inPlace);
    for (const [hi, lo] of fps) {
      expect(probe(v.view(), hi, lo)).toBe(true);
      expect(v.insert(hi, lo, 0, 0)).toBe(-1);
    }
    expect(probe(v.view(), 1, 2)).toBe(false);
    expect(v.size).toBe(5000);
  });
});
