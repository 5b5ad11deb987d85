/**
 * --load extensions of the iommufd model: a module outside the tree adds
 * state fields, menu ops with the steps that perform them (an entry point,
 * split at its lock boundaries), switches and scopes, next to invariants.
 * docs/adding-an-action.md is the guide; this file checks what a module
 * exports and compiles it into the model's own terms (entry-point.ts).
 *
 *   export const model = 'iommufd';
 *   export const fields = [{ on: 'ioas', name: 'pins', type: 'int', min: 0, max: 2, init: 0, doc }];
 *   export const switches = [{ name, values, doc, presets: { fixed: v, v2: v } }];
 *   export const actions = [{ op, type, source, fields: { ioas: 'ioas' }, kernels: ['old'],
 *     steps: [{ needs, guard(s, op, c), effect(s, op, c) }, { pc, holds, ... }], label(op, step) }];
 *   export const scopes = { name: { ...a scope file's JSON... } };
 *   export default [invariant, ...];
 *
 * Loaded code reads the state through strict.ts' views: the fields
 * docs/state.md lists, plus those the extensions declare. An effect gets a
 * copy to change (a draft) and may end its op early by returning 'return'.
 * Every state an effect leaves is checked against the declared state, so a
 * value the encoding cannot hold is an error, never two states merged.
 */
import { LoadedCodeError, UsageError, oneOf, shortValue } from '../../explorer/errors.js';
import type { SwitchSpec, Variant } from '../../explorer/spec.js';
import { Registry, type Ctx, type Ext, type ExtField, type EntryPoint, type GenericAction, type GenericOp, type Kernel, type MenuOpSpec, type OpField, type OpFieldKind, type KselftestStep } from './entry-point.js';
import { IDLE, lockHeldByOther, registerPcLocks, withThread, isPc } from './state/process.js';
import { registerExtFields } from './state/copy.js';
import { KIND_SCHEMA, OBJECT_KINDS, STATE_SCHEMA, misfit, type FieldSpec, type FieldType, type ObjectKind } from './state/state-schema.js';
import { FieldError, deepCopy, strictView } from './state/strict.js';
import { locateIn } from '../../explorer/search/locate.js';
import { inLoaded, nameIndex } from '../../explorer/search/loaded-calls.js';
import type { State, VmmThread } from './state/types.js';


/** One step of a loaded entry point. */
interface ExtStep {
  readonly name: string;
  /** The program counter a thread waits at before this step (every step but the first). */
  readonly pc?: string;
  /** Locks held while the thread waits at `pc` (taken by the step before). */
  readonly holds: readonly string[];
  /** Locks no other thread may hold for this step to run. */
  readonly needs: readonly string[];
  readonly guard?: (s: State, op: GenericOp, c: StepContext) => unknown;
  readonly effect?: (s: State, op: GenericOp, c: StepContext) => unknown;
  readonly fails?: (s: State, op: GenericOp, c: StepContext) => unknown;
}

/** What a loaded guard or effect is told besides the state and its op. */
export interface StepContext {
  /** The thread (0-based: T1 is 0). */
  readonly pid: number;
  /** Every switch's value (the model's and the extensions'). */
  readonly sw: Variant;
  /** The step's fallible call fails (an injected failure; only when `fails` says it may). */
  readonly failed: boolean;
  /** The locks another thread holds ("lu_mutex", "session", or an extension's). */
  readonly held: (lock: string) => boolean;
}

interface ExtAction {
  readonly op: string;
  readonly type: string;
  readonly source: string;
  readonly fields: Readonly<Record<string, OpField>>;
  readonly kernels: readonly Kernel[];
  readonly steps: readonly ExtStep[];
  readonly label?: (op: GenericOp, step: string, failed: boolean) => unknown;
  readonly kselftest?: (op: GenericOp, step: string) => unknown;
  readonly doc: string;
}

export interface ExtSwitch extends SwitchSpec {
  /** The switch's value in each preset (a preset not named takes the first value). */
  readonly presets: Readonly<Record<string, string>>;
}

