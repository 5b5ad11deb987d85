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
import { iommufdTable, type Measured } from './iommufd.js';
import { alternate, median, pairedSpeedup } from './paired.js';
import { workersForLoad } from '../explorer/search/parallel.js';
import { SEARCH_YOUNG_GENERATION_MB } from '../explorer/search/limits.js';
import { SCOPES } from '../model/iommufd/scopes/scopes.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
/** SPIN's version of the benchmark model, and the script that builds and runs it (bench/spin/). */
const spinScript = join(root, 'bench/spin/run.sh');

const USAGE = `usage: npm run bench [-- OPTION...]
  --runs N                  whole-process runs per figure, the median is shown (default 3)
  --sizes LIST              benchmark sizes, of small,medium,large (default all three)
  --no-iommufd              leave out the iommufd table and growth line
  --iommufd-only            only the iommufd table and growth line
  --iommufd-scopes LIST     the iommufd table's scopes (default ci,deep)
  --nightly                 add the nightly scope to the iommufd table (minutes a run)
  --help                    this text`;
const VALUED = new Set(['--runs', '--sizes', '--iommufd-scopes']);
const FLAGS = new Set(['--no-iommufd', '--iommufd-only', '--nightly', '--help']);
const SIZES = ['small', 'medium', 'large'];

/** Bad input: one line naming the flag and the value, exit 2 (before anything is measured). */
function usage(why: string): never {
  process.stderr.write(`luocheck bench: ${why}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const given = new Map<string, string>();
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (VALUED.has(a)) {
    const v = args[++i];
    if (v === undefined || v.startsWith('--')) usage(`${a} needs a value`);
    given.set(a, v);
  } else if (FLAGS.has(a)) given.set(a, '');
  else usage(`unknown option "${a}" (npm run bench -- --help lists them)`);
}
if (given.has('--help')) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const opt = (name: string, dflt: string) => given.get(name) ?? dflt;
const runs = opt('--runs', '3');
if (!/^[1-9]\d{0,3}$/.test(runs)) usage(`--runs "${runs}" is not a whole number from 1 to 9999`);
const samples = Number(runs);
const sizes = opt('--sizes', SIZES.join(',')).split(',');
for (const z of sizes) if (!SIZES.includes(z)) usage(`--sizes: unknown size "${z}" (known: ${SIZES.join(', ')})`);
const iommufdScopes = opt('--iommufd-scopes', given.has('--nightly') ? 'ci,deep,nightly' : 'ci,deep').split(',');
for (const z of iommufdScopes) if (!(z in SCOPES)) usage(`--iommufd-scopes: unknown scope "${z}" (luocheck list shows them)`);
if (given.has('--iommufd-only') && given.has('--no-iommufd')) usage('--iommufd-only and --no-iommufd leave nothing to measure');

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function luocheck(checkArgs: string[]): Measured {
  const t0 = performance.now();
  // measure.js runs the search on its main thread: with the young generation of the command line's search thread.
  const r = spawnSync(process.execPath, [`--max-semi-space-size=${SEARCH_YOUNG_GENERATION_MB / 3}`, join(here, 'measure.js'), 'check', ...checkArgs], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 1) {
    const why = r.error?.message ?? (r.stderr.trim().split('\n')[0] || `exit ${r.status ?? r.signal}`);
    process.stderr.write(`luocheck bench: luocheck check ${checkArgs.join(' ')} failed: ${why}\n`);
    process.exit(1);
  }
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
  const r = spawnSync('bash', [spinScript, size], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    process.stderr.write(`luocheck bench: ${spinScript} ${size} failed: ${r.stderr.trim().split('\n')[0] ?? `exit ${r.status}`}\n`);
    process.exit(1);
  }
  const line = r.stdout.trim().split('\n').pop()!;
  const get = (k: string) => Number(new RegExp(`${k}=([\\d.]+)`).exec(line)?.[1]);
  return { seconds: get('seconds'), states: get('states'), memMb: get('mem_mb') };
}

if (given.has('--iommufd-only')) {
  iommufdTable({ samples, scopes: iommufdScopes, run: luocheck });
  process.exit(0);
}

const rows: string[][] = [['model/scope', 'workers', 'states', 'edges', 'seconds', 'x 1 worker', 'states/s', 'bytes/state', 'SPIN s', 'SPIN B/state', 'luocheck/SPIN']];
const withSpin = hasSpin();
const cores = availableParallelism();
/** The load before the bench adds its own. */
const load1 = loadavg()[0] ?? 0;

/**
 * One table row per worker count: medians of `samples` whole-process runs,
 * the counts run in alternation (bench/paired.ts); `x 1 worker` is the
 * median of the rounds' own ratios.
 */
function measureRows(label: string, checkArgs: string[], spinSeconds?: number, spinBytes?: number): void {
  const counts = cores > 1 ? [cores, 1] : [1];
  const byCount = alternate(samples, counts, (workers) => luocheck([...checkArgs, '--workers', String(workers)]));
  const one = byCount[counts.length - 1]!;
  counts.forEach((workers, c) => {
    const runs = byCount[c]!;
    const secs = median(runs.map((r) => r.seconds));
    const rss = median(runs.map((r) => r.maxRssBytes));
    const { distinctStates, transitions } = runs[0]!;
    rows.push([
      label, String(workers), fmt(distinctStates), fmt(transitions), secs.toFixed(2), pairedSpeedup(one, runs).toFixed(2),
      fmt(distinctStates / secs), (rss / distinctStates).toFixed(1),
      spinSeconds === undefined ? '-' : spinSeconds.toFixed(2),
      spinBytes === undefined ? '-' : spinBytes.toFixed(1),
      spinSeconds === undefined ? '-' : (secs / spinSeconds).toFixed(2),
    ]);
  });
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
console.log(`luocheck bench: medians of ${samples} whole-process runs (each worker count in alternation), Node ${process.version}`);
console.log(`default --workers when the bench started: ${workersForLoad(cores, load1)} (${cores} cores, 1-minute load average ${load1.toFixed(2)})`);
for (const r of rows) console.log(r.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  '));
if (!withSpin) {
  console.log(`SPIN not run: install it with "apt-get update && apt-get install -y spin" (and gcc); it runs ${spinScript}`);
}
const fcRate = median(anchor.map((a) => a.stepsPerSecond));
const rwRate = median(walks);
console.log(`random mode on bench small: ${fmt(rwRate)} steps/s; fast-check fc.commands + fc.modelRun: ${fmt(fcRate)} steps/s; ratio ${(rwRate / fcRate).toFixed(1)}x`);
if (!given.has('--no-iommufd')) iommufdTable({ samples, scopes: iommufdScopes, run: luocheck });
