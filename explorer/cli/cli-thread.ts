/**
 * The process entry point runs the command in a worker thread, so the main
 * thread stays free to take SIGINT: the first one sets a shared flag that the
 * search polls (it then stops with exit 3 and writes its partial report), a
 * second one exits at once with 130.
 *
 * The worker's output passes through this thread's stdout and stderr. A
 * reader that goes away (EPIPE: `| head -c1`) ends the output quietly, and
 * the exit code stays the verdict's; any other error writing stdout (ENOSPC:
 * `> /dev/full`) is one line on stderr and exit 2. An error writing stderr is
 * ignored: there is nowhere left to say it.
 *
 * Loaded code (--load) may never return. A search that runs it is ended in
 * the worker itself, a little after its time limit or at Ctrl-C, wherever it
 * is, and still writes its partial report (explorer/search/stoppable.ts); meanwhile
 * Node's SIGINT watchdog takes the signal, and this thread takes it back
 * when the worker says the search is over. Past --max-memory inside loaded
 * code, this thread asks for that ending with a SIGINT of its own. Loaded code elsewhere (a module
 * that loops while it loads) is the last resort's: once a bound has passed,
 * a worker that stays inside one call into loaded code for STUCK_MS more
 * (STUCKER_MS in such a search, whose own ending comes first) is ended from
 * here: one line naming the function and the file, exit 3, no report (the
 * thread that held it is gone).
 */
import { Worker } from 'node:worker_threads';
import { defaultMaxMemory, newInterruptFlag, parseSize, SEARCH_YOUNG_GENERATION_MB, WORKER_CODE_RANGE_MB } from '../search/limits.js';

export interface ThreadData {
  readonly argv: readonly string[];
  readonly isTTY: boolean;
  readonly interrupt: Int32Array;
  /** Calls into loaded code (explorer/cli/load.ts loadedCalls). */
  readonly loadedMark: Int32Array;
  /**
   * Word 0: 1 while the worker runs a search it can end itself
   * (explorer/search/stoppable.ts); word 1: STOP_MAX_MEMORY when this thread asks
   * it to end one for the memory cap (with a SIGINT, which Node's watchdog
   * takes meanwhile).
   */
  readonly control: Int32Array;
}

/** control[1]: the search was ended because the process passed --max-memory. */
export const STOP_MAX_MEMORY = 1;

import { MARK_SLOTS } from '../search/loaded-calls.js';

/** How long a call into loaded code may run on after a bound has passed. */
const STUCK_MS = 1500;
/** The same inside a search the worker can end itself (explorer/search/stoppable.ts). */
const STUCKER_MS = 4000;

/** The --max-memory of argv in bytes, or the default (the worker checks it properly). */
function maxMemoryOf(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = a === '--max-memory' ? argv[i + 1] : a.startsWith('--max-memory=') ? a.slice('--max-memory='.length) : undefined;
    if (v === undefined) continue;
    try {
      return parseSize('--max-memory', v);
    } catch {
      break;
    }
  }
  return defaultMaxMemory();
}

/** The --time-limit of argv in seconds, if given and valid (the worker checks it properly). */
function timeLimitOf(argv: readonly string[]): number | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = a === '--time-limit' ? argv[i + 1] : a.startsWith('--time-limit=') ? a.slice('--time-limit='.length) : undefined;
    if (v !== undefined && /^\d+(\.\d+)?$/.test(v) && Number(v) > 0) return Number(v);
  }
  return undefined;
}

