/**
 * Turns command-line names into a model, a scope, a variant and the
 * invariants to check, rejecting every unknown name with the accepted ones.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { UsageError, oneOf } from './errors.js';
import type { Invariant } from './invariant.js';
import { DEADLOCK_ID } from './invariant.js';
import type { Model } from './model.js';
import type { AnyModelSpec, Variant } from './spec.js';

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

/** Reads and parses a JSON file; any failure is a one-line UsageError naming the file. */
export function readJsonFile(path: string, what: string): unknown {
  if (!existsSync(path)) throw new UsageError(`${what} ${JSON.stringify(path)} does not exist`);
  if (!statSync(path).isFile()) throw new UsageError(`${what} ${JSON.stringify(path)} is not a file`);
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} ${JSON.stringify(path)} is not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
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
