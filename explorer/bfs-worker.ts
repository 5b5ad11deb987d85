/**
 * A worker of the parallel search: for a batch of frontier states it checks
 * each state (Checker.visit), generates every successor, checks step
 * invariants on every edge, fingerprints the successors, and streams back those
 * not yet in the visited table. It never writes the visited set; the main thread inserts.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Checker } from './checker.js';
import { Encoder } from './fingerprint.js';
import type { BatchFinding, BatchRequest, BatchResult, ModelSource } from './parallel-protocol.js';
import { probe } from './visited.js';
import { MODELS } from '../model/registry.js';
import type { Model } from './model.js';

const { source, port, signal } = workerData as { source: ModelSource; port: MessagePort; signal: Int32Array };

/** The model and checker, or why they could not be built (reported on every request). */
function setUp(): { model: Model<unknown, unknown>; checker: Checker<unknown, unknown> } | string {
  try {
    const spec = MODELS.find((m) => m.name === source.modelName);
    if (!spec) return `no model ${JSON.stringify(source.modelName)}`;
    const model = spec.build(source.scope, source.variant, { symmetry: source.symmetry ?? false });
    if (!model.decode) return `model ${source.modelName} cannot decode its states`;
    const all = spec.invariants(source.scope, source.variant);
    const invariants = source.invariantIds ? all.filter((i) => source.invariantIds!.includes(i.id)) : all;
    return { model, checker: new Checker(model, invariants) };
  } catch (e) {
    return (e as Error)?.message ?? String(e);
  }
}
const built = setUp();
const enc = new Encoder();
let out = new Int32Array(1 << 16);
// Fingerprints already sent in this batch (siblings often share successors):
// a small open-addressing table whose slots are valid only when stamped with
// the current batch number, so it is never cleared.
const LOCAL_BITS = 15;
const localHi = new Uint32Array(1 << LOCAL_BITS);
const localLo = new Uint32Array(1 << LOCAL_BITS);
const localStamp = new Uint32Array(1 << LOCAL_BITS);
let stamp = 0;
let localUsed = 0;

/** True if (hi, lo) was already sent in this batch; otherwise remembers it (while there is room). */
function seenInBatch(hi: number, lo: number): boolean {
  const mask = (1 << LOCAL_BITS) - 1;
  let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
  for (;;) {
    if (localStamp[i] !== stamp) {
      if (localUsed * 2 < mask) {
        localStamp[i] = stamp;
        localHi[i] = hi;
        localLo[i] = lo;
        localUsed++;
      }
      return false;
    }
    if (localHi[i] === hi && localLo[i] === lo) return true;
    i = (i + 1) & mask;
  }
}
let len = 0;

function put(v: number): void {
  if (len === out.length) {
    const n = new Int32Array(out.length * 2);
    n.set(out);
    out = n;
  }
  out[len++] = v;
}

function run(req: BatchRequest): BatchResult {
  if (typeof built === 'string') return { error: built };
  const { model, checker } = built;
  const decode = model.decode!.bind(model);
  checker.violated.clear();
  for (const id of req.violated) checker.violated.add(id);
  const findings: BatchFinding[] = [];
  const witnesses: number[] = [];
  len = 0;
  if (req.reuse && req.reuse.byteLength >= out.byteLength) out = new Int32Array(req.reuse);
  stamp++;
  localUsed = 0;
  const { words, ends, table } = req;
  for (let i = req.from; i < req.to; i++) {
    const s = decode(words.subarray(i === 0 ? 0 : ends[i - 1]!, ends[i]!));
    const acts = model.actions(s);
    put(acts.length);
    for (const f of checker.visit(s, acts.length)) findings.push({ ...f, src: i, k: -1 });
    for (let k = 0; k < acts.length; k++) {
      const a = acts[k]!;
      const n = model.nextState(s, a);
      const hits = checker.observe(s, a, n);
      if (hits) for (const w of hits) witnesses.push(w, i, k);
      if (checker.stepInvs.length > 0) for (const f of checker.checkStepAll(s, a, n)) findings.push({ ...f, src: i, k });
      enc.reset();
      model.encode(n, enc);
      enc.hash();
      if (probe(table, enc.hi, enc.lo) || seenInBatch(enc.hi, enc.lo)) {
        put(0);
        continue;
      }
      put(1);
      put(enc.hi | 0);
      put(enc.lo | 0);
      put(enc.len);
      for (let j = 0; j < enc.len; j++) put(enc.buf[j]!);
    }
  }
  const result = out.subarray(0, len);
  out = new Int32Array(out.length);
  return { out: result, length: len, findings, witnesses };
}

port.on('message', (req: BatchRequest) => {
  let res: BatchResult;
  try {
    res = run(req);
  } catch (e) {
    res = { error: (e as Error)?.message ?? String(e) };
  }
  port.postMessage(res, res.out ? [res.out.buffer as ArrayBuffer] : []);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});
parentPort?.postMessage('ready');
