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
 */
import { Worker } from 'node:worker_threads';
import { newInterruptFlag } from './limits.js';

export interface ThreadData {
  readonly argv: readonly string[];
  readonly isTTY: boolean;
  readonly interrupt: Int32Array;
}

export function runInThread(argv: readonly string[], workerUrl: URL): void {
  const interrupt = newInterruptFlag();
  const data: ThreadData = { argv, isTTY: Boolean(process.stderr.isTTY), interrupt };
  const worker = new Worker(workerUrl, { workerData: data });
  let code: number | undefined;
  worker.on('message', (m: { code: number }) => (code = m.code));
  worker.on('error', (e) => {
    process.stderr.write(`luocheck: internal error: ${e?.message ?? String(e)}\n`);
    code = 4;
  });
  let outError: string | undefined;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    outError ??= e.code ?? e.message;
  });
  process.stderr.on('error', () => {});
  worker.on('exit', () => {
    if (outError !== undefined && outError !== 'EPIPE') {
      process.stderr.write(`luocheck: cannot write the report to standard output: ${outError}\n`);
      process.exitCode = 2;
      return;
    }
    process.exitCode = code ?? 4;
  });
  process.on('SIGINT', () => {
    if (Atomics.load(interrupt, 0) !== 0) process.exit(130);
    Atomics.store(interrupt, 0, 1);
    process.stderr.write('\nluocheck: interrupted; stopping and writing the partial report (Ctrl-C again to quit at once)\n');
  });
}
