/**
 * Expanding one batch of frontier states for the parallel search, in a worker
 * thread or on the search's own thread: check each state (Checker.visit),
 * generate every successor, check step invariants on every edge, fingerprint
 * the successors, and stream back those not yet in the visited table (whose
 * view is read, never written). Findings and first-reached witnesses carry
 * their (source, action) position, so the search can apply them in the order
 * the sequential search would.
 */
import { Checker } from './checker.js';
import type { Encoder } from './fingerprint.js';
import type { Invariant } from '../invariant.js';
import type { Model } from '../model.js';
import type { BatchFinding, BatchRequest, BatchResult } from './parallel-protocol.js';
import { probe } from './visited.js';
import { CHUNK, Chunk } from './chunk.js';
import { MAX_WORD_BYTES, PackedReader, packWords } from './frontier.js';
import { CoverageCounter } from './coverage.js';

/** Fingerprints already sent in one batch: slots are valid only when stamped with the batch's number. */
const LOCAL_BITS = 15;
const LOCAL_MASK = (1 << LOCAL_BITS) - 1;

/** Makers of arrays for withRoom (made once, not a closure per call). */
export const newInt32 = (size: number): Int32Array<ArrayBuffer> => new Int32Array(size);
const newUint8 = (size: number): Uint8Array<ArrayBuffer> => new Uint8Array(size);

/** `a` if n more elements fit after its first `used`; else those copied to a new array, `a`'s size doubled until they fit. */
export function withRoom<T extends Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>>(a: T, used: number, n: number, make: (size: number) => T): T {
  if (used + n <= a.length) return a;
  let size = Math.max(16, a.length * 2);
  while (size < used + n) size *= 2;
  const next = make(size);
  next.set(a.subarray(0, used));
  return next;
}

export class BatchExpander<S, A> {
  private readonly checker: Checker<S, A>;
  private readonly decode: (w: Int32Array) => S;
  private readonly reader = new PackedReader();
  /** The result being written; empty between batches (each batch's result leaves with it). */
  private out = new Int32Array(0);
  /** The new states, packed back to back (packWords); empty between batches, as `out`. */
  private data = new Uint8Array(0);
  /** The sizes of the last result buffers, to start the next at. */
  private room = 1 << 16;
  private dataRoom = 1 << 16;
  private len = 0;
  private dataLen = 0;
  /** The new states' fingerprints (hi, lo), appended to the result after its stream. */
  private fps = new Int32Array(1 << 12);
  private fpsLen = 0;
  private readonly localHi = new Uint32Array(1 << LOCAL_BITS);
  private readonly localLo = new Uint32Array(1 << LOCAL_BITS);
  private readonly localStamp = new Uint32Array(1 << LOCAL_BITS);
  private stamp = 0;
  private localUsed = 0;
  /** Source states are expanded a chunk at a time, as in the sequential search (chunk.ts). */
  private readonly chunk: Chunk<S, A>;
  /** Interns coverage keys (only its key table is used here). */
  private readonly cov: CoverageCounter<S, A>;

  constructor(
    private readonly model: Model<S, A>,
    invariants: readonly Invariant<S, A>[],
  ) {
    this.checker = new Checker(model, invariants);
    this.decode = model.decode!.bind(model);
    this.cov = new CoverageCounter(model);
    this.chunk = new Chunk(model);
  }

  /** Siblings often share successors: true if (hi, lo) was already sent in this batch. */
  private seenInBatch(hi: number, lo: number): boolean {
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & LOCAL_MASK;
    for (;;) {
      if (this.localStamp[i] !== this.stamp) {
        if (this.localUsed * 2 < LOCAL_MASK) {
          this.localStamp[i] = this.stamp;
          this.localHi[i] = hi;
          this.localLo[i] = lo;
          this.localUsed++;
        }
        return false;
      }
      if (this.localHi[i] === hi && this.localLo[i] === lo) return true;
      i = (i + 1) & LOCAL_MASK;
    }
  }

