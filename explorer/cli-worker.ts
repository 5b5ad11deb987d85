/**
 * The worker half of explorer/cli-thread.ts: runs the command with the shared
 * interrupt flag and hands the exit code back.
 */
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { main } from './cli.js';
import { loadedCalls } from './load.js';
import type { ThreadData } from './cli-thread.js';

const { argv, isTTY, interrupt, loadedMark } = workerData as ThreadData;
loadedCalls.mark = new Int32Array(loadedMark.buffer, 0, 2);
loadedCalls.marks = loadedMark.buffer as SharedArrayBuffer;
loadedCalls.onNames = (names) => parentPort!.postMessage({ loaded: [...names] });
const code = main(argv, {
  out: (s) => process.stdout.write(s),
  // stderr is written synchronously: a write relayed through the main thread
  // waits for this thread's event loop, which a running search never yields
  // to, so progress would arrive all at once after the report. An error
  // writing stderr (EPIPE, ENOSPC) is ignored: there is nowhere to say it.
  err: (s) => {
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
  },
  isTTY,
  interrupt,
});
parentPort!.postMessage({ code });
