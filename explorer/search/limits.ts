/**
 * Resource bounds that end a search with a partial report (exit 3) instead of
 * an out-of-memory kill: the memory cap (--max-memory, default a safe share of
 * the machine), the JavaScript heap limit, and an interrupt (SIGINT).
 */
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { UsageError } from '../errors.js';

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
 * The process's address-space limit in bytes (RLIMIT_AS: `prlimit --as`,
 * `ulimit -v`), or undefined when there is none or it cannot be read (Linux
 * shows it in /proc/self/limits).
 */
export function addressSpaceLimit(): number | undefined {
  try {
    const m = /^Max address space\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    const n = m && m[1] !== 'unlimited' ? Number(m[1]) : NaN;
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

const AS_LIMIT = addressSpaceLimit();

/** The address space the process has mapped (VmSize), or 0 when unknown. */
function mappedBytes(): number {
  try {
    const m = /^VmSize:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Address space a V8 isolate (a worker thread) maps beyond its heap, with the
 * code range that explorer/search/parallel.ts and explorer/cli/cli-thread.ts give it.
 */
export const WORKER_ADDRESS_BYTES = 400 * 1024 * 1024;
/** The code range of a worker thread (V8 reserves it up front). */
export const WORKER_CODE_RANGE_MB = 32;

/**
 * How many search workers fit in the address space left: all of `wanted`
 * when there is no limit, else as many as leave room for the search's own
 * data (at least one: the search's own thread).
 */
export function workersThatFit(wanted: number, capBytes: number): number {
  if (AS_LIMIT === undefined || wanted <= 1) return wanted;
  const free = AS_LIMIT - mappedBytes() - Math.min(capBytes, AS_LIMIT / 2);
  return Math.max(1, Math.min(wanted, 1 + Math.floor(free / WORKER_ADDRESS_BYTES)));
}

/**
 * Why the search must stop now, or undefined. `upcomingBytes` is what the
 * search is about to allocate (a table that is due to double), so the cap is
 * not overshot by one large allocation.
 */
export function memoryVerdict(capBytes: number, upcomingBytes: number): string | undefined {
  const rss = process.memoryUsage.rss();
  if (rss + upcomingBytes > capBytes) return 'max-memory';
  if (AS_LIMIT !== undefined && mappedBytes() + 2 * upcomingBytes > AS_LIMIT * 0.9) return 'address-space-limit';
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
