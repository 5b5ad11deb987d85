/**
 * The visited set: an open-addressing hash table of 64-bit fingerprints in
 * typed arrays. States get dense ids in insertion (breadth-first) order; beside
 * the table, per state id, the parent id
 * and the index of the action that led there, so a counterexample is rebuilt
 * by replaying action indices from the initial state.
 *
 * The parallel search's set, which its workers insert into themselves, is
 * explorer/search/concurrent-visited.ts; both keep ids in StateLinks.
 */

import { GrowableUint32 } from './growable.js';

const EMPTY = 0;
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/**
 * Per state id, in chunks of CHUNK ids (no copying as the set grows): the
 * parent = id of the state it was first reached from (-1 for an initial
 * state), and via = index of the action in actions(parent), or of the
 * initial state.
 */
export class StateLinks {
  private readonly parents: Int32Array[] = [];
  private readonly vias: Uint16Array[] = [];
  size = 0;

  /** Bytes of the per-state arrays. */
  protected get linkBytes(): number {
    return this.parents.length * CHUNK * 6;
  }

  /** Hands out the next state id and records how it was reached. */
  link(parent: number, via: number): number {
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

  /** The path of action indices from an initial state to `id` (first element: the initial state's index). */
  pathTo(id: number): number[] {
    const path: number[] = [];
    for (let cur = id; cur >= 0; cur = this.parentOf(cur)) path.push(this.viaOf(cur));
    return path.reverse();
  }
}

/** What a search needs of its visited set (explorer/search/search-run.ts). */
export interface Visited {
  readonly size: number;
  readonly bytes: number;
  upcomingBytes(lookahead?: number): number;
  /** Inserts a fingerprint (the sequential search's states; the parallel search's initial ones); its id, or -1 if it was already there. */
  insert(hi: number, lo: number, parent: number, via: number): number;
  has(hi: number, lo: number): boolean;
  pathTo(id: number): number[];
}

export class VisitedSet extends StateLinks implements Visited {
  private readonly hiBuf: GrowableUint32;
  private readonly loBuf: GrowableUint32;
  private hi: Uint32Array;
  private lo: Uint32Array;
  private mask: number;
  /** The all-zero fingerprint marks empty slots, so it is kept apart. */
  private hasZero = false;

  constructor(initialCapacity = 1 << 16) {
    super();
    let cap = 16;
    while (cap < initialCapacity) cap <<= 1;
    this.hiBuf = new GrowableUint32(cap, false);
    this.loBuf = new GrowableUint32(cap, false);
    this.hi = this.hiBuf.view;
    this.lo = this.loBuf.view;
    this.mask = cap - 1;
  }

  /** Bytes held by the table and the per-state arrays. */
  get bytes(): number {
    return this.hi.byteLength + this.lo.byteLength + this.linkBytes;
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

  /** Whether the fingerprint (hi, lo) is present. */
  has(hi: number, lo: number): boolean {
    if (hi === EMPTY && lo === EMPTY) return this.hasZero;
    const H = this.hi;
    const L = this.lo;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    for (;;) {
      const h = H[i]!;
      const l = L[i]!;
      if (h === EMPTY && l === EMPTY) return false;
      if (h === hi && l === lo) return true;
      i = (i + 1) & this.mask;
    }
  }

  /** Doubles the table: new buffers, and every fingerprint inserted again. */
  private rehash(): void {
    // The table moves to new (zeroed) buffers; the old views stay intact for this loop.
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
