/**
 * Random walks (Quint's simulator loop): each run picks an initial state and
 * then one enabled action after another, checking invariants at every step.
 * Run i is driven by seedrandom seeded with "<seed>/<i>", so any run can be
 * repeated from the seed alone, and shards split the runs without overlap.
 *
 * Swarm testing (Groce et al.): with `swarm`, each run draws its own weight per
 * action kind, so different runs stress different mixes of operations.
 */
import seedrandom from 'seedrandom';
import { Checker, type Finding } from './checker.js';
import { Encoder } from './fingerprint.js';
import type { Invariant } from '../invariant.js';
import type { Model } from '../model.js';
import type { TraceStep } from '../traces/trace.js';
import type { ExploreResult, Violation } from './bfs.js';
import { collisionProbability } from './fingerprint.js';
import { VisitedSet } from './visited.js';
import type { CoverageSink } from './coverage.js';
import type { WalkProgress } from '../cli/progress.js';
import type { Partial } from './stoppable.js';

export interface RandomOptions {
  seed: number;
  runs: number;
  walkLength: number;
  /** Per-run random weights per action kind. */
  swarm?: boolean;
  /** Only runs i with i % shardCount === shardIndex. */
  shardIndex?: number;
  shardCount?: number;
  continueAfterViolation?: boolean;
  timeLimitMs?: number;
  shouldStop?: () => string | undefined;
  /** Counts each step and each state not seen before per action kind (--coverage). */
  coverage?: CoverageSink;
  /** Called about once a second (every `progressEveryMs`), before a walk and inside a long one. */
  onProgress?: (p: WalkProgress) => void;
  /** Milliseconds between two onProgress calls (default 1000; 0: at every poll). */
  progressEveryMs?: number;
  /** Given the closure that builds the result as it stands, for a search ended from outside (explorer/search/stoppable.ts). */
  partial?: Partial<RandomResult<unknown, unknown>>;
}

export interface RandomResult<S, A> extends ExploreResult<S, A> {
  /** The seed the runs were drawn from (run i uses "<seed>/<i>"). */
  seed: number;
  runs: number;
  steps: number;
  /** For each violation, the run that found it (replay with --seed and this run). */
  violatingRuns: number[];
}

/** Picks index j of `acts` with probability proportional to weight(kind(acts[j])). */
function pickWeighted<A>(acts: readonly A[], rng: () => number, weight: (a: A) => number): number {
  let total = 0;
  for (const a of acts) total += weight(a);
  let r = rng() * total;
  for (let j = 0; j < acts.length; j++) {
    r -= weight(acts[j]!);
    if (r < 0) return j;
  }
  return acts.length - 1;
}

/** Steps between two polls of the bounds inside one walk (a power of two). */
export const STOP_POLL = 1024;

/** One walk; returns the violation it hit, if any, as a trace. */
export function walk<S, A>(
  model: Model<S, A>,
  checker: Checker<S, A>,
  rng: () => number,
  walkLength: number,
  weight: ((a: A) => number) | undefined,
  onState?: (s: S, a?: A) => void,
  /**
   * Polled every STOP_POLL steps inside the walk with the steps taken so far
   * in it; a reason ends it (time, memory, Ctrl-C).
   */
  stop?: (stepsInWalk: number) => string | undefined,
): { finding?: Finding; trace: TraceStep<S, A>[]; steps: number; stoppedBy?: string } {
  const inits = model.initStates();
  let s: S = inits[Math.floor(rng() * inits.length)]!;
  const trace: TraceStep<S, A>[] = [{ state: s }];
  checker.observe(undefined, undefined, s);
  onState?.(s);
  let f = checker.checkState(s);
  if (f) return { finding: f, trace, steps: 0 };
  for (let step = 0; step < walkLength; step++) {
    if (stop && (step & (STOP_POLL - 1)) === STOP_POLL - 1) {
      const why = stop(step);
      if (why !== undefined) return { trace, steps: step, stoppedBy: why };
    }
    const acts = model.actions(s);
    f = checker.checkEnd(s, acts.length);
    if (f) return { finding: f, trace, steps: step };
    if (acts.length === 0) return { trace, steps: step };
    const j = weight ? pickWeighted(acts, rng, weight) : Math.floor(rng() * acts.length);
    const a = acts[j]!;
    const n = model.nextState(s, a);
    trace.push({ action: a, state: n });
    checker.observe(s, a, n);
    onState?.(n, a);
    f = checker.checkStep(s, a, n) ?? checker.checkState(n);
    if (f) return { finding: f, trace, steps: step + 1 };
    s = n;
  }
  return { trace, steps: walkLength };
}

