/**
 * The parallel search's visited set: the same 64-bit fingerprints and
 * breadth-first ids as explorer/search/visited.ts, but its table is shared
 * with the workers, which insert into it themselves (claim()), while the
 * search's thread only hands out the ids (link()) in breadth-first order.
 *
 * Beside its fingerprint, each slot keeps a claim: which state reached it
 * first in breadth-first order. During a level any thread may reach a new
 * state from any source; the claim keeps the smallest source id, so once
 * every batch of the level is expanded, the state's first finder — the one
 * the sequential search would have inserted it from — is known, and the
 * ids, the parent links and so the counterexamples are those of the
 * sequential search, whatever the number of threads and however they
 * interleaved.
 *
 * A slot is three Int32 words, [claim, hi, lo], so a probe reads one cache
 * line. Claims: EMPTY; WRITING while a thread writes the fingerprint;
 * INITIAL for an initial state; otherwise claimOf(source id) = 2 + the id.
 */
import { GrowableInt32 } from './growable.js';
import { StateLinks, type Visited } from './visited.js';

const EMPTY = 0;
const WRITING = -1;
const INITIAL = 1;
const STRIDE = 3;

/** The claim of a successor of state `id`. */
export const claimOf = (id: number): number => id + 2;

/** The shared counters (`control`). */
const USED = 0; // slots in use, the all-zero fingerprint's included
const LIMIT = 1; // no slot is taken past this many: the thread that would sets FULL
const FULL = 2;
const ZERO = 3; // the claim of the all-zero fingerprint (EMPTY: absent); zeros mark empty slots
const CONTROL_WORDS = 4;

/** claim()'s answers besides a slot. */
export const NOT_NEW = -1; // in the set from an earlier level, or reached first from an earlier state
export const TABLE_FULL = -2;

/** The table, shared with the workers for one round of a level. */
export interface ClaimTable {
  /** [claim, hi, lo] per slot. */
  readonly slots: Int32Array;
  readonly mask: number;
  readonly control: Int32Array;
  /** Bumped by every growth: a slot found under another generation must be looked up again (slotOf). */
  readonly gen: number;
}

/** The slot standing for the all-zero fingerprint. */
export const zeroSlot = (t: ClaimTable): number => t.mask + 1;

/** The claim now on `slot` (a claim() answer), once the round's threads are done. */
export function claimAt(t: ClaimTable, slot: number): number {
  return slot === zeroSlot(t) ? t.control[ZERO]! : t.slots[slot * STRIDE]!;
}

/** Lowers the claim at cells[at] to `mine` while it is a larger claim of this level (>= `level`); returns the claim then. */
function lower(cells: Int32Array, at: number, c: number, mine: number, level: number): number {
  while (c >= level && c > mine) {
    const prev = Atomics.compareExchange(cells, at, c, mine);
    if (prev === c) return mine;
    c = prev;
  }
  return c;
}

/** Slots a thread takes from USED at a time: one shared counter bumped per new state would bounce between the cores. */
const BUDGET_BLOCK = 256;

/**
 * The slots one thread may still fill with claim(): it takes them from the
 * table's USED count a block at a time, and gives back what it did not use
 * at the end of each round (giveBack), so USED is then exact.
 */
export class SlotBudget {
  left = 0;

  /** Takes a block, or what is left below the table's limit; false (and FULL set) when nothing is. */
  take(t: ClaimTable): boolean {
    const limit = Atomics.load(t.control, LIMIT);
    for (;;) {
      const used = Atomics.load(t.control, USED);
      const n = Math.min(BUDGET_BLOCK, limit - used);
      if (n <= 0) {
        Atomics.store(t.control, FULL, 1);
        return false;
      }
      if (Atomics.compareExchange(t.control, USED, used, used + n) === used) {
        this.left = n;
        return true;
      }
    }
  }

  /** Gives back the slots not filled. */
  giveBack(t: ClaimTable): void {
    if (this.left > 0) Atomics.sub(t.control, USED, this.left);
    this.left = 0;
  }
}

/**
 * Inserts fingerprint (hi, lo), reached by the state whose claim is `mine`,
 * from any thread. `level` is the claim of the level's first state: a claim
 * below it is an earlier level's. Returns the fingerprint's slot when this
 * state may be the first to reach it in breadth-first order (its claim is
 * `mine` now; a smaller one may still come, so the search decides once the
 * level is expanded: claimAt), NOT_NEW when it is an earlier level's or an
 * earlier state's, and TABLE_FULL when a new slot would pass the limit
 * (nothing is written; the search grows the table and runs the batch
 * again). New slots come out of the thread's `budget`.
 */
