/**
 * Reading saved traces for `luocheck replay`: a JSON report or an ITF trace,
 * told apart by shape ("violations" or "states"). An ITF trace must carry
 * the `#meta.luocheck` block that `--format itf` writes; every state needs
 * an `mbt::actionTaken` label, and every state after the first the process
 * in its `#meta`. Anything else is a one-line UsageError naming what is bad.
 */
import { UsageError } from '../errors.js';
import { ACTION_TAKEN, ELEMENT, KIND_TAGS, WHOLE_STATE_VAR } from '../render/itf.js';
import { parseJsonReport, type SavedStep, type SavedTrace } from './replay.js';
import { describe } from './scope-file.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const TAGS = new Set(['Some', ...KIND_TAGS]);

/** A value luocheck's ITF writer tagged (an Option, or a place whose kind changes). */
function tagged(v: Record<string, unknown>): v is { tag: string; value: unknown } {
  const keys = Object.keys(v);
  return keys.length === 2 && Object.hasOwn(v, 'value') && typeof v['tag'] === 'string' && TAGS.has(v['tag']);
}

/** Marks a field the writer encoded as missing: it is left out of the decoded record. */
const MISSING = Symbol('missing');

/**
 * Decodes an ITF value to the JSON view luocheck models produce. `absent`
 * holds the places (paths joined by "\u0000") where None is a missing field.
 */
export function fromItf(v: unknown, path: readonly string[] = [], absent: ReadonlySet<string> = new Set()): unknown {
  const out = decode(v, path, absent);
  return out === MISSING ? undefined : out;
}

function decode(v: unknown, path: readonly string[], absent: ReadonlySet<string>): unknown {
  if (Array.isArray(v)) return v.map((x) => fromItf(x, [...path, ELEMENT], absent));
  if (!isRecord(v)) return v;
  if (typeof v['#bigint'] === 'string' && /^-?\d+$/.test(v['#bigint'])) return Number(v['#bigint']);
  if (Array.isArray(v['#tup'])) return v['#tup'].map((x) => fromItf(x, [...path, ELEMENT], absent));
  if (Array.isArray(v['#set'])) return v['#set'].map((x) => fromItf(x, [...path, ELEMENT], absent));
  if (Array.isArray(v['#map'])) return v['#map'].map((x) => fromItf(x, [...path, ELEMENT], absent));
  if (tagged(v)) {
    if (v.tag === 'Absent') return MISSING;
    if (v.tag === 'None') return absent.has(path.join('\u0000')) ? MISSING : null;
    return decode(v.value, path, absent);
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const d = decode(x, [...path, k], absent);
    if (d !== MISSING) out[k] = d;
  }
  return out;
}

const bad = (what: string) => new UsageError(`trace: malformed ITF: ${what}`);

export function parseItf(json: Record<string, unknown>, invariant: string | undefined): SavedTrace {
  const meta = json['#meta'];
  const lc = isRecord(meta) ? meta['luocheck'] : undefined;
  if (!isRecord(lc)) throw bad(`"#meta.luocheck" = ${describe(lc)}; expected the object luocheck --format itf writes (model, scope, variant, invariant)`);
  for (const k of ['model', 'scope', 'invariant'] as const) {
    if (typeof lc[k] !== 'string') throw bad(`"#meta.luocheck.${k}" = ${describe(lc[k])}; expected a string`);
  }
  const variant = lc['variant'];
  if (!isRecord(variant) || !Object.values(variant).every((x) => typeof x === 'string')) {
    throw bad(`"#meta.luocheck.variant" = ${describe(variant)}; expected an object of switch values`);
  }
  if (invariant !== undefined && invariant !== lc['invariant']) throw new UsageError(`trace: the ITF trace is of ${JSON.stringify(lc['invariant'])}, not ${JSON.stringify(invariant)}`);
  const vars = json['vars'];
  if (!Array.isArray(vars) || !vars.every((x) => typeof x === 'string')) throw bad(`"vars" = ${describe(vars)}; expected an array of variable names`);
  const states = json['states'] as unknown[];
  if (states.length === 0) throw bad('"states" is empty; nothing to replay');
  const stateVar = lc['stateVar'];
  const absentList = lc['absent'] ?? [];
  if (!Array.isArray(absentList) || !absentList.every((p) => Array.isArray(p) && p.every((x) => typeof x === 'string'))) {
    throw bad(`"#meta.luocheck.absent" = ${describe(absentList)}; expected an array of key paths`);
  }
  const absent = new Set((absentList as string[][]).map((p) => p.join('\u0000')));
  const steps = states.map((st, i): SavedStep => {
    if (!isRecord(st)) throw bad(`state ${i} = ${describe(st)}; expected an object`);
    const action = st[ACTION_TAKEN];
    if (typeof action !== 'string') throw bad(`state ${i} "${ACTION_TAKEN}" = ${describe(action)}; expected the action's label`);
    const m = st['#meta'];
    const process = i === 0 ? 'init' : isRecord(m) ? m['process'] : undefined;
    if (typeof process !== 'string') throw bad(`state ${i} "#meta.process" = ${describe(process)}; expected the process that took the step`);
    const vals: Record<string, unknown> = {};
    for (const name of vars as string[]) {
      if (name === ACTION_TAKEN || name.startsWith('mbt::')) continue;
      if (!Object.hasOwn(st, name)) throw bad(`state ${i} has no variable "${name}"; it lists ${Object.keys(st).join(', ')}`);
      const x = decode(st[name], [name], absent);
      if (x !== MISSING) vals[name] = x;
    }
    const state = stateVar === WHOLE_STATE_VAR ? vals[WHOLE_STATE_VAR] : vals;
    return { step: isRecord(m) && typeof m['index'] === 'number' ? m['index'] : i, process, action, state };
  });
  return {
    model: lc['model'] as string,
    scope: lc['scope'] as string,
    scopeBounds: lc['scopeBounds'],
    variant: variant as Record<string, string>,
    invariant: lc['invariant'] as string,
    steps,
  };
}

/** A JSON report or an ITF trace, told apart by shape. */
export function parseTraceFile(json: unknown, invariant: string | undefined): SavedTrace {
  if (isRecord(json) && Array.isArray(json['states'])) return parseItf(json, invariant);
  if (isRecord(json) && 'violations' in json) return parseJsonReport(json, invariant);
  const got = isRecord(json) ? `an object with ${Object.keys(json).map((k) => JSON.stringify(k)).join(', ') || 'no fields'}` : describe(json);
  throw new UsageError(`trace: expected a JSON report (with "violations") or an ITF trace (with "states"), got ${got}`);
}
