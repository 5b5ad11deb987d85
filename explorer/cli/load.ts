/**
 * `--load FILE`: invariants from a JavaScript module outside the tree, added
 * to one shipped model without editing luocheck (docs/writing-an-invariant.md).
 *
 * The module's shape:
 *   export const model = 'lostupdate';        // the --model it applies to
 *   export default { id, title, source, kind, check, statement?, witness? };
 *   // or: export default [invariantA, invariantB];
 *
 * A loaded file runs as code with the user's rights. Only files named by
 * --load on the command line are loaded; nothing is discovered from the
 * environment, the working directory or a configuration file. A path that
 * does not exist or is not a .mjs/.js/.cjs file is refused before anything
 * runs; a module that throws while loading, or exports the wrong shape, is a
 * one-line UsageError.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, resolve as resolvePath } from 'node:path';
import { LoadedCodeError, UsageError, oneOf, shortValue } from '../errors.js';
import { locateIn } from '../search/locate.js';
import { inLoaded, nameIndex } from '../search/loaded-calls.js';
import { pointModule, type PointInfo } from './point.js';
import { DEADLOCK_ID, type Invariant } from '../invariant.js';
import type { AnyModelSpec } from '../spec.js';

export const MODULE_EXTENSIONS = ['.mjs', '.js', '.cjs'] as const;
const KINDS = ['state', 'step', 'progress'];
const SHAPE = 'expected export const model = "NAME" and a default export that is an Invariant (id, title, source, kind, check) or an array of them';

export interface LoadedFile {
  readonly file: string;
  readonly model: string;
  readonly invariants: readonly Invariant<unknown, unknown>[];
}

function checkInvariant(file: string, x: unknown, where: string): Invariant<unknown, unknown> {
  const o = x as Record<string, unknown>;
  const fail = (what: string) => new UsageError(`--load ${JSON.stringify(file)}: ${where} ${what}; ${SHAPE}`);
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw fail('is not an object');
  if (typeof o['id'] !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(o['id'])) throw fail(`has id ${JSON.stringify(o['id'])}, not a kebab-case string`);
  if (o['id'] === DEADLOCK_ID) throw new UsageError(`--load ${JSON.stringify(file)}: ${where} has id "${DEADLOCK_ID}", which the engine reserves for states where no process can move`);
  for (const k of ['title', 'source'] as const) {
    if (typeof o[k] !== 'string' || o[k].trim() === '') throw fail(`(${o['id']}) has no "${k}" string`);
  }
  if (!KINDS.includes(o['kind'] as string)) throw fail(`(${o['id']}) has kind ${JSON.stringify(o['kind'])}; accepted: ${oneOf(KINDS)}`);
  if (typeof o['check'] !== 'function') throw fail(`(${o['id']}) has no "check" function`);
  if (o['statement'] !== undefined && typeof o['statement'] !== 'string') throw fail(`(${o['id']}) has a "statement" that is not a string`);
  const w = o['witness'] as Record<string, unknown> | undefined;
  if (w !== undefined && (typeof w !== 'object' || w === null || typeof w['title'] !== 'string' || typeof w['reached'] !== 'function')) {
    throw fail(`(${o['id']}) has a "witness" without a "title" string and a "reached" function`);
  }
  return o as unknown as Invariant<unknown, unknown>;
}

export { loadedCalls } from '../search/loaded-calls.js';


/**
 * The invariant with its loaded functions guarded: an exception, or a check
 * that returns anything but null or a string, is a UsageError naming the
 * file and the invariant (the CLI prints it on one line and exits 2).
 */
function guarded(file: string, path: string, inv: Invariant<unknown, unknown>): Invariant<unknown, unknown> {
  const where = `--load ${JSON.stringify(file)}: invariant ${inv.id}`;
  const threw = (fn: string, e: unknown) => {
    const at = locateIn(e, file, path);
    if (e instanceof Error && e.name === 'FieldError') return new LoadedCodeError(`--load ${at ?? JSON.stringify(file)}: ${e.message}`);
    return new LoadedCodeError(`${at ? `--load ${at}: invariant ${inv.id}` : where}: ${fn} threw ${e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : shortValue(e)}`);
  };
  const result = (r: unknown): string | null => {
    if (r === null || typeof r === 'string') return r;
    throw new LoadedCodeError(`${where}: check returned ${shortValue(r)}; expected null (the invariant holds) or a string saying what is broken`);
  };
  const check = inv.check as (...a: unknown[]) => unknown;
  const checkName = nameIndex(`the check of invariant ${inv.id} (--load ${JSON.stringify(file)})`);
  const witnessName = nameIndex(`the witness of invariant ${inv.id} (--load ${JSON.stringify(file)})`);
  const guardedCheck = (...a: unknown[]): string | null => {
    let r: unknown;
    try {
      r = inLoaded(checkName, () => check(...a));
    } catch (e) {
      throw threw('check', e);
    }
    return result(r);
  };
  const w = inv.witness;
  const witness = w && {
    title: w.title,
    reached: (p: unknown, a: unknown, n: unknown): boolean => {
      try {
        return Boolean(inLoaded(witnessName, () => w.reached(p, a, n)));
      } catch (e) {
        throw threw('witness.reached', e);
      }
    },
  };
  return { ...inv, check: guardedCheck, ...(witness ? { witness } : {}) } as Invariant<unknown, unknown>;
}

