/**
 * Turns command-line names into a model, a scope, a variant and the
 * invariants to check, rejecting every unknown name with the accepted ones.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { UsageError, oneOf } from '../errors.js';
import type { Invariant } from '../invariant.js';
import { DEADLOCK_ID } from '../invariant.js';
import type { Model } from '../model.js';
import type { AnyModelSpec, Variant } from '../spec.js';

export interface Resolved {
  spec: AnyModelSpec;
  scopeName: string;
  scope: unknown;
  variantName: string;
  variant: Variant;
  model: Model<unknown, unknown>;
  invariants: readonly Invariant<unknown, unknown>[];
}

export function findModel(models: readonly AnyModelSpec[], name: string): AnyModelSpec {
  const spec = models.find((m) => m.name === name);
  if (!spec) throw new UsageError(`unknown model ${JSON.stringify(name)}; accepted: ${oneOf(models.map((m) => m.name))}`);
  return spec;
}

/** The largest file luocheck reads (a scope, a report, a trace). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** The deepest nesting of arrays and objects in a file luocheck reads. */
export const MAX_JSON_DEPTH = 64;

/** How deeply `v` nests, counted without recursion; stops counting past `limit`. */
export function jsonDepth(v: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    if (d + 1 > max) max = d + 1;
    if (max > limit) return max;
    for (const y of Array.isArray(x) ? x : Object.values(x)) if (typeof y === 'object' && y !== null) stack.push([y, d + 1]);
  }
  return max;
}

/**
 * Reads and parses a JSON file; any failure (missing, not a file, too large,
 * unreadable, not JSON, nested too deeply) is a one-line UsageError naming
 * the file.
 */
export function readJsonFile(path: string, what: string): unknown {
  const name = `${what} ${JSON.stringify(path)}`;
  let text: string;
  try {
    if (!existsSync(path)) throw new UsageError(`${name} does not exist`);
    const st = statSync(path);
    if (!st.isFile()) throw new UsageError(`${name} is not a file`);
    if (st.size > MAX_FILE_BYTES) throw new UsageError(`${name} is ${st.size} bytes; luocheck reads files of up to ${MAX_FILE_BYTES} bytes`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${name} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${name} is not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (jsonDepth(json, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw new UsageError(`${name} nests arrays and objects more than ${MAX_JSON_DEPTH} deep`);
  return json;
}

export function resolveScope(spec: AnyModelSpec, name: string | undefined): { scopeName: string; scope: unknown } {
  const scopeName = name ?? spec.defaultScope;
  if (Object.hasOwn(spec.scopes, scopeName)) return { scopeName, scope: spec.scopes[scopeName] };
  if (scopeName.endsWith('.json') || existsSync(scopeName)) {
    const json = readJsonFile(scopeName, 'scope file');
    try {
      return { scopeName, scope: spec.parseScope(json) };
    } catch (e) {
      if (e instanceof UsageError) throw new UsageError(`scope file ${JSON.stringify(scopeName)}: ${e.message.replace(/^scope: /, '')}`);
      throw e;
    }
  }
  throw new UsageError(
    `unknown scope ${JSON.stringify(scopeName)} for model ${spec.name}; accepted: ${oneOf([...Object.keys(spec.scopes), "a FILE.json"])}`,
  );
}

export function resolveVariant(spec: AnyModelSpec, name: string | undefined, sets: readonly [string, string][]): { variantName: string; variant: Variant } {
  const variantName = name ?? spec.defaultPreset;
  if (!Object.hasOwn(spec.presets, variantName)) {
    throw new UsageError(`unknown variant ${JSON.stringify(variantName)} for model ${spec.name}; accepted: ${oneOf(Object.keys(spec.presets))}`);
  }
  const variant: Record<string, string> = { ...spec.presets[variantName] };
  for (const [k, v] of sets) {
    const sw = spec.switches.find((s) => s.name === k);
    if (!sw) {
      const names = spec.switches.map((s) => s.name);
      throw new UsageError(`unknown switch ${JSON.stringify(k)} for model ${spec.name}; accepted: ${names.length ? oneOf(names) : '(this model has no switches)'}`);
    }
    if (!sw.values.includes(v)) throw new UsageError(`--set ${k}=${v}: accepted values of ${k}: ${oneOf(sw.values)}`);
    variant[k] = v;
  }
  return { variantName, variant };
}

export function resolveInvariants(
  all: readonly Invariant<unknown, unknown>[],
  ids: readonly string[] | undefined,
): readonly Invariant<unknown, unknown>[] {
  if (ids === undefined) return all;
  const known = all.map((i) => i.id);
  for (const id of ids) {
    if (!known.includes(id) && id !== DEADLOCK_ID) throw new UsageError(`unknown invariant ${JSON.stringify(id)}; accepted: ${oneOf(known)}`);
  }
  return all.filter((i) => ids.includes(i.id));
}

/**
 * The spec, scope and variant a saved report or trace was produced on: its
 * scope by name, else by the bounds it carries; its variant over the model's
 * default preset. `what` names the file kind in errors.
 */
export function resolveSaved(
  models: readonly AnyModelSpec[],
  saved: { model: string; scope: string; scopeBounds?: unknown; variant: Readonly<Record<string, string>> },
  what: string,
): { spec: AnyModelSpec; scope: unknown; variant: Variant } {
  const spec = findModel(models, saved.model);
  let scope: unknown;
  if (Object.hasOwn(spec.scopes, saved.scope)) scope = spec.scopes[saved.scope];
  else if (saved.scopeBounds !== undefined) scope = spec.parseScope(saved.scopeBounds);
  else throw new UsageError(`${what}: unknown scope ${JSON.stringify(saved.scope)} and no "scopeBounds"`);
  const base = spec.presets[spec.defaultPreset]!;
  const { variant } = resolveVariant(spec, spec.defaultPreset, Object.entries({ ...base, ...saved.variant }));
  return { spec, scope, variant };
}

export function resolve(
  models: readonly AnyModelSpec[],
  defaultModel: string,
  a: { model?: string; scope?: string; variant?: string; sets: readonly [string, string][]; invariants?: string[]; symmetry?: boolean },
  extra: readonly Invariant<unknown, unknown>[] = [],
): Resolved {
  const spec = findModel(models, a.model ?? defaultModel);
  const { scopeName, scope } = resolveScope(spec, a.scope);
  const { variantName, variant } = resolveVariant(spec, a.variant, a.sets);
  const invariants = resolveInvariants([...spec.invariants(scope, variant), ...extra], a.invariants);
  return { spec, scopeName, scope, variantName, variant, model: spec.build(scope, variant, { symmetry: a.symmetry ?? false }), invariants };
}
