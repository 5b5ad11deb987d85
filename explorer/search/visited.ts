/**
 * The visited set: an open-addressing hash table of 64-bit fingerprints in
 * typed arrays. States get dense ids in insertion (breadth-first) order; beside
 * the table, per state id, the parent id
 * and the index of the action that led there, so a counterexample is rebuilt
 * by replaying action indices from the initial state.
 */

import { GrowableUint32 } from './growable.js';

const EMPTY = 0;
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/** A read-only snapshot of the table's arrays. */
export interface TableView {
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  readonly mask: number;
  readonly hasZero: boolean;
}

/** Whether fingerprint (hi, lo) is in the table `t` (same probe sequence as insert). */
export function probe(t: TableView, hi: number, lo: number): boolean {
  if (hi === EMPTY && lo === EMPTY) return t.hasZero;
  const H = t.hi;
  const L = t.lo;
  let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & t.mask;
  for (;;) {
    const h = H[i]!;
    const l = L[i]!;
    if (h === EMPTY && l === EMPTY) return false;
    if (h === hi && l === lo) return true;
    i = (i + 1) & t.mask;
  }
}

export class VisitedSet {
  private readonly hiBuf: GrowableUint32;
  private readonly loBuf: GrowableUint32;
  private hi: Uint32Array;
  private lo: Uint32Array;
  private mask: number;
  /**
   * Per state id, in chunks of CHUNK ids (no copying as the set grows):
   * parent = id of the state it was first reached from (-1 for an initial
   * state); via = index of the action in actions(parent), or of the initial state.
   */
  private parents: Int32Array[] = [];
  private vias: Uint16Array[] = [];
  size = 0;
  /** The all-zero fingerprint marks empty slots, so it is kept apart. */
  private hasZero = false;

  /** With `shared`, the table lives in SharedArrayBuffers that workers can probe. */
  constructor(initialCapacity = 1 << 16, shared = false) {
    let cap = 16;
    while (cap < initialCapacity) cap <<= 1;
    this.hiBuf = new GrowableUint32(cap, shared);
    this.loBuf = new GrowableUint32(cap, shared);
    this.hi = this.hiBuf.view;
    this.lo = this.loBuf.view;
    this.mask = cap - 1;
  }

  /** The table as it is now, for read-only probes from workers (between inserts). */
  view(): TableView {
    return { hi: this.hi, lo: this.lo, mask: this.mask, hasZero: this.hasZero };
  }

  /** Bytes held by the table and the per-state arrays. */
  get bytes(): number {
    return this.hi.byteLength + this.lo.byteLength + this.parents.length * CHUNK * 6;
  }

  /**
   * Bytes the table will allocate soon: when fewer than `lookahead` inserts
   * are left before it doubles, the size of the doubled arrays plus the copy
   * of the old ones; otherwise 0.
   */
  upcomingBytes(lookahead = 1 << 16): number {
    const cap = this.mask + 1;
    return (this.size + lookahead) * 4 > cap * 3 ? cap * 16 : 0;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /**
   * Inserts the fingerprint (hi, lo). Returns the new state's id, or -1 if the
   * fingerprint was already present.
   */
  insert(hi: number, lo: number, parent: number, via: number): number {
    if (hi === EMPTY && lo === EMPTY) {
      if (this.hasZero) return -1;
      this.hasZero = true;
      return this.link(parent, via);
    }
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    const H = this.hi;
    const L = this.lo;
    for (;;) {
      const h = H[i]!;
      const l = L[i]!;
      if (h === EMPTY && l === EMPTY) break;
      if (h === hi && l === lo) return -1;
      i = (i + 1) & this.mask;
    }
    H[i] = hi;
    L[i] = lo;
    const id = this.link(parent, via);
    if (this.size * 4 > (this.mask + 1) * 3) this.rehash();
    return id;
  }

  /** Hands out the next state id and records how it was reached. */
  private link(parent: number, via: number): number {
    const id = this.size++;
    const c = id >>> CHUNK_BITS;
    if (c === this.parents.length) {
      this.parents.push(new Int32Array(CHUNK));
      this.vias.push(new Uint16Array(CHUNK));
    }
    this.parents[c]![id & CHUNK_MASK] = parent;
    this.vias[c]![id & CHUNK_MASK] = via;
    return id;
  }

  parentOf(id: number): number {
    return this.parents[id >>> CHUNK_BITS]![id & CHUNK_MASK]!;
  }

  viaOf(id: number): number {
    return this.vias[id >>> CHUNK_BITS]![id & CHUNK_MASK]!;
  }

  /** Whether the fingerprint (hi, lo) is present. */
  has(hi: number, lo: number): boolean {
    return probe(this.view(), hi, lo);
  }

  /** The path of action indices from an initial state to `id` (first element: the initial state's index). */
  pathTo(id: number): number[] {
    const path: number[] = [];
    for (let cur = id; cur >= 0; cur = this.parentOf(cur)) path.push(this.viaOf(cur));
    return path.reverse();
  }

  /**
   * Doubles the table: new buffers, and every fingerprint inserted again. Workers probing meanwhile
   * can only miss a fingerprint (and send a duplicate the main thread drops),
   * never find one that was not inserted.
   */
  private rehash(): void {
    // The table moves to new (zeroed) buffers; the old views stay intact,
    // for this loop and for workers still probing them.
    const oldHi = this.hi;
    const oldLo = this.lo;
    const cap = (this.mask + 1) * 2;
    this.hiBuf.ensure(cap, true, false);
    this.loBuf.ensure(cap, true, false);
    this.hi = this.hiBuf.view;
    this.lo = this.loBuf.view;
    this.mask = cap - 1;
    const H = this.hi;
    const L = this.lo;
    for (let j = 0; j < oldHi.length; j++) {
      const h = oldHi[j]!;
      const l = oldLo[j]!;
      if (h === EMPTY && l === EMPTY) continue;
      let i = (l ^ Math.imul(h, 0x9e3779b1)) & this.mask;
      while (H[i] !== EMPTY || L[i] !== EMPTY) i = (i + 1) & this.mask;
      H[i] = h;
      L[i] = l;
    }
  }
}
