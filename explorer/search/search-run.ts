/**
 * The bookkeeping every exhaustive search shares, sequential or parallel: the
 * initial states, the frontier of the level being expanded and the next one,
 * the findings and their shortest traces, the bounds (states, depth, time,
 * memory, interrupt), progress, and the result. The two searches differ only
 * in how they expand a level.
 */
import { LoadedCodeError } from '../errors.js';
import type { ExploreOptions, ExploreResult, Progress, Violation } from './search-types.js';
import { Checker, type Finding } from './checker.js';
import { collisionProbability, Encoder } from './fingerprint.js';
import type { Frontier } from './frontier.js';
import type { Invariant } from '../invariant.js';
import type { Model } from '../model.js';
import { replayIndices } from '../traces/trace.js';
import type { VisitedSet } from './visited.js';

export class SearchRun<S, A> {
  readonly start = performance.now();
  readonly checker: Checker<S, A>;
  readonly enc = new Encoder();
  readonly violations: Violation<S, A>[] = [];
  readonly maxStates: number;
  private readonly maxDepth: number;
  private readonly deadline: number;
  transitions = 0;
  /** Depth of the level in `frontier` (the initial states are depth 0). */
  depth = 0;
  /** State id of the first state of `frontier`. */
  levelStart = 0;
  stoppedBy: string | undefined;
  /** What loaded code did wrong, when that ended the search. */
  loadedError: string | undefined;
  private lastProgress: number;

  constructor(
    private readonly model: Model<S, A>,
    invariants: readonly Invariant<S, A>[],
    private readonly opts: ExploreOptions,
    readonly visited: VisitedSet,
    public frontier: Frontier<S>,
    /** The next level's frontier; the two are swapped level by level so their buffers are reused. */
    public spare: Frontier<S>,
  ) {
    this.checker = new Checker(model, invariants);
    // Set before any loaded code runs (the witnesses observe the initial states).
    if (opts.partial) {
      opts.partial.result = (reason) => {
        this.stoppedBy = reason;
        return this.result() as ExploreResult<unknown, unknown>;
      };
    }
    this.maxStates = opts.maxStates ?? Infinity;
    this.maxDepth = opts.maxDepth ?? Infinity;
    this.deadline = opts.timeLimitMs === undefined ? Infinity : this.start + opts.timeLimitMs;
    this.lastProgress = this.start;
    const inits = model.initStates();
    for (let k = 0; k < inits.length; k++) {
      const s = inits[k]!;
      this.enc.reset();
      model.encode(s, this.enc);
      this.enc.hash();
      if (visited.insert(this.enc.hi, this.enc.lo, -1, k) < 0) continue;
      frontier.push(s, this.enc);
      this.checker.observe(undefined, undefined, s);
    }
  }

  /** Records a finding unless its invariant is already violated; true = stop the search. */
  record(f: Finding, path: number[]): boolean {
    if (this.checker.violated.has(f.invariant)) return false;
    this.violations.push({ invariant: f.invariant, kind: f.kind, message: f.message, trace: replayIndices(this.model, path) });
    this.checker.violated.add(f.invariant);
    return !this.opts.continueAfterViolation;
  }

  /** Records the findings of the state with id `id`; true = stop. */
  recordAll(found: readonly Finding[], id: number): boolean {
    for (let j = 0; j < found.length; j++) if (this.record(found[j]!, this.visited.pathTo(id))) return true;
    return false;
  }

  /**
   * At the depth bound the last level is checked, not expanded. Returns true
   * when the bound applies (the search ends).
   */
  atDepthBound(): boolean {
    if (this.depth < this.maxDepth) return false;
    const f = this.frontier;
    for (let i = 0; i < f.length; i++) {
      const s = f.get(i);
      if (this.recordAll(this.checker.visit(s, this.model.actions(s).length), this.levelStart + i)) return true;
    }
    this.stoppedBy = 'depth';
    return true;
  }

  /** The next level's (cleared) frontier. */
  beginLevel(): Frontier<S> {
    this.spare.clear();
    return this.spare;
  }

  /** Moves to the next level, whose states are in `next`. */
  endLevel(next: Frontier<S>): void {
    this.levelStart += this.frontier.length;
    this.spare = this.frontier;
    this.frontier = next;
    if (next.length > 0) this.depth++;
  }

  /** True (and stoppedBy set) once more states than the bound were found. */
  overStates(): boolean {
    if (this.visited.size <= this.maxStates) return false;
    this.stoppedBy = 'max-states';
    return true;
  }

  progress(): Progress {
    return {
      distinctStates: this.visited.size,
      transitions: this.transitions,
      depth: this.depth,
      frontier: this.frontier.length,
      seconds: (performance.now() - this.start) / 1000,
      visitedBytes: this.visited.bytes + this.frontier.bytes + this.spare.bytes,
      upcomingBytes: this.visited.upcomingBytes(),
    };
  }

  /**
   * Ends the search on an error of loaded code (it threw, read a field that
   * does not exist...): the result is the partial one so far. Anything else
   * is rethrown.
   */
  stopOnLoadedError(e: unknown): void {
    if (!(e instanceof LoadedCodeError)) throw e;
    this.stoppedBy = 'an error in loaded code';
    this.loadedError = e.message;
  }

  /** The periodic check of time, memory and interrupt, and the progress line; true = stop. */
  poll(): boolean {
    const now = performance.now();
    if (now > this.deadline) {
      this.stoppedBy = 'time-limit';
      return true;
    }
    const reason = this.opts.shouldStop?.(this.progress());
    if (reason !== undefined) {
      this.stoppedBy = reason;
      return true;
    }
    if (this.opts.onProgress && now - this.lastProgress >= (this.opts.progressEveryMs ?? 1000)) {
      this.lastProgress = now;
      this.opts.onProgress(this.progress());
    }
    return false;
  }

  result(): ExploreResult<S, A> {
    const seconds = (performance.now() - this.start) / 1000;
    const size = this.visited.size;
    const incomplete = this.stoppedBy !== undefined && this.stoppedBy !== 'depth';
    const result: ExploreResult<S, A> = {
      result: this.violations.length > 0 ? 'violation' : incomplete ? 'incomplete' : 'ok',
      distinctStates: size,
      transitions: this.transitions,
      depth: this.depth,
      seconds,
      statesPerSecond: seconds > 0 ? Math.round(size / seconds) : 0,
      collisionProbability: collisionProbability(size),
      violations: this.violations,
      witnesses: this.checker.witnesses(),
    };
    if (this.loadedError !== undefined) result.loadedError = this.loadedError;
    if (this.stoppedBy !== undefined) {
      result.stoppedBy = this.stoppedBy;
      result.completeDepth = Math.max(0, this.depth - 1);
      result.frontier = this.frontier.length;
    }
    return result;
  }
}
