/**
 * The open model from outside the tree (issue: an open model): modules
 * loaded with --load add fields, actions, switches, scopes and invariants;
 * point files state a list point end to end. Every run here is exhaustive
 * and its verdict comes out of the search.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../explorer/cli/cli.js';

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => (out += s), err: (s) => (err += s), isTTY: false };
  const code = main(argv, io);
  return { code, out, err };
}

const DIRTY = 'test/fixtures/extensions/dirty-tracking.mjs';
const PINS = 'test/fixtures/extensions/access-pins.mjs';
const BOTH = 'test/fixtures/extensions/both.json';
const POINT = 'test/fixtures/points/count-race.mjs';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'luocheck-ext-'));
/** The JSON report without what depends on the clock. */
const untimed = (s: string) => JSON.stringify({ ...JSON.parse(s), stats: { ...JSON.parse(s).stats, seconds: 0, statesPerSecond: 0 } });

describe('--load extensions', () => {
  it('an action, a field, a switch and an invariant from one file: v2 breaks it, fixed keeps it', () => {
    const v2 = run('check', '--load', DIRTY, '--scope', 'dirty-after-preserve', '--variant', 'v2', '--invariant', 'preserved-dirty-tracking-stable', '--format', 'json');
    expect(v2.err).toBe('');
    expect(v2.code).toBe(1);
    const j = JSON.parse(v2.out);
    expect(j.violations[0].invariant).toBe('preserved-dirty-tracking-stable');
    expect(j.violations[0].trace.map((t: { action: string }) => t.action)).toContain('IOMMU_HWPT_SET_DIRTY_TRACKING hwpt1 on');
    expect(j.violations[0].trace.at(-1).state.hwpts.hwpt1.dirtyTracking).toBe(true);
    const fixed = run('check', '--load', DIRTY, '--scope', 'dirty-after-preserve', '--variant', 'fixed');
    expect(fixed.code).toBe(0);
    expect(fixed.out).toMatch(/^\[ok\]/);
    // The switch is the extension's, set from the command line.
    const set = run('check', '--load', DIRTY, '--scope', 'dirty-after-preserve', '--variant', 'fixed', '--set', 'dirtyCheck=none', '--invariant', 'preserved-dirty-tracking-stable');
    expect(set.code).toBe(1);
  });

  it('json, email and itf reports are byte-identical with --workers 1 and --workers 2, two modules composed', () => {
    const outs = (w: string) =>
      ['json', 'email', 'itf'].map((f) => {
        // pagesNull=skip: the scope maps while it preserves, and v2's page check would also oops on the
        // in-flight area (5.7-null-pages); this test is about the loaded modules' invariants
        const r = run('check', '--load', DIRTY, '--load', PINS, '--scope', BOTH, '--variant', 'v2', '--set', 'pagesNull=skip', '--continue', '--workers', w, '--format', f);
        expect(r.code).toBe(1);
        return f === 'json' ? untimed(r.out) : r.out;
      });
    const one = outs('1');
    expect(outs('2')).toEqual(one);
    const j = JSON.parse(one[0]!);
    expect(j.stats.distinctStates).toBeGreaterThan(2 * 2048); // more than one batch per worker
    expect(j.violations.map((v: { invariant: string }) => v.invariant).sort()).toEqual(['access-pins-have-areas', 'preserved-dirty-tracking-stable']);
    // The reproduce line names the loaded files as given.
    expect(j.command).toContain(`--load ${DIRTY} --load ${PINS}`);
  }, 600_000);

  it('replay and explain work with the loaded modules', () => {
    const r = run('check', '--load', DIRTY, '--scope', 'dirty-after-preserve', '--variant', 'v2', '--invariant', 'preserved-dirty-tracking-stable', '--format', 'json');
    const file = join(tmp, 'dirty.json');
    writeFileSync(file, r.out);
    const rep = run('replay', file, '--load', DIRTY);
    expect(rep.err).toBe('');
    expect(rep.code).toBe(0);
    expect(rep.out).toContain('reproduced: preserved-dirty-tracking-stable (step): hwpt1 is preserved, and its dirty tracking changed to on');
    const ex = run('explain', 'preserved-dirty-tracking-stable', '--load', DIRTY);
    expect(ex.code).toBe(0);
    expect(ex.out).toContain('a preserved HWPT keeps the dirty tracking it was preserved with');
  });

  it('a misspelled field in a loaded invariant: exit 2, one line naming file, line and field, after the partial report', () => {
    const src = readFileSync(DIRTY, 'utf8').replace('!== n.dirtyTracking)', '!== n.dirtyTrackng)');
    const bad = join(tmp, 'misspelled.mjs');
    writeFileSync(bad, src);
    const line = src.split('\n').findIndex((l) => l.includes('dirtyTrackng')) + 1;
    for (const w of ['1', '2']) {
      const r = run('check', '--load', bad, '--scope', 'dirty-after-preserve', '--variant', 'v2', '--workers', w);
      expect(r.code).toBe(2);
      // The partial report of what was explored, then the error.
      expect(r.out).toMatch(/^\[incomplete\] iommufd dirty-after-preserve \(v2\), exhaustive: stopped by an error in loaded code/);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(`--load ${bad}:${line}:`);
      expect(r.err).toContain('reads field "dirtyTrackng" of hwpts[0], which does not exist');
    }
  });

  it('bad loaded code: a write to an undeclared field, a value out of bounds, an exception, a syntax error', () => {
    const cases: [string, string, RegExp][] = [
      ['h.dirtyTracking = op.enable', 'h.dirtyTrack = op.enable', /writes field "dirtyTrack" of hwpts\[0\], which is not declared/],
      ['h.dirtyTracking = op.enable', 'h.dirtyTracking = 3', /leaves hwpts\[0\]\.dirtyTracking = 3, expected true or false/],
      ['h.dirtyTracking = op.enable', 'throw new RangeError("no tracking here")', /the effect of iommufd_hwpt_set_dirty_tracking step S1 threw RangeError: no tracking here/],
      ["export const model = 'iommufd';", "export const model = 'iommufd'; const x = 1 +* 2;", /cannot load it as a module/],
    ];
    for (const [from, to, want] of cases) {
      const src = readFileSync(DIRTY, 'utf8').replace(from, to);
      const f = join(tmp, `bad-${cases.findIndex((c) => c[1] === to)}.mjs`);
      writeFileSync(f, src);
      const line = src.split('\n').findIndex((l) => l.includes(to)) + 1;
      const r = run('check', '--load', f, '--scope', 'dirty-after-preserve', '--variant', 'v2');
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(want);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      if (!/leaves/.test(want.source)) expect(r.err).toContain(`${f}:${line}:`);
      expect(r.err).not.toMatch(/internal error|    at /);
    }
  });

  it('refuses an extension that collides with the model: an op, an entry point, a switch, a field', () => {
    const cases: [string, string, RegExp][] = [
      ["op: 'set_dirty_tracking'", "op: 'unmap'", /menu op "unmap" is the model's own/],
      ["type: 'iommufd_hwpt_set_dirty_tracking'", "type: 'iommufd_destroy'", /already has an entry point iommufd_destroy/],
      ["name: 'dirtyCheck'", "name: 'seals'", /switch "seals" already exists/],
      ["name: 'dirtyTracking', type: 'bool'", "name: 'users', type: 'bool'", /field "users" of hwpts is already declared/],
    ];
    for (const [from, to, want] of cases) {
      const f = join(tmp, `collide-${cases.findIndex((c) => c[1] === to)}.mjs`);
      writeFileSync(f, readFileSync(DIRTY, 'utf8').replace(from, to));
      const r = run('check', '--load', f, '--scope', 'dirty-after-preserve');
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(want);
    }
  });
});

describe('point files', () => {
  it('at most 40 lines, comments aside', () => {
    const lines = readFileSync(POINT, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('//') && !l.trim().startsWith('/**') && !l.trim().startsWith('*'));
    expect(lines.length).toBeLessThanOrEqual(40);
  });

  it('reproduces the count race of the known case 5.2: sometimes under v2 (as the case: a violation), never under fixed', () => {
    const known = JSON.parse(run('check', '--scope', 'count-race', '--set', 'hwptCount=two-pass', '--invariant', 'blob-count-matches', '--format', 'json').out);
    expect(known.result).toBe('violation');
    const v2 = run('check', POINT, '--format', 'json');
    expect(v2.code).toBe(0);
    const j = JSON.parse(v2.out);
    expect(j.point).toMatchObject({ expect: 'sometimes', observed: 'sometimes' });
    expect(j.violations[0].invariant).toBe('blob-entries-filled');
    // The same interleaving as the known case: the DESTROY lands between the count and the walk.
    const actions = j.violations[0].trace.map((t: { action: string }) => t.action);
    const destroy = actions.findIndex((a: string) => a.startsWith('IOMMU_DESTROY'));
    expect(actions.findIndex((a: string) => /P1: count/.test(a))).toBeLessThan(destroy);
    expect(actions.slice(destroy).some((a: string) => /P3a|P4/.test(a))).toBe(true);
    const fixed = run('check', POINT, '--variant', 'fixed', '--format', 'json');
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.out).point).toMatchObject({ expect: 'never', observed: 'never' });
    // The one switch of the known case is enough: the outcome is no longer what `fixed` expects.
    const one = run('check', POINT, '--variant', 'fixed', '--set', 'hwptCount=two-pass');
    expect(one.code).toBe(1);
    expect(one.out).toContain('Outcome under fixed: sometimes (expected: never).');
  });

  it('answers in the email format by default, with the point, its source and a reproduce line naming the file', () => {
    const r = run('check', POINT);
    expect(r.out).toMatch(/^Point: a DESTROY between the HWPT count and the walk/);
    expect(r.out).toContain('Raised in: Pranjal Shrivastava, 20 May 2026');
    expect(r.out).toContain('Outcome under v2: sometimes (as expected).');
    expect(r.out).toContain(`luocheck check ${POINT} --variant v2`);
    expect(r.out).not.toContain(tmpdir());
  });

  it('a bad point file is one line naming the file and the bad field', () => {
    const f = join(tmp, 'bad-point.mjs');
    writeFileSync(f, readFileSync(POINT, 'utf8').replace("expect: { v2: 'sometimes', fixed: 'never' }", "expect: 'often'"));
    const r = run('check', f);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`point "${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}": expect = "often"`));
    const g = join(tmp, 'bad-point-2.mjs');
    writeFileSync(g, readFileSync(POINT, 'utf8').replace("{ op: 'destroy', hwpt: 1 }", "{ op: 'destroy', hwpt: 7 }"));
    const r2 = run('check', g);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/threads\[1\]\[0\]\.hwpt" = 7/);
  });
});

