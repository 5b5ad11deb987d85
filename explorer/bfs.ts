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
import { Checker, type Finding, type ViolationKind, type WitnessResult } from './checker.js';
import { collisionProbability, Encoder } from './fingerprint.js';
import type { Invariant } from './invariant.js';
import type { Model } from './model.js';
import { replayIndices, type TraceStep } from './trace.js';
import { VisitedSet } from './visited.js';
import { newFrontier, type Frontier } from './frontier.js';

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
  /** Called about once a second with the running figures. */
  onProgress?: (p: Progress) => void;
  /** Polled with the figures; returning a reason stops the run as "incomplete" (memory cap, SIGINT). */
  shouldStop?: (p: Progress) => string | undefined;
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

export function explore<S, A>(
  model: Model<S, A>,
  invariants: readonly Invariant<S, A>[],
  opts: ExploreOptions = {},
): ExploreResult<S, A> {
  const start = performance.now();
  const checker = new Checker(model, invariants);
  const visited = new VisitedSet();
  const enc = new Encoder();
  const violations: Violation<S, A>[] = [];
  const maxStates = opts.maxStates ?? Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;
  const deadline = opts.timeLimitMs === undefined ? Infinity : start + opts.timeLimitMs;
  let transitions = 0;
  let depth = 0;
  let stoppedBy: string | undefined;
  let nextPoll = 4096;
  let lastProgress = start;

  /** Records a finding unless its invariant is already violated; true = stop the search. */
  const record = (f: Finding, path: number[]): boolean => {
    if (checker.violated.has(f.invariant)) return false;
    violations.push({ ...f, trace: replayIndices(model, path) });
    checker.violated.add(f.invariant);
    return !opts.continueAfterViolation;
  };

  const decode = model.decode?.bind(model);
  let frontier: Frontier<S> = newFrontier(decode);
  // Two frontiers, swapped level by level, so their buffers are reused.
  let spare: Frontier<S> = newFrontier(decode);
  let levelStart = 0;
  const inits = model.initStates();
  for (let k = 0; k < inits.length; k++) {
    const s = inits[k]!;
    enc.reset();
    model.encode(s, enc);
    enc.hash();
    if (visited.insert(enc.hi, enc.lo, -1, k) < 0) continue;
    frontier.push(s, enc);
    checker.observe(undefined, undefined, s);
  }

  const progress = (): Progress => ({
    distinctStates: visited.size,
    transitions,
    depth,
    frontier: frontier.length,
    seconds: (performance.now() - start) / 1000,
    visitedBytes: visited.bytes + frontier.bytes + spare.bytes,
    upcomingBytes: visited.upcomingBytes(),
  });

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

  search: while (frontier.length > 0) {
    if (depth >= maxDepth) {
      // The last level is checked, not expanded.
      for (let i = 0; i < frontier.length; i++) {
        const s = frontier.get(i);
        for (const f of checker.visit(s, model.actions(s).length)) if (record(f, visited.pathTo(levelStart + i))) break search;
      }
      stoppedBy = 'depth';
      break;
    }
    const next = spare;
    next.clear();
    for (let i = 0; i < frontier.length; i++) {
      const s = frontier.get(i);
      const id = levelStart + i;
      const acts = model.actions(s);
      const found = checker.visit(s, acts.length);
      for (let j = 0; j < found.length; j++) if (record(found[j]!, visited.pathTo(id))) break search;
      const only = indep ? ampleAction(s, acts) : -1;
      for (let k = only < 0 ? 0 : only; k < (only < 0 ? acts.length : only + 1); k++) {
        const a = acts[k]!;
        const n = model.nextState(s, a);
        transitions++;
        checker.observe(s, a, n);
        if (checker.stepInvs.length > 0) {
          for (const f of checker.checkStepAll(s, a, n)) if (record(f, [...visited.pathTo(id), k])) break search;
        }
        enc.reset();
        model.encode(n, enc);
        enc.hash();
        if (visited.insert(enc.hi, enc.lo, id, k) < 0) continue;
        next.push(n, enc);
        if (visited.size > maxStates) {
          stoppedBy = 'max-states';
          break search;
        }
      }
      if (--nextPoll <= 0) {
        nextPoll = 4096;
        const now = performance.now();
        if (now > deadline) {
          stoppedBy = 'time-limit';
          break search;
        }
        const reason = opts.shouldStop?.(progress());
        if (reason !== undefined) {
          stoppedBy = reason;
          break search;
        }
        if (opts.onProgress && now - lastProgress >= 1000) {
          lastProgress = now;
          opts.onProgress(progress());
        }
      }
    }
    levelStart += frontier.length;
    spare = frontier;
    frontier = next;
    if (frontier.length > 0) depth++;
  }
  return finish();

  function finish(): ExploreResult<S, A> {
    const seconds = (performance.now() - start) / 1000;
    const incomplete = stoppedBy !== undefined && stoppedBy !== 'depth';
    const result: ExploreResult<S, A> = {
      result: violations.length > 0 ? 'violation' : incomplete ? 'incomplete' : 'ok',
      distinctStates: visited.size,
      transitions,
      depth,
      seconds,
      statesPerSecond: seconds > 0 ? Math.round(visited.size / seconds) : 0,
      collisionProbability: collisionProbability(visited.size),
      violations,
      witnesses: checker.witnesses(),
    };
    if (stoppedBy !== undefined) {
      result.stoppedBy = stoppedBy;
      result.completeDepth = Math.max(0, depth - 1);
      result.frontier = frontier.length;
    }
    return result;
  }
}