/** Loads one module named on the command line: its resolved path and its exports. */
function importModule(file: string): { path: string; mod: Record<string, unknown> } {
  const path = resolvePath(file);
  if (!existsSync(path)) throw new UsageError(`--load ${JSON.stringify(file)} does not exist; accepted: a ${oneOf([...MODULE_EXTENSIONS])} file`);
  if (!statSync(path).isFile()) throw new UsageError(`--load ${JSON.stringify(file)} is not a file; accepted: a ${oneOf([...MODULE_EXTENSIONS])} file`);
  if (!(MODULE_EXTENSIONS as readonly string[]).includes(extname(path))) {
    throw new UsageError(`--load ${JSON.stringify(file)} is not a JavaScript module; accepted: a ${oneOf([...MODULE_EXTENSIONS])} file`);
  }
  try {
    return { path, mod: inLoaded(nameIndex(`the module ${JSON.stringify(file)} (--load) while it loads`), () => createRequire(import.meta.url)(path)) as Record<string, unknown> };
  } catch (e) {
    const msg = String((e as Error)?.message ?? e).split('\n')[0];
    const at = syntaxAt(e, file, path);
    throw new UsageError(`--load ${at ?? JSON.stringify(file)}: cannot load it as a module: ${msg}`);
  }
}

/**
 * Where a module that does not parse is wrong ("file:line:col"), from text
 * in Node's shape: a line "path:LINE" (the module's path or file URL)
 * within the first few, and the column under a caret line after it.
 */
function caretAt(text: string, file: string, path: string): string | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < Math.min(lines.length, 6); i++) {
    for (const p of [`file://${path}`, path]) {
      if (!lines[i]!.startsWith(`${p}:`)) continue;
      const line = /^:(\d+)/.exec(lines[i]!.slice(p.length))?.[1];
      const caret = lines.slice(i + 1, i + 4).find((x) => /^\s*\^+\s*$/.test(x));
      if (line) return `${file}:${line}${caret ? `:${caret.indexOf('^') + 1}` : ''}`;
    }
  }
  return undefined;
}

/** caretAt of a load error's stack, else of `node --check` (Node does not say where when the module is loaded through require). */
function syntaxAt(e: unknown, file: string, path: string): string | undefined {
  const at = caretAt(e instanceof Error && typeof e.stack === 'string' ? e.stack : '', file, path);
  if (at !== undefined || !(e instanceof SyntaxError)) return at;
  return caretAt(spawnSync(process.execPath, ['--check', path], { encoding: 'utf8', timeout: 20_000 }).stderr ?? '', file, path);
}

/** What one module adds: the model it applies to, its invariants, and whether it extended the model. */
export function loadFile(file: string, models: readonly AnyModelSpec[], asPoint = false): LoadedFile & { readonly spec?: AnyModelSpec; readonly path: string; readonly point?: PointInfo } {
  if (!asPoint) return loadModule(file, models);
  try {
    return loadModule(file, models, true);
  } catch (e) {
    // The same checks as for --load, said of the point file.
    if (e instanceof UsageError) throw new UsageError(e.message.replace(/^--load /, 'point '));
    throw e;
  }
}

