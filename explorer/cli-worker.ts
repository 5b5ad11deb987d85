/**
 * The worker half of explorer/cli-thread.ts: runs the command with the shared
 * interrupt flag and hands the exit code back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { main } from './cli.js';
import { loadedCalls } from './load.js';
import type { ThreadData } from './cli-thread.js';

const { argv, isTTY, interrupt, loadedMark } = workerData as ThreadData;
loadedCalls.mark = loadedMark;
loadedCalls.onNames = (names) => parentPort!.postMessage({ loaded: [...names] });
const code = main(argv, {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  isTTY,
  interrupt,
});
parentPort!.postMessage({ code });
