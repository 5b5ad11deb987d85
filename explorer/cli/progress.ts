/**
 * The progress of a search on stderr. On a terminal, one live line, redrawn
 * about once a second; otherwise (a CI log) a plain line every INTERVAL_S
 * seconds (progressInterval), like TLC's. `--quiet` turns it off.
 * An exhaustive search gives the distinct states, the rate, the depth, the
 * frontier and the memory in use; a random or pbt search (WalkProgress) the
 * runs done of those asked for, the steps and their rate, the distinct
 * states met (random), whether a failure is being shrunk (pbt), and the
 * memory in use.
 */
import type { Progress } from '../search/bfs.js';

/**
 * Seconds between two progress lines when stderr is not a terminal; the
 * environment variable LUOCHECK_PROGRESS_SECONDS changes it (0: a line at
 * every poll of the search, for the tests).
 */
export function progressInterval(): number {
  const v = process.env['LUOCHECK_PROGRESS_SECONDS'];
  const n = v !== undefined && /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) ? n : 10;
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

export function progressLine(p: Progress, rssBytes: number): string {
  const rate = p.seconds > 0 ? p.distinctStates / p.seconds : 0;
  return `${n(p.distinctStates)} states, ${n(rate)} states/s, depth ${p.depth}, frontier ${n(p.frontier)}, ${n(rssBytes / 2 ** 20)} MiB, ${p.seconds.toFixed(0)} s`;
}

/** The figures of a random or pbt search so far (explorer/search/random.ts, explorer/search/pbt.ts). */
export interface WalkProgress {
  /** Runs (walks, or fast-check runs) finished. */
  runs: number;
  /** Runs asked for (this shard's share with --shard). */
  ofRuns: number;
  /** Steps taken in all runs, the current one included. */
  steps: number;
  seconds: number;
  /** Distinct states met (random mode; pbt does not count them). */
  distinctStates?: number;
  /** pbt: attempts to shrink the failure found, when one was found. */
  shrinking?: number;
}

export function walkProgressLine(p: WalkProgress, rssBytes: number): string {
  const rate = p.seconds > 0 ? p.steps / p.seconds : 0;
  const parts = [
    ...(p.distinctStates !== undefined ? [`${n(p.distinctStates)} states`] : []),
    `run ${n(p.runs)} of ${n(p.ofRuns)}`,
    `${n(p.steps)} steps`,
    `${n(rate)} steps/s`,
    ...(p.shrinking !== undefined ? [`shrinking a failure (${n(p.shrinking)} tries)`] : []),
    `${n(rssBytes / 2 ** 20)} MiB`,
    `${p.seconds.toFixed(0)} s`,
  ];
  return parts.join(', ');
}

export interface ProgressSink {
  /** Called by the search about once a second. */
  onProgress: (p: Progress) => void;
  /** Called by a random or pbt search about once a second. */
  onWalk: (p: WalkProgress) => void;
  /** How often the search should call onProgress (ExploreOptions.progressEveryMs). */
  everyMs: number;
  /** Ends the live line, if one was drawn. */
  end: () => void;
}

export function progressSink(err: (s: string) => void, isTTY: boolean): ProgressSink {
  let drawn = false;
  const interval = progressInterval();
  let nextPlain = interval;
  const show = (seconds: number, line: string) => {
    if (isTTY) {
      err(`\r${line}\x1b[K`);
      drawn = true;
    } else if (seconds >= nextPlain) {
      err(`luocheck: ${line}\n`);
      nextPlain = interval === 0 ? 0 : (Math.floor(seconds / interval) + 1) * interval;
    }
  };
  return {
    everyMs: interval === 0 ? 0 : 1000,
    onProgress: (p) => show(p.seconds, progressLine(p, process.memoryUsage.rss())),
    onWalk: (p) => show(p.seconds, walkProgressLine(p, process.memoryUsage.rss())),
    end: () => {
      if (drawn) err('\n');
      drawn = false;
    },
  };
}