/** What one --load module adds to the model. */
export interface Extension {
  readonly file: string;
  readonly abs: string;
  readonly fields: readonly ExtField[];
  readonly actions: readonly ExtAction[];
  readonly switches: readonly ExtSwitch[];
  readonly scopes: Readonly<Record<string, unknown>>;
}


const OP_KINDS: readonly OpFieldKind[] = ['ioas', 'memfd', 'hwpt', 'slot', 'dev', 'iova', 'page', 'token', 'bool', 'int'];
const NAME = /^[a-z][a-z0-9_]*$/i;

type Obj = Record<string, unknown>;

class Bad {
  constructor(readonly file: string) {}
  at(where: string, what: string): UsageError {
    return new UsageError(`--load ${JSON.stringify(this.file)}: ${where} ${what}`);
  }
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}


function strings(b: Bad, where: string, v: unknown): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !NAME.test(x))) throw b.at(where, `= ${shortValue(v)}; expected an array of lock names`);
  return v as string[];
}

function fn<F>(b: Bad, where: string, v: unknown): F | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'function') throw b.at(where, `= ${shortValue(v)}; expected a function`);
  return v as F;
}

function parseField(b: Bad, x: unknown, i: number): ExtField {
  const where = `fields[${i}]`;
  if (!isObj(x)) throw b.at(where, `= ${shortValue(x)}; expected { on, name, type, init, doc }`);
  const on = x['on'];
  if (on !== 'state' && !(OBJECT_KINDS as readonly unknown[]).includes(on)) throw b.at(`${where}.on`, `= ${shortValue(on)}; accepted: ${oneOf(['state', ...OBJECT_KINDS])}`);
  const name = x['name'];
  if (typeof name !== 'string' || !NAME.test(name)) throw b.at(`${where}.name`, `= ${shortValue(name)}; expected an identifier`);
  const doc = typeof x['doc'] === 'string' ? x['doc'] : '';
  if (x['type'] === 'bool') {
    if (typeof x['init'] !== 'boolean') throw b.at(`${where}.init`, `= ${shortValue(x['init'])}; expected true or false for a bool field`);
    return { on: on as ExtField['on'], name, type: { t: 'bool' }, init: x['init'], doc };
  }
  if (x['type'] !== 'int') throw b.at(`${where}.type`, `= ${shortValue(x['type'])}; accepted: bool or int`);
  const min = x['min'];
  const max = x['max'];
  if (typeof min !== 'number' || typeof max !== 'number' || !Number.isInteger(min) || !Number.isInteger(max) || min > max || min < -(2 ** 30) || max > 2 ** 30) {
    throw b.at(where, `has min ${shortValue(min)} and max ${shortValue(max)}; expected integers with min <= max, within +-2^30`);
  }
  const init = x['init'];
  if (typeof init !== 'number' || !Number.isInteger(init) || init < min || init > max) throw b.at(`${where}.init`, `= ${shortValue(init)}; expected an integer from ${min} to ${max}`);
  return { on: on as ExtField['on'], name, type: { t: 'int', min, max }, init, doc };
}

function parseOpField(b: Bad, where: string, v: unknown): OpField {
  if (typeof v === 'string' && (OP_KINDS as readonly string[]).includes(v) && v !== 'int') return { kind: v as OpFieldKind };
  if (isObj(v) && (OP_KINDS as readonly unknown[]).includes(v['kind'])) {
    const kind = v['kind'] as OpFieldKind;
    const { min, max } = v;
    if (kind === 'int' && (typeof min !== 'number' || typeof max !== 'number' || !Number.isInteger(min) || !Number.isInteger(max) || min > max || min < 0 || max > 255)) {
      throw b.at(where, `= ${shortValue(v)}; an int field needs integer min <= max within 0..255`);
    }
    return { kind, ...(typeof min === 'number' ? { min } : {}), ...(typeof max === 'number' ? { max } : {}), ...(v['optional'] === true ? { optional: true } : {}) };
  }
  throw b.at(where, `= ${shortValue(v)}; accepted: ${oneOf(OP_KINDS.filter((k) => k !== 'int'))} or { kind: "int", min, max }`);
}

