/**
 * A worker thread of the parallel search: it builds the same model and
 * invariants as the search's thread and expands the batches it is sent
 * (explorer/search/batch.ts), replying on its port and bumping the shared counter
 * the search sleeps on.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { BatchExpander } from './batch.js';
import { transfers, type BatchRequest, type BatchResult, type ModelSource } from './parallel-protocol.js';
import { LoadedCodeError, UsageError } from '../errors.js';
import { loadedCalls } from './loaded-calls.js';
import type { Invariant } from '../invariant.js';
import type { Model } from '../model.js';

const { source, port, signal, marks, slot } = workerData as { source: ModelSource; port: MessagePort; signal: Int32Array; marks?: SharedArrayBuffer; slot?: number };
if (marks !== undefined && slot !== undefined) loadedCalls.mark = new Int32Array(marks, 8 * slot, 2);

/** The expander, or why it could not be built (reported on every request). */
async function setUp(): Promise<BatchExpander<unknown, unknown> | string | { usage: string }> {
  try {
    // The command line's module that knows the models (ModelSource.factory): the engine imports none.
    const { buildFromSource } = (await import(source.factory)) as { buildFromSource: (s: ModelSource) => { model: Model<unknown, unknown>; invariants: readonly Invariant<unknown, unknown>[] } | string };
    const built = buildFromSource(source);
    if (typeof built === 'string') return built;
    if (!built.model.decode) return `model ${source.modelName} cannot decode its states`;
    return new BatchExpander(built.model, built.invariants);
  } catch (e) {
    return e instanceof UsageError ? { usage: e.message } : (e as Error)?.message ?? String(e);
  }
}
const expander = await setUp();

port.on('message', (req: BatchRequest) => {
  let res: BatchResult;
  try {
    res = typeof expander === 'string' ? { error: expander } : 'usage' in expander ? { error: expander.usage, usage: true } : expander.run(req);
  } catch (e) {
    res = e instanceof UsageError ? { error: e.message, usage: true, ...(e instanceof LoadedCodeError ? { loaded: true } : {}) } : { error: (e as Error)?.message ?? String(e) };
  }
  port.postMessage(res, transfers(res));
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});
parentPort?.postMessage('ready');
