/**
 * Progress a person and a CI log can see, through the built command, in every
 * mode: on a terminal a live line redrawn in place; otherwise plain lines
 * (every 10 s by default; LUOCHECK_PROGRESS_SECONDS=0 makes it every poll of
 * the search, so these tests do not depend on the machine's speed); --quiet
 * silences both.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const CLI = 'dist/explorer/cli/luocheck.js';
const ARGS = ['check', '--model', 'bench', '--scope', 'small', '--workers', '1'];
const env = { ...process.env, LUOCHECK_PROGRESS_SECONDS: '0' };
const LINE = /(\d[\d,]*) states, [\d,]+ states\/s, depth \d+, frontier [\d,]+, [\d,]+ MiB, \d+ s/;

function counts(lines: string[], re = LINE): number[] {
  return lines.map((l) => Number(re.exec(l)![1]!.replace(/,/g, '')));
}
const nondecreasing = (n: number[]) => n.every((x, i) => i === 0 || x >= n[i - 1]!);

// Random and pbt: the runs done of those asked for, the steps (field 1 here) and their rate, the memory.
const WALKS = ['--model', 'bench', '--scope', 'small', '--runs', '40', '--walk-length', '3000', '--workers', '1'];
const RANDOM_LINE = /[\d,]+ states, run (\d+) of 40, ([\d,]+) steps, [\d,]+ steps\/s, [\d,]+ MiB, \d+ s/;
const PBT_LINE = /run (\d+) of 40, ([\d,]+) steps, [\d,]+ steps\/s, [\d,]+ MiB, \d+ s/;
const stepsOf = (re: RegExp) => new RegExp(re.source.replace('run (\\d+)', 'run \\d+'));

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

  for (const [mode, re] of [['random', RANDOM_LINE], ['pbt', PBT_LINE]] as const) {
    it(`--mode ${mode}, stderr not a terminal: plain lines whose runs and steps grow, also inside a walk`, () => {
      const r = spawnSync(process.execPath, [CLI, 'check', ...WALKS, '--mode', mode], { encoding: 'utf8', env });
      expect(r.status, r.stderr).toBe(0);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines.length).toBeGreaterThan(40);
      for (const l of lines) expect(l).toMatch(new RegExp(`^luocheck: ${re.source}$`));
      const runs = counts(lines, re);
      const steps = counts(lines, stepsOf(re));
      expect(nondecreasing(runs) && nondecreasing(steps)).toBe(true);
      expect(runs[runs.length - 1]!).toBeGreaterThan(runs[0]!);
      // A 3000-step walk is polled every 1024 steps: lines inside one run show its steps growing.
      expect(runs.some((x, i) => i > 0 && x === runs[i - 1] && steps[i]! > steps[i - 1]!)).toBe(true);
      expect(r.stdout).toMatch(new RegExp(`^\\[ok\\] bench small \\(fixed\\), ${mode}, seed 0: 40 runs`));
    });

    it(`--mode ${mode} --quiet: no progress`, () => {
      const r = spawnSync(process.execPath, [CLI, 'check', ...WALKS, '--mode', mode, '--quiet'], { encoding: 'utf8', env });
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
    });
  }

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

  it.skipIf(!hasScript)('--mode random on a terminal (script): one line redrawn in place, then the report', () => {
    const cmd = [process.execPath, CLI, 'check', ...WALKS, '--mode', 'random'].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env });
    expect(r.status).toBe(0);
    const at = r.stdout.indexOf('[ok]');
    expect(at).toBeGreaterThan(0);
    const frames = r.stdout.slice(0, at).split('\r').filter((f) => RANDOM_LINE.test(f));
    expect(frames.length).toBeGreaterThan(40);
    for (const f of frames) expect(f).toMatch(new RegExp(`^${RANDOM_LINE.source}\\x1b\\[K(\\r?\\n)?$`));
    expect(new Set(counts(frames, stepsOf(RANDOM_LINE))).size).toBeGreaterThan(40);
  });
});