export function randomWalks<S, A>(
  model: Model<S, A>,
  invariants: readonly Invariant<S, A>[],
  opts: RandomOptions,
): RandomResult<S, A> {
  const start = performance.now();
  const checker = new Checker(model, invariants);
  const seen = new VisitedSet();
  const enc = new Encoder();
  const violations: Violation<S, A>[] = [];
  const violatingRuns: number[] = [];
  const shardCount = opts.shardCount ?? 1;
  const shardIndex = opts.shardIndex ?? 0;
  const deadline = opts.timeLimitMs === undefined ? Infinity : start + opts.timeLimitMs;
  const kindOf = model.actionKind?.bind(model);
  let runs = 0, steps = 0, transitions = 0, depth = 0;
  let stoppedBy: string | undefined;
  const cov = opts.coverage;
  const onState = (s: S, a?: A) => {
    enc.reset();
    model.encode(s, enc);
    enc.hash();
    const fresh = seen.insert(enc.hi, enc.lo, -1, 0) >= 0;
    if (a !== undefined) inWalk++;
    if (cov && a !== undefined) cov.count(cov.idOf(a), fresh);
  };
  /** Steps of the walk under way (the partial result counts them). */
  let inWalk = 0;
  const ofRuns = shardIndex < opts.runs ? Math.ceil((opts.runs - shardIndex) / shardCount) : 0;
  let lastProgress = start;
  const stop = (stepsInWalk = 0): string | undefined => {
    const now = performance.now();
    if (opts.onProgress && now - lastProgress >= (opts.progressEveryMs ?? 1000)) {
      lastProgress = now;
      opts.onProgress({ runs, ofRuns, steps: steps + stepsInWalk, seconds: (now - start) / 1000, distinctStates: seen.size });
    }
    return now > deadline ? 'time-limit' : opts.shouldStop?.();
  };
  /** The result as it stands (at the end, or when the search is ended from outside). */
  const finish = (): RandomResult<S, A> => {
    const seconds = (performance.now() - start) / 1000;
    const result: RandomResult<S, A> = {
      result: violations.length > 0 ? 'violation' : stoppedBy ? 'incomplete' : 'ok',
      distinctStates: seen.size,
      transitions,
      depth,
      seconds,
      statesPerSecond: seconds > 0 ? Math.round(steps / seconds) : 0,
      collisionProbability: collisionProbability(seen.size),
      violations,
      witnesses: checker.witnesses(),
      seed: opts.seed,
      runs,
      steps,
      violatingRuns,
    };
    if (stoppedBy) result.stoppedBy = stoppedBy;
    return result;
  };
  if (opts.partial) {
    opts.partial.result = (reason) => {
      stoppedBy ??= reason;
      steps += inWalk;
      transitions += inWalk;
      depth = Math.max(depth, inWalk);
      return finish() as RandomResult<unknown, unknown>;
    };
  }
  for (let i = shardIndex; i < opts.runs; i += shardCount) {
    const reason = stop();
    if (reason !== undefined) { stoppedBy = reason; break; }
    const rng = seedrandom(`${opts.seed}/${i}`);
    let weight: ((a: A) => number) | undefined;
    if (opts.swarm && kindOf) {
      const weights = new Map<string, number>();
      weight = (a: A) => {
        const k = kindOf(a);
        let w = weights.get(k);
        if (w === undefined) weights.set(k, (w = rng() < 0.2 ? 0.05 : rng()));
        return w;
      };
    }
    inWalk = 0;
    const w = walk(model, checker, rng, opts.walkLength, weight, onState, stop);
    inWalk = 0;
    if (w.stoppedBy !== undefined) stoppedBy = w.stoppedBy;
    runs++;
    steps += w.steps;
    transitions += w.steps;
    depth = Math.max(depth, w.steps);
    if (w.finding) {
      violations.push({ ...w.finding, trace: w.trace });
      violatingRuns.push(i);
      checker.violated.add(w.finding.invariant);
      if (!opts.continueAfterViolation) break;
    }
    if (stoppedBy !== undefined) break;
  }
  return finish();
}