export function claim(t: ClaimTable, hi: number, lo: number, mine: number, level: number, budget: SlotBudget): number {
  hi |= 0;
  lo |= 0;
  if (hi === EMPTY && lo === EMPTY) {
    let c = Atomics.load(t.control, ZERO);
    if (c === EMPTY) {
      if (budget.left === 0 && !budget.take(t)) return TABLE_FULL;
      c = Atomics.compareExchange(t.control, ZERO, EMPTY, mine);
      if (c === EMPTY) {
        budget.left--;
        return zeroSlot(t);
      }
    }
    return lower(t.control, ZERO, c, mine, level) === mine ? zeroSlot(t) : NOT_NEW;
  }
  const T = t.slots;
  const mask = t.mask;
  let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
  // Plain reads first (an Atomics.load costs several times a plain one).
  // They are safe: within a generation each fingerprint word is written
  // once, from 0, and a claim only goes EMPTY -> WRITING -> a claim ->
  // smaller claims of the same level; so a word read is its final value or
  // 0, and a claim read is the current one or a larger one. A fingerprint
  // seen whole and equal is the slot's; one seen whole and different is
  // not; a half still 0 (or a slot being written) is read again after an
  // Atomics.load of its claim, which orders the reads after the writer's.
  for (;;) {
    const at = i * STRIDE;
    let c = T[at]!;
    if (c === EMPTY) {
      if (budget.left === 0 && !budget.take(t)) return TABLE_FULL;
      c = Atomics.compareExchange(T, at, EMPTY, WRITING);
      if (c === EMPTY) {
        T[at + 1] = hi;
        T[at + 2] = lo;
        Atomics.store(T, at, mine);
        budget.left--;
        return i;
      }
    }
    if (c !== WRITING) {
      const h = T[at + 1]!;
      const l = T[at + 2]!;
      if (h === hi && l === lo) return lower(T, at, c, mine, level) === mine ? i : NOT_NEW;
      if (h !== EMPTY && l !== EMPTY) {
        i = (i + 1) & mask;
        continue;
      }
    }
    // Another thread is writing this slot (a few instructions), or its fingerprint was not seen whole.
    do c = Atomics.load(T, at);
    while (c === WRITING);
    if (T[at + 1] === hi && T[at + 2] === lo) return lower(T, at, c, mine, level) === mine ? i : NOT_NEW;
    i = (i + 1) & mask;
  }
}

/** Where fingerprint (hi, lo) is, or -1; between rounds (for a slot found under an older generation). */
export function slotOf(t: ClaimTable, hi: number, lo: number): number {
  hi |= 0;
  lo |= 0;
  if (hi === EMPTY && lo === EMPTY) return t.control[ZERO] === EMPTY ? -1 : zeroSlot(t);
  const T = t.slots;
  let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & t.mask;
  for (;;) {
    const at = i * STRIDE;
    if (T[at] === EMPTY) return -1;
    if (T[at + 1] === hi && T[at + 2] === lo) return i;
    i = (i + 1) & t.mask;
  }
}

export class ConcurrentVisitedSet extends StateLinks implements Visited {
  private readonly buf: GrowableInt32;
  private mask: number;
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
  private gen = 0;

  constructor(initialCapacity = 1 << 16) {
    super();
    let cap = 16;
    while (cap < initialCapacity) cap <<= 1;
    this.buf = new GrowableInt32(cap * STRIDE, true);
    this.mask = cap - 1;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** The table as it is now. */
  claimTable(): ClaimTable {
    return { slots: this.buf.view, mask: this.mask, control: this.control, gen: this.gen };
  }

  /** The table for a round of inserts (claim()): up to seven eighths of its slots may be taken, past which a thread finds it full. */
  beginRound(): ClaimTable {
    Atomics.store(this.control, LIMIT, Math.floor((this.mask + 1) * 7 / 8));
    Atomics.store(this.control, FULL, 0);
    return this.claimTable();
  }

  /** Slots in use: states with ids, and those the threads inserted since. */
  get used(): number {
    return Atomics.load(this.control, USED);
  }

  /** Whether a thread found the table full in the last round. */
  get full(): boolean {
    return Atomics.load(this.control, FULL) !== 0;
  }

  get bytes(): number {
    return this.buf.view.byteLength + this.linkBytes;
  }

  /** Bytes the table will allocate soon (as VisitedSet.upcomingBytes). */
  upcomingBytes(lookahead = 1 << 16): number {
    const cap = this.mask + 1;
    return (this.used + lookahead) * 4 > cap * 3 ? cap * 2 * STRIDE * 4 : 0;
  }

  /** Doubles the table until `more` new slots fit under three quarters of it (between rounds). */
  reserve(more: number): void {
    while ((this.used + more) * 4 > (this.mask + 1) * 3) this.grow();
  }

  /** Inserts an initial state (parent -1); its id, or -1 if it is there already. */
  insert(hi: number, lo: number, parent: number, via: number): number {
    if (parent !== -1) throw new Error('a concurrent visited set takes its states from claim() and link()');
    this.reserve(1);
    const t = this.beginRound();
    if (slotOf(t, hi, lo) >= 0) return -1;
    const budget = new SlotBudget();
    const slot = claim(t, hi, lo, INITIAL, INITIAL, budget);
    budget.giveBack(t);
    if (slot < 0) throw new Error(`a concurrent visited set refused an initial state (${slot})`);
    return this.link(parent, via);
  }

  /** Whether the fingerprint (hi, lo) is present (between rounds). */
  has(hi: number, lo: number): boolean {
    return slotOf(this.claimTable(), hi, lo) >= 0;
  }

  /** Doubles the table: a new buffer, every slot inserted again (between rounds: no thread inserts meanwhile). */
  grow(): void {
    const old = this.buf.view;
    const cap = (this.mask + 1) * 2;
    this.buf.ensure(cap * STRIDE, true, false);
    this.mask = cap - 1;
    this.gen++;
    const T = this.buf.view;
    for (let j = 0; j < old.length; j += STRIDE) {
      const c = old[j]!;
      if (c === EMPTY) continue;
      const h = old[j + 1]!;
      const l = old[j + 2]!;
      let i = (l ^ Math.imul(h, 0x9e3779b1)) & this.mask;
      while (T[i * STRIDE] !== EMPTY) i = (i + 1) & this.mask;
      T[i * STRIDE] = c;
      T[i * STRIDE + 1] = h;
      T[i * STRIDE + 2] = l;
    }
  }
}
