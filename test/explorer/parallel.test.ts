import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/search/bfs.js';
import { batchEnd, exploreParallel, workersForLoad } from '../../explorer/search/parallel.js';
import { newInt32, withRoom } from '../../explorer/search/batch.js';
import { modelFactoryUrl } from '../../explorer/cli/model-factory.js';
import { Encoder } from '../../explorer/search/fingerprint.js';
import { ObjtableModel } from '../../bench/objtable.js';
import { objtableInvariants } from '../../bench/objtable-invariants.js';
import { LostUpdateModel, lostUpdateInvariants } from '../../model/classic/lost-update.js';
import { TwoPhaseModel, twoPhaseInvariants } from '../../model/classic/twophase.js';
import type { Model } from '../../explorer/model.js';

/** decode(encode(s)) encodes to the same words, for every reachable state. */
function roundTrips<S, A>(m: Model<S, A>): boolean {
  const a = new Encoder();
  const b = new Encoder();
  const seen = new Set<string>();
  const todo = [...m.initStates()];
  while (todo.length) {
    const s = todo.pop()!;
    a.reset();
    m.encode(s, a);
    const key = a.words().join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    b.reset();
    m.encode(m.decode!(a.buf.subarray(0, a.len)), b);
    if (b.words().join(',') !== key) return false;
    for (const act of m.actions(s)) todo.push(m.nextState(s, act));
  }
  return true;
}

const strip = <T extends { seconds: number; statesPerSecond: number }>(r: T) => ({ ...r, seconds: 0, statesPerSecond: 0 });

describe('packed encodings decode', () => {
  it('objtable, twophase and lost-update round-trip', () => {
    expect(roundTrips(new ObjtableModel({ P: 3, K: 3, M: 2 }))).toBe(true);
    expect(roundTrips(new TwoPhaseModel({ rms: 3 }))).toBe(true);
    expect(roundTrips(new LostUpdateModel({ threads: 3, irqs: 2 }, false))).toBe(true);
  });
});

describe('parallel search', () => {
  for (const [P, K, M] of [[3, 3, 2], [4, 3, 2], [4, 4, 4]] as const) {
    it(`objtable ${P},${K},${M}: the sequential result with 1, 2 and 3 workers`, () => {
      const scope = { P, K, M };
      const seq = strip(explore(new ObjtableModel(scope), objtableInvariants(scope)));
      for (const w of [1, 2, 3]) {
        const par = strip(exploreParallel(new ObjtableModel(scope), objtableInvariants(scope), { factory: modelFactoryUrl(), modelName: 'bench', scope, variant: {} }, w));
        expect(par).toEqual(seq);
      }
    });
  }

  it('finds the same shortest counterexample as the sequential search', () => {
    for (const locked of [false, true]) {
      const variant = { lock: locked ? 'on' : 'off' };
      const scope = { threads: 3, irqs: 3 };
      const seq = strip(explore(new LostUpdateModel(scope, locked), lostUpdateInvariants));
      for (const w of [1, 2]) {
        const par = strip(exploreParallel(new LostUpdateModel(scope, locked), lostUpdateInvariants, { factory: modelFactoryUrl(), modelName: 'lostupdate', scope, variant }, w));
        expect(par).toEqual(seq);
      }
    }
  });

  it('with --continue, a depth bound and a state bound, as the sequential search', () => {
    const scope = { rms: 3 };
    const m = () => new TwoPhaseModel(scope);
    const src = { factory: modelFactoryUrl(), modelName: 'twophase', scope, variant: {} };
    for (const opts of [{ continueAfterViolation: true }, { maxDepth: 4 }, { maxStates: 100 }]) {
      expect(strip(exploreParallel(m(), twoPhaseInvariants, src, 2, opts))).toEqual(strip(explore(m(), twoPhaseInvariants, opts)));
    }
  });

  it('fails loudly when a worker loses a source state or a whole batch (not a quieter verdict)', () => {
    const scope = { P: 3, K: 3, M: 2 };
    const url = new URL('../fixtures/lossy-worker.mjs', import.meta.url);
    const good = exploreParallel(new ObjtableModel(scope), objtableInvariants(scope), { factory: modelFactoryUrl(), modelName: 'bench', scope, variant: {} }, 2);
    expect(good.result).toBe('ok');
    for (const LOSE of ['last', 'batch']) {
      const src = { factory: modelFactoryUrl(), modelName: 'bench', scope, variant: { LOSE } };
      expect(() => exploreParallel(new ObjtableModel(scope), objtableInvariants(scope), src, 2, {}, url)).toThrow(/parallel search lost states: batch 0 of depth 0 \(states 0\.\.0\) returned \d+ words and \d+ bytes, and \d+ and \d+ were read/);
    }
  }, 600_000);

  it('with a slow worker (this thread expands batches ahead of the one it inserts next), as the sequential search', () => {
    // 100,000 states stop the search within a level of many batches, so the
    // states found before the bound, the transitions counted and the frontier
    // left depend on the order of insertion.
    const scope = { P: 5, K: 4, M: 4 };
    const m = () => new ObjtableModel(scope);
    const url = new URL('../fixtures/slow-worker.mjs', import.meta.url);
    for (const opts of [{ maxStates: 100_000 }, { maxDepth: 9 }]) {
      const seq = strip(explore(m(), objtableInvariants(scope), opts));
      for (const w of [2, 3]) {
        const src = { factory: modelFactoryUrl(), modelName: 'bench', scope, variant: { SLOW: '20' } };
        expect(strip(exploreParallel(m(), objtableInvariants(scope), src, w, opts, url)), `${w} workers, ${JSON.stringify(opts)}`).toEqual(seq);
      }
    }
  }, 600_000);

  it('stops when asked, and reports a worker failure as an error', () => {
    const scope = { P: 4, K: 3, M: 2 };
    const r = exploreParallel(new ObjtableModel(scope), [], { factory: modelFactoryUrl(), modelName: 'bench', scope, variant: {} }, 2, { shouldStop: () => 'interrupt' });
    expect(r.result).toBe('incomplete');
    expect(r.stoppedBy).toBe('interrupt');
    expect(() => exploreParallel(new ObjtableModel(scope), [], { factory: modelFactoryUrl(), modelName: 'nosuch', scope, variant: {} }, 2)).toThrow(/worker 0: no model "nosuch"/);
  });
});