describe('types for authors', () => {
  const tsc = (files: string[], cwd: string) =>
    spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--allowJs', '--checkJs', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules/@types'), ...files], { cwd, encoding: 'utf8', timeout: 600_000 });

  it('the fixtures type-check against the package API (dist/api/index.d.ts, through package.json exports)', () => {
    const r = tsc([DIRTY, PINS, POINT], ROOT);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 600_000);

  it('a // @ts-check point file outside the tree with a misspelled field fails tsc --checkJs, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'luocheck-types-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'luocheck'), 'dir');
    writeFileSync(join(dir, 'point.mjs'), readFileSync(POINT, 'utf8').replace('s.blob.nr)', 's.blob.nrHwpts)'));
    const r = tsc(['point.mjs'], dir);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/point\.mjs\(\d+,\d+\): error TS2339: Property 'nrHwpts' does not exist on type 'IommufdSer'/);
    // Internals are not reachable by path.
    writeFileSync(join(dir, 'deep.mjs'), "// @ts-check\nimport { IommufdModel } from 'luocheck/dist/model/iommufd/index.js';\nexport const m = IommufdModel;\n");
    const d = tsc(['deep.mjs'], dir);
    expect(d.status).not.toBe(0);
    expect(d.stdout).toMatch(/deep\.mjs.*(TS2307|TS2875|not exported|Cannot find module)/);
  }, 600_000);
});
