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
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, resolve as resolvePath } from 'node:path';
import { UsageError, oneOf } from './errors.js';
import { DEADLOCK_ID, type Invariant } from './invariant.js';
import type { AnyModelSpec } from './spec.js';

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
  return guarded(file, o as unknown as Invariant<unknown, unknown>);
}

/**
 * Calls into loaded code are counted in a shared word, so the thread that
 * takes SIGINT can tell a search stuck in one call (a loaded `check` that
 * loops) from one that is busy, and stop it: word 0 is odd while a call runs
 * and changes with every call; word 1 is the index, in `names`, of the
 * function running. Unset (the tests, in-process), nothing is counted.
 */
export const loadedCalls: { mark?: Int32Array; names: string[]; onNames?: (names: readonly string[]) => void } = { names: [] };

function nameIndex(name: string): number {
  let i = loadedCalls.names.indexOf(name);
  if (i < 0) {
    i = loadedCalls.names.push(name) - 1;
    loadedCalls.onNames?.(loadedCalls.names);
  }
  return i;
}

/** Runs `f` as a call into loaded code named `name`. */
function inLoaded<T>(name: number, f: () => T): T {
  const mark = loadedCalls.mark;
  if (mark === undefined) return f();
  Atomics.store(mark, 1, name);
  Atomics.add(mark, 0, 1);
  try {
    return f();
  } finally {
    Atomics.add(mark, 0, 1);
  }
}

/** What a loaded function returned or threw, in a few words. */
function said(x: unknown): string {
  if (x === undefined) return 'undefined';
  if (typeof x === 'function') return 'a function';
  try {
    const s = JSON.stringify(x);
    return s === undefined ? String(x) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return typeof x;
  }
}

/**
 * The invariant with its loaded functions guarded: an exception, or a check
 * that returns anything but null or a string, is a UsageError naming the
 * file and the invariant (the CLI prints it on one line and exits 2).
 */
function guarded(file: string, inv: Invariant<unknown, unknown>): Invariant<unknown, unknown> {
  const where = `--load ${JSON.stringify(file)}: invariant ${inv.id}`;
  const threw = (fn: string, e: unknown) =>
    new UsageError(`${where}: ${fn} threw ${e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : said(e)}`);
  const result = (r: unknown): string | null => {
    if (r === null || typeof r === 'string') return r;
    throw new UsageError(`${where}: check returned ${said(r)}; expected null (the invariant holds) or a string saying what is broken`);
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

/** Loads one module named on the command line. */
export function loadFile(file: string, models: readonly AnyModelSpec[]): LoadedFile {
  const path = resolvePath(file);
  if (!existsSync(path)) throw new UsageError(`--load ${JSON.stringify(file)} does not exist; accepted: a ${oneOf([...MODULE_EXTENSIONS])} file`);
  if (!statSync(path).isFile()) throw new UsageError(`--load ${JSON.stringify(file)} is not a file; accepted: a ${oneOf([...MODULE_EXTENSIONS])} file`);
  if (!(MODULE_EXTENSIONS as readonly string[]).includes(extname(path))) {
    throw new UsageError(`--load ${JSON.stringify(file)} is not a JavaScript module; accepted: a ${oneOf([...MODULE_EXTENSIONS])} file`);
  }
  let mod: Record<string, unknown>;
  try {
    mod = inLoaded(nameIndex(`the module ${JSON.stringify(file)} (--load) while it loads`), () => createRequire(import.meta.url)(path)) as Record<string, unknown>;
  } catch (e) {
    const msg = String((e as Error)?.message ?? e).split('\n')[0];
    throw new UsageError(`--load ${JSON.stringify(file)}: cannot load it as a module: ${msg}`);
  }
  const model = mod['model'];
  const names = models.map((m) => m.name);
  if (typeof model !== 'string' || !names.includes(model)) {
    throw new UsageError(`--load ${JSON.stringify(file)}: export "model" = ${JSON.stringify(model)}; accepted: ${oneOf(names)}`);
  }
  const def = mod['default'];
  if (def === undefined) throw new UsageError(`--load ${JSON.stringify(file)}: no default export; ${SHAPE}`);
  const list = Array.isArray(def) ? def : [def];
  if (list.length === 0) throw new UsageError(`--load ${JSON.stringify(file)}: the default export is an empty array; ${SHAPE}`);
  const invariants = list.map((x, i) => checkInvariant(file, x, Array.isArray(def) ? `default export item ${i}` : 'the default export'));
  return { file, model, invariants };
}

/** The models with the invariants of every --load file added; ids must stay unique per model. */
export function withLoaded(models: readonly AnyModelSpec[], files: readonly string[]): readonly AnyModelSpec[] {
  if (files.length === 0) return models;
  const extra = new Map<string, Invariant<unknown, unknown>[]>();
  for (const f of files) {
    const l = loadFile(f, models);
    const spec = models.find((m) => m.name === l.model)!;
    const have = new Set([
      ...spec.invariants(spec.scopes[spec.defaultScope], spec.presets[spec.defaultPreset]!).map((i: Invariant<unknown, unknown>) => i.id),
      ...(extra.get(l.model) ?? []).map((i) => i.id),
    ]);
    for (const inv of l.invariants) {
      if (have.has(inv.id)) throw new UsageError(`--load ${JSON.stringify(f)}: invariant id ${JSON.stringify(inv.id)} is already used by model ${l.model}`);
      have.add(inv.id);
    }
    extra.set(l.model, [...(extra.get(l.model) ?? []), ...l.invariants]);
  }
  return models.map((m) => {
    const more = extra.get(m.name);
    if (!more) return m;
    return { ...m, invariants: (scope: unknown, variant) => [...m.invariants(scope, variant), ...more] } as AnyModelSpec;
  });
}
