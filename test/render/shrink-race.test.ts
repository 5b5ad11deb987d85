import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/search/bfs.js';
import { Checker } from '../../explorer/search/checker.js';
import type { Invariant } from '../../explorer/invariant.js';
import type { Model } from '../../explorer/model.js';
import { findRace } from '../../explorer/traces/race.js';
import { randomWalks } from '../../explorer/search/random.js';
import { keysOf } from '../../explorer/traces/reexecute.js';
import { shrinkTrace } from '../../explorer/traces/shrink.js';
import { contextSwitches } from '../../explorer/traces/trace.js';
import { LostUpdateModel, lostUpdateInvariants } from '../../model/classic/lost-update.js';
import { PreserveRaceModel, blobCountMatches } from '../fixtures/preserve-race.js';

/** The fewest context switches of any trace of exactly `len` steps whose first violation of `id` is at its end. */
function bruteMinSwitches<S, A>(model: Model<S, A>, invs: readonly Invariant<S, A>[], id: string, len: number): number {
  const checker = new Checker(model, invs.filter((i) => i.id === id));
  let best = Infinity;
  const go = (s: S, depth: number, last: string | undefined, sw: number) => {
    if (sw >= best) return;
    for (const a of model.actions(s)) {
      const n = model.nextState(s, a);
      const p = model.process(a);
      const cost = sw + (last !== undefined && last !== p ? 1 : 0);
      const f = checker.checkStep(s, a, n) ?? checker.checkState(n);
      if (f) {
        if (depth + 1 === len && f.invariant === id) best = Math.min(best, cost);
        continue;
      }
      if (depth + 1 < len) go(n, depth + 1, p, cost);
    }
  };
  go(model.initStates()[0]!, 0, undefined, 0);
  return best;
}

const lu = () => new LostUpdateModel({ threads: 2, irqs: 3 }, false);
const show = <S, A>(m: Model<S, A>, t: readonly { action?: A }[]) => t.slice(1).map((s) => `${m.process(s.action!)}: ${m.label(s.action!)}`);

describe('shrinking by re-execution', () => {
  it('shrinks a long random walk of the lost update to 4 steps and the fewest switches', () => {
    const m = lu();
    const r = randomWalks(m, lostUpdateInvariants, { seed: 3, runs: 200, walkLength: 40 });
    const v = r.violations[0]!;
    expect(v.trace.length - 1).toBe(7);
    const sh = shrinkTrace(m, lostUpdateInvariants, v.invariant, v.trace)!;
    expect(sh.before.length).toBe(v.trace.length - 1);
    expect(sh.trace.length - 1).toBe(4);
    expect(show(m, sh.trace).some((l) => l.startsWith('IRQ'))).toBe(false);
    expect(contextSwitches(m, sh.trace)).toBe(bruteMinSwitches(m, lostUpdateInvariants, 'no-lost-update', 4));
    expect(contextSwitches(m, sh.trace)).toBe(2);
    expect(sh.switchesMinimal).toBe(true);
  });

  it('keeps the exhaustive length and lowers its context switches where an equally short trace has fewer', () => {
    const m = lu();
    const v = explore(m, lostUpdateInvariants).violations[0]!;
    expect(contextSwitches(m, v.trace)).toBe(3);
    const sh = shrinkTrace(m, lostUpdateInvariants, v.invariant, v.trace)!;
    expect(sh.trace.length).toBe(v.trace.length);
    expect(sh.before).toEqual({ length: 4, contextSwitches: 3 });
    expect(contextSwitches(m, sh.trace)).toBe(2);
  });

  it('gives the count race its minimal context switches', () => {
    const m = new PreserveRaceModel(false);
    const v = explore(m, [blobCountMatches]).violations[0]!;
    const sh = shrinkTrace(m, [blobCountMatches], v.invariant, v.trace)!;
    expect(sh.trace.length).toBe(v.trace.length);
    expect(contextSwitches(m, sh.trace)).toBe(bruteMinSwitches(m, [blobCountMatches], 'blob-count-matches', v.trace.length - 1));
  });

  it('returns undefined for a trace that does not violate the invariant', () => {
    const m = new LostUpdateModel({ threads: 2, irqs: 3 }, true);
    const t = [{ state: m.initStates()[0]! }];
    expect(shrinkTrace(m, lostUpdateInvariants, 'no-lost-update', t)).toBeUndefined();
  });
});

describe('the race, named by re-execution', () => {
  it('names a load and the other thread\'s store for the lost update', () => {
    const m = lu();
    const v = explore(m, lostUpdateInvariants).violations[0]!;
    const sh = shrinkTrace(m, lostUpdateInvariants, v.invariant, v.trace)!;
    const race = findRace(m, lostUpdateInvariants, 'no-lost-update', sh.trace)!;
    const keys = keysOf(m, sh.trace);
    const a = keys[race.first - 1]!, b = keys[race.second - 1]!;
    expect(a.process).not.toBe(b.process);
    expect([a.label, b.label].sort()).toEqual(['tmp = x', 'x = tmp + 1']);
    expect(race.why).toMatch(/no-lost-update holds/);
  });

  it('names the preserve count step and the destroy for the count race', () => {
    const m = new PreserveRaceModel(false);
    const v = explore(m, [blobCountMatches]).violations[0]!;
    const sh = shrinkTrace(m, [blobCountMatches], v.invariant, v.trace)!;
    const race = findRace(m, [blobCountMatches], 'blob-count-matches', sh.trace)!;
    const keys = keysOf(m, sh.trace);
    expect(keys[race.first - 1]!.label).toMatch(/P1: count marked HWPTs/);
    expect(keys[race.second - 1]!.label).toBe('IOMMU_DESTROY h1');
  });

  it('finds no race in a trace of one process', () => {
    const m = new PreserveRaceModel(false);
    const v = explore(m, [blobCountMatches]).violations[0]!;
    expect(findRace(m, [blobCountMatches], 'blob-count-matches', v.trace.slice(0, 3))).toBeUndefined();
  });
});
