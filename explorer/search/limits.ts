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

/** What the memory bounds read: the resident set, the mapped address space and the JavaScript heap. */
export interface MemorySample {
  /** Resident set size (bytes). */
  rss: number;
  /** Mapped address space (VmSize, bytes; 0 when unknown or unlimited). */
  mapped: number;
  heapUsed: number;
  heapLimit: number;
}

/**
 * How long one reading of the process's memory stays current. Reading the
 * resident set is a read of /proc/self/stat: 45 us on an idle core, and
 * 0.3-0.6 ms on a loaded machine, where reading it at every poll of the
 * exhaustive search (every 256 states) took 3-5% of the run and more in the
 * modes that poll after every walk. The bounds read it at most this often,
 * however often the search polls: a bound passed is seen within this time
 * plus one poll.
 */
export const MEMORY_SAMPLE_MS = 200;

/**
 * The latest reading of the process's memory, taken again once it is
 * `everyMs` old by `now()` (the clock and the reader are parameters, so the
 * tests drive both).
 */
export class MemoryMeter {
  private last: MemorySample | undefined;
  private at = 0;
  constructor(
    private readonly read: () => MemorySample,
    private readonly now: () => number = () => performance.now(),
    private readonly everyMs: number = MEMORY_SAMPLE_MS,
  ) {}

  sample(): MemorySample {
    const t = this.now();
    if (this.last === undefined || t - this.at >= this.everyMs || t < this.at) {
      this.last = this.read();
      this.at = t;
    }
    return this.last;
  }
}

function readMemory(): MemorySample {
  const h = getHeapStatistics();
  return {
    rss: process.memoryUsage.rss(),
    mapped: AS_LIMIT === undefined ? 0 : mappedBytes(),
    heapUsed: h.used_heap_size,
    heapLimit: h.heap_size_limit,
  };
}

/**
 * Why a process with memory `m` must stop, or undefined. `upcomingBytes` is
 * what the search is about to allocate (a table that is due to double), so
 * the cap is not overshot by one large allocation.
 */
export function memoryVerdictOf(m: MemorySample, capBytes: number, upcomingBytes: number, asLimit: number | undefined): string | undefined {
  if (m.rss + upcomingBytes > capBytes) return 'max-memory';
  if (asLimit !== undefined && m.mapped + 2 * upcomingBytes > asLimit * 0.9) return 'address-space-limit';
  if (m.heapUsed > m.heapLimit * 0.85) return 'heap-limit';
  return undefined;
}

const meter = new MemoryMeter(readMemory);

/**
 * Why the search must stop now, or undefined: memoryVerdictOf the process's
 * memory as MemoryMeter last read it (at most MEMORY_SAMPLE_MS ago).
 */
export function memoryVerdict(capBytes: number, upcomingBytes: number): string | undefined {
  return memoryVerdictOf(meter.sample(), capBytes, upcomingBytes, AS_LIMIT);
}

/** A flag set from the signal handler thread and read by the search, wherever it runs. */
export function newInterruptFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

export function interrupted(flag: Int32Array | undefined): boolean {
  return flag !== undefined && Atomics.load(flag, 0) !== 0;
}

/**
 * The young generation of the command line's search thread, in MB (three
 * semi-spaces of a third of it each). V8's default grows it to 48 MB as
 * states survive a scavenge; at 24 the benchmark model (large, one worker)
 * peaks at 237-240 MB resident instead of 266-280 MB, as fast (8.66-8.77 s
 * against 8.66-8.81 s), and iommufd deep to 1,000,000 states at 154 MB
 * instead of 170, about 2% slower (median of 5 pairs). `npm run bench` runs
 * its measured process with the same (bench/run.ts).
 */
export const SEARCH_YOUNG_GENERATION_MB = 24;
