/**
 * The progress of a search on stderr. On a terminal, one live line, redrawn
 * about once a second; otherwise (a CI log) a plain line every INTERVAL_S
 * seconds (progressInterval), like TLC's. Each gives the distinct states, the rate, the depth,
 * the frontier and the memory in use. `--quiet` turns it off.
 */
import type { Progress } from './bfs.js';

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

export interface ProgressSink {
  /** Called by the search about once a second. */
  onProgress: (p: Progress) => void;
  /** How often the search should call onProgress (ExploreOptions.progressEveryMs). */
  everyMs: number;
  /** Ends the live line, if one was drawn. */
  end: () => void;
}

export function progressSink(err: (s: string) => void, isTTY: boolean): ProgressSink {
  let drawn = false;
  const interval = progressInterval();
  let nextPlain = interval;
  return {
    everyMs: interval === 0 ? 0 : 1000,
    onProgress: (p) => {
      const line = progressLine(p, process.memoryUsage.rss());
      if (isTTY) {
        err(`\r${line}\x1b[K`);
        drawn = true;
      } else if (p.seconds >= nextPlain) {
        err(`luocheck: ${line}\n`);
        nextPlain = interval === 0 ? 0 : (Math.floor(p.seconds / interval) + 1) * interval;
      }
    },
    end: () => {
      if (drawn) err('\n');
      drawn = false;
    },
  };
}
