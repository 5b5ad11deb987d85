/**
 * Property-based search on fast-check. fast-check generates sequences of
 * action choices; each choice picks, modulo the number of enabled actions, one
 * action of the current state (so every choice is valid and removing a choice
 * leaves a valid sequence). A failing sequence is shrunk by fast-check (fewer
 * choices first, then smaller ones, i.e. earlier-listed actions), and the
 * report carries fast-check's seed and path so the run can be replayed.
 *
 * Bounds hold inside fast-check too: the time limit, the memory cap and
 * Ctrl-C are polled before each run and every STOP_POLL steps inside one; a
 * stop interrupts fast-check (generation and shrinking alike) at once. A
 * failure found before the stop is still reported, shrunk as far as it got.
 * A UsageError (a loaded invariant that throws) ends the search and is
 * rethrown, instead of being taken for a failing run.
 */
import fc from 'fast-check';
import { Checker, type Finding } from './checker.js';
import type { Invariant } from '../invariant.js';
import type { Model } from '../model.js';
import type { TraceStep } from '../traces/trace.js';
import type { ExploreResult, Violation } from './bfs.js';
import { UsageError } from '../errors.js';
import { STOP_POLL } from './random.js';
import type { WalkProgress } from '../cli/progress.js';
import type { Partial } from './stoppable.js';

export interface PbtOptions {
  seed: number;
  runs: number;
  walkLength: number;
  /** fast-check's counterexample path, to replay a failure without searching. */
  path?: string;
  timeLimitMs?: number;
  shouldStop?: () => string | undefined;
  /** Called about once a second (every `progressEveryMs`), before a run and inside a long one. */
  onProgress?: (p: WalkProgress) => void;
  /** Milliseconds between two onProgress calls (default 1000; 0: at every poll). */
  progressEveryMs?: number;
  /** Given the closure that builds the result as it stands, for a search ended from outside (explorer/search/stoppable.ts). */
  partial?: Partial<PbtResult<unknown, unknown>>;
}

/** Why a run stopped: a bound (its reason) or an error to rethrow. */
class Stop extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface PbtResult<S, A> extends ExploreResult<S, A> {
  runs: number;
  steps: number;
  seed: number;
  /** fast-check's replay path of the failure (with --seed and --path). */
  path?: string;
  /** How many times fast-check shrank the failing sequence. */
  shrinks?: number;
  /** Length of the first failing trace found, before shrinking. */
  unshrunkLength?: number;
}

/** Runs `choices` through the model; stops at the first violation. */
export function runChoices<S, A>(
  model: Model<S, A>,
  checker: Checker<S, A>,
  choices: readonly number[],
  /** Polled every STOP_POLL steps with the steps taken so far in this run. */
  stop?: (stepsInRun: number) => string | undefined,
  /** Counts the steps of this run as they are taken. */
  counter?: { steps: number },
): { finding?: Finding; trace: TraceStep<S, A>[] } {
  const inits = model.initStates();
  let s: S = inits[0]!;
  const trace: TraceStep<S, A>[] = [{ state: s }];
  let f = checker.checkState(s);
  if (f) return { finding: f, trace };
  for (let i = 0; i < choices.length; i++) {
    const c = choices[i]!;
    if (stop && (i & (STOP_POLL - 1)) === STOP_POLL - 1) {
      const why = stop(i);
      if (why !== undefined) throw new Stop(why);
    }
    const acts = model.actions(s);
    f = checker.checkEnd(s, acts.length);
    if (f || acts.length === 0) return { finding: f, trace };
    const a = acts[c % acts.length]!;
    const n = model.nextState(s, a);
    trace.push({ action: a, state: n });
    if (counter) counter.steps++;
    checker.observe(s, a, n);
    f = checker.checkStep(s, a, n) ?? checker.checkState(n);
    if (f) return { finding: f, trace };
    s = n;
  }
  const acts = model.actions(s);
  return { finding: checker.checkEnd(s, acts.length), trace };
}

