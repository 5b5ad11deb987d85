/**
 * A chunk of frontier states, expanded in two passes by both exhaustive
 * searches (bfs.ts, and batch.ts in the parallel one). The first pass takes
 * each state's actions and successors and encodes and fingerprints every
 * successor (`begin`, `expand`); then the table is read for all of them at
 * once (`warm`). The second pass, the search's own, does the rest in order:
 * invariants, witnesses, inserts or probes, bounds.
 */
import { Encoder } from './fingerprint.js';
import type { Model } from '../model.js';
import { keep, warm, type TableView } from './visited.js';

/** Frontier states expanded together: enough successors to overlap many cache misses, few enough that their slots stay in the caches and the TLB. */
export const CHUNK = 32;

export class Chunk<S, A> {
  /** Per state of the chunk: the state, its actions, the first action expanded and how many were. */
  readonly states: S[] = [];
  readonly actions: (readonly A[])[] = [];
  readonly first = new Int32Array(CHUNK);
  readonly count = new Int32Array(CHUNK);
  /** The chunk's successors in order, and an encoder holding each one's encoding and fingerprint. */
  readonly succ: S[] = [];
  readonly encs: Encoder[] = [];
  /** Successors so far. */
  private m = 0;

  constructor(private readonly model: Model<S, A>) {}

  /** Empties the chunk (its arrays are kept for the next). */
  clear(): void {
    this.m = 0;
  }

  /** Takes `s`, state j of the chunk, with its actions; none of them expanded yet. */
  begin(j: number, s: S, acts: readonly A[]): void {
    this.states[j] = s;
    this.actions[j] = acts;
    this.first[j] = 0;
    this.count[j] = 0;
  }

  /** Expands actions [from, to) of state j (begun): each successor computed, encoded and fingerprinted. */
  expand(j: number, from: number, to: number): void {
    const { model, succ, encs } = this;
    const s = this.states[j]!;
    const acts = this.actions[j]!;
    this.first[j] = from;
    let m = this.m;
    try {
      for (let k = from; k < to; k++) {
        const n = model.nextState(s, acts[k]!);
        const e = (encs[m] ??= new Encoder());
        e.reset();
        model.encode(n, e);
        e.hash();
        succ[m++] = n;
      }
    } finally {
      // Where the model threw, the successors before the one that threw.
      this.count[j] = m - this.m;
      this.m = m;
    }
  }

  /**
   * Reads the table's slot of every successor, in a loop of its own: the
   * reads do not wait on each other, so their cache misses overlap, where
   * the inserts or probes of the second pass would wait for each in turn.
   */
  warm(t: TableView): void {
    let x = 0;
    for (let j = 0; j < this.m; j++) x ^= warm(t, this.encs[j]!.hi, this.encs[j]!.lo);
    keep(x);
  }
}