function parseAction(b: Bad, x: unknown, i: number): ExtAction {
  const where = `actions[${i}]`;
  if (!isObj(x)) throw b.at(where, `= ${shortValue(x)}; expected { op, type, source, fields, kernels, steps, label }`);
  const op = x['op'];
  if (typeof op !== 'string' || !NAME.test(op)) throw b.at(`${where}.op`, `= ${shortValue(op)}; expected an identifier (how scope files name the op)`);
  const type = x['type'];
  if (typeof type !== 'string' || !NAME.test(type)) throw b.at(`${where}.type`, `= ${shortValue(type)}; expected the kernel function the steps model, e.g. "iommufd_access_pin_pages"`);
  const source = x['source'];
  if (typeof source !== 'string' || source.trim() === '') throw b.at(`${where}.source`, `= ${shortValue(source)}; expected the kernel source it mirrors (file: function)`);
  const fieldsRaw = x['fields'] ?? {};
  if (!isObj(fieldsRaw)) throw b.at(`${where}.fields`, `= ${shortValue(fieldsRaw)}; expected { name: kind }`);
  const fields: Record<string, OpField> = {};
  for (const [k, v] of Object.entries(fieldsRaw)) {
    if (!NAME.test(k) || k === 'op') throw b.at(`${where}.fields`, `has a field named ${shortValue(k)}; expected identifiers other than "op"`);
    fields[k] = parseOpField(b, `${where}.fields.${k}`, v);
  }
  const kernels = x['kernels'] ?? ['old'];
  if (!Array.isArray(kernels) || kernels.length === 0 || kernels.some((k) => k !== 'old' && k !== 'new')) throw b.at(`${where}.kernels`, `= ${shortValue(kernels)}; expected ["old"], ["new"] or ["old", "new"]`);
  const stepsRaw = x['steps'];
  if (!Array.isArray(stepsRaw) || stepsRaw.length === 0 || stepsRaw.length > 16) throw b.at(`${where}.steps`, `= ${shortValue(stepsRaw)}; expected 1 to 16 steps`);
  const steps = stepsRaw.map((st, j): ExtStep => {
    const w = `${where}.steps[${j}]`;
    if (!isObj(st)) throw b.at(w, `= ${shortValue(st)}; expected { pc?, holds?, needs?, guard?, effect?, fails? }`);
    const pc = st['pc'];
    if (j > 0 && (typeof pc !== 'string' || !NAME.test(pc))) throw b.at(`${w}.pc`, `= ${shortValue(pc)}; every step after the first names the program counter its thread waits at before it`);
    if (j === 0 && pc !== undefined) throw b.at(`${w}.pc`, `= ${shortValue(pc)}; the first step starts from an idle thread and has no pc`);
    if (j === 0 && st['holds'] !== undefined) throw b.at(`${w}.holds`, 'is set on the first step; `holds` names the locks held at a step\'s pc, taken by the step before');
    if (j === 0 && st['name'] !== undefined && (typeof st['name'] !== 'string' || !NAME.test(st['name']))) throw b.at(`${w}.name`, `= ${shortValue(st['name'])}; expected an identifier (the first step's name in traces; S1 when left out)`);
    const name = typeof pc === 'string' ? pc : typeof st['name'] === 'string' ? st['name'] : 'S1';
    return {
      name,
      ...(typeof pc === 'string' ? { pc } : {}),
      holds: strings(b, `${w}.holds`, st['holds']),
      needs: strings(b, `${w}.needs`, st['needs']),
      guard: fn(b, `${w}.guard`, st['guard']),
      effect: fn(b, `${w}.effect`, st['effect']),
      fails: fn(b, `${w}.fails`, st['fails']),
    };
  });
  // A step is found by its name (a later step's is its pc): two steps of one name would run the later one's effect for both.
  steps.forEach((st, j) => {
    const k = steps.findIndex((o) => o.name === st.name);
    if (k < j) throw b.at(`${where}.steps[${j}].pc`, `= ${shortValue(st.pc)}; steps[${k}] is named so already (the first step is S1 unless named); every step needs a name of its own`);
  });
  return {
    op, type, source, fields, kernels: kernels as Kernel[], steps,
    label: fn(b, `${where}.label`, x['label']),
    kselftest: fn(b, `${where}.kselftest`, x['kselftest']),
    doc: typeof x['doc'] === 'string' ? x['doc'] : `${type} (${source})`,
  };
}

