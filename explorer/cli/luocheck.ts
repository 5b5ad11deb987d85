#!/usr/bin/env node
/**
 * The `luocheck` program. It loads nothing but the thread launcher: the
 * command (explorer/cli/cli.ts) runs in a worker thread, so this thread stays
 * free for SIGINT and holds no second copy of the model code. `explore` is
 * a server, not a run: it runs on this thread, which stops it on SIGINT.
 */
import { runInThread } from './cli-thread.js';

const argv = process.argv.slice(2);
if (argv[0] === 'explore') void import('./explore.js').then((m) => m.exploreMain(argv));
else runInThread(argv, new URL('./cli-worker.js', import.meta.url));
