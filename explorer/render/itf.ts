/**
 * The Informal Trace Format (Apalache ADR-015, as Quint writes it): the first
 * violation's trace as `{ "#meta", vars, states }`, each state carrying the
 * model's JSON view split into variables, `mbt::actionTaken` (the action's
 * label) and, in its own `#meta`, the index and the process that took it.
 * The top-level `#meta.luocheck` holds what `luocheck replay` needs: model,
 * scope and its bounds, variant, invariant. Integers beyond 2^53 become
 * `{"#bigint": "..."}` and null becomes Quint's `None`.
 */
import type { Report } from '../report.js';

export const ITF_DESCRIPTION_URL = 'https://apalache-mc.org/docs/adr/015adr-trace.html';
export const ACTION_TAKEN = 'mbt::actionTaken';
/** The variable that holds a state whose JSON view is not a record. */
export const WHOLE_STATE_VAR = 'state';

/** Encodes a JSON value as an ITF value. */
export function toItf(v: unknown): unknown {
  if (v === null || v === undefined) return { tag: 'None', value: { '#tup': [] } };
  if (typeof v === 'bigint') return { '#bigint': v.toString() };
  if (typeof v === 'number') return Number.isInteger(v) && !Number.isSafeInteger(v) ? { '#bigint': BigInt(v).toString() } : v;
  if (Array.isArray(v)) return v.map(toItf);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toItf(x)]));
  return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function renderItf(r: Report): string {
  const v = r.violations[0];
  const meta: Record<string, unknown> = {
    format: 'ITF',
    'format-description': ITF_DESCRIPTION_URL,
    source: `luocheck ${r.model} ${r.scope}`,
    status: r.result,
    description: v ? `${v.invariant}: ${v.message}` : `no violation of ${r.checked.join(', ')}`,
  };
  const wholeState = v !== undefined && !v.trace.every((t) => isRecord(t.state));
  meta['luocheck'] = {
    model: r.model,
    scope: r.scope,
    scopeBounds: r.scopeBounds,
    variant: r.variant,
    variantName: r.variantName,
    mode: r.mode,
    command: r.command,
    ...(v
      ? {
          invariant: v.invariant,
          kind: v.kind,
          title: v.title,
          message: v.message,
          invariantSource: v.source,
          ...(v.race ? { race: v.race } : {}),
          ...(wholeState ? { stateVar: WHOLE_STATE_VAR } : {}),
        }
      : {}),
  };
  const vars: string[] = [];
  if (v) {
    if (wholeState) vars.push(WHOLE_STATE_VAR);
    else for (const t of v.trace) for (const k of Object.keys(t.state as Record<string, unknown>)) if (!vars.includes(k)) vars.push(k);
    vars.push(ACTION_TAKEN);
  }
  const states = (v?.trace ?? []).map((t, i) => {
    const vals = wholeState ? { [WHOLE_STATE_VAR]: t.state } : (t.state as Record<string, unknown>);
    const out: Record<string, unknown> = { '#meta': { index: i, process: t.process } };
    for (const [k, x] of Object.entries(vals)) out[k] = toItf(x);
    out[ACTION_TAKEN] = t.action;
    return out;
  });
  return JSON.stringify({ '#meta': meta, vars, states }, null, 2) + '\n';
}
