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
  } catch (e) {
    run.stopOnLoadedError(e);
  }
  return run.result();
}
