/**
 * Resource bounds that end a search with a partial report (exit 3) instead of
 * an out-of-memory kill: the memory cap (--max-memory, default a safe share of
 * the machine), the JavaScript heap limit, and an interrupt (SIGINT).
 */
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { UsageError } from './errors.js';

const UNITS: Readonly<Record<string, number>> = {
  '': 1, B: 1,
  K: 1e3, KB: 1e3, KIB: 1024,
  M: 1e6, MB: 1e6, MIB: 1024 ** 2,
  G: 1e9, GB: 1e9, GIB: 1024 ** 3,
};

/** "200MB", "1.5GiB", "512M", "1000000" (bytes). */
export function parseSize(flag: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(v.trim());
  const unit = m ? UNITS[m[2]!.toUpperCase()] : undefined;
  const n = m && unit !== undefined ? Math.round(Number(m[1]) * unit) : NaN;
  if (!(n > 0) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${flag} ${JSON.stringify(v)}: expected a size such as 200MB, 2GB or 512MiB`);
  }
  return n;
}

/** The machine's memory, or the process's cgroup limit if that is smaller. */
export function machineMemory(): number {
  const limit = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  const total = totalmem();
  return limit !== undefined && limit > 0 && limit < total ? limit : total;
}

/** The default memory cap: three quarters of the machine, leaving room for everything else. */
export function defaultMaxMemory(): number {
  return Math.floor(machineMemory() * 0.75);
}

/**
 * Why the search must stop now, or undefined. `upcomingBytes` is what the
 * search is about to allocate (a table that is due to double), so the cap is
 * not overshot by one large allocation.
 */
export function memoryVerdict(capBytes: number, upcomingBytes: number): string | undefined {
  const rss = process.memoryUsage.rss();
  if (rss + upcomingBytes > capBytes) return 'max-memory';
  const h = getHeapStatistics();
  if (h.used_heap_size > h.heap_size_limit * 0.85) return 'heap-limit';
  return undefined;
}

/** A flag set from the signal handler thread and read by the search, wherever it runs. */
export function newInterruptFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

export function interrupted(flag: Int32Array | undefined): boolean {
  return flag !== undefined && Atomics.load(flag, 0) !== 0;
}
