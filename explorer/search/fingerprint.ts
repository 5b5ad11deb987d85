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

  /** Hashes the words written since `reset()` into `hi`/`lo`. */
  hash(): void {
    const b = this.buf;
    const n = this.len;
    let h1 = 0x165667b1 ^ n;
    let h2 = 0x2f2b3c41 ^ Math.imul(n, P4);
    for (let i = 0; i < n; i++) {
      const w = b[i]!;
      h1 = Math.imul(h1 ^ w, P1);
      h1 = (h1 << 13) | (h1 >>> 19);
      h2 = Math.imul(h2 + w, P3);
      h2 = (h2 << 17) | (h2 >>> 15);
      h2 = Math.imul(h2, P4) ^ h1;
    }
    this.hi = fmix(h1 ^ (h2 >>> 7));
    this.lo = fmix(h2 + Math.imul(h1, P2));
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
