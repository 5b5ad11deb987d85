/**
 * Expanding batches of frontier states for the parallel search, in a worker
 * thread or on the search's own thread (explorer/search/parallel-protocol.ts
 * says how a level runs): check each state (Checker.visit), generate every
 * successor, check step invariants on every edge, fingerprint the successors
 * and insert them into the shared visited table with their source's claim;
 * then, once every batch of the level is expanded, mark the successors whose
 * source is the first to reach them. Findings and first-reached witnesses
 * carry their (source, action) position, so the search can apply them in
 * the order the sequential search would.
 */
import { Checker } from './checker.js';
import { Encoder } from './fingerprint.js';
import type { Invariant } from '../invariant.js';
import type { Model } from '../model.js';
import { EXPANDED, FREE, TAKEN, type BatchFinding, type BatchResult, type ExpandRound, type OwnRound } from './parallel-protocol.js';
import { NOT_NEW, SlotBudget, TABLE_FULL, claim, claimAt, claimOf, slotOf, type ClaimTable } from './concurrent-visited.js';
import { MAX_WORD_BYTES, PackedReader, packWords } from './frontier.js';
import { CoverageCounter } from './coverage.js';
import { GrowableInt32, GrowableUint8 } from './growable.js';

/** Per successor that may be new (Expanded.cands): */
const C_POS = 0; // its flag's position in the stream
const C_SLOT = 1; // its slot in the table
const C_SRC = 2; // its source (frontier index)
const C_HI = 3; // its fingerprint
const C_LO = 4;
const C_END = 5; // the byte after its packed words in `packed` (they start where the previous candidate's end)
const C_SURE = 6; // 1: reached when every earlier batch was expanded, so its claim is final (it is new)
const C_WORDS = 7;

/** A batch expanded and kept until the own round. */
interface Expanded {
  readonly batch: number;
  readonly out: Int32Array;
  readonly packed: Uint8Array;
  readonly cands: Int32Array;
  readonly gen: number;
  readonly findings: BatchFinding[];
  readonly witnesses: number[];
}

export class BatchExpander<S, A> {
  private readonly checker: Checker<S, A>;
  private readonly decode: (w: Int32Array) => S;
  private readonly enc = new Encoder();
  private readonly reader = new PackedReader();
  private readonly out = new GrowableInt32(1 << 16, false);
  private len = 0;
  private readonly cands = new GrowableInt32(1 << 12, false);
  private nCands = 0;
  private readonly packed = new GrowableUint8(1 << 16, false);
  private packedLen = 0;
  /** Interns coverage keys (only its key table is used here). */
  private readonly cov: CoverageCounter<S, A>;
  /** This level's expanded batches, until the own round. */
  private kept: Expanded[] = [];
  private readonly budget = new SlotBudget();
  /** The slots the current source state's successors claimed. */
  private readonly slotsOfSrc: number[] = [];

  constructor(
    private readonly model: Model<S, A>,
    invariants: readonly Invariant<S, A>[],
  ) {
    this.checker = new Checker(model, invariants);
    this.decode = model.decode!.bind(model);
    this.cov = new CoverageCounter(model);
  }

  private put(v: number): void {
    if (this.len === this.out.view.length) this.out.ensure(this.len + 1);
    this.out.view[this.len++] = v;
  }

  /** Records a successor that may be new, and packs its words (the encoder's). */
  private cand(pos: number, slot: number, src: number, sure: boolean): void {
    const { enc } = this;
    const at = this.nCands * C_WORDS;
    if (at + C_WORDS > this.cands.view.length) this.cands.ensure(at + C_WORDS);
    this.packed.ensure(this.packedLen + enc.len * MAX_WORD_BYTES);
    this.packedLen = packWords(enc.buf, this.packed.view, this.packedLen, enc.len);
    const c = this.cands.view;
    c[at + C_POS] = pos;
    c[at + C_SLOT] = slot;
    c[at + C_SRC] = src;
    c[at + C_HI] = enc.hi | 0;
    c[at + C_LO] = enc.lo | 0;
    c[at + C_END] = this.packedLen;
    c[at + C_SURE] = sure ? 1 : 0;
    this.nCands++;
  }

  /**
   * An expand round: takes batches (its own, then, with `steal`, any still
   * free), expands them and keeps them. Returns the batches it expanded; it
   * stops at the first one that finds the table full.
   */
  expandRound(r: ExpandRound): number[] {
    const done: number[] = [];
    const batches = r.taken.length;
    const take = (b: number): boolean => Atomics.compareExchange(r.taken, b, FREE, TAKEN) === FREE;
    const run = (b: number): boolean => {
      if (!this.expand(r, b)) return false;
      Atomics.store(r.taken, b, EXPANDED);
      done.push(b);
      // Moves the level's low-water mark past every batch expanded in a row from it.
      for (;;) {
        const low = Atomics.load(r.low, 0);
        if (low >= batches || Atomics.load(r.taken, low) !== EXPANDED) break;
        Atomics.compareExchange(r.low, 0, low, low + 1);
      }
      return true;
    };
    try {
      for (let b = r.me; b < batches; b += r.threads) if (take(b) && !run(b)) return done;
      if (r.steal) for (let b = 0; b < batches; b++) if (take(b) && !run(b)) return done;
      return done;
    } finally {
      this.budget.giveBack(r.table);
    }
  }

