/**
 * `npm run bench`: measures luocheck on the benchmark model (and, when SPIN and
 * gcc are installed, SPIN on the same sizes in the same run), each figure the
 * median of several whole-process runs, and prints ratios. Timing lives here,
 * never in tests.
 *
 *   npm run bench [-- --runs N] [-- --sizes small,medium,large] [-- --no-iommufd] [-- --nightly] [-- --iommufd-only]
 *                 [-- --iommufd-scopes ci,deep,...]
 *
 * Rows: each benchmark size with every core and with one worker, SPIN's
 * median on the same size and the time ratio (and a line with the default
 * worker count when the bench started: explorer/search/parallel.ts
 * workersForLoad of the cores and the load average); then random mode
 * against fast-check's fc.commands + fc.modelRun. Then the iommufd
 * table (bench/iommufd.ts): the `ci` and `deep` scopes (and `nightly` with
 * --nightly: it takes minutes a run) with one and two workers, and the
 * measured growth of the state count per added device, HWPT and thread.
 * --iommufd-only skips the benchmark model and the random-mode anchor;
 * --iommufd-scopes names the table's scopes (default ci,deep, plus nightly
 * with --nightly).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { iommufdTable } from './iommufd.js';
import { workersForLoad } from '../explorer/search/parallel.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : dflt;
};
const samples = Math.max(1, Number(opt('--runs', '3')));
const sizes = opt('--sizes', 'small,medium,large').split(',');
const iommufdScopes = opt('--iommufd-scopes', args.includes('--nightly') ? 'ci,deep,nightly' : 'ci,deep').split(',');
const shared = process.env['LUOCHECK_SHARED'] ?? resolve(root, '../shared');
const spinScript = join(shared, 'bench/spin/run.sh');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

interface Sample { seconds: number; distinctStates: number; transitions: number; maxRssBytes: number }

function luocheck(checkArgs: string[]): Sample {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(here, 'measure.js'), 'check', ...checkArgs], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 1) throw new Error(`luocheck ${checkArgs.join(' ')} failed: ${r.stderr}`);
  const j = JSON.parse(r.stdout);
  return { seconds: wall, distinctStates: j.distinctStates, transitions: j.transitions, maxRssBytes: j.maxRssBytes };
}

function hasSpin(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v spin && command -v gcc'], { stdio: 'ignore' });
    return existsSync(spinScript);
  } catch {
    return false;
  }
}

function spin(size: string): { seconds: number; states: number; memMb: number } {
  const line = execFileSync('bash', [spinScript, size], { encoding: 'utf8' }).trim().split('\n').pop()!;
  const get = (k: string) => Number(new RegExp(`${k}=([\\d.]+)`).exec(line)?.[1]);
  return { seconds: get('seconds'), states: get('states'), memMb: get('mem_mb') };
}

if (args.includes('--iommufd-only')) {
  if (!args.includes('--no-iommufd')) iommufdTable({ samples, scopes: iommufdScopes, run: luocheck, median });
  process.exit(0);
}

const rows: string[][] = [['model/scope', 'workers', 'states', 'edges', 'seconds', 'states/s', 'bytes/state', 'SPIN s', 'SPIN B/state', 'luocheck/SPIN']];
const withSpin = hasSpin();
const cores = availableParallelism();
/** The load before the bench adds its own. */
const load1 = loadavg()[0] ?? 0;

/** One table row per worker count: medians of `samples` whole-process runs. */
function measureRows(label: string, checkArgs: string[], spinSeconds?: number, spinBytes?: number): void {
  for (const workers of cores > 1 ? [cores, 1] : [1]) {
    const runs = Array.from({ length: samples }, () => luocheck([...checkArgs, '--workers', String(workers)]));
    const secs = median(runs.map((r) => r.seconds));
    const rss = median(runs.map((r) => r.maxRssBytes));
    const { distinctStates, transitions } = runs[0]!;
    rows.push([
      label, String(workers), fmt(distinctStates), fmt(transitions), secs.toFixed(2),
      fmt(distinctStates / secs), (rss / distinctStates).toFixed(1),
      spinSeconds === undefined ? '-' : spinSeconds.toFixed(2),
      spinBytes === undefined ? '-' : spinBytes.toFixed(1),
      spinSeconds === undefined ? '-' : (secs / spinSeconds).toFixed(2),
    ]);
  }
}

for (const size of sizes) {
  let spinSeconds: number | undefined;
  let spinBytes: number | undefined;
  if (withSpin) {
    const s = Array.from({ length: samples }, () => spin(size));
    spinSeconds = median(s.map((x) => x.seconds));
    spinBytes = (median(s.map((x) => x.memMb)) * 1048576) / s[0]!.states;
  }
  measureRows(`bench ${size}`, ['--model', 'bench', '--scope', size], spinSeconds, spinBytes);
}

const anchor = Array.from({ length: samples }, () =>
  JSON.parse(execFileSync(process.execPath, [join(here, 'fastcheck-anchor.js'), '5', '2000'], { encoding: 'utf8' })) as { stepsPerSecond: number },
);
const walks = Array.from({ length: samples }, () => {
  const t0 = performance.now();
  const out = execFileSync(process.execPath, [join(here, 'measure.js'), 'check', '--model', 'bench', '--scope', 'small', '--mode', 'random', '--runs', '20000', '--walk-length', '100'], { encoding: 'utf8' });
  const j = JSON.parse(out);
  return j.steps / ((performance.now() - t0) / 1000);
});

const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
console.log(`luocheck bench: medians of ${samples} whole-process runs, Node ${process.version}`);
console.log(`default --workers when the bench started: ${workersForLoad(cores, load1)} (${cores} cores, 1-minute load average ${load1.toFixed(2)})`);
for (const r of rows) console.log(r.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  '));
if (!withSpin) {
  console.log(`SPIN not run: install it with "apt-get update && apt-get install -y spin" (and gcc); it runs ${spinScript}`);
}
const fcRate = median(anchor.map((a) => a.stepsPerSecond));
const rwRate = median(walks);
console.log(`random mode on bench small: ${fmt(rwRate)} steps/s; fast-check fc.commands + fc.modelRun: ${fmt(fcRate)} steps/s; ratio ${(rwRate / fcRate).toFixed(1)}x`);
if (!args.includes('--no-iommufd')) iommufdTable({ samples, scopes: iommufdScopes, run: luocheck, median });
