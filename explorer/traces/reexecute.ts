/**
 * Re-execution of a trace given as (process, label) steps: the shrinker, the
 * race finder and the renderers that need the model's own actions all run a
 * sequence of steps through the model again instead of editing trace text.
 * A step matches the enabled action of the current state with the same
 * process and label (labels are unique among the enabled actions).
 */
import type { Checker, Finding } from '../search/checker.js';
import { diff } from './diff.js';
import type { Model } from '../model.js';
import type { TraceStep } from './trace.js';

export interface StepKey {
  readonly process: string;
  readonly label: string;
}

export interface Execution<S, A> {
  /** The steps actually taken, from the initial state. */
  readonly trace: TraceStep<S, A>[];
  /** The first violation met, if any; the trace ends at it. */
  readonly finding?: Finding;
  /** Index in the given keys of the first step that was not enabled (when not skipping). */
  readonly disabledAt?: number;
}

/** The (process, label) of every step after the initial state. */
export function keysOf<S, A>(model: Model<S, A>, trace: readonly TraceStep<S, A>[]): StepKey[] {
  const keys: StepKey[] = [];
  for (const t of trace) if (t.action !== undefined) keys.push({ process: model.process(t.action), label: model.label(t.action) });
  return keys;
}

/** The enabled action of `s` that `key` names, if any. */
export function findAction<S, A>(model: Model<S, A>, s: S, key: StepKey): A | undefined {
  return model.actions(s).find((a) => model.process(a) === key.process && model.label(a) === key.label);
}

/**
 * Runs `keys` from `init`, checking the checker's invariants as the explorers
 * do (state invariants on every state, step invariants on every transition,
 * end checks before each step and after the last). With `skipDisabled`, a step
 * that is not enabled is left out; otherwise execution stops there.
 */
export function execute<S, A>(
  model: Model<S, A>,
  checker: Checker<S, A>,
  init: S,
  keys: readonly StepKey[],
  skipDisabled: boolean,
): Execution<S, A> {
  let s: S = init;
  const trace: TraceStep<S, A>[] = [{ state: s }];
  let finding = checker.checkState(s);
  if (finding) return { trace, finding };
  for (let i = 0; i < keys.length; i++) {
    const acts = model.actions(s);
    finding = checker.checkEnd(s, acts.length);
    if (finding) return { trace, finding };
    const key = keys[i]!;
    const a = acts.find((x) => model.process(x) === key.process && model.label(x) === key.label);
    if (a === undefined) {
      if (skipDisabled) continue;
      return { trace, disabledAt: i };
    }
    const n = model.nextState(s, a);
    trace.push({ action: a, state: n });
    finding = checker.checkStep(s, a, n) ?? checker.checkState(n);
    if (finding) return { trace, finding };
    s = n;
  }
  finding = checker.checkEnd(s, model.actions(s).length);
  return finding ? { trace, finding } : { trace };
}

/** True when the execution ends in a violation of `invariant`. */
export function violates<S, A>(e: Execution<S, A>, invariant: string): boolean {
  return e.finding?.invariant === invariant;
}

/**
 * Rebuilds the model's actions and states for saved report steps (step 0 is
 * the initial state, matched by its JSON view when saved). Returns the steps
 * rebuilt so far and, if one does not replay, its number.
 */
export function retrace<S, A>(
  model: Model<S, A>,
  steps: readonly { process: string; action: string; state?: unknown }[],
): { trace: TraceStep<S, A>[]; stoppedAt?: number } {
  const inits = model.initStates();
  const first = steps[0]?.state;
  const init = first === undefined ? inits[0] : inits.find((x) => diff(model.toJson(x), first).length === 0);
  if (init === undefined) return { trace: [], stoppedAt: 0 };
  let s: S = init;
  const trace: TraceStep<S, A>[] = [{ state: s }];
  for (let i = 1; i < steps.length; i++) {
    const st = steps[i]!;
    const a = findAction(model, s, { process: st.process, label: st.action });
    if (a === undefined) return { trace, stoppedAt: i };
    s = model.nextState(s, a);
    trace.push({ action: a, state: s });
  }
  return { trace };
}
