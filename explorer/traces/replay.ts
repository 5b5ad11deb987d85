/**
 * `luocheck replay TRACE.json`: re-executes a saved counterexample on the
 * current model, step by step, matching each step's process and action label
 * against the enabled actions, and comparing each state with the saved one.
 * It stops at the first step that no longer replays, naming it and why.
 */
import { Checker } from '../search/checker.js';
import { diff, renderChanges } from './diff.js';
import { UsageError } from '../errors.js';
import type { Invariant } from '../invariant.js';
import type { Model } from '../model.js';
import { describe } from './scope-file.js';

export interface SavedStep {
  step: number;
  process: string;
  action: string;
  state?: unknown;
}

export interface SavedTrace {
  model: string;
  scope: string;
  scopeBounds?: unknown;
  variant: Record<string, string>;
  invariant: string;
  steps: SavedStep[];
}

/** Validates the violation of a JSON report chosen by `invariant` (or the first). */
export function parseJsonReport(json: unknown, invariant: string | undefined): SavedTrace {
  const o = json as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new UsageError(`trace: expected a JSON report object, got ${describe(json)}`);
  for (const k of ['model', 'scope'] as const) {
    if (typeof o[k] !== 'string') throw new UsageError(`trace: field "${k}" = ${describe(o[k])}; expected a string`);
  }
  const variant = o['variant'];
  if (typeof variant !== 'object' || variant === null || Array.isArray(variant) || !Object.values(variant).every((v) => typeof v === 'string')) {
    throw new UsageError(`trace: field "variant" = ${describe(variant)}; expected an object of switch values`);
  }
  const vs = o['violations'];
  if (!Array.isArray(vs) || vs.length === 0) throw new UsageError('trace: field "violations" is missing or empty; nothing to replay');
  const v = (invariant === undefined ? vs[0] : vs.find((x) => (x as Record<string, unknown>)?.['invariant'] === invariant)) as Record<string, unknown> | undefined;
  if (v === undefined) throw new UsageError(`trace: no violation of ${JSON.stringify(invariant)} in the report`);
  if (typeof v !== 'object' || v === null || typeof v['invariant'] !== 'string') throw new UsageError(`trace: a violation has no "invariant" string`);
  const trace = v['trace'];
  if (!Array.isArray(trace) || trace.length === 0) throw new UsageError(`trace: violation of ${v['invariant']} has no "trace" steps`);
  const steps = trace.map((t, i): SavedStep => {
    const s = t as Record<string, unknown>;
    if (typeof s !== 'object' || s === null || typeof s['process'] !== 'string' || typeof s['action'] !== 'string') {
      throw new UsageError(`trace: step ${i} needs "process" and "action" strings, got ${describe(t)}`);
    }
    return { step: typeof s['step'] === 'number' ? s['step'] : i, process: s['process'], action: s['action'], state: s['state'] };
  });
  return { model: o['model'] as string, scope: o['scope'] as string, scopeBounds: o['scopeBounds'], variant: variant as Record<string, string>, invariant: v['invariant'], steps };
}

export interface ReplayOutcome {
  ok: boolean;
  lines: string[];
}

export function replayTrace<S, A>(model: Model<S, A>, invariants: readonly Invariant<S, A>[], t: SavedTrace): ReplayOutcome {
  const lines: string[] = [];
  const fail = (msg: string): ReplayOutcome => ({ ok: false, lines: [...lines, `does not replay: ${msg}`] });
  const inv = invariants.find((i) => i.id === t.invariant);
  if (!inv && t.invariant !== 'deadlock') return fail(`the model has no invariant ${JSON.stringify(t.invariant)}`);
  const checker = new Checker(model, inv ? [inv] : []);
  const inits = model.initStates();
  const first = t.steps[0]!;
  let s: S | undefined = first.state === undefined ? inits[0] : inits.find((x) => diff(model.toJson(x), first.state).length === 0);
  if (s === undefined) return fail('step 0: no initial state of the model equals the saved one');
  lines.push('#0 init');
  let finding = checker.checkState(s);
  let at = 0;
  for (let i = 1; i < t.steps.length && !finding; i++) {
    at = i;
    const st = t.steps[i]!;
    const acts = model.actions(s);
    const a = acts.find((x) => model.process(x) === st.process && model.label(x) === st.action);
    if (a === undefined) {
      const enabled = acts.map((x) => `${model.process(x)}: ${model.label(x)}`).slice(0, 8).join('; ');
      return fail(`step ${i}: "${st.process}: ${st.action}" is not enabled; enabled: ${enabled || 'nothing'}`);
    }
    const n = model.nextState(s, a);
    lines.push(`#${i} ${st.process}: ${st.action}`);
    for (const c of renderChanges(diff(model.toJson(s), model.toJson(n)))) lines.push(`     ${c}`);
    if (st.state !== undefined) {
      const d = diff(st.state, model.toJson(n));
      if (d.length > 0) return fail(`step ${i}: the state differs from the saved one at ${renderChanges(d.slice(0, 3)).join('; ')}`);
    }
    finding = checker.checkStep(s, a, n) ?? checker.checkState(n);
    s = n;
    if (!finding && i === t.steps.length - 1) finding = checker.checkEnd(s, model.actions(s).length);
  }
  if (!finding) return fail(`all ${t.steps.length - 1} steps replay, but ${t.invariant} holds at the end`);
  if (finding.invariant !== t.invariant) return fail(`the trace violates ${finding.invariant} before ${t.invariant}`);
  const extra = t.steps.length - 1 - at;
  if (extra > 0) return fail(`step ${at} already violates ${t.invariant}, but the trace has ${extra} more step${extra === 1 ? '' : 's'} after it`);
  lines.push(`reproduced: ${finding.invariant} (${finding.kind}): ${finding.message}`);
  return { ok: true, lines };
}
