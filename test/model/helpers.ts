/**
 * Test helpers for the iommufd model: build a model for a named scope and a
 * switch set, walk it by action labels (for unit tests of transitions; known
 * bugs are only ever found by exploration), and deep-freeze states.
 */
import { explore, type ExploreOptions } from '../../explorer/search/bfs.js';
import type { Invariant } from '../../explorer/invariant.js';
import type { Variant } from '../../explorer/spec.js';
import { IommufdModel, iommufdSpec } from '../../model/iommufd/index.js';
import type { IommufdScope } from '../../model/iommufd/scopes/scopes.js';
import type { Action, State } from '../../model/iommufd/state/types.js';
import { PRESETS } from '../../model/iommufd/scopes/variants.js';

export const FIXED = PRESETS['fixed']!;
export const V2 = PRESETS['v2']!;

export function scopeOf(name: string): IommufdScope {
  const s = iommufdSpec.scopes[name];
  if (!s) throw new Error(`no scope ${name}`);
  return s;
}

export function modelFor(scope: string | IommufdScope, set: Variant = {}): IommufdModel {
  return new IommufdModel(typeof scope === 'string' ? scopeOf(scope) : scope, { ...FIXED, ...set });
}

export function invariantsFor(scope: string | IommufdScope, set: Variant = {}): readonly Invariant<State, Action>[] {
  const sc = typeof scope === 'string' ? scopeOf(scope) : scope;
  return iommufdSpec.invariants(sc, { ...FIXED, ...set });
}

export function run(scope: string | IommufdScope, set: Variant = {}, opts: ExploreOptions = {}, extra: readonly Invariant<State, Action>[] = []) {
  const model = modelFor(scope, set);
  return { model, result: explore(model, [...invariantsFor(scope, set), ...extra], opts) };
}

export function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

/**
 * The enabled action of `s` whose label starts with `prefix` (and, if given, of
 * process `proc`); a prefix ending in "!" picks the injected-failure choice.
 */
export function find(model: IommufdModel, s: State, prefix: string, proc?: string): Action {
  const failing = prefix.endsWith('!');
  const head = failing ? prefix.slice(0, -1) : prefix;
  const a = model.actions(s).find(
    (x) => model.label(x).startsWith(head) && model.label(x).endsWith('-> fails') === failing && (proc === undefined || model.process(x) === proc),
  );
  if (!a) throw new Error(`no enabled action "${prefix}"; enabled: ${model.actions(s).map((x) => model.label(x)).join(' | ')}`);
  return a;
}

/** Takes the steps named by label prefixes from `s` (frozen, so a mutation throws). */
export function walk(model: IommufdModel, steps: readonly (string | [string, string])[], s: State = model.initStates()[0]!): State {
  let cur = deepFreeze(s);
  for (const st of steps) {
    const [prefix, proc] = typeof st === 'string' ? [st, undefined] : st;
    cur = deepFreeze(model.nextState(cur, find(model, cur, prefix, proc)));
  }
  return cur;
}

export function labels(model: IommufdModel, s: State): string[] {
  return model.actions(s).map((a) => `${model.process(a)} ${model.label(a)}`);
}