function loadModule(file: string, models: readonly AnyModelSpec[], asPoint = false): LoadedFile & { readonly spec?: AnyModelSpec; readonly path: string; readonly point?: PointInfo } {
  const loaded = importModule(file);
  const path = loaded.path;
  let mod = loaded.mod;
  let point: PointInfo | undefined;
  // A point file given to --load (to replay or explain a point's trace) adds its scope and property.
  if (asPoint || mod['point'] !== undefined) {
    const pm = pointModule(file, mod, models);
    mod = pm.mod;
    point = pm.info;
  }
  const model = mod['model'];
  const names = models.map((m) => m.name);
  if (typeof model !== 'string' || !names.includes(model)) {
    throw new UsageError(`--load ${JSON.stringify(file)}: export "model" = ${JSON.stringify(model)}; accepted: ${oneOf(names)}`);
  }
  const base = models.find((m) => m.name === model)!;
  const spec = base.extend ? (base.extend(file, path, mod) as AnyModelSpec | undefined) : undefined;
  if (!base.extend && ['fields', 'actions', 'switches', 'scopes'].some((k) => mod[k] !== undefined)) {
    throw new UsageError(`--load ${JSON.stringify(file)}: model ${model} takes only invariants from --load (no fields, actions, switches or scopes)`);
  }
  const def = mod['default'];
  if (def === undefined) {
    if (spec) return { file, model, invariants: [], spec, path };
    throw new UsageError(`--load ${JSON.stringify(file)}: no default export; ${SHAPE}`);
  }
  const list = Array.isArray(def) ? def : [def];
  if (list.length === 0 && !spec) throw new UsageError(`--load ${JSON.stringify(file)}: the default export is an empty array; ${SHAPE}`);
  const invariants = list.map((x, i) => checkInvariant(file, x, Array.isArray(def) ? `default export item ${i}` : 'the default export'));
  return { file, model, invariants, path, ...(spec ? { spec } : {}), ...(point ? { point } : {}) };
}

/** The invariant reading states through `view` (the model's strict view for loaded code). */
function viewed(inv: Invariant<unknown, unknown>, view: ((what: string) => (s: unknown) => unknown) | undefined): Invariant<unknown, unknown> {
  if (!view) return inv;
  const v = view(`the check of invariant ${inv.id}`);
  const w = view(`the witness of invariant ${inv.id}`);
  const check = inv.check as (...a: unknown[]) => string | null;
  const wrappedCheck = inv.kind === 'step' ? (p: unknown, a: unknown, n: unknown) => check(v(p), a, v(n)) : (s: unknown) => check(v(s));
  const wit = inv.witness;
  const witness = wit && { title: wit.title, reached: (p: unknown, a: unknown, n: unknown) => wit.reached(p === undefined ? p : w(p), a, w(n)) };
  return { ...inv, check: wrappedCheck, ...(witness ? { witness } : {}) } as Invariant<unknown, unknown>;
}

/**
 * The models with every --load file added, in order: extensions (fields,
 * actions, switches, scopes) compose into the model's spec, and invariants
 * are added with ids unique per model. Loaded invariants read states
 * through the final spec's strict view.
 */
export function withLoaded(models: readonly AnyModelSpec[], files: readonly string[]): readonly AnyModelSpec[] {
  return loadAll(models, files).models;
}

/** withLoaded, and a point file (`point`, loaded last) with what the command line needs of it. */
export function loadAll(models: readonly AnyModelSpec[], files: readonly string[], pointFile?: string): { models: readonly AnyModelSpec[]; point?: PointInfo } {
  if (files.length === 0 && pointFile === undefined) return { models };
  let specs = [...models];
  let point: PointInfo | undefined;
  const extra = new Map<string, { inv: Invariant<unknown, unknown>; file: string; path: string }[]>();
  for (const [k, f] of [...files, ...(pointFile !== undefined ? [pointFile] : [])].entries()) {
    const l = loadFile(f, specs, k === files.length);
    if (l.point && k === files.length) point = l.point;
    if (l.spec) specs = specs.map((m) => (m.name === l.model ? l.spec! : m));
    const spec = specs.find((m) => m.name === l.model)!;
    const have = new Set([
      ...spec.invariants(spec.scopes[spec.defaultScope], spec.presets[spec.defaultPreset]!).map((i: Invariant<unknown, unknown>) => i.id),
      ...(extra.get(l.model) ?? []).map((x) => x.inv.id),
    ]);
    for (const inv of l.invariants) {
      if (have.has(inv.id)) throw new UsageError(`--load ${JSON.stringify(f)}: invariant id ${JSON.stringify(inv.id)} is already used by model ${l.model}`);
      have.add(inv.id);
    }
    extra.set(l.model, [...(extra.get(l.model) ?? []), ...l.invariants.map((inv) => ({ inv, file: f, path: l.path }))]);
  }
  const out = specs.map((m) => {
    const more = extra.get(m.name);
    if (!more) return m;
    const view = m.loadedView?.bind(m) as ((what: string) => (s: unknown) => unknown) | undefined;
    const invs = more.map((x) => guarded(x.file, x.path, viewed(x.inv, view)));
    return { ...m, invariants: (scope: unknown, variant) => [...m.invariants(scope, variant), ...invs] } as AnyModelSpec;
  });
  return { models: out, ...(point ? { point } : {}) };
}
