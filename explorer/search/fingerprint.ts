/**
 * Canonical state encodings and their 64-bit fingerprints.
 *
 * A model writes its state as a sequence of 32-bit integers into an Encoder
 * (no strings are built); the engine hashes the words into two independent
 * 32-bit halves with fixed seeds, so the same state has the same fingerprint
 * in every run and in every worker.
 */

const P1 = 0x9e3779b1 | 0;
const P2 = 0x85ebca77 | 0;
const P3 = 0xc2b2ae3d | 0;
const P4 = 0x27d4eb2f | 0;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, P2);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Encoder {
  buf: Int32Array;
  len = 0;
  /** High and low halves of the fingerprint computed by `hash()`. */
  hi = 0;
  lo = 0;

  constructor(capacity = 64) {
    this.buf = new Int32Array(capacity);
  }

  reset(): void {
    this.len = 0;
  }

  /** Appends one integer (truncated to 32 bits). */
  push(v: number): void {
    if (this.len === this.buf.length) this.grow();
    this.buf[this.len++] = v;
  }

  /** Appends a length-prefixed list, so that [1],[2] and [1,2],[] encode differently. */
  pushList(vs: readonly number[]): void {
    this.push(vs.length);
    for (let i = 0; i < vs.length; i++) this.push(vs[i]!);
  }

  /** Appends a boolean as 0/1. */
  pushBool(b: boolean): void {
    this.push(b ? 1 : 0);
  }

  /** Makes room for `n` more words, so that a model may write them to `buf` from `len` on and then set `len` (faster than a push per word). */
  reserve(n: number): void {
    if (this.len + n > this.buf.length) this.grow(this.len + n);
  }

  private grow(min = this.buf.length + 1): void {
    let size = Math.max(1, this.buf.length) * 2;
    while (size < min) size *= 2;
    const next = new Int32Array(size);
    next.set(this.buf);
    this.buf = next;
  }

  /**
   * Hashes the words written since `reset()` into `hi`/`lo`.
   *
   * Four 32-bit lanes: the even words feed two independent ones (a1, a2)
   * and the odd words the other two, so that the multiplications of
   * neighbouring words do not wait for each other (about twice as fast as
   * one chain). A run of even (or odd) words is hashed into 64 bits, and
   * the finish maps the lanes onto hi/lo without losing those 64 bits: hi
   * is a bijection of x for a fixed y, lo of y for a fixed hi.
   */
  hash(): void {
    const b = this.buf;
    const n = this.len;
    let a1 = 0x165667b1 ^ n;
    let a2 = 0x2f2b3c41 ^ Math.imul(n, P4);
    let c1 = 0x61c88647;
    let c2 = 0x3c6ef372;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const w = b[i]!;
      const v = b[i + 1]!;
      a1 = a1 + Math.imul(w, P2);
      a1 = Math.imul((a1 << 13) | (a1 >>> 19), P1);
      a2 = a2 ^ w;
      a2 = Math.imul((a2 << 17) | (a2 >>> 15), P4);
      c1 = c1 + Math.imul(v, P2);
      c1 = Math.imul((c1 << 13) | (c1 >>> 19), P1);
      c2 = c2 ^ v;
      c2 = Math.imul((c2 << 17) | (c2 >>> 15), P4);
    }
    if (i < n) {
      const w = b[i]!;
      a1 = a1 + Math.imul(w, P2);
      a1 = Math.imul((a1 << 13) | (a1 >>> 19), P1);
      a2 = a2 ^ w;
      a2 = Math.imul((a2 << 17) | (a2 >>> 15), P4);
    }
    const x = a1 ^ ((c2 << 16) | (c2 >>> 16));
    const y = a2 ^ ((c1 << 16) | (c1 >>> 16));
    this.hi = fmix(x + Math.imul(y, P1));
    this.lo = fmix(y + Math.imul(this.hi, P2));
  }

  /** The words as a plain array (tests and debugging). */
  words(): number[] {
    return Array.from(this.buf.subarray(0, this.len));
  }
}

/**
 * Probability that a fingerprint collision hid at least one state, given n
 * distinct states stored as 64-bit fingerprints (the "optimistic" estimate TLC
 * prints: n^2 / 2^65).
 */
export function collisionProbability(n: number): number {
  return Math.min(1, (n * n) / 2 ** 65);
}
