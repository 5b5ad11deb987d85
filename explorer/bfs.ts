/**
 * Exhaustive breadth-first search. Level by level, so the first violation of
 * each invariant is reached by a shortest path; visited states are kept as
 * 64-bit fingerprints with a parent link and an action index, and the trace is
 * rebuilt by replay.
 *
 * Counts: `distinctStates` includes the initial states; `transitions` counts
 * every successor generated, duplicates included (the "edges" of
 * shared/bench/BENCH_MODEL.md section 7).
 */
import type { ViolationKind, WitnessResult } from './checker.js';
import type { Invariant } from './invariant.js';
import type { Model } from './model.js';
import type { TraceStep } from './trace.js';
import { SearchRun } from './search-run.js';
import { VisitedSet } from './visited.js';
import { newFrontier } from './frontier.js';
import type { CoverageSink } from './coverage.js';
import type { Partial } from './stoppable.js';

export type { TraceStep } from './trace.js';
export type { WitnessResult } from './checker.js';

export interface ExploreOptions {
  /** Do not expand states at this depth (the initial states are depth 0). */
  maxDepth?: number;
  /** Stop (result "incomplete") once more distinct states than this are found. */
  maxStates?: number;
  /** Stop (result "incomplete") after this many milliseconds. */
  timeLimitMs?: number;
  /** Keep exploring after a violation; report the shortest trace of each violated invariant. */
  continueAfterViolation?: boolean;
  /** Partial-order reduction over the model's independent actions. */
  por?: boolean;
  /** Called about once a second (every `progressEveryMs`) with the running figures. */
  onProgress?: (p: Progress) => void;
  /** Milliseconds between two onProgress calls (default 1000; 0: at every poll). */
  progressEveryMs?: number;
  /** Polled with the figures; returning a reason stops the run as "incomplete" (memory cap, SIGINT). */
  shouldStop?: (p: Progress) => string | undefined;
  /** Counts each transition and each new state per action kind (--coverage). */
  coverage?: CoverageSink;
  /** Given the closure that builds the result as it stands, for a search ended from outside (explorer/stoppable.ts). */
  partial?: Partial<ExploreResult<unknown, unknown>>;
}

export interface Progress {
  distinctStates: number;
  transitions: number;
  depth: number;
  frontier: number;
  seconds: number;
  visitedBytes: number;
  /** Bytes about to be allocated (the visited table doubling soon). */
  upcomingBytes: number;
}

export interface Violation<S, A> {
  invariant: string;
  kind: ViolationKind;
  message: string;
  trace: TraceStep<S, A>[];
}

export interface ExploreResult<S, A> {
  result: 'ok' | 'violation' | 'incomplete';
  distinctStates: number;
  transitions: number;
  /** Depth of the deepest state reached. */
  depth: number;
  seconds: number;
  statesPerSecond: number;
  /** Probability that a fingerprint collision hid a state. */
  collisionProbability: number;
  violations: Violation<S, A>[];
  witnesses: WitnessResult[];
  /** Why the search stopped early ("max-states", "time-limit", ...), or "depth" if the depth bound cut it. */
  stoppedBy?: string;
  /** Deepest level whose successors were all explored, and states left unexpanded, when stopped early. */
  completeDepth?: number;
  frontier?: number;
}

/** States expanded between two polls of the bounds (time, memory, Ctrl-C). */
const POLL = 256;

export function explore<S, A>(
  model: Model<S, A>,
  invariants: readonly Invariant<S, A>[],
  opts: ExploreOptions = {},
): ExploreResult<S, A> {
  const decode = model.decode?.bind(model);
  const run = new SearchRun(model, invariants, opts, new VisitedSet(), newFrontier(decode), newFrontier(decode));
  const { checker, visited, enc } = run;
  // Bounds are polled every POLL states: often enough that slow (e.g. loaded)
  // invariants still stop within a second or two of a bound.
  let nextPoll = POLL;
  const cov = opts.coverage;

  const indep = opts.por && model.independent ? model.independent.bind(model) : undefined;
  /**
   * The ample set {a} of `s`: its first independent action, provided its
   * successor is new (the proviso that keeps an action from being postponed
   * around a cycle forever); -1 to expand `s` fully.
   */
  const ampleAction = (s: S, acts: readonly A[]): number => {
    for (let k = 0; k < acts.length; k++) {
      if (!indep!(acts[k]!)) continue;
      enc.reset();
      model.encode(model.nextState(s, acts[k]!), enc);
      enc.hash();
      return visited.has(enc.hi, enc.lo) ? -1 : k;
    }
    return -1;
  };

  search: while (run.frontier.length > 0 && !run.atDepthBound()) {
    const frontier = run.frontier;
    const next = run.beginLevel();
    for (let i = 0; i < frontier.length; i++) {
      const s = frontier.get(i);
      const id = run.levelStart + i;
      const acts = model.actions(s);
      if (run.recordAll(checker.visit(s, acts.length), id)) break search;
      const only = indep ? ampleAction(s, acts) : -1;
      for (let k = only < 0 ? 0 : only; k < (only < 0 ? acts.length : only + 1); k++) {
        const a = acts[k]!;
        const n = model.nextState(s, a);
        run.transitions++;
        checker.observe(s, a, n);
        if (checker.stepInvs.length > 0) {
          for (const f of checker.checkStepAll(s, a, n)) if (run.record(f, [...visited.pathTo(id), k])) break search;
        }
        enc.reset();
        model.encode(n, enc);
        enc.hash();
        const fresh = visited.insert(enc.hi, enc.lo, id, k) >= 0;
        if (cov) cov.count(cov.idOf(a), fresh);
        if (!fresh) continue;
        next.push(n, enc);
        if (run.overStates()) break search;
      }
      if (--nextPoll <= 0) {
        nextPoll = POLL;
        if (run.poll()) break search;
      }
    }
    run.endLevel(next);
  }
  return run.result();
}
