/**
 * A worker thread of the parallel search: it builds the same model and
 * invariants as the search's thread and expands the batches it is sent
 * (explorer/batch.ts), replying on its port and bumping the shared counter
 * the search sleeps on.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { BatchExpander } from './batch.js';
import type { BatchRequest, BatchResult, ModelSource } from './parallel-protocol.js';
import { MODELS } from '../model/registry.js';
import { UsageError } from './errors.js';
import { loadedCalls } from './loaded-calls.js';
import { loadAll } from './load.js';

const { source, port, signal, marks, slot } = workerData as { source: ModelSource; port: MessagePort; signal: Int32Array; marks?: SharedArrayBuffer; slot?: number };
if (marks !== undefined && slot !== undefined) loadedCalls.mark = new Int32Array(marks, 8 * slot, 2);

/** The expander, or why it could not be built (reported on every request). */
function setUp(): BatchExpander<unknown, unknown> | string | { usage: string } {
  try {
    const spec = loadAll(MODELS, source.loads ?? [], source.point).models.find((m) => m.name === source.modelName);
    if (!spec) return `no model ${JSON.stringify(source.modelName)}`;
    const model = spec.build(source.scope, source.variant, { symmetry: source.symmetry ?? false });
    if (!model.decode) return `model ${source.modelName} cannot decode its states`;
    const all = spec.invariants(source.scope, source.variant);
    const invariants = source.invariantIds ? all.filter((i) => source.invariantIds!.includes(i.id)) : all;
    return new BatchExpander(model, invariants);
  } catch (e) {
    return e instanceof UsageError ? { usage: e.message } : (e as Error)?.message ?? String(e);
  }
}
const expander = setUp();

port.on('message', (req: BatchRequest) => {
  let res: BatchResult;
  try {
    res = typeof expander === 'string' ? { error: expander } : 'usage' in expander ? { error: expander.usage, usage: true } : expander.run(req);
  } catch (e) {
    res = e instanceof UsageError ? { error: e.message, usage: true } : { error: (e as Error)?.message ?? String(e) };
  }
  port.postMessage(res, res.out ? [res.out.buffer as ArrayBuffer] : []);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});
parentPort?.postMessage('ready');
