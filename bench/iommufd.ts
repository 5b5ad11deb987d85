/**
 * The iommufd part of `npm run bench`: what the model's own scopes cost, and
 * how the state count grows as a scope gets one more device, HWPT or VMM
 * thread (bench/iommufd-growth.ts), so that a reviewer can tell before
 * running it whether a point file's scope will finish.
 *
 * Table rows: each scope with 1 and 2 workers, run in alternation
 * (bench/paired.ts); `seconds` is the median wall time of `samples`
 * whole-process runs, `x 1 worker` the median of the rounds' own ratios of
 * one worker's time to this row's, `states/s` the distinct states over
 * that median, `RSS MiB` the median of the process's peak resident set
 * (getrusage maxrss, all threads; bench/measure.ts) and `bytes/state` that
 * peak over the distinct states: everything the process held at its peak
 * (Node's own heap and code, the visited table, the parent links, the
 * frontier, each worker's heap) charged to the states, so it overstates
 * small scopes.
 *
 * The growth line runs each small scope once with one worker (the count is
 * the same for any worker count and every run) and prints the ratios of
 * the measured counts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GROWTH, type GrowthAxis } from './iommufd-growth.js';
import { alternate, median, pairedSpeedup } from './paired.js';

export interface Measured { seconds: number; distinctStates: number; transitions: number; maxRssBytes: number }

export interface TableOptions {
  readonly samples: number;
  /** The scopes of the table (default ci and deep; the `nightly` scope takes minutes a run). */
  readonly scopes: readonly string[];
  /** One whole-process `luocheck check ARGS` (bench/measure.js). */
  readonly run: (checkArgs: string[]) => Measured;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function print(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) console.log(r.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  '));
}

export function iommufdTable(o: TableOptions): void {
  const rows: string[][] = [['iommufd scope', 'workers', 'states', 'edges', 'seconds', 'x 1 worker', 'states/s', 'RSS MiB', 'bytes/state']];
  for (const scope of o.scopes) {
    const counts = [1, 2];
    const byCount = alternate(o.samples, counts, (workers) => o.run(['--model', 'iommufd', '--scope', scope, '--workers', String(workers), '--quiet']));
    counts.forEach((workers, c) => {
      const runs = byCount[c]!;
      const secs = median(runs.map((r) => r.seconds));
      const rss = median(runs.map((r) => r.maxRssBytes));
      const { distinctStates, transitions } = runs[0]!;
      rows.push([scope, String(workers), fmt(distinctStates), fmt(transitions), secs.toFixed(2), pairedSpeedup(byCount[0]!, runs).toFixed(2), fmt(distinctStates / secs), (rss / 1048576).toFixed(0), (rss / distinctStates).toFixed(1)]);
    });
  }
  console.log(`\niommufd scopes (fixed): medians of ${o.samples} whole-process runs, 1 and 2 workers in alternation; x 1 worker = median of each round's ratio; bytes/state = peak RSS of the process / distinct states${o.scopes.includes('nightly') ? '' : '; add --nightly for the nightly scope'}`);
  print(rows);

  const dir = mkdtempSync(join(tmpdir(), 'luocheck-growth-'));
  try {
    const parts = (Object.keys(GROWTH) as GrowthAxis[]).map((axis) => {
      const counts = GROWTH[axis].map((scope, i) => {
        const file = join(dir, `${axis}-${i + 1}.json`);
        writeFileSync(file, JSON.stringify(scope));
        return o.run(['--model', 'iommufd', '--scope', file, '--workers', '1', '--quiet']).distinctStates;
      });
      const factors = counts.slice(1).map((c, i) => `x${(c / counts[i]!).toFixed(2)} (${i + 1}->${i + 2}: ${fmt(counts[i]!)} -> ${fmt(c)})`);
      return `per ${axis} ${factors.join(', ')}`;
    });
    console.log(`iommufd state growth, measured on small lifecycle scopes (bench/iommufd-growth.ts): ${parts.join('; ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