  /** Expands batch b of the round; false (and nothing kept) when the table is full. */
  expand(r: ExpandRound, b: number): boolean {
    const { model, checker, enc } = this;
    checker.violated.clear();
    for (const id of r.violated) checker.violated.add(id);
    const findings: BatchFinding[] = [];
    const witnesses: number[] = [];
    this.len = 0;
    this.nCands = 0;
    this.packedLen = 0;
    const { bytes, ends, table } = r;
    const level = claimOf(r.levelStart);
    const from = b * r.batch;
    const to = Math.min(r.length, from + r.batch);
    for (let i = from; i < to; i++) {
      const s = this.decode(this.reader.words(bytes, ends, i));
      const acts = model.actions(s);
      this.put(acts.length);
      for (const f of checker.visit(s, acts.length)) findings.push({ ...f, src: i, k: -1 });
      const mine = claimOf(r.levelStart + i);
      // Every earlier batch expanded: no smaller claim can come, so a claim this state holds is final.
      const sure = Atomics.load(r.low, 0) === b;
      this.slotsOfSrc.length = 0;
      for (let k = 0; k < acts.length; k++) {
        const a = acts[k]!;
        const n = model.nextState(s, a);
        const hits = checker.observe(s, a, n);
        if (hits) for (const w of hits) witnesses.push(w, i, k);
        if (checker.stepInvs.length > 0) for (const f of checker.checkStepAll(s, a, n)) findings.push({ ...f, src: i, k });
        if (r.coverage) this.put(this.cov.idOf(a));
        enc.reset();
        model.encode(n, enc);
        enc.hash();
        const slot = claim(table, enc.hi, enc.lo, mine, level, this.budget);
        if (slot === TABLE_FULL) {
          // The batch runs again after the table grows: it must reach these witnesses again.
          for (let j = 0; j < witnesses.length; j += 3) checker.forget(witnesses[j]!);
          return false;
        }
        if (slot === NOT_NEW) {
          this.put(0);
          continue;
        }
        // An earlier action of this state reached it: the first one is the one that may be new.
        if (this.slotsOfSrc.includes(slot)) {
          this.put(0);
          continue;
        }
        this.slotsOfSrc.push(slot);
        this.cand(this.len, slot, i, sure);
        this.put(2);
      }
    }
    this.kept.push({ batch: b, out: this.out.view.slice(0, this.len), packed: this.packed.view.slice(0, this.packedLen), cands: this.cands.view.slice(0, this.nCands * C_WORDS), gen: table.gen, findings, witnesses });
    return true;
  }

  /**
   * The own round: marks, in every batch kept, the successors whose source
   * is the first to reach them (flag 1), moves their packed words to the
   * front of the batch's bytes, in order, and hands the batches over.
   */
  own(r: OwnRound): BatchResult[] {
    const t: ClaimTable = r.table;
    const results: BatchResult[] = [];
    for (const e of this.kept) {
      const { out, cands, packed } = e;
      const n = cands.length / C_WORDS;
      const ends = new Int32Array(n);
      let o = 0;
      let start = 0;
      let kept = 0;
      for (let c = 0; c < cands.length; c += C_WORDS) {
        const end = cands[c + C_END]!;
        let first = cands[c + C_SURE] === 1;
        if (!first) {
          let slot = cands[c + C_SLOT]!;
          if (e.gen !== t.gen) {
            slot = slotOf(t, cands[c + C_HI]!, cands[c + C_LO]!);
            if (slot < 0) throw new Error(`parallel search lost states: a successor of state ${cands[c + C_SRC]} in batch ${e.batch} is not in the table`);
          }
          first = claimAt(t, slot) === claimOf(r.levelStart + cands[c + C_SRC]!);
        }
        if (first) {
          if (kept !== start) for (let j = start; j < end; j++) packed[kept + j - start] = packed[j]!;
          kept += end - start;
          ends[o++] = kept;
        }
        out[cands[c + C_POS]!] = first ? 1 : 2;
        start = end;
      }
      results.push({
        batch: e.batch, out, packed: packed.slice(0, kept), ends: ends.slice(0, o),
        findings: e.findings, witnesses: e.witnesses, ...(this.cov.keys.length > 0 ? { keys: this.cov.keys } : {}),
      });
    }
    this.kept = [];
    return results;
  }
}
