/**
 * Progress a person and a CI log can see, through the built command: on a
 * terminal a live line redrawn in place; otherwise plain lines (every 10 s by
 * default; LUOCHECK_PROGRESS_SECONDS=0 makes it every poll of the search, so
 * these tests do not depend on the machine's speed); --quiet silences both.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const CLI = 'dist/explorer/luocheck.js';
const ARGS = ['check', '--model', 'bench', '--scope', 'small', '--workers', '1'];
const env = { ...process.env, LUOCHECK_PROGRESS_SECONDS: '0' };
const LINE = /(\d[\d,]*) states, [\d,]+ states\/s, depth \d+, frontier [\d,]+, [\d,]+ MiB, \d+ s/;

function counts(lines: string[]): number[] {
  return lines.map((l) => Number(LINE.exec(l)![1]!.replace(/,/g, '')));
}

describe('progress', () => {
  it('stderr not a terminal: plain lines with growing counts, and the report unchanged on stdout', () => {
    const r = spawnSync(process.execPath, [CLI, ...ARGS], { encoding: 'utf8', env });
    expect(r.status).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(l).toMatch(new RegExp(`^luocheck: ${LINE.source}$`));
    const n = counts(lines);
    expect(n[n.length - 1]!).toBeGreaterThan(n[0]!);
    expect(r.stdout).toMatch(/^\[ok\] bench small \(fixed\), exhaustive: 116,369 states/);
  });

  it('--quiet: no progress at all', () => {
    const r = spawnSync(process.execPath, [CLI, ...ARGS, '--quiet'], { encoding: 'utf8', env });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  const hasScript = process.platform === 'linux' && spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('on a terminal (script): one line redrawn in place while the search runs, then the report', () => {
    const cmd = [process.execPath, CLI, ...ARGS].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env });
    expect(r.status).toBe(0);
    const at = r.stdout.indexOf('[ok]');
    expect(at).toBeGreaterThan(0);
    const frames = r.stdout.slice(0, at).split('\r').filter((f) => LINE.test(f));
    expect(frames.length).toBeGreaterThan(5);
    for (const f of frames) expect(f).toMatch(new RegExp(`^${LINE.source}\\x1b\\[K$`));
    const n = counts(frames);
    expect(new Set(n).size).toBeGreaterThan(5);
  });
});