  /** Makes room for n more words in the result. */
  private ensureRoom(n: number): void {
    this.out = withRoom(this.out, this.len, n, newInt32);
  }

  private put(v: number): void {
    if (this.len === this.out.length) this.ensureRoom(1);
    this.out[this.len++] = v;
  }

  /**
   * Appends a new state: 1 and its byte count to the stream, its
   * fingerprint to `fps` (the result's words after the stream), its words
   * packed (packWords) to the data, after the state before. Packing here, on
   * the worker, leaves the search's thread only a copy to make: one for each
   * run of new states it keeps (parallel.ts).
   */
  private putState(enc: Encoder): void {
    this.data = withRoom(this.data, this.dataLen, enc.len * MAX_WORD_BYTES, newUint8);
    const at = this.dataLen;
    this.dataLen = packWords(enc.buf, this.data, at, 0, enc.len);
    this.fps = withRoom(this.fps, this.fpsLen, 2, newInt32);
    this.fps[this.fpsLen++] = enc.hi | 0;
    this.fps[this.fpsLen++] = enc.lo | 0;
    this.put(1);
    this.put(this.dataLen - at);
  }

  run(req: BatchRequest): BatchResult {
    const { model, checker } = this;
    checker.violated.clear();
    for (const id of req.violated) checker.violated.add(id);
    const findings: BatchFinding[] = [];
    const witnesses: number[] = [];
    this.len = 0;
    this.dataLen = 0;
    this.fpsLen = 0;
    this.out = req.reuse && req.reuse.byteLength >= this.room * 4 ? new Int32Array(req.reuse) : new Int32Array(this.room);
    this.data = req.reuseData && req.reuseData.byteLength >= this.dataRoom ? new Uint8Array(req.reuseData) : new Uint8Array(this.dataRoom);
    this.stamp++;
    this.localUsed = 0;
    const { bytes, ends, table } = req;
    const { chunk } = this;
    for (let c0 = req.from; c0 < req.to; c0 += CHUNK) {
      const c1 = Math.min(req.to, c0 + CHUNK);
      chunk.clear();
      for (let i = c0; i < c1; i++) {
        const s = this.decode(this.reader.words(bytes, ends, i));
        const acts = model.actions(s);
        chunk.begin(i - c0, s, acts);
        chunk.expand(i - c0, 0, acts.length);
      }
      chunk.warm(table);
      let m = 0;
      for (let i = c0; i < c1; i++) {
        const s = chunk.states[i - c0]!;
        const acts = chunk.actions[i - c0]!;
        this.put(acts.length);
        for (const f of checker.visit(s, acts.length)) findings.push({ ...f, src: i, k: -1 });
        for (let k = 0; k < acts.length; k++) {
          const a = acts[k]!;
          const n = chunk.succ[m]!;
          const e = chunk.encs[m++]!;
          const hits = checker.observe(s, a, n);
          if (hits) for (const w of hits) witnesses.push(w, i, k);
          if (checker.stepInvs.length > 0) for (const f of checker.checkStepAll(s, a, n)) findings.push({ ...f, src: i, k });
          if (req.coverage) this.put(this.cov.idOf(a));
          if (probe(table, e.hi, e.lo) || this.seenInBatch(e.hi, e.lo)) {
            this.put(0);
            continue;
          }
          this.putState(e);
        }
      }
    }
    const length = this.len;
    this.ensureRoom(this.fpsLen);
    this.out.set(this.fps.subarray(0, this.fpsLen), length);
    const result = this.out.subarray(0, length + this.fpsLen);
    const data = this.data.subarray(0, this.dataLen);
    this.room = this.out.length;
    this.dataRoom = this.data.length;
    this.out = new Int32Array(0);
    this.data = new Uint8Array(0);
    return { out: result, length, data, findings, witnesses, ...(req.coverage ? { keys: this.cov.keys } : {}) };
  }
}