export function runInThread(argv: readonly string[], workerUrl: URL): void {
  const interrupt = newInterruptFlag();
  const loadedMark = new Int32Array(new SharedArrayBuffer(8 * MARK_SLOTS));
  const control = new Int32Array(new SharedArrayBuffer(8));
  const data: ThreadData = { argv, isTTY: Boolean(process.stderr.isTTY), interrupt, loadedMark, control };
  const worker = new Worker(workerUrl, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: SEARCH_YOUNG_GENERATION_MB, codeRangeSizeMb: WORKER_CODE_RANGE_MB } });
  let code: number | undefined;
  let names: readonly string[] = [];
  worker.on('message', (m: { code?: number; loaded?: string[]; searched?: boolean }) => {
    if (m.code !== undefined) code = m.code;
    if (m.loaded !== undefined) names = m.loaded;
    // Node's SIGINT watchdog, when it stops, leaves the default action in place: take the signal back.
    if (m.searched) {
      process.removeListener('SIGINT', onSigint);
      process.on('SIGINT', onSigint);
    }
  });
  const cap = maxMemoryOf(argv);
  let boundAt: number | undefined;
  let bound = '';
  const passBound = (why: string) => {
    if (boundAt !== undefined) return;
    boundAt = Date.now();
    bound = why;
  };
  const limit = timeLimitOf(argv);
  if (limit !== undefined) setTimeout(() => passBound('time-limit'), limit * 1000).unref();
  // One mark per thread that runs loaded code: the command thread's, then each search worker's.
  const seen = new Array<number>(MARK_SLOTS).fill(-1);
  const seenSince = new Array<number>(MARK_SLOTS).fill(0);
  let ended = false;
  setInterval(() => {
    const now = Date.now();
    const stoppable = Atomics.load(control, 0) === 1;
    let inLoaded = false;
    for (let k = 0; k < MARK_SLOTS; k++) {
      const seq = Atomics.load(loadedMark, 2 * k);
      if (seq % 2 !== 0) inLoaded = true;
      if (seq !== seen[k]) {
        seen[k] = seq;
        seenSince[k] = now;
        continue;
      }
      if (boundAt === undefined || seq % 2 === 0 || ended) continue;
      if (now - Math.max(seenSince[k]!, boundAt) < (stoppable ? STUCKER_MS : STUCK_MS)) continue;
      stuck(k);
      return;
    }
    // Loaded code that allocates without end: past the cap, the worker's search is ended by the watchdog.
    if (stoppable && inLoaded && Atomics.load(control, 1) === 0 && process.memoryUsage.rss() > cap) {
      Atomics.store(control, 1, STOP_MAX_MEMORY);
      process.kill(process.pid, 'SIGINT');
    }
  }, 100).unref();
  const stuck = (k: number) => {
    ended = true;
    const what = names[Atomics.load(loadedMark, 2 * k + 1)] ?? 'loaded code';
    process.stderr.write(`luocheck: stopped by ${bound}: ${what} did not return; no report\n`);
    code = 3;
    void worker.terminate();
  };
  worker.on('error', (e) => {
    if ((e as NodeJS.ErrnoException)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      // The heap filled up before any check of the search could see it (loaded code that allocates without end).
      const what = Atomics.load(loadedMark, 0) % 2 !== 0 ? `${names[Atomics.load(loadedMark, 1)] ?? 'loaded code'} filled` : 'the search filled';
      process.stderr.write(`luocheck: stopped by heap-limit: ${what} the JavaScript heap; no report\n`);
      code = 3;
      return;
    }
    process.stderr.write(`luocheck: internal error: ${e?.message ?? String(e)}\n`);
    code = 4;
  });
  let outError: string | undefined;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    outError ??= e.code ?? e.message;
  });
  process.stderr.on('error', () => {});
  worker.on('exit', () => {
    ended = true;
    if (outError !== undefined && outError !== 'EPIPE') {
      process.stderr.write(`luocheck: cannot write the report to standard output: ${outError}\n`);
      process.exitCode = 2;
      return;
    }
    process.exitCode = code ?? 4;
  });
  function onSigint(): void {
    if (Atomics.load(interrupt, 0) !== 0) process.exit(130);
    Atomics.store(interrupt, 0, 1);
    passBound('interrupt');
    process.stderr.write('\nluocheck: interrupted; stopping and writing the partial report (Ctrl-C again to quit at once)\n');
  }
  process.on('SIGINT', onSigint);
}
