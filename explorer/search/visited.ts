/**
 * The visited set: an open-addressing hash table of 64-bit fingerprints in
 * one typed array, the two halves of a fingerprint side by side (a probe
 * reads one cache line, not one in each of two arrays: the table is far
 * larger than the caches, so a probe is a cache miss). States get dense ids
 * in insertion (breadth-first) order; beside
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
  /** Slot i: the high half at 2i, the low half at 2i + 1. */
  readonly slots: Uint32Array;
  readonly mask: number;
  readonly hasZero: boolean;
}

/** Whether fingerprint (hi, lo) is in the table `t` (same probe sequence as insert). */
export function probe(t: TableView, hi: number, lo: number): boolean {
  if (hi === EMPTY && lo === EMPTY) return t.hasZero;
  const T = t.slots;
  let i = home(hi, lo, t.mask);
  for (;;) {
    const h = T[2 * i]!;
    const l = T[2 * i + 1]!;
    if (h === EMPTY && l === EMPTY) return false;
    if (h === hi && l === lo) return true;
    i = (i + 1) & t.mask;
  }
}

/** The slot where probes for (hi, lo) start, in a table of mask + 1 slots. */
function home(hi: number, lo: number, mask: number): number {
  return (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
}

/**
 * The first word of the slot where a probe for (hi, lo) in `t` starts:
 * reading it loads the slot's cache line for the probe or insert to come.
 * Reads of several fingerprints in a row do not wait on each other, so their
 * cache misses overlap, where the probes would wait for each in turn: the
 * table is far larger than the caches. (JavaScript has no prefetch.) The
 * caller passes what it read, xor-ed together, to `keep`.
 */
export function warm(t: TableView, hi: number, lo: number): number {
  return t.slots[2 * home(hi, lo, t.mask)]!;
}

/** What warm read, kept where the compiler cannot drop the reads as unused. */
let warmth = 0;

/** Keeps `x` (what warm read): see warm. */
export function keep(x: number): void {
  warmth ^= x;
}

export class VisitedSet {
  private readonly buf: GrowableUint32;
  /** Slot i: the high half at 2i, the low half at 2i + 1. */
  private slots: Uint32Array;
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
    this.buf = new GrowableUint32(2 * cap, shared);
    this.slots = this.buf.view;
    this.mask = cap - 1;
  }

  /** The view of the table as it is, made again only when the table changes shape (it doubles, or takes the zero fingerprint). */
  private current: TableView | undefined;

  /** The table as it is now, for read-only probes from workers (between inserts) and for warm. */
  view(): TableView {
    return (this.current ??= { slots: this.slots, mask: this.mask, hasZero: this.hasZero });
  }

  /** Bytes held by the table and the per-state arrays. */
  get bytes(): number {
    return this.slots.byteLength + this.parents.length * CHUNK * 6;
  }

  /**
   * Bytes the table will allocate soon: when fewer than `lookahead` inserts
   * are left before it doubles, the doubled table (it moves to a new buffer
   * while the old one is alive), or its new half (it grows in place);
   * otherwise 0.
   */
  upcomingBytes(lookahead = 1 << 16): number {
    const cap = this.mask + 1;
    return (this.size + lookahead) * 4 > cap * 3 ? cap * (this.buf.inPlace ? 8 : 16) : 0;
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
      this.current = undefined;
      return this.link(parent, via);
    }
    let i = home(hi, lo, this.mask);
    const T = this.slots;
    for (;;) {
      const h = T[2 * i]!;
      const l = T[2 * i + 1]!;
      if (h === EMPTY && l === EMPTY) break;
      if (h === hi && l === lo) return -1;
      i = (i + 1) & this.mask;
    }
    T[2 * i] = hi;
    T[2 * i + 1] = lo;
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
   * Doubles the table, its fingerprints kept in the lower half (in place, or
   * copied to a new buffer while workers may still probe the old one, which
   * stays intact), then rehashes it in one pass (splitInPlace).
   */
  private rehash(): void {
    const old = this.mask + 1;
    this.current = undefined;
    this.buf.ensure(4 * old, true);
    this.slots = this.buf.view;
    this.splitInPlace(old);
  }

  /** Puts (h, l) in the first empty slot from its home (it is not in the table). */
  private place(T: Uint32Array, h: number, l: number): void {
    let i = home(h, l, this.mask);
    while (T[2 * i] !== EMPTY || T[2 * i + 1] !== EMPTY) i = (i + 1) & this.mask;
    T[2 * i] = h;
    T[2 * i + 1] = l;
  }

  /**
   * Rehashes a table of `old` slots, grown to twice that (the new half
   * zero), in one pass over the old half, without a copy of it. A
   * fingerprint's home in the doubled table is its old home or that plus
   * `old`.
   *
   * Slots are taken in order, each fingerprint out of its slot and put back
   * from its new home. A fingerprint in slot j whose home is in the lower
   * half comes to rest at or before j (slot j is empty once it is taken
   * out), on a path of fingerprints already placed; one whose home is in
   * the upper half finds there only fingerprints already placed, and if it
   * runs past the end it wraps to the lower slots before j, all placed.
   * So no fingerprint is ever placed beyond one not yet taken, whose slot
   * would later empty and cut its probe path. The one exception is a
   * cluster that wraps from the old half's end to its start: the
   * fingerprints at its start (slots 0.. up to the first empty one) are
   * taken out first and inserted last, as new ones.
   *
   * A worker probing meanwhile a table that grows in place (with the old
   * mask, over the old half) can only miss a fingerprint that moved, and
   * send a duplicate, which this thread drops; it never finds one that is
   * not in the table.
   */
  private splitInPlace(old: number): void {
    const T = this.slots;
    const wrapped: number[] = [];
    for (let j = 0; T[2 * j] !== EMPTY || T[2 * j + 1] !== EMPTY; j++) {
      wrapped.push(T[2 * j]!, T[2 * j + 1]!);
      T[2 * j] = EMPTY;
      T[2 * j + 1] = EMPTY;
    }
    this.mask = 2 * old - 1;
    for (let j = 0; j < old; j++) {
      const h = T[2 * j]!;
      const l = T[2 * j + 1]!;
      if (h === EMPTY && l === EMPTY) continue;
      if (home(h, l, this.mask) === j) continue;
      T[2 * j] = EMPTY;
      T[2 * j + 1] = EMPTY;
      this.place(T, h, l);
    }
    for (let k = 0; k < wrapped.length; k += 2) this.place(T, wrapped[k]!, wrapped[k + 1]!);
  }
}
