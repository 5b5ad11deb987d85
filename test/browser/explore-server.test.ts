/**
 * `luocheck explore` without a browser: the server binds 127.0.0.1 on a free
 * port (port 0 here), serves one self-contained page and the positions of
 * the state space, judges every invariant at a position, resolves model,
 * scope, variant, --load and a trace as check and replay do, refuses bad
 * input with exit 2, and the program stops cleanly on SIGINT.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../explorer/cli/args.js';
import { main, type Io } from '../../explorer/cli/cli.js';
import { diff } from '../../explorer/traces/diff.js';
import { parsePath, positionAt, serveExplorer, setUpExplorer, type Explorer, type Position } from '../../explorer/cli/explore.js';
import type { Report } from '../../explorer/traces/report.js';

const LONG = 600_000;
const tmp = mkdtempSync(join(tmpdir(), 'luocheck-explore-'));

function check(...argv: string[]): Report {
  let out = '';
  const io: Io = { out: (s) => (out += s), err: () => {}, isTTY: false };
  main(['check', '--format', 'json', ...argv], io);
  return JSON.parse(out) as Report;
}

const setUp = (...argv: string[]): Explorer => {
  const { check: a, positional } = parseArgs(['explore', ...argv]);
  return setUpExplorer(a, positional[0]);
};

/** The path of a report's first violation, found by label among the enabled actions. */
function pathOf(ex: Explorer, r: Report): number[] {
  const path = [0];
  for (const st of r.violations[0]!.trace.slice(1)) {
    const pos = positionAt(ex, path);
    const k = pos.actions.find((a) => a.process === st.process && a.label === st.action);
    expect(k, `${st.process}: ${st.action}`).toBeDefined();
    path.push(k!.index);
  }
  return path;
}