function parseSwitch(b: Bad, x: unknown, i: number): ExtSwitch {
  const where = `switches[${i}]`;
  if (!isObj(x)) throw b.at(where, `= ${shortValue(x)}; expected { name, values, doc, presets }`);
  const name = x['name'];
  if (typeof name !== 'string' || !NAME.test(name)) throw b.at(`${where}.name`, `= ${shortValue(name)}; expected an identifier`);
  const values = x['values'];
  if (!Array.isArray(values) || values.length < 2 || values.some((v) => typeof v !== 'string' || !/^[a-z0-9][a-z0-9-]*$/i.test(v)) || new Set(values).size !== values.length) {
    throw b.at(`${where}.values`, `= ${shortValue(values)}; expected two or more distinct names`);
  }
  const presets = x['presets'] ?? {};
  if (!isObj(presets)) throw b.at(`${where}.presets`, `= ${shortValue(presets)}; expected { preset: value }`);
  for (const [p, v] of Object.entries(presets)) if (!values.includes(v)) throw b.at(`${where}.presets.${p}`, `= ${shortValue(v)}; accepted: ${oneOf(values as string[])}`);
  const doc = typeof x['doc'] === 'string' && x['doc'].trim() !== '' ? x['doc'] : undefined;
  if (!doc) throw b.at(`${where}.doc`, 'is missing; say what the switch chooses and which value is as posted');
  return { name, values: values as string[], doc, presets: presets as Record<string, string> };
}

/** Checks what module `file` exports for the model; undefined when it exports none of fields, actions, switches or scopes. */
export function parseExtension(file: string, abs: string, mod: Obj): Extension | undefined {
  const b = new Bad(file);
  if (['fields', 'actions', 'switches', 'scopes'].every((k) => mod[k] === undefined)) return undefined;
  const list = (k: string) => {
    const v = mod[k] ?? [];
    if (!Array.isArray(v)) throw b.at(`export "${k}"`, `= ${shortValue(v)}; expected an array`);
    return v as unknown[];
  };
  const scopes = mod['scopes'] ?? {};
  if (!isObj(scopes)) throw b.at('export "scopes"', `= ${shortValue(scopes)}; expected { name: scope JSON }`);
  return {
    file, abs,
    fields: list('fields').map((x, i) => parseField(b, x, i)),
    actions: list('actions').map((x, i) => parseAction(b, x, i)),
    switches: list('switches').map((x, i) => parseSwitch(b, x, i)),
    scopes: scopes as Record<string, unknown>,
  };
}

/** The declared state with extension fields added. */
function schemaWith(fields: readonly ExtField[], where: (f: ExtField) => string): FieldType {
  const add = (rec: FieldType, on: ExtField['on']): FieldType => {
    if (rec.t !== 'record') return rec;
    const more: Record<string, FieldSpec> = {};
    for (const f of fields.filter((x) => x.on === on)) {
      if (f.name in rec.fields || f.name in more) throw new UsageError(`${where(f)}: field ${JSON.stringify(f.name)} of ${on} is already declared`);
      more[f.name] = { type: f.type, doc: f.doc };
    }
    return { t: 'record', fields: { ...rec.fields, ...more } };
  };
  const base = STATE_SCHEMA.fields;
  const top = add(STATE_SCHEMA, 'state') as Extract<FieldType, { t: 'record' }>;
  const kinds: Record<string, FieldSpec> = {};
  for (const k of OBJECT_KINDS) {
    const spec = base[k]!;
    const of = add(KIND_SCHEMA[k], k);
    kinds[k] = { ...spec, type: { ...(spec.type as Extract<FieldType, { t: 'list' }>), of } };
  }
  return { t: 'record', fields: { ...top.fields, ...kinds } };
}

