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
import { Encoder } from './fingerprint.js';
import type { Invariant } from '../invariant.js';
import type { Model } from '../model.js';
import type { BatchFinding, BatchRequest, BatchResult } from './parallel-protocol.js';
import { probe } from './visited.js';
import { MAX_WORD_BYTES, PackedReader, packWords } from './frontier.js';
import { CoverageCounter } from './coverage.js';

/** Fingerprints already sent in one batch: slots are valid only when stamped with the batch's number. */
const LOCAL_BITS = 15;
const LOCAL_MASK = (1 << LOCAL_BITS) - 1;

export class BatchExpander<S, A> {
  private readonly checker: Checker<S, A>;
  private readonly decode: (w: Int32Array) => S;
  private readonly enc = new Encoder();
  private readonly reader = new PackedReader();
  /** The result being written; empty between batches (each batch's result leaves with it). */
  private out = new Int32Array(0);
  /** The result's bytes (a view of `out`'s buffer), where the new states are packed. */
  private outBytes = new Uint8Array(0);
  /** The size of the last result buffer, to start the next at. */
  private room = 1 << 16;
  private len = 0;
  private readonly localHi = new Uint32Array(1 << LOCAL_BITS);
  private readonly localLo = new Uint32Array(1 << LOCAL_BITS);
  private readonly localStamp = new Uint32Array(1 << LOCAL_BITS);
  private stamp = 0;
  private localUsed = 0;
  /** Interns coverage keys (only its key table is used here). */
  private readonly cov: CoverageCounter<S, A>;

  constructor(
    private readonly model: Model<S, A>,
    invariants: readonly Invariant<S, A>[],
  ) {
    this.checker = new Checker(model, invariants);
    this.decode = model.decode!.bind(model);
    this.cov = new CoverageCounter(model);
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
    if (this.len + n <= this.out.length) return;
    let size = Math.max(16, this.out.length * 2);
    while (size < this.len + n) size *= 2;
    const next = new Int32Array(size);
    next.set(this.out.subarray(0, this.len));
    this.setOut(next);
  }

  private setOut(out: Int32Array<ArrayBuffer>): void {
    this.out = out;
    this.outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }

  private put(v: number): void {
    if (this.len === this.out.length) this.ensureRoom(1);
    this.out[this.len++] = v;
  }

  /**
   * Appends a new state: 1, hi, lo, its byte count, then its words packed
   * (packWords) in the bytes of the words that follow. Packing here, on the
   * worker, leaves the search's thread only a copy to make.
   */
  private putState(enc: Encoder): void {
    this.ensureRoom(4 + Math.ceil((enc.len * MAX_WORD_BYTES) / 4));
    const out = this.out;
    const len = this.len;
    out[len] = 1;
    out[len + 1] = enc.hi | 0;
    out[len + 2] = enc.lo | 0;
    const at = 4 * (len + 4);
    const bytes = packWords(enc.buf, this.outBytes, at, 0, enc.len) - at;
    out[len + 3] = bytes;
    this.len = len + 4 + ((bytes + 3) >> 2);
  }

  run(req: BatchRequest): BatchResult {
    const { model, checker, enc } = this;
    checker.violated.clear();
    for (const id of req.violated) checker.violated.add(id);
    const findings: BatchFinding[] = [];
    const witnesses: number[] = [];
    this.len = 0;
    this.setOut(req.reuse && req.reuse.byteLength >= this.room * 4 ? new Int32Array(req.reuse) : new Int32Array(this.room));
    this.stamp++;
    this.localUsed = 0;
    const { bytes, ends, table } = req;
    for (let i = req.from; i < req.to; i++) {
      const s = this.decode(this.reader.words(bytes, ends, i));
      const acts = model.actions(s);
      this.put(acts.length);
      for (const f of checker.visit(s, acts.length)) findings.push({ ...f, src: i, k: -1 });
      for (let k = 0; k < acts.length; k++) {
        const a = acts[k]!;
        const n = model.nextState(s, a);
        const hits = checker.observe(s, a, n);
        if (hits) for (const w of hits) witnesses.push(w, i, k);
        if (checker.stepInvs.length > 0) for (const f of checker.checkStepAll(s, a, n)) findings.push({ ...f, src: i, k });
        if (req.coverage) this.put(this.cov.idOf(a));
        enc.reset();
        model.encode(n, enc);
        enc.hash();
        if (probe(table, enc.hi, enc.lo) || this.seenInBatch(enc.hi, enc.lo)) {
          this.put(0);
          continue;
        }
        this.putState(enc);
      }
    }
    const result = this.out.subarray(0, this.len);
    this.room = this.out.length;
    this.setOut(new Int32Array(0));
    return { out: result, length: this.len, findings, witnesses, ...(req.coverage ? { keys: this.cov.keys } : {}) };
  }
}
