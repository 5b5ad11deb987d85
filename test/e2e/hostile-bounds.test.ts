/**
 * Bounds that hold in every mode: --time-limit, --max-memory and Ctrl-C stop
 * a random walk and a fast-check run from inside (not only between runs), and
 * a loaded invariant that never returns is stopped by --time-limit or Ctrl-C
 * with a partial report, in every mode and format. No clock is asserted:
 * each run below would go on far longer than any test
 * without the bound (a walk of 10^8 steps, a check that loops forever), so
 * exit 3 and the figures of the partial report are what prove the bound.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../explorer/cli/cli.js';

const CLI = 'dist/explorer/cli/luocheck.js';
const tmp = mkdtempSync(join(tmpdir(), 'luocheck-bounds-'));

function run(argv: string[], interrupt?: Int32Array): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => (out += s), err: (s) => (err += s), isTTY: false, ...(interrupt ? { interrupt } : {}) };
  return { code: main(argv, io), out, err };
}

/**
 * A loaded invariant that counts its calls in globalThis and, at call
 * `after`, sets the interrupt flag as Ctrl-C would (the flag is handed over
 * in globalThis by the test). It never fails.
 */
function interrupter(name: string, after: number): string {
  const f = join(tmp, `${name}.mjs`);
  writeFileSync(f, `export const model = 'bench';
export default { id: '${name}', title: 'counts calls', source: 'test', kind: 'state', check: () => {
  const g = globalThis.__luocheckTest;
  if (++g.calls === ${after}) Atomics.store(g.flag, 0, 1);
  return null;
} };
`);
  return f;
}

type TestGlobal = { __luocheckTest?: { calls: number; flag: Int32Array } };

function withInterrupter(after: number, argv: (file: string) => string[]): { r: ReturnType<typeof run>; calls: number } {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const g = globalThis as TestGlobal;
  g.__luocheckTest = { calls: 0, flag };
  const file = interrupter(`interrupt-${after}-${Math.random().toString(36).slice(2)}`, after);
  const r = run(argv(file), flag);
  const calls = g.__luocheckTest.calls;
  delete g.__luocheckTest;
  return { r, calls };
}

describe('bounds inside one random walk', () => {
  const LONG = ['check', '--model', 'bench', '--mode', 'random', '--runs', '1', '--walk-length', '100000000', '--format', 'json'];

  it('--time-limit stops a walk of 10^8 steps with exit 3 and a partial report', () => {
    const r = run([...LONG, '--time-limit', '0.5']);
    expect(r.code).toBe(3);
    const j = JSON.parse(r.out);
    expect(j.result).toBe('incomplete');
    expect(j.stoppedBy).toBe('time-limit');
    expect(j.stats.steps ?? j.stats.transitions).toBeLessThan(100_000_000);
  });

  it('Ctrl-C stops it within the walk, a thousand steps or so after the signal', () => {
    const { r, calls } = withInterrupter(5000, (f) => [...LONG, '--load', f]);
    expect(r.code, r.err).toBe(3);
    expect(JSON.parse(r.out).stoppedBy).toBe('interrupt');
    expect(calls).toBeGreaterThanOrEqual(5000);
    expect(calls).toBeLessThan(5000 + 2 * 1024);
  });

  it('--max-memory stops it', () => {
    const r = run([...LONG, '--max-memory', '1MB']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out).stoppedBy).toBe('max-memory');
  });
});

describe('bounds inside one fast-check run', () => {
  const LONG = ['check', '--model', 'bench', '--mode', 'pbt', '--runs', '1000', '--walk-length', '100000', '--format', 'json'];

  it('Ctrl-C stops fast-check inside a run of 10^5 steps', () => {
    const { r, calls } = withInterrupter(5000, (f) => [...LONG, '--load', f]);
    expect(r.code, r.err).toBe(3);
    expect(JSON.parse(r.out).stoppedBy).toBe('interrupt');
    expect(calls).toBeLessThan(5000 + 2 * 1024);
  });

  it('--time-limit and --max-memory stop it', () => {
    const t = run([...LONG, '--time-limit', '0.5']);
    expect(t.code).toBe(3);
    expect(JSON.parse(t.out).stoppedBy).toBe('time-limit');
    const m = run([...LONG, '--max-memory', '1MB']);
    expect(m.code).toBe(3);
    expect(JSON.parse(m.out).stoppedBy).toBe('max-memory');
  });

  it('a --walk-length fast-check cannot hold is a usage error', () => {
    const r = run(['check', '--model', 'bench', '--mode', 'pbt', '--walk-length', '100000000']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--walk-length 100000000 with --mode pbt: at most 100000/);
  });
});

