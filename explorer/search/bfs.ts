/**
 * Exhaustive breadth-first search. Level by level, so the first violation of
 * each invariant is reached by a shortest path; visited states are kept as
 * 64-bit fingerprints with a parent link and an action index, and the trace is
 * rebuilt by replay.
 *
 * Counts: `distinctStates` includes the initial states; `transitions` counts
 * every successor generated, duplicates included (the "edges" of
 * bench/MODEL.md section 7).
 */
import type { Invariant } from '../invariant.js';
import type { Model } from '../model.js';
import { SearchRun } from './search-run.js';
import { VisitedSet } from './visited.js';
import { newFrontier } from './frontier.js';
import { CHUNK, Chunk } from './chunk.js';

export type { TraceStep } from '../traces/trace.js';
export type { WitnessResult } from './checker.js';

export type { ExploreOptions, ExploreResult, Progress, Violation } from './search-types.js';
import type { ExploreOptions, ExploreResult } from './search-types.js';

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

  /**
   * Frontier states are expanded a chunk at a time (chunk.ts): their
   * successors first, then the table read for all of them, then the rest in
   * the order of a state-by-state search. Only the model's pure functions
   * (actions, nextState, encode) run ahead; when one of them throws (loaded
   * code), the second pass stops where a state-by-state search would have
   * thrown, and throws. With partial-order reduction a state's ample set
   * depends on the inserts before it, so a chunk is one state.
   */
  const size = opts.por ? 1 : CHUNK;
  const chunk = new Chunk(model);

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

  try {
    search: while (run.frontier.length > 0 && !run.atDepthBound()) {
      const frontier = run.frontier;
      const next = run.beginLevel();
      for (let c0 = 0; c0 < frontier.length; c0 += size) {
        const c1 = Math.min(frontier.length, c0 + size);
        chunk.clear();
        /** The states [c0, end) go through the second pass. */
        let end = c0;
        /** What the model (loaded code) threw in the first pass, if it threw. */
        let failure: { error: unknown } | undefined;
        try {
          for (let i = c0; i < c1; i++) {
            const s = frontier.get(i);
            const acts = model.actions(s);
            chunk.begin(i - c0, s, acts);
            // From here a throw leaves state i expanded as far as it got
            // (its state invariants, the successors before the one that
            // threw), as a state-by-state search would have.
            end = i + 1;
            const only = indep ? ampleAction(s, acts) : -1;
            chunk.expand(i - c0, only < 0 ? 0 : only, only < 0 ? acts.length : only + 1);
          }
        } catch (error) {
          failure = { error };
        }
        chunk.warm(visited.view());
        let m = 0;
        for (let i = c0; i < end; i++) {
          const s = chunk.states[i - c0]!;
          const acts = chunk.actions[i - c0]!;
          const id = run.levelStart + i;
          if (run.recordAll(checker.visit(s, acts.length), id)) break search;
          const first = chunk.first[i - c0]!;
          for (let k = first; k < first + chunk.count[i - c0]!; k++) {
            const a = acts[k]!;
            const n = chunk.succ[m]!;
            const e = chunk.encs[m++]!;
            run.transitions++;
            checker.observe(s, a, n);
            if (checker.stepInvs.length > 0) {
              for (const f of checker.checkStepAll(s, a, n)) if (run.record(f, [...visited.pathTo(id), k])) break search;
            }
            const fresh = visited.insert(e.hi, e.lo, id, k) >= 0;
            if (cov) cov.count(cov.idOf(a), fresh);
            if (!fresh) continue;
            next.push(n, e);
            if (run.overStates()) break search;
          }
          if (--nextPoll <= 0) {
            nextPoll = POLL;
            if (run.poll()) break search;
          }
        }
        if (failure) throw failure.error;
      }
      run.endLevel(next);
    }
  } catch (e) {
    run.stopOnLoadedError(e);
  }
  return run.result();
}