describe('the default worker count (cores, 1-minute load average)', () => {
  // [cores, 1-minute load average, workers]
  const TABLE: [string, [number, number, number][]][] = [
    ['is every core on an idle machine, and one beside another busy process on 2 cores', [
      [2, 0, 2], [2, 0.1, 2], [2, 0.25, 2], [2, 0.3, 1], [2, 1, 1], [2, 1.01, 1], [2, 9.5, 1],
    ]],
    ['counts the cores the load leaves idle on a bigger machine, and never more than the cores or fewer than one', [
      [8, 2.2, 6], [8, 2.3, 5], [8, 0, 8], [8, 7.9, 1], [8, 40, 1], [1, 0, 1], [1, 3, 1],
    ]],
  ];
  for (const [title, rows] of TABLE) {
    it(title, () => {
      for (const [cores, load, workers] of rows) expect(workersForLoad(cores, load), `${cores} cores, load ${load}`).toBe(workers);
    });
  }

  it('takes a load average that is missing or nonsense as none', () => {
    expect(workersForLoad(4, Number.NaN)).toBe(4);
    expect(workersForLoad(4, -1)).toBe(4);
    expect(workersForLoad(4, Number.POSITIVE_INFINITY)).toBe(4);
  });
});

describe('batches of a level (guided: large while much is left, small at the end)', () => {
  const batches = (n: number, workers: number): number[] => {
    const sizes: number[] = [];
    for (let from = 0; from < n; ) {
      const to = batchEnd(n, from, workers);
      expect(to, `n ${n}, from ${from}`).toBeGreaterThan(from);
      sizes.push(to - from);
      from = to;
    }
    return sizes;
  };

  it('cover the level exactly, in batches of 64 to 2048 states (the last may be smaller)', () => {
    for (const n of [1, 63, 64, 65, 2047, 2048, 2049, 100_000, 1_234_567]) {
      for (const workers of [2, 3, 8]) {
        const sizes = batches(n, workers);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
        expect(Math.max(...sizes)).toBeLessThanOrEqual(2048);
        expect(Math.min(...sizes.slice(0, -1), 64)).toBe(64);
      }
    }
  });

  it('a level of 100,000 states on 2 threads: 2048 at first, shrinking towards the end, 64 at the last', () => {
    const sizes = batches(100_000, 2);
    expect(sizes[0]).toBe(2048);
    // From 8 × 2048 states left on, each batch takes an eighth of what is left.
    const tail = sizes.slice(sizes.findIndex((s) => s < 2048));
    for (let i = 1; i < tail.length; i++) expect(tail[i]!).toBeLessThanOrEqual(tail[i - 1]!);
    expect(tail.at(-2)).toBe(64);
    expect(sizes.length).toBeLessThan(100_000 / 2048 + 40);
  });
});

describe("a reply's growing buffers (withRoom)", () => {
  it('keeps the array while n more fit, else copies what is used to one at least twice the size that holds them', () => {
    const a = Int32Array.of(1, 2, 3, 4);
    expect(withRoom(a, 2, 2, newInt32)).toBe(a);
    const b = withRoom(a, 3, 2, newInt32);
    expect(b.length).toBe(16);
    expect(Array.from(b.subarray(0, 4))).toEqual([1, 2, 3, 0]);
    const c = withRoom(b, 16, 100, newInt32);
    expect(c.length).toBe(128);
    expect(Array.from(c.subarray(0, 3))).toEqual([1, 2, 3]);
  });
});
