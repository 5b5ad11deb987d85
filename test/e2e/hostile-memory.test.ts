/**
 * Memory that fits the box it is given: under an address-space limit
 * (`prlimit --as`) the parallel search reserves nothing up front, runs, and
 * when the box is too small stops with exit 3 and a partial report, never
 * "Array buffer allocation failed" or a V8 out-of-memory abort.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const CLI = 'dist/explorer/cli/luocheck.js';
const hasPrlimit = process.platform === 'linux' && spawnSync('prlimit', ['--version']).status === 0;

/** The address space node maps with one worker thread like luocheck's, before any search. */
function baseline(): number {
  const code = `const { Worker } = require('node:worker_threads');
const w = new Worker('setInterval(() => {}, 1000)', { eval: true, resourceLimits: { codeRangeSizeMb: 32 } });
w.on('online', () => setTimeout(() => { console.log(/VmPeak:\\s+(\\d+)/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'))[1]); process.exit(0); }, 200));`;
  return Number(spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' }).stdout.trim()) * 1024;
}

function limited(asBytes: number, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync('prlimit', [`--as=${asBytes}`, process.execPath, CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe.skipIf(!hasPrlimit)('under prlimit --as', () => {
  it('2 GiB, --max-memory 1GB, two workers: the bench small search completes with its exact counts', () => {
    const r = limited(2 ** 31, 'check', '--model', 'bench', '--scope', 'small', '--workers', '2', '--max-memory', '1GB', '--format', 'json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.stats.distinctStates).toBe(116369);
    expect(j.stats.transitions).toBe(315985);
  });

  it('2 GiB, the default iommufd check passes', () => {
    const r = limited(2 ** 31, 'check', '--max-memory', '1GB', '--quiet'); // no progress lines after 10 s
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('a box too small for the search: exit 3, stopped by the address-space limit, with a partial report', () => {
    // Room for node, its command thread and a little data: far too small for bench large.
    const r = limited(baseline() + 250 * 1024 * 1024, 'check', '--model', 'bench', '--scope', 'large', '--workers', '2', '--format', 'json');
    expect(r.err).not.toMatch(/allocation failed|internal error|OOM/);
    expect(r.code).toBe(3);
    const j = JSON.parse(r.out);
    expect(j.result).toBe('incomplete');
    expect(['address-space-limit', 'max-memory', 'heap-limit']).toContain(j.stoppedBy);
    expect(j.stats.distinctStates).toBeGreaterThan(0);
  });
});
