/**
 * Adding a kernel entry point to the tree touches two files: its own file in
 * model/iommufd/entry/ and one entry in entry/registry.ts (its import and
 * its line in the list). The test copies the tree, adds the fixture's entry
 * point (an unmark of a HWPT's live-update mark that skips lu_mutex) that
 * way, builds it with tsc and checks a scope that races it against the
 * iommufd's PRESERVE_FD: under v2 (hwptCount=two-pass) the blob's count goes
 * stale, under fixed it does not. Leaving out a facet of the new file, or an
 * existing entry point's line in the registry, fails the build.
 *
 * What adding a state field or a switch in the tree takes is not two files:
 * a field is declared in types.ts, state-schema.ts, init.ts and encode.ts,
 * a switch in variants.ts (a --load extension adds either from one file).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = process.cwd();
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const NEW_FILE = 'model/iommufd/entry/iommufd/iommufd_hwpt_liveupdate_unmark_preserve.ts';
const REGISTRY = 'model/iommufd/entry/registry.ts';
const IMPORT_LINE = "import { iommufdHwptLiveupdateUnmarkPreserveEntry } from './iommufd/iommufd_hwpt_liveupdate_unmark_preserve.js';";
const LIST_LINE = '  iommufdHwptLiveupdateUnmarkPreserveEntry,';
const TIMEOUT = 600_000;

let tree: string;

/** Every file under `dir`, relative to it, with its content. */
function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  for (const top of ['model', 'invariants', 'explorer', 'bench']) walk(join(dir, top));
  return out;
}

function tsc(args: readonly string[]) {
  return spawnSync(process.execPath, [TSC, '-p', 'tsconfig.build.json', ...args], { cwd: tree, encoding: 'utf8', timeout: TIMEOUT });
}

function check(variant: string) {
  return spawnSync(process.execPath, ['dist/explorer/cli/luocheck.js', 'check', '--scope', 'unmark-race.json', '--variant', variant, '--workers', '1'], { cwd: tree, encoding: 'utf8', timeout: TIMEOUT });
}

/** Runs `f` with `path` (in the copy) rewritten by `edit`, and puts it back after. */
function withEdit<T>(path: string, edit: (text: string) => string, f: () => T): T {
  const p = join(tree, path);
  const before = readFileSync(p, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  writeFileSync(p, after);
  try {
    return f();
  } finally {
    writeFileSync(p, before);
  }
}

beforeAll(() => {
  tree = mkdtempSync(join(tmpdir(), 'luocheck-entry-'));
  for (const d of ['model', 'invariants', 'explorer', 'bench']) cpSync(join(ROOT, d), join(tree, d), { recursive: true });
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json']) cpSync(join(ROOT, f), join(tree, f));
  symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'), 'dir');
  cpSync(join(ROOT, 'test/fixtures/entry-point/unmark-race.json'), join(tree, 'unmark-race.json'));
});

afterAll(() => {
  if (tree) rmSync(tree, { recursive: true, force: true });
});

describe('an entry point added to the tree', () => {
  test('is its own file and one entry in the registry; it builds, and check finds the race it opens under v2 only', () => {
    const before = files(tree);
    writeFileSync(join(tree, NEW_FILE), readFileSync(join(ROOT, 'test/fixtures/entry-point/iommufd_hwpt_liveupdate_unmark_preserve.ts.txt'), 'utf8'));
    const reg = readFileSync(join(tree, REGISTRY), 'utf8');
    const lastImport = reg.lastIndexOf('\nimport ');
    const importEnd = reg.indexOf('\n', lastImport + 1);
    const listEnd = reg.indexOf('\n] as const');
    expect(lastImport).toBeGreaterThan(0);
    expect(listEnd).toBeGreaterThan(importEnd);
    writeFileSync(join(tree, REGISTRY), `${reg.slice(0, importEnd)}\n${IMPORT_LINE}${reg.slice(importEnd, listEnd)}\n${LIST_LINE}${reg.slice(listEnd)}`);

    const after = files(tree);
    const changed = [...after.keys()].filter((f) => before.get(f) !== after.get(f)).sort();
    expect(changed).toEqual([REGISTRY, NEW_FILE].sort());
    expect([...before.keys()].filter((f) => !after.has(f))).toEqual([]);
    const regBefore = before.get(REGISTRY)!.split('\n');
    const regAfter = after.get(REGISTRY)!.split('\n');
    expect(regAfter.filter((l) => !regBefore.includes(l))).toEqual([IMPORT_LINE, LIST_LINE]);
    expect(regAfter.length).toBe(regBefore.length + 2);

    const build = tsc([]);
    expect(build.stdout + build.stderr).toBe('');
    expect(build.status).toBe(0);

    const v2 = check('v2');
    expect(v2.stderr).toBe('');
    expect(v2.status).toBe(1);
    expect(v2.stdout).toContain('[violation] blob-count-matches');
    expect(v2.stdout).toMatch(/T2: UNMARK_PRESERVE hwpt1/);
    const fixed = check('fixed');
    expect(fixed.stderr).toBe('');
    expect(fixed.status).toBe(0);
    expect(fixed.stdout).toMatch(/^\[ok\] iommufd unmark-race\.json \(fixed\), exhaustive/);
  }, TIMEOUT);

  test('without one of its facets does not build, and the error names the file', () => {
    const r = withEdit(NEW_FILE, (t) => t.replace(/^ {2}kselftest: .*\n/m, ''), () => tsc(['--noEmit']));
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain('iommufd_hwpt_liveupdate_unmark_preserve.ts');
    expect(r.stdout).toContain('kselftest');
  }, TIMEOUT);

  test('an entry point of types.ts\' Action left out of the registry does not build, and the error names it', () => {
    const r = withEdit(REGISTRY, (t) => t.replace(/^ {2}iommufdDeviceDetachEntry,\n/m, ''), () => tsc(['--noEmit']));
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain('iommufd_device_detach');
  }, TIMEOUT);
});
