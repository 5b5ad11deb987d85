/**
 * Traces: a counterexample is a path of (action, state) steps from an initial
 * state. The explorers store only action indices; a trace is rebuilt by
 * replaying them, which relies on `actions()` being deterministic.
 */
import { Encoder } from '../search/fingerprint.js';
import type { Model } from '../model.js';

export interface TraceStep<S, A> {
  /** Undefined for the initial state (step 0). */
  readonly action?: A;
  readonly state: S;
}

export type Trace<S, A> = readonly TraceStep<S, A>[];

/**
 * Rebuilds the trace for `path`: path[0] indexes the initial states, each
 * further element indexes `actions()` of the state before it.
 */
export function replayIndices<S, A>(model: Model<S, A>, path: readonly number[]): TraceStep<S, A>[] {
  const inits = model.initStates();
  let state = inits[path[0]!];
  if (state === undefined) throw new Error(`replay: no initial state #${path[0]}`);
  const trace: TraceStep<S, A>[] = [{ state }];
  for (let i = 1; i < path.length; i++) {
    const action = model.decode ? matchOnRepresentative(model, state, path[i]!) : model.actions(state)[path[i]!];
    if (action === undefined) throw new Error(`replay: step ${i} has no action #${path[i]} (model is not deterministic)`);
    state = model.nextState(state, action);
    trace.push({ action, state });
  }
  return trace;
}

function canonical<S, A>(model: Model<S, A>, s: S, enc: Encoder): string {
  enc.reset();
  model.encode(s, enc);
  return enc.words().join(',');
}

/**
 * A search that keeps its frontier packed expands decoded states, which under
 * symmetry reduction are representatives, not the states of the trace. Action
 * k of the representative is matched to the action of the actual state that
 * leads to the same canonical successor, so the trace stays a real execution.
 */
function matchOnRepresentative<S, A>(model: Model<S, A>, state: S, k: number): A | undefined {
  const enc = new Encoder();
  const own = model.actions(state);
  const rep = model.decode!(new Int32Array(canonical(model, state, enc).split(',').filter((x) => x !== '').map(Number)));
  const repAction = model.actions(rep)[k];
  if (repAction === undefined) return undefined;
  const target = canonical(model, model.nextState(rep, repAction), enc);
  if (own[k] !== undefined && canonical(model, model.nextState(state, own[k]!), enc) === target) return own[k];
  return own.find((a) => canonical(model, model.nextState(state, a), enc) === target);
}

/** The states of a trace in order, and the process switches between its steps. */
export function contextSwitches<S, A>(model: Model<S, A>, trace: Trace<S, A>): number {
  let switches = 0;
  let last: string | undefined;
  for (const step of trace) {
    if (step.action === undefined) continue;
    const p = model.process(step.action);
    if (last !== undefined && p !== last) switches++;
    last = p;
  }
  return switches;
}
