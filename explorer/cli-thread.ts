/**
 * The process entry point runs the command in a worker thread, so the main
 * thread stays free to take SIGINT: the first one sets a shared flag that the
 * search polls (it then stops with exit 3 and writes its partial report), a
 * second one exits at once with 130.
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
  worker.on('exit', () => {
    process.exitCode = code ?? 4;
  });
  process.on('SIGINT', () => {
    if (Atomics.load(interrupt, 0) !== 0) process.exit(130);
    Atomics.store(interrupt, 0, 1);
    process.stderr.write('\nluocheck: interrupted; stopping and writing the partial report (Ctrl-C again to quit at once)\n');
  });
}