/** Calls loaded code, turning what it throws into a one-line error naming the file and line. */
function call<T>(x: Extension, what: string, f: () => T): T {
  try {
    return inLoaded(nameIndex(`${what} (--load ${JSON.stringify(x.file)})`), f);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const at = locateIn(e, x.file, x.abs) ?? JSON.stringify(x.file);
    const msg = e instanceof FieldError ? e.message : `${what} threw ${e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : shortValue(e)}`;
    throw new LoadedCodeError(`--load ${at}: ${msg}`);
  }
}

function compileAction(x: Extension, a: ExtAction, ext: () => Ext): EntryPoint<GenericAction> {
  const schema = () => ext().schema;
  const pcs: Record<string, readonly string[]> = {};
  for (const st of a.steps.slice(1)) pcs[st.pc!] = st.holds;
  const stepIndex = new Map(a.steps.map((st, i) => [st.name, i]));
  const multi = a.steps.length > 1;
  const c = (ctx: Ctx, s: State, pid: number, failed: boolean): StepContext => ({
    pid, failed, sw: ctx.variant ?? {}, held: (lock) => lockHeldByOther(s, lock, pid),
  });
  const enabled = (ctx: Ctx, s: State, pid: number, idx: number, op: GenericOp, i: number): GenericAction[] => {
    const st = a.steps[i]!;
    if (st.needs.some((l) => lockHeldByOther(s, l, pid))) return [];
    const view = strictView(s, schema(), false, `the guard of ${a.type} step ${st.name}`);
    const sop = Object.freeze({ ...op });
    if (st.guard && !call(x, `the guard of ${a.type} step ${st.name}`, () => st.guard!(view, sop, c(ctx, s, pid, false)))) return [];
    const ok: GenericAction = { pid, idx, type: a.type, op, ...(multi ? { step: st.name } : {}), fail: false };
    const mayFail = st.fails && call(x, `fails of ${a.type} step ${st.name}`, () => st.fails!(view, sop, c(ctx, s, pid, false)));
    return mayFail ? [ok, { ...ok, fail: true }] : [ok];
  };
  return {
    type: a.type,
    source: a.source,
    serves: a.kernels.map((kernel) => ({ op: a.op, kernel })),
    pcs,
    ...(multi ? { steps: a.steps.map((st) => st.name) } : {}),
    first: (ctx, s, pid, idx, op) => enabled(ctx, s, pid, idx, op, 0),
    resume: (ctx, s, pid, t, op) => enabled(ctx, s, pid, t.op, op, stepIndex.get(t.pc) ?? -1),
    effect(ctx, s, act) {
      const i = stepIndex.get(act.step ?? a.steps[0]!.name)!;
      const st = a.steps[i]!;
      const what = `the effect of ${a.type} step ${st.name}`;
      const draft = deepCopy(s) as { -readonly [K in keyof State]: State[K] };
      let r: unknown;
      if (st.effect) {
        const view = strictView(draft, schema(), true, what);
        r = call(x, what, () => st.effect!(view as State, Object.freeze({ ...act.op }), c(ctx, s, act.pid, act.fail === true)));
      }
      if (r !== undefined && r !== 'return') throw new LoadedCodeError(`--load ${JSON.stringify(x.file)}: ${what} returned ${shortValue(r)}; expected nothing (go on to the next step) or "return" (the op returns now)`);
      let n: State = draft;
      const last = i === a.steps.length - 1 || r === 'return';
      n = withThread(n, act.pid, (t: VmmThread) =>
        last ? { ...IDLE, done: t.done | (1 << act.idx) } : { ...t, op: act.idx, pc: a.steps[i + 1]!.pc! as VmmThread['pc'] });
      n = fillExtFields(ext(), n); // a thread back at idle: its locals at their initial values
      const bad = misfit(n, schema(), '', isPc);
      if (bad) throw new LoadedCodeError(`--load ${JSON.stringify(x.file)}: ${what} leaves ${bad}`);
      return n;
    },
    label(act) {
      const step = act.step ?? a.steps[0]!.name;
      if (a.label) {
        const l = call(x, `the label of ${a.type}`, () => a.label!(Object.freeze({ ...act.op }), step, act.fail === true));
        if (typeof l !== 'string' || l.trim() === '' || l.includes('\n')) throw new LoadedCodeError(`--load ${JSON.stringify(x.file)}: the label of ${a.type} returned ${shortValue(l)}; expected one line of text`);
        return multi && !l.includes(step) ? `${l} ${step}` : l;
      }
      const args = Object.keys(a.fields).map((k) => `${k} ${shortValue(act.op[k])}`).join(', ');
      return `${a.type}${multi ? ` ${step}` : ''}${args ? ` (${args})` : ''}${act.fail ? ' -> fails' : ''}`;
    },
    kselftest(_ctx, act): KselftestStep {
      const step = act.step ?? a.steps[0]!.name;
      if (!a.kselftest) return { needs: `C for ${a.type}, which its extension (${x.file}) does not give` };
      const r = call(x, `the kselftest of ${a.type}`, () => a.kselftest!(Object.freeze({ ...act.op }), step));
      if (r === undefined) return { comment: `inside ${a.type}` };
      if (!isObj(r) || (r['code'] !== undefined && (!Array.isArray(r['code']) || r['code'].some((l) => typeof l !== 'string')))) {
        throw new LoadedCodeError(`--load ${JSON.stringify(x.file)}: the kselftest of ${a.type} returned ${shortValue(r)}; expected { code: [lines of C], comment? } or nothing`);
      }
      return { ...(r['code'] ? { code: r['code'] as string[] } : {}), comment: typeof r['comment'] === 'string' ? r['comment'] : `${a.type} (${x.file})` };
    },
  };
}

