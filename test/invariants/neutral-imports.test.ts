/**
 * Invariants are computed apart from the code they judge (issue 12, item 1).
 *
 * The allow-list, explicit:
 * - NEUTRAL modules may be imported for values by an invariant: the state
 *   types and constants (model/iommufd/state/types.ts, types-kexec.ts), the
 *   invariants' own helpers (invariants/types.ts: the factory type and the
 *   source strings) and the two view/helper modules declared neutral,
 *   model/iommufd/state/predicates.ts and predicates-kexec.ts (questions about a
 *   state, each restated from the state's data).
 * - TYPE_ONLY modules may be imported with `import type` only: the
 *   invariant contract (explorer/invariant.ts) and the switch record
 *   (model/iommufd/scopes/variants.ts, for the factory's argument).
 * Rules:
 * 1. every import of invariants/*.ts is a sibling invariant, a NEUTRAL
 *    module, or a type-only import of a TYPE_ONLY one: no action module
 *    (main.ts, liveupdate.ts, rebuild.ts, finish.ts...), no Ctx;
 * 2. a NEUTRAL module imports nothing but NEUTRAL modules (so no action is
 *    reachable through it, and no predicate takes the switches or a Ctx);
 * 3. the code under test (the import closure of next.ts, actions.ts and
 *    actions-kexec.ts, i.e. every transition and enabledness test) imports
 *    no neutral helper but the state types: no predicate an action or a fix
 *    decides with is one an invariant reads;
 * 4. no invariant and no neutral helper reads a state field whose doc
 *    comment in types.ts / types-kexec.ts says `@bookkeeping` (a flag the
 *    step that goes wrong sets, such as oops or nk.bug).
 * The checker is run on planted offences too, so it can fail.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), '..', '..'));

const NEUTRAL = new Set([
  'model/iommufd/state/types.ts',
  'model/iommufd/state/types-kexec.ts',
  'model/iommufd/state/predicates.ts',
  'model/iommufd/state/predicates-kexec.ts',
  'invariants/types.ts',
]);
const TYPE_ONLY = new Set(['explorer/invariant.ts', 'model/iommufd/scopes/variants.ts']);
const HELPERS = ['model/iommufd/state/predicates.ts', 'model/iommufd/state/predicates-kexec.ts'];
const UNDER_TEST_ROOTS = ['model/iommufd/next.ts', 'model/iommufd/actions.ts', 'model/iommufd/actions-kexec.ts'];

interface Import {
  readonly target: string;
  readonly typeOnly: boolean;
}

/** The relative imports and re-exports of a source text, resolved to repo paths (.js -> .ts). */
export function importsOf(file: string, text: string): Import[] {
  const out: Import[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^;'"]*?\s+from\s+)?['"](\.[^'"]+)['"]/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const target = normalize(join(dirname(file), m[3]!)).replace(/\.js$/, '.ts');
    out.push({ target, typeOnly: m[2] !== undefined });
  }
  return out;
}

const read = (f: string): string => readFileSync(join(ROOT, f), 'utf8');
const stripComments = (t: string): string => t.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

/** Rule 1 and 2 offences for one file. */
export function importOffences(file: string, text: string): string[] {
  const isInvariant = file.startsWith('invariants/');
  return importsOf(file, text).flatMap(({ target, typeOnly }) => {
    if (NEUTRAL.has(target)) return [];
    if (isInvariant && target.startsWith('invariants/')) return [];
    if (typeOnly && TYPE_ONLY.has(target)) return [];
    return [`${file} imports ${typeOnly ? 'type from ' : ''}${target}`];
  });
}

/** The field names a types file documents as @bookkeeping. */
export function bookkeepingFields(text: string): string[] {
  const out: string[] = [];
  const re = /\/\*\*((?:(?!\*\/)[\s\S])*?)\*\/\s*readonly\s+(\w+)\s*:/g;
  for (let m = re.exec(text); m; m = re.exec(text)) if (m[1]!.includes('@bookkeeping')) out.push(m[2]!);
  return out;
}

/** Rule 4 offences: reads of `.field` in code (comments stripped). */
export function bookkeepingReads(file: string, text: string, fields: readonly string[]): string[] {
  const code = stripComments(text);
  return fields.filter((f) => new RegExp(`\\.${f}\\b`).test(code)).map((f) => `${file} reads the bookkeeping field ${f}`);
}

function closure(roots: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...roots];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const { target } of importsOf(f, read(f))) if (target.startsWith('model/')) todo.push(target);
  }
  return seen;
}

const invariantFiles = readdirSync(join(ROOT, 'invariants')).filter((f) => f.endsWith('.ts')).map((f) => `invariants/${f}`);
const FIELDS = [...bookkeepingFields(read('model/iommufd/state/types.ts')), ...bookkeepingFields(read('model/iommufd/state/types-kexec.ts'))];

test('the checker finds planted offences (it can fail)', () => {
  expect(importOffences('invariants/x.ts', "import { attachedCount } from '../model/iommufd/kernel/main.js';")).toEqual(['invariants/x.ts imports model/iommufd/kernel/main.ts']);
  expect(importOffences('invariants/x.ts', "import type { Ctx } from '../model/iommufd/entry-point.js';")).toHaveLength(1);
  expect(importOffences('invariants/x.ts', "import { decodeVariant } from '../model/iommufd/scopes/variants.js';")).toHaveLength(1);
  expect(importOffences('model/iommufd/state/predicates.ts', "export { sameTree } from '../kernel/rebuild.js';")).toEqual(['model/iommufd/state/predicates.ts imports model/iommufd/kernel/rebuild.ts']);
  expect(importOffences('invariants/x.ts', "import type { Switches } from '../model/iommufd/scopes/variants.js';\nimport { hwptName } from '../model/iommufd/state/predicates.js';")).toEqual([]);
  expect(bookkeepingReads('invariants/x.ts', 'const f = (s) => s.nk.bug !== 0; // s.oops', ['bug', 'oops'])).toEqual(['invariants/x.ts reads the bookkeeping field bug']);
});

test('the bookkeeping fields are documented (oops, nk.bug, blob.overflow)', () => {
  expect([...FIELDS].sort()).toEqual(['bug', 'oops', 'overflow']);
});

test('invariants import only state types and the neutral helpers; the helpers import only neutral modules', () => {
  const offences = [...invariantFiles, ...HELPERS].flatMap((f) => importOffences(f, read(f)));
  expect(offences).toEqual([]);
});

test('the code under test imports no neutral helper: no predicate is shared between an action and an invariant', () => {
  const underTest = closure(UNDER_TEST_ROOTS);
  expect(underTest.size).toBeGreaterThan(10);
  expect(HELPERS.filter((h) => underTest.has(h))).toEqual([]);
  // and no invariant file is reachable from it either
  expect([...underTest].filter((f) => relative('invariants', f).startsWith('..') === false)).toEqual([]);
});

test('no invariant and no neutral helper reads a field documented as bookkeeping', () => {
  const offences = [...invariantFiles, ...HELPERS].flatMap((f) => bookkeepingReads(f, read(f), FIELDS));
  expect(offences).toEqual([]);
});