describe('explore positions', () => {
  const report = check('--scope', 'count-race', '--variant', 'v2');
  const v = report.violations[0]!;
  const ex = setUp('--scope', 'count-race', '--variant', 'v2');

  it('names the model, scope, variant and its differences from fixed, and every invariant', () => {
    expect(ex.info).toMatchObject({ model: 'iommufd', scope: 'count-race', variantName: 'v2' });
    expect(ex.info.fromFixed).toEqual(expect.arrayContaining(['immutability=flag', 'hwptCount=two-pass']));
    expect(ex.info.invariants.map((i) => i.id)).toEqual(report.checked);
  });

  it('walks to the violation: each step changes what the report says, and the invariant is violated at the last one only', () => {
    const path = pathOf(ex, report);
    let pos: Position | undefined;
    for (let i = 1; i < path.length; i++) {
      pos = positionAt(ex, path.slice(0, i + 1));
      const want = diff(v.trace[i - 1]!.state, v.trace[i]!.state);
      expect(pos.changes).toEqual(want.map((c) => ({ path: c.path, before: c.before, after: c.after })));
      expect(pos.state).toEqual(v.trace[i]!.state);
      expect(pos.step).toMatchObject({ process: v.trace[i]!.process, label: v.trace[i]!.action });
      const verdict = pos.verdicts.find((x) => x.id === v.invariant)!;
      expect(verdict.verdict).toBe(i === path.length - 1 ? 'violated' : 'holds');
    }
    expect(pos!.verdicts.find((x) => x.id === v.invariant)!.message).toBe(v.message);
    expect(pos!.trail.map((t) => t.label)).toEqual(v.trace.slice(1).map((t) => t.action));
  });

  it('gives each enabled action its process, label and kernel function (and program counter)', () => {
    const pos = positionAt(ex, [0]);
    expect(pos.step).toBeUndefined();
    expect(pos.actions[0]).toEqual({ index: 0, process: 'T1', label: v.trace[1]!.action, kind: 'iommufd_liveupdate_preserve', pc: 'P0' });
    expect(pos.actions.find((a) => a.process === 'T2')).toMatchObject({ kind: 'iommufd_destroy' });
    expect(pos.actions.find((a) => a.process === 'T2')!.pc).toBeUndefined();
    expect(pos.verdicts.filter((x) => x.kind === 'step').every((x) => x.verdict === 'not-judged')).toBe(true);
  });

  it('refuses a malformed or impossible path with a one-line reason', () => {
    expect(parsePath('0.3.1')).toEqual([0, 3, 1]);
    expect(parsePath(null)).toEqual([0]);
    expect(() => parsePath('0.x')).toThrow('path "0.x": expected numbers joined by dots, e.g. 0.3.1');
    expect(() => positionAt(ex, [0, 99])).toThrow(/^path: step 1 names action #99, but \d+ are enabled there$/);
    expect(() => positionAt(ex, [5])).toThrow('path: no initial state #5 (the model has 1)');
  });

  it('a loaded trace (json report or ITF) resolves its own model and gives its path', () => {
    const json = join(tmp, 'cr.json');
    writeFileSync(json, JSON.stringify(report));
    const t = setUp(json);
    expect(t.info).toMatchObject({ model: 'iommufd', scope: 'count-race', variantName: 'v2' });
    expect(t.info.trace!.path).toEqual(pathOf(ex, report));
    expect(t.info.trace!.steps).toHaveLength(v.length);
    let itf = '';
    main(['check', '--scope', 'count-race', '--variant', 'v2', '--format', 'itf'], { out: (s) => (itf += s), err: () => {}, isTTY: false });
    const f = join(tmp, 'cr.itf.json');
    writeFileSync(f, itf);
    expect(setUp(f).info.trace!.path).toEqual(t.info.trace!.path);
    expect(() => setUp(json, '--scope', 'ci')).toThrow(/^--scope with a trace: the trace ".*cr\.json" names its own model, scope and variant$/);
  });

  it('--load adds the file\'s invariants to the verdicts', () => {
    const f = join(tmp, 'extra.mjs');
    writeFileSync(f, `export const model = 'iommufd';\nexport default { id: 'never-two-hwpts-dead', title: 'x', source: 'test', kind: 'state', check: (s) => s.hwpts.every((h) => h.alive) ? null : 'a HWPT was destroyed' };\n`);
    const withLoad = setUp('--scope', 'count-race', '--load', f);
    expect(withLoad.info.invariants.map((i) => i.id)).toContain('never-two-hwpts-dead');
    const t2 = positionAt(withLoad, [0, positionAt(withLoad, [0]).actions.find((a) => a.process === 'T2')!.index]);
    expect(t2.verdicts.find((x) => x.id === 'never-two-hwpts-dead')).toEqual({ id: 'never-two-hwpts-dead', kind: 'state', verdict: 'violated', message: 'a HWPT was destroyed' });
  });
});

describe('explore server', () => {
  let served: Awaited<ReturnType<typeof serveExplorer>>;
  beforeAll(async () => {
    served = await serveExplorer(setUp('--scope', 'count-race', '--variant', 'v2'), 0);
  }, LONG);
  afterAll(async () => {
    await served?.close();
  }, LONG);

  it('listens on 127.0.0.1 only, on the free port it was given', () => {
    const a = served.server.address() as AddressInfo;
    expect(a.address).toBe('127.0.0.1');
    expect(a.port).toBeGreaterThan(0);
    expect(served.url).toBe(`http://127.0.0.1:${a.port}/`);
  });

  it('serves a self-contained page, the info and positions; bad paths are 400', async () => {
    const page = await (await fetch(served.url)).text();
    expect(page).toContain('<title>luocheck explore: iommufd count-race (v2)</title>');
    expect(page).not.toMatch(/http|src=|<link\b|@import/);
    const info = await (await fetch(`${served.url}api/info`)).json() as { scope: string };
    expect(info.scope).toBe('count-race');
    const pos = await (await fetch(`${served.url}api/state?path=0.0`)).json() as Position;
    expect(pos.path).toEqual([0, 0]);
    const bad = await fetch(`${served.url}api/state?path=0.77`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/names action #77/);
    expect((await fetch(`${served.url}nothing`)).status).toBe(404);
  });
});

describe('the luocheck explore program', () => {
  const bin = resolve('dist/explorer/cli/luocheck.js');

  it('prints its address, serves, and stops cleanly on SIGINT (exit 0)', { timeout: LONG }, async () => {
    const child = spawn(process.execPath, [bin, 'explore', '--scope', 'count-race', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const url = await new Promise<string>((ok, fail) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /serving on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) ok(m[1]!);
      });
      child.on('exit', (c) => fail(new Error(`exited ${c}`)));
    });
    expect(out).toMatch(/^luocheck explore: iommufd count-race \(fixed\)\n {2}serving on http:\/\/127\.0\.0\.1:\d+\/ {2}\(127\.0\.0\.1 only; Ctrl-C stops\)\n$/);
    expect((await fetch(url)).status).toBe(200);
    child.removeAllListeners('exit');
    const code = await new Promise<number | null>((ok) => {
      child.on('exit', (c) => ok(c));
      child.kill('SIGINT');
    });
    expect(code).toBe(0);
    expect(out).toContain('luocheck explore: stopped\n');
  });

  it('bad input: one line, exit 2, before serving', () => {
    const cases: [string[], RegExp][] = [
      [['--scope', 'nope'], /^luocheck: unknown scope "nope" for model iommufd; accepted: /],
      [['--port', '70000'], /^luocheck: --port 70000: expected 0 to 65535/],
      [['--format', 'json'], /^luocheck: unknown flag "--format" for "explore"/],
      [[join(tmp, 'missing.json')], /^luocheck: trace file ".*missing\.json" does not exist\n$/],
    ];
    for (const [argv, want] of cases) {
      const r = spawnSync(process.execPath, [bin, 'explore', ...argv], { encoding: 'utf8' });
      expect(r.status, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(want);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });

  it('a busy --port is refused with exit 2', { timeout: LONG }, async () => {
    const other = await serveExplorer(setUp('--scope', 'count-race'), 0);
    try {
      const port = (other.server.address() as AddressInfo).port;
      const r = spawnSync(process.execPath, [bin, 'explore', '--scope', 'count-race', '--port', String(port)], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`luocheck: --port ${port}: the port is in use on 127.0.0.1; give another, or none for a free one\n`);
    } finally {
      await other.close();
    }
  });

  it('through main() it says to run the program', () => {
    let err = '';
    expect(main(['explore'], { out: () => {}, err: (s) => (err += s), isTTY: false })).toBe(2);
    expect(err).toMatch(/^luocheck: explore serves a page until Ctrl-C/);
    expect(readFileSync(bin, 'utf8')).toContain("argv[0] === 'explore'");
  });
});