/**
 * The extensions compiled against the model's own entry points, menu ops
 * and fields (`core`): ops, types, program counters and fields must not
 * collide, and two modules compose in the order they were loaded.
 */
export function compileExtensions(exts: readonly Extension[], core: { readonly ops: readonly string[]; readonly types: readonly string[] }): Ext | undefined {
  if (exts.length === 0) return undefined;
  const fields: ExtField[] = [];
  const owner = new Map<ExtField, Extension>();
  for (const x of exts) for (const f of x.fields) {
    fields.push(f);
    owner.set(f, x);
  }
  const schema = schemaWith(fields, (f) => `--load ${JSON.stringify(owner.get(f)!.file)}`);
  const entries: EntryPoint<GenericAction>[] = [];
  const ops: MenuOpSpec[] = [];
  const coreOps = new Set(core.ops);
  const coreTypes = new Set(core.types);
  for (const x of exts) {
    for (const a of x.actions) {
      const where = `--load ${JSON.stringify(x.file)}: action ${a.type}`;
      if (coreOps.has(a.op)) throw new UsageError(`${where}: menu op ${JSON.stringify(a.op)} is the model's own; name the new op otherwise`);
      if (coreTypes.has(a.type)) throw new UsageError(`${where}: the model already has an entry point ${a.type}; name the new one otherwise`);
      for (const st of a.steps) if (st.pc) registerPcLocks(st.pc, st.holds, where);
      ops.push({ name: a.op, doc: a.doc, fields: a.fields, kernels: a.kernels });
      entries.push(compileAction(x, a, () => compiled));
    }
  }
  const reg = new Registry(entries, ops, 'the --load extensions');
  const perKind = new Map<ObjectKind, ExtField[]>();
  for (const f of fields) if (f.on !== 'state') perKind.set(f.on, [...(perKind.get(f.on) ?? []), f]);
  const compiled: Ext = { reg, fields, schema, perKind, top: fields.filter((f) => f.on === 'state') };
  registerExtFields('state', compiled.top.map((f) => f.name));
  for (const [kind, fs] of perKind) registerExtFields(kind, fs.map((f) => f.name));
  return compiled;
}

/** `s` with every extension field an object lacks (a fresh object the model built) at its initial value. */
export function fillExtFields(ext: Ext, s: State): State {
  let out = s as unknown as Record<string, unknown>;
  for (const f of ext.top) if (!(f.name in out)) out = { ...out, [f.name]: f.init };
  for (const [kind, fs] of ext.perKind) {
    const objs = out[kind] as readonly Record<string, unknown>[];
    let changed: Record<string, unknown>[] | undefined;
    for (let i = 0; i < objs.length; i++) {
      const o = objs[i]!;
      if (fs.every((f) => f.name in o)) continue;
      const filled = { ...o };
      for (const f of fs) if (!(f.name in filled)) filled[f.name] = f.init;
      (changed ??= [...objs])[i] = filled;
    }
    if (changed) out = { ...out, [kind]: changed };
  }
  return out as unknown as State;
}