describe('a loaded invariant that never returns (built command)', () => {
  /** A module whose check loops forever once x >= 1, after creating the file `started`. */
  const looping = (name: string): { file: string; started: string } => {
    const file = join(tmp, `${name}.mjs`);
    const started = join(tmp, `${name}.started`);
    writeFileSync(file, `import { writeFileSync } from 'node:fs';
export const model = 'lostupdate';
export default { id: 'loops', title: 'never returns', source: 'test', kind: 'state', check: (s) => {
  if (s.x >= 1) { writeFileSync(${JSON.stringify(started)}, 'x'); for (;;) {} }
  return null;
} };
`);
    return { file, started };
  };
  const FORMATS = ['text', 'json', 'junit', 'itf', 'email'] as const;
  /**
   * What each format says of a partial report: incomplete, stopped by `why`.
   * `entered`: whether the check was seen inside its loop (its file exists);
   * only then must a step have been taken and the note name the loop. A
   * --time-limit on a busy machine can run out before the search reaches x
   * >= 1, and the report must be a partial one all the same.
   */
  const partial = (format: (typeof FORMATS)[number], out: string, why: string, entered = true) => {
    if (format === 'json') {
      const r = JSON.parse(out) as { mode: string; result: string; stoppedBy: string; stats: { distinctStates: number; transitions: number }; notes?: string[] };
      expect(r.result).toBe('incomplete');
      expect(r.stoppedBy).toBe(why);
      if (entered) {
        // The check loops once x >= 1: at least the step that got there was taken (pbt counts no states).
        expect(r.stats.transitions).toBeGreaterThan(0);
        if (r.mode !== 'pbt') expect(r.stats.distinctStates).toBeGreaterThan(1);
        expect(r.notes?.join('\n')).toMatch(/the check of invariant loops \(--load ".*\.mjs"\) did not return/);
      }
    } else if (format === 'text') {
      expect(out).toMatch(new RegExp(`^\\[incomplete\\] lostupdate two \\(buggy\\), \\w+(, seed 0)?: stopped by ${why} before the space was explored; no violation so far\n`));
      if (entered) expect(out).toMatch(/note: the check of invariant loops \(--load ".*\.mjs"\) did not return/);
    } else if (format === 'junit') {
      expect(out).toMatch(/^<\?xml/);
      expect(out).toContain(`stopped by ${why}`);
    } else if (format === 'itf') {
      expect((JSON.parse(out) as { '#meta': { status: string } })['#meta'].status).toBe('incomplete');
    } else {
      expect(out).toMatch(new RegExp(`^luocheck: no violation before ${why} stopped the run of`));
    }
  };

  // Exhaustive with one worker, and with two (the loaded check then runs in a search worker too).
  const RUNS = [['exhaustive', '1'], ['exhaustive', '2'], ['random', '1'], ['pbt', '1']] as const;
  const runName = (mode: string, workers: string) => `--mode ${mode}${mode === 'exhaustive' ? ` --workers ${workers}` : ''}`;
  for (const [mode, workers] of RUNS) {
    it(`${runName(mode, workers)}: stopped by --time-limit with exit 3 and a partial report in every format`, () => {
      for (const format of FORMATS) {
        const { file, started } = looping(`loop-limit-${mode}-${workers}-${format}`);
        const r = spawnSync(process.execPath, [CLI, 'check', '--model', 'lostupdate', '--mode', mode, '--workers', workers, '--load', file, '--time-limit', '1', '--format', format, '--quiet'], { encoding: 'utf8' });
        expect(r.status, `${format}: ${r.stderr}`).toBe(3);
        expect(r.stderr, format).toBe('');
        partial(format, r.stdout, 'time-limit', existsSync(started));
      }
    });
  }

  it('the partial report goes to every --out too', () => {
    const dir = mkdtempSync(join(tmp, 'outs-'));
    const outs = FORMATS.flatMap((f) => ['--out', join(dir, `r.${f}`)]);
    const { file, started } = looping('loop-outs');
    const r = spawnSync(process.execPath, [CLI, 'check', '--model', 'lostupdate', '--load', file, '--time-limit', '1', '--format', FORMATS.join(','), ...outs, '--quiet'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(3);
    for (const f of FORMATS) partial(f, readFileSync(join(dir, `r.${f}`), 'utf8'), 'time-limit', existsSync(started));
  });

  for (const [mode, workers] of RUNS) {
    it(`${runName(mode, workers)}: stopped by Ctrl-C with exit 3 and a partial report`, async () => {
      const { file, started } = looping(`loop-sigint-${mode}-${workers}`);
      const child = spawn(process.execPath, [CLI, 'check', '--model', 'lostupdate', '--mode', mode, '--workers', workers, '--load', file, '--format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      // Wait (without a deadline) until the check is inside its loop.
      while (!existsSync(started)) await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGINT');
      const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      expect(code, err).toBe(3);
      expect(err).toContain('luocheck: interrupted; writing the partial report (Ctrl-C again to quit at once)');
      partial('json', out, 'interrupt');
    });
  }

  it.each(['1', '2'])('loaded code that allocates without end is ended at --max-memory, with exit 3 and a partial report (--workers %s)', (workers) => {
    const file = join(tmp, 'hog.mjs');
    writeFileSync(file, `export const model = 'lostupdate';
const keep = [];
export default { id: 'loops', title: 'allocates without end', source: 'test', kind: 'state', check: (s) => {
  if (s.x >= 1) for (;;) keep.push(new Array(1e5).fill(1));
  return null;
} };
`);
    const r = spawnSync(process.execPath, [CLI, 'check', '--model', 'lostupdate', '--workers', workers, '--load', file, '--max-memory', '400MB', '--format', 'json', '--quiet'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(3);
    partial('json', r.stdout, 'max-memory');
    expect(r.stdout).toContain('it was ended when the process passed --max-memory');
  });

  it('a module that never finishes loading is ended by the last resort: one line naming it, exit 3, no report', () => {
    const file = join(tmp, 'load-loop.mjs');
    writeFileSync(file, `export const model = 'lostupdate';\nfor (;;) {}\n`);
    const r = spawnSync(process.execPath, [CLI, 'check', '--model', 'lostupdate', '--load', file, '--time-limit', '1'], { encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^luocheck: stopped by time-limit: the module ".*load-loop\.mjs" \(--load\) while it loads did not return; no report\n$/);
  });
});
