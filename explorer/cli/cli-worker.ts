/**
 * The worker half of explorer/cli/cli-thread.ts: runs the command with the shared
 * interrupt flag and hands the exit code back. It tells the main thread when
 * a search that can be ended from here (loaded code; explorer/search/stoppable.ts)
 * begins and is over: meanwhile SIGINT belongs to Node's watchdog.
 */
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { main } from './cli.js';
import { loadedCalls } from './load.js';
import { STOP_MAX_MEMORY, type ThreadData } from './cli-thread.js';

const { argv, isTTY, interrupt, loadedMark, control } = workerData as ThreadData;
loadedCalls.mark = new Int32Array(loadedMark.buffer, 0, 2);
loadedCalls.marks = loadedMark.buffer as SharedArrayBuffer;
loadedCalls.onNames = (names) => parentPort!.postMessage({ loaded: [...names] });
// stderr is written synchronously: a write relayed through the main thread
// waits for this thread's event loop, which a running search never yields
// to, so progress would arrive all at once after the report. An error
// writing stderr (EPIPE, ENOSPC) is ignored: there is nowhere to say it.
const err = (s: string): void => {
  const buf = Buffer.from(s, 'utf8');
  const wait = new Int32Array(new SharedArrayBuffer(4));
  for (let off = 0, tries = 0; off < buf.length && tries < 200; ) {
    try {
      off += writeSync(2, buf, off);
    } catch (e) {
      // A full non-blocking pipe: wait a little for its reader; anything else ends the write.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      tries++;
      Atomics.wait(wait, 0, 0, 5);
    }
  }
};
const code = main(argv, {
  out: (s) => process.stdout.write(s),
  err,
  isTTY,
  interrupt,
  // A search with loaded code runs where it can be ended (explorer/search/stoppable.ts);
  // meanwhile Node's SIGINT watchdog, not the main thread, takes Ctrl-C.
  stoppable: {
    begin: () => Atomics.store(control, 0, 1),
    why: () => (Atomics.load(control, 1) === STOP_MAX_MEMORY ? 'max-memory' : 'interrupt'),
    stopped: (reason) => {
      if (reason !== 'interrupt') return;
      // The next Ctrl-C is the second one: the main thread quits at once.
      Atomics.store(interrupt, 0, 1);
      err('\nluocheck: interrupted; writing the partial report (Ctrl-C again to quit at once)\n');
    },
    over: () => {
      Atomics.store(control, 0, 0);
      parentPort!.postMessage({ searched: true });
    },
  },
});
parentPort!.postMessage({ code });
