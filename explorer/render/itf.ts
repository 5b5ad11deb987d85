/**
 * The Informal Trace Format (Apalache ADR-015, as Quint writes it): the first
 * violation's trace as `{ "#meta", vars, states }`, each state carrying the
 * model's JSON view split into variables, `mbt::actionTaken` (the action's
 * label) and, in its own `#meta`, the index and the process that took it.
 * The top-level `#meta.luocheck` holds what `luocheck replay` needs: model,
 * scope and its bounds, variant, invariant. Integers beyond 2^53 become
 * `{"#bigint": "..."}`.
 *
 * Every state declares the same variables, and every place in a state holds
 * one type across the trace (ITF is typed, like the Quint it comes from). A
 * place that is null or missing in some states and one kind of value in the
 * others is an Option: `{"tag":"None","value":{"#tup":[]}}` or
 * `{"tag":"Some","value":...}`; a place whose value changes kind (a number
 * in one state, a string in another) is a sum type tagged by the kind
 * (Absent, None, Bool, Int, Str, List, Rec). `#meta.luocheck.absent` lists
 * the places (paths of keys, "[]" for a list element) where None stands for
 * a missing field rather than null, so the reader restores the view exactly.
 */
import type { Report } from '../traces/report.js';

export const ITF_DESCRIPTION_URL = 'https://apalache-mc.org/docs/adr/015adr-trace.html';
export const ACTION_TAKEN = 'mbt::actionTaken';
/** The variable that holds a state whose JSON view is not a record. */
export const WHOLE_STATE_VAR = 'state';
/** The path segment of a list element. */
export const ELEMENT = '[]';

/** What a place in a JSON view holds. */
type Kind = 'Absent' | 'None' | 'Bool' | 'Int' | 'Str' | 'List' | 'Rec';
export const KIND_TAGS: readonly Kind[] = ['Absent', 'None', 'Bool', 'Int', 'Str', 'List', 'Rec'];
const NOTHING: readonly Kind[] = ['Absent', 'None'];
const UNIT = { '#tup': [] };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): Kind {
  if (v === undefined) return 'Absent';
  if (v === null) return 'None';
  if (typeof v === 'boolean') return 'Bool';
  if (typeof v === 'number' || typeof v === 'bigint') return 'Int';
  if (typeof v === 'string') return 'Str';
  if (Array.isArray(v)) return 'List';
  return 'Rec';
}

/** The kinds each place holds over a set of values; a place is its path joined by "\u0000". */
class Shapes {
  readonly kinds = new Map<string, Set<Kind>>();
  readonly keys = new Map<string, Set<string>>();

  add(v: unknown, path: readonly string[]): void {
    const at = path.join('\u0000');
    const k = kindOf(v);
    (this.kinds.get(at) ?? this.kinds.set(at, new Set()).get(at)!).add(k);
    if (k === 'List') for (const x of v as unknown[]) this.add(x, [...path, ELEMENT]);
    if (k === 'Rec') {
      const ks = this.keys.get(at) ?? this.keys.set(at, new Set()).get(at)!;
      for (const [key, x] of Object.entries(v as Record<string, unknown>)) {
        ks.add(key);
        this.add(x, [...path, key]);
      }
    }
  }

  /** Second pass: a key missing from some records of a place is Absent there. */
  addMissing(v: unknown, path: readonly string[]): void {
    const k = kindOf(v);
    if (k === 'List') for (const x of v as unknown[]) this.addMissing(x, [...path, ELEMENT]);
    if (k !== 'Rec') return;
    const rec = v as Record<string, unknown>;
    for (const key of this.keys.get(path.join('\u0000')) ?? []) {
      if (rec[key] === undefined) this.kinds.get([...path, key].join('\u0000'))!.add('Absent');
      else this.addMissing(rec[key], [...path, key]);
    }
  }
}

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return { '#bigint': v.toString() };
  if (typeof v === 'number') return Number.isInteger(v) && !Number.isSafeInteger(v) ? { '#bigint': BigInt(v).toString() } : v;
  return v;
}

/** Encodes the value at one place, given the kinds that place holds over the trace. */
function encode(v: unknown, path: readonly string[], shapes: Shapes): unknown {
  const kinds = shapes.kinds.get(path.join('\u0000')) ?? new Set([kindOf(v)]);
  const k = kindOf(v);
  let inner: unknown;
  if (k === 'Absent' || k === 'None') inner = UNIT;
  else if (k === 'List') inner = (v as unknown[]).map((x) => encode(x, [...path, ELEMENT], shapes));
  else if (k === 'Rec') {
    const rec = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of shapes.keys.get(path.join('\u0000')) ?? Object.keys(rec)) out[key] = encode(rec[key], [...path, key], shapes);
    inner = out;
  } else inner = plain(v);
  const things = [...kinds].filter((x) => !NOTHING.includes(x));
  const nothings = [...kinds].filter((x) => NOTHING.includes(x));
  if (things.length > 1 || nothings.length > 1) return { tag: k, value: inner };
  if (nothings.length === 1) return k === 'Absent' || k === 'None' ? { tag: 'None', value: UNIT } : { tag: 'Some', value: inner };
  return inner;
}

/**
 * Encodes a sequence of JSON views (one per state) with one type per place;
 * `absent` lists the places where None means a missing field.
 */
export function encodeStates(views: readonly Record<string, unknown>[]): { states: Record<string, unknown>[]; vars: string[]; absent: string[][] } {
  const shapes = new Shapes();
  for (const v of views) shapes.add(v, []);
  for (const v of views) shapes.addMissing(v, []);
  const vars = [...(shapes.keys.get('') ?? [])];
  const states = views.map((v) => encode(v, [], shapes) as Record<string, unknown>);
  const absent: string[][] = [];
  for (const [at, kinds] of shapes.kinds) {
    const things = [...kinds].filter((x) => !NOTHING.includes(x));
    if (kinds.has('Absent') && !kinds.has('None') && things.length <= 1 && at !== '') absent.push(at.split('\u0000'));
  }
  return { states, vars, absent };
}

/** Encodes one JSON value as an ITF value on its own (null as None). */
export function toItf(v: unknown): unknown {
  if (v === null || v === undefined) return { tag: 'None', value: UNIT };
  if (Array.isArray(v)) return v.map(toItf);
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toItf(x)]));
  return plain(v);
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
  const views = (v?.trace ?? []).map((t) => (wholeState ? { [WHOLE_STATE_VAR]: t.state } : (t.state as Record<string, unknown>)));
  const enc = encodeStates(views);
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
          absent: enc.absent,
        }
      : {}),
  };
  const vars = v ? [...enc.vars, ACTION_TAKEN] : [];
  const states = (v?.trace ?? []).map((t, i) => ({ '#meta': { index: i, process: t.process }, ...enc.states[i], [ACTION_TAKEN]: t.action }));
  return JSON.stringify({ '#meta': meta, vars, states }, null, 2) + '\n';
}
