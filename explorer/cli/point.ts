/**
 * Point files: one module that states a mailing-list point the way a litmus
 * test does (docs/adding-an-action.md, "Point files"):
 *
 *   export const point = {
 *     title, source,                         // the point, and where it was raised
 *     variant: 'v2' | { preset: 'fixed', set: { switch: value } },
 *     setup: { ...the scope's objects... },  // memfds, ioas, hwpts, devices, session...
 *     actors: { T1: [ops], T2: [ops] },      // what each VMM thread may issue, once each
 *     after: { T1: [ops] },                  // optional: the new kernel's menus
 *     property: { id?, title?, kind?, check },
 *     expect: 'never' | 'sometimes' | { v2: 'sometimes', fixed: 'never' },
 *   };
 *   // and, if the point needs them, the named exports of a --load
 *   // extension: fields, actions, switches (explorer/cli/load.ts).
 *
 * `luocheck check POINT-FILE` explores the point's scope under its variant
 * and checks its property alone. The outcome is "sometimes" when some
 * interleaving breaks the property, "never" when none does; the exit code
 * is 0 when that is what `expect` says, 1 when not, 3 when the search
 * stopped early.
 */
import { basename } from 'node:path';
import { UsageError, oneOf, shortValue } from '../errors.js';
import type { AnyModelSpec } from '../spec.js';

export type Outcome = 'never' | 'sometimes';

/** What the command line needs of a loaded point file. */
export interface PointInfo {
  readonly file: string;
  readonly model: string;
  readonly title: string;
  readonly source: string;
  /** The scope the point adds (named after its file). */
  readonly scope: string;
  readonly variant?: string;
  readonly sets: readonly [string, string][];
  /** The id of the point's property. */
  readonly invariant: string;
  readonly expect: Outcome | Readonly<Record<string, Outcome>>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const OUTCOMES: readonly Outcome[] = ['never', 'sometimes'];


/** Menus from `{ T1: [...], T2: [...] }` (or an array of menus), in thread order. */
function menus(file: string, what: string, v: unknown): unknown[] {
  const bad = (why: string) => new UsageError(`point ${JSON.stringify(file)}: ${what} ${why}`);
  if (Array.isArray(v)) return v;
  if (!isObj(v)) throw bad(`= ${shortValue(v)}; expected { T1: [ops], T2: [ops] }`);
  const keys = Object.keys(v);
  const want = keys.map((_, i) => `T${i + 1}`);
  if (keys.some((k) => !want.includes(k))) throw bad(`names ${oneOf(keys)}; expected threads T1..T${keys.length}, each once`);
  return want.map((k) => v[k]);
}

/**
 * The module a point file amounts to for the loader: its extension exports
 * as they are, its scope added under `scopes`, its property as the default
 * export; and what the command line needs of it.
 */
export function pointModule(file: string, mod: Obj, models: readonly AnyModelSpec[]): { mod: Obj; info: PointInfo } {
  const p = mod['point'];
  const bad = (where: string, why: string) => new UsageError(`point ${JSON.stringify(file)}: ${where} ${why}`);
  if (!isObj(p)) throw bad('export "point"', `= ${shortValue(p)}; expected { title, source, variant, setup, actors, property, expect }`);
  const model = (p['model'] ?? mod['model'] ?? 'iommufd') as unknown;
  const spec = models.find((m) => m.name === model);
  if (!spec) throw bad('model', `= ${shortValue(model)}; accepted: ${oneOf(models.map((m) => m.name))}`);
  if (!spec.pointScope) throw bad('model', `${spec.name} takes no point files`);
  for (const k of ['title', 'source'] as const) if (typeof p[k] !== 'string' || p[k].trim() === '') throw bad(k, `= ${shortValue(p[k])}; expected a string (${k === 'source' ? 'who raised the point, when, the subject and Message-ID or lore link' : 'the point in one line'})`);
  const known = ['model', 'title', 'source', 'variant', 'setup', 'actors', 'after', 'property', 'expect'];
  for (const k of Object.keys(p)) if (!known.includes(k)) throw bad(`field ${JSON.stringify(k)}`, `is not a point field; accepted: ${oneOf(known)}`);
  let variant: string | undefined;
  let sets: [string, string][] = [];
  const v = p['variant'];
  if (typeof v === 'string') variant = v;
  else if (isObj(v)) {
    if (v['preset'] !== undefined && typeof v['preset'] !== 'string') throw bad('variant.preset', `= ${shortValue(v['preset'])}; expected a preset name`);
    variant = v['preset'] as string | undefined;
    const set = v['set'] ?? {};
    if (!isObj(set) || Object.values(set).some((x) => typeof x !== 'string')) throw bad('variant.set', `= ${shortValue(set)}; expected { switch: value }`);
    sets = Object.entries(set as Record<string, string>);
  } else if (v !== undefined) throw bad('variant', `= ${shortValue(v)}; expected a preset name or { preset, set }`);
  const setup = p['setup'] ?? {};
  if (!isObj(setup)) throw bad('setup', `= ${shortValue(setup)}; expected the scope's objects`);
  const actors = menus(file, 'actors', p['actors']);
  const after = p['after'] === undefined ? undefined : menus(file, 'after', p['after']);
  const prop = p['property'];
  if (!isObj(prop) || typeof prop['check'] !== 'function') throw bad('property', `= ${shortValue(prop)}; expected { check(state) } returning null (holds) or a string (what broke)`);
  const id = prop['id'] ?? 'point';
  const invariant = {
    id,
    title: prop['title'] ?? p['title'],
    source: prop['source'] ?? p['source'],
    kind: prop['kind'] ?? 'state',
    check: prop['check'],
    ...(prop['statement'] !== undefined ? { statement: prop['statement'] } : {}),
  };
  const e = p['expect'];
  const okOutcome = (x: unknown) => (OUTCOMES as readonly unknown[]).includes(x);
  if (!okOutcome(e) && !(isObj(e) && Object.values(e).every(okOutcome) && Object.keys(e).length > 0)) {
    throw bad('expect', `= ${shortValue(e)}; expected "never", "sometimes", or { variant: "never" | "sometimes" }`);
  }
  const scope = basename(file);
  const extra = Array.isArray(mod['default']) ? (mod['default'] as unknown[]) : mod['default'] === undefined ? [] : [mod['default']];
  const scopes = { ...(isObj(mod['scopes']) ? mod['scopes'] : {}), [scope]: spec.pointScope(setup, actors, after) };
  return {
    mod: { ...mod, model: spec.name, scopes, default: [...extra, invariant] },
    info: {
      file, model: spec.name, title: p['title'] as string, source: p['source'] as string, scope,
      ...(variant !== undefined ? { variant } : {}), sets, invariant: id as string, expect: e as PointInfo['expect'],
    },
  };
}

/** What `expect` says for variant `name` (undefined: nothing). */
export function expected(info: PointInfo, name: string): Outcome | undefined {
  return typeof info.expect === 'string' ? info.expect : info.expect[name];
}