/** Appends the extension fields of `s` to its encoding (one word each, in declaration order). */
export function encodeExtFields(ext: Ext, s: State, out: { push(v: number): void }): void {
  const word = (v: unknown) => (typeof v === 'boolean' ? (v ? 1 : 0) : (v as number));
  for (const f of ext.top) out.push(word((s as unknown as Record<string, unknown>)[f.name]));
  for (const [kind, fs] of ext.perKind) {
    for (const o of (s as unknown as Record<string, readonly Record<string, unknown>[]>)[kind]!) for (const f of fs) out.push(word(o[f.name]));
  }
}

/** Reads back what encodeExtFields wrote, from word `at` on, onto the decoded core state. */
export function decodeExtFields(ext: Ext, s: State, words: Int32Array, at: number): State {
  let i = at;
  const val = (f: ExtField) => (f.type.t === 'bool' ? words[i++] === 1 : words[i++]!);
  const out: Record<string, unknown> = { ...s };
  for (const f of ext.top) out[f.name] = val(f);
  for (const [kind, fs] of ext.perKind) {
    out[kind] = (out[kind] as readonly Record<string, unknown>[]).map((o) => {
      const x = { ...o };
      for (const f of fs) x[f.name] = val(f);
      return x;
    });
  }
  return out as unknown as State;
}

/** The switches and presets with the extensions' added. */
export function switchesWith(exts: readonly Extension[], base: readonly SwitchSpec[], presets: Readonly<Record<string, Variant>>): { switches: SwitchSpec[]; presets: Record<string, Variant> } {
  const switches = [...base];
  const out: Record<string, Variant> = { ...presets };
  for (const x of exts) {
    for (const w of x.switches) {
      if (switches.some((s) => s.name === w.name)) throw new UsageError(`--load ${JSON.stringify(x.file)}: switch ${JSON.stringify(w.name)} already exists`);
      for (const p of Object.keys(w.presets)) if (!(p in out)) throw new UsageError(`--load ${JSON.stringify(x.file)}: switch ${w.name} names preset ${JSON.stringify(p)}; accepted: ${oneOf(Object.keys(out))}`);
      switches.push({ name: w.name, values: w.values, doc: w.doc });
      for (const p of Object.keys(out)) out[p] = { ...out[p], [w.name]: w.presets[p] ?? w.values[0]! };
    }
  }
  return { switches, presets: out };
}

/** How many words encodeExtFields writes for a state shaped like `s`. */
export function extWordCount(ext: Ext, s: State): number {
  let n = ext.top.length;
  for (const [kind, fs] of ext.perKind) n += fs.length * (s as unknown as Record<string, readonly unknown[]>)[kind]!.length;
  return n;
}

const JSON_NAMES: Readonly<Record<ObjectKind, (i: number) => string | number>> = {
  memfds: (i) => `memfd${i + 1}`, ioas: (i) => `ioas${i + 1}`, hwpts: (i) => `hwpt${i + 1}`, devices: (i) => `dev${i + 1}`, groups: (i) => i, threads: (i) => `T${i + 1}`,
};

/** The JSON view `j` of `s` with the extensions' fields added where their objects are. */
export function extJson(ext: Ext, s: State, j: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...j };
  const raw = s as unknown as Record<string, unknown>;
  for (const f of ext.top) out[f.name] = raw[f.name];
  for (const [kind, fs] of ext.perKind) {
    const objs = raw[kind] as readonly Record<string, unknown>[];
    const view = out[kind] as Record<string | number, Record<string, unknown>>;
    const copy: Record<string | number, Record<string, unknown>> = Array.isArray(view) ? ([...view] as never) : { ...view };
    objs.forEach((o, i) => {
      const key = JSON_NAMES[kind](i);
      const entry = { ...copy[key] };
      for (const f of fs) entry[f.name] = o[f.name];
      copy[key] = entry;
    });
    out[kind] = copy;
  }
  return out;
}
