/**
 * The options and results of a search (exhaustive, parallel or by random
 * walks), apart from the searches themselves so that their common run
 * (search-run.ts) and the searches import them without a cycle.
 */
import type { ViolationKind, WitnessResult } from './checker.js';
import type { CoverageSink } from './coverage.js';
import type { TraceStep } from '../traces/trace.js';
import type { Partial } from './stoppable.js';

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
  /** Given the closure that builds the result as it stands, for a search ended from outside (explorer/search/stoppable.ts). */
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
  /** What loaded code did wrong, when that ended the search (stoppedBy then says so). */
  loadedError?: string;
}
