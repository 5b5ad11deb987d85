#!/usr/bin/env node
/**
 * The `luocheck` program. It loads nothing but the thread launcher: the
 * command (explorer/cli.ts) runs in a worker thread, so this thread stays
 * free for SIGINT and holds no second copy of the model code.
 */
import { runInThread } from './cli-thread.js';

runInThread(process.argv.slice(2), new URL('./cli-worker.js', import.meta.url));
