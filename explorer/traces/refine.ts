/**
 * What `luocheck check` does with a counterexample before reporting it: it
 * shrinks each violation's trace (explorer/traces/shrink.ts: fewest steps, then
 * fewest context switches), names the race when the violation depends on
 * an interleaving (explorer/traces/race.ts), and records in the report the figures
 * from before shrinking, so the report states both.
 */
import type { ExploreResult, Violation } from '../search/bfs.js';
import type { Invariant } from '../invariant.js';
import type { Model } from '../model.js';
import { findRace, type Race } from './race.js';
import type { Report } from './report.js';
import { shrinkTrace, type ShrinkOptions } from './shrink.js';

interface Extra {
  unshrunk: { length: number; contextSwitches: number };
  switchesMinimal: boolean;
  race?: Race;
}

export interface Refined<R> {
  /** The result with every violation's trace shrunk. */
  readonly result: R;
  /** Adds the figures from before shrinking and the races to the report built from `result`. */
  annotate(report: Report): Report;
}

export function refine<S, A, R extends ExploreResult<S, A>>(
  model: Model<S, A>,
  invariants: readonly Invariant<S, A>[],
  result: R,
  opts: ShrinkOptions = {},
): Refined<R> {
  const extras: (Extra | undefined)[] = [];
  const violations: Violation<S, A>[] = result.violations.map((v) => {
    const sh = shrinkTrace(model, invariants, v.invariant, v.trace, opts);
    if (sh === undefined) {
      extras.push(undefined);
      return v;
    }
    const race = findRace(model, invariants, v.invariant, sh.trace);
    extras.push({ unshrunk: sh.before, switchesMinimal: sh.switchesMinimal, ...(race ? { race } : {}) });
    return { ...v, message: sh.finding.message, trace: sh.trace };
  });
  return {
    result: { ...result, violations },
    annotate(report) {
      report.violations.forEach((rv, i) => {
        const e = extras[i];
        if (e === undefined) return;
        rv.unshrunk = e.unshrunk;
        rv.switchesMinimal = e.switchesMinimal;
        if (e.race) rv.race = e.race;
      });
      return report;
    },
  };
}