export function pbtSearch<S, A>(
  model: Model<S, A>,
  invariants: readonly Invariant<S, A>[],
  opts: PbtOptions,
): PbtResult<S, A> {
  const start = performance.now();
  const checker = new Checker(model, invariants);
  let steps = 0;
  let firstLength: number | undefined;
  const choices = fc.array(fc.nat({ max: 0xffff }), { maxLength: opts.walkLength, size: 'max' });
  const deadline = opts.timeLimitMs === undefined ? Infinity : start + opts.timeLimitMs;
  // Runs started: the generated ones, then (once one failed) fast-check's shrinking tries.
  let runs = 0;
  let failedAt: number | undefined;
  let lastProgress = start;
  const stop = (stepsInRun = 0): string | undefined => {
    const now = performance.now();
    if (opts.onProgress && now - lastProgress >= (opts.progressEveryMs ?? 1000)) {
      lastProgress = now;
      const p: WalkProgress = { runs: failedAt ?? runs, ofRuns: opts.runs, steps: steps + stepsInRun, seconds: (now - start) / 1000 };
      if (failedAt !== undefined) p.shrinking = runs - failedAt;
      opts.onProgress(p);
    }
    return now > deadline ? 'time-limit' : opts.shouldStop?.();
  };
  let stoppedBy: string | undefined;
  let error: unknown;
  /** Steps of the run under way (the partial result counts them). */
  const inRun = { steps: 0 };
  const property = fc.property(choices, (cs) => {
    try {
      if (stoppedBy !== undefined || error !== undefined) throw new Stop(stoppedBy ?? 'error');
      const why = stop();
      if (why !== undefined) throw new Stop(why);
      inRun.steps = 0;
      const r = runChoices(model, checker, cs, stop, inRun);
      inRun.steps = 0;
      runs++;
      steps += r.trace.length - 1;
      if (r.finding) failing = cs;
      if (r.finding && firstLength === undefined) {
        firstLength = r.trace.length - 1;
        failedAt = runs;
      }
      return r.finding === undefined;
    } catch (e) {
      if (e instanceof Stop) stoppedBy ??= e.reason;
      else if (e instanceof UsageError) error ??= e;
      else throw e;
      // Interrupts fast-check at once, in generation and in shrinking alike.
      throw new fc.PreconditionFailure(true);
    }
  });
  /** The last failing choices: the failure as far as fast-check has shrunk it. */
  let failing: readonly number[] | undefined;
  /** The result: from fast-check's details at the end, or as it stands when the search is ended from outside. */
  const finish = (details: fc.RunDetails<[number[]]> | undefined): PbtResult<S, A> => {
    const violations: Violation<S, A>[] = [];
    const out: PbtResult<S, A> = {
      result: 'ok',
      distinctStates: 0,
      transitions: steps,
      depth: 0,
      seconds: 0,
      statesPerSecond: 0,
      collisionProbability: 0,
      violations,
      witnesses: [],
      runs: details ? details.numRuns : failedAt ?? runs,
      steps,
      seed: opts.seed,
    };
    const found = details ? (details.failed ? details.counterexample?.[0] : undefined) : failing;
    if (found !== undefined) {
      const r = runChoices(model, checker, found);
      if (r.finding) violations.push({ ...r.finding, trace: r.trace });
      out.result = 'violation';
      if (details) {
        out.path = details.counterexamplePath ?? undefined;
        out.shrinks = details.numShrinks;
      }
      if (firstLength !== undefined) out.unshrunkLength = firstLength;
      out.depth = r.trace.length - 1;
      if (out.path === undefined) delete out.path;
    } else if (!details || details.interrupted || stoppedBy !== undefined) {
      out.result = 'incomplete';
      out.stoppedBy = stoppedBy ?? 'time-limit';
    }
    out.seconds = (performance.now() - start) / 1000;
    out.transitions = steps;
    out.steps = steps;
    out.statesPerSecond = out.seconds > 0 ? Math.round(steps / out.seconds) : 0;
    out.witnesses = checker.witnesses();
    return out;
  };
  if (opts.partial) {
    opts.partial.result = (reason) => {
      stoppedBy ??= reason;
      steps += inRun.steps;
      return finish(undefined) as PbtResult<unknown, unknown>;
    };
  }
  const details = fc.check(property, {
    seed: opts.seed,
    numRuns: opts.runs,
    ...(opts.path !== undefined ? { path: opts.path, endOnFailure: true } : {}),
  });
  if (error !== undefined) throw error;
  return finish(details);
}
