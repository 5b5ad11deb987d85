import { describe, expect, it } from 'vitest';
import { randomWalks } from '../../explorer/search/random.js';
import { pbtSearch } from '../../explorer/search/pbt.js';
import { LostUpdateModel, lostUpdateInvariants } from '../../model/classic/lost-update.js';
import { CounterModel, below, endsEven } from '../fixtures/counter.js';

const buggy = () => new LostUpdateModel({ threads: 2, irqs: 3 }, false);
const fixed = () => new LostUpdateModel({ threads: 2, irqs: 3 }, true);
const labels = (t: readonly { action?: unknown }[], m: LostUpdateModel) =>
  t.slice(1).map((s) => `${m.process(s.action as never)} ${m.label(s.action as never)}`);

describe('random walks', () => {
  it('find the lost update and repeat exactly for the same seed', () => {
    const a = randomWalks(buggy(), lostUpdateInvariants, { seed: 7, runs: 100, walkLength: 20 });
    const b = randomWalks(buggy(), lostUpdateInvariants, { seed: 7, runs: 100, walkLength: 20 });
    expect(a.result).toBe('violation');
    expect(labels(a.violations[0]!.trace, buggy())).toEqual(labels(b.violations[0]!.trace, buggy()));
    expect(a.violatingRuns).toEqual(b.violatingRuns);
    expect(a.steps).toBe(b.steps);
  });

  it('differ for another seed, and pass on the fixed model', () => {
    const runs = [1, 2, 3, 4, 5].map((seed) => randomWalks(buggy(), lostUpdateInvariants, { seed, runs: 50, walkLength: 20 }));
    expect(new Set(runs.map((r) => r.steps)).size).toBeGreaterThan(1);
    const ok = randomWalks(fixed(), lostUpdateInvariants, { seed: 1, runs: 50, walkLength: 20 });
    expect(ok.result).toBe('ok');
    expect(ok.runs).toBe(50);
    expect(ok.witnesses[0]!.reached).toBe(true);
  });

  it('split runs across shards without overlap, and weight actions per run with --swarm', () => {
    const all = randomWalks(fixed(), lostUpdateInvariants, { seed: 3, runs: 40, walkLength: 10 });
    const s0 = randomWalks(fixed(), lostUpdateInvariants, { seed: 3, runs: 40, walkLength: 10, shardIndex: 0, shardCount: 2 });
    const s1 = randomWalks(fixed(), lostUpdateInvariants, { seed: 3, runs: 40, walkLength: 10, shardIndex: 1, shardCount: 2 });
    expect(s0.runs + s1.runs).toBe(all.runs);
    expect(s0.steps + s1.steps).toBe(all.steps);
    const sw = randomWalks(buggy(), lostUpdateInvariants, { seed: 3, runs: 200, walkLength: 20, swarm: true });
    expect(sw.result).toBe('violation');
  });

  it('check progress at the end of a walk, and stop at the time limit', () => {
    const r = randomWalks(new CounterModel(3), [endsEven], { seed: 1, runs: 10, walkLength: 10 });
    expect(r.violations[0]!.kind).toBe('progress');
    const t = randomWalks(new CounterModel(1e9), [below(1e9)], { seed: 1, runs: 1e6, walkLength: 1000, timeLimitMs: 5 });
    expect(t.result).toBe('incomplete');
    const s = randomWalks(new CounterModel(10), [], { seed: 1, runs: 10, walkLength: 5, shouldStop: () => 'interrupt' });
    expect(s.stoppedBy).toBe('interrupt');
  });
});

describe('property-based search', () => {
  it('shrinks the lost update to the 4-step interleaving with no interrupt noise', () => {
    const r = pbtSearch(buggy(), lostUpdateInvariants, { seed: 42, runs: 200, walkLength: 30 });
    expect(r.result).toBe('violation');
    const trace = labels(r.violations[0]!.trace, buggy());
    // Minimal: 4 steps, both loads before both stores, no interrupt noise.
    expect(trace).toHaveLength(4);
    expect(trace.filter((l) => l.startsWith('IRQ'))).toEqual([]);
    expect(trace.slice(0, 2).every((l) => l.endsWith('tmp = x'))).toBe(true);
    expect(r.shrinks).toBeGreaterThan(0);
    expect(r.unshrunkLength).toBeGreaterThanOrEqual(4);
    expect(r.path).toMatch(/^\d+(:\d+)*$/);
  });

  it('repeats exactly for the same seed, and replays from seed and path', () => {
    const a = pbtSearch(buggy(), lostUpdateInvariants, { seed: 9, runs: 200, walkLength: 30 });
    const b = pbtSearch(buggy(), lostUpdateInvariants, { seed: 9, runs: 200, walkLength: 30 });
    expect(a.path).toBe(b.path);
    expect(a.shrinks).toBe(b.shrinks);
    const replay = pbtSearch(buggy(), lostUpdateInvariants, { seed: 9, runs: 200, walkLength: 30, path: a.path! });
    expect(labels(replay.violations[0]!.trace, buggy())).toEqual(labels(a.violations[0]!.trace, buggy()));
  });

  it('passes on the fixed model and finds progress failures', () => {
    expect(pbtSearch(fixed(), lostUpdateInvariants, { seed: 1, runs: 50, walkLength: 20 }).result).toBe('ok');
    const p = pbtSearch(new CounterModel(3), [endsEven], { seed: 1, runs: 50, walkLength: 10 });
    expect(p.violations[0]!.kind).toBe('progress');
  });
});

describe('random reports', () => {
  it('carry their seed', () => {
    expect(randomWalks(fixed(), lostUpdateInvariants, { seed: 7, runs: 2, walkLength: 5 }).seed).toBe(7);
  });
});
