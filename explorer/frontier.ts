/**
 * The breadth-first frontier: the states of one level, in discovery order.
 * When the model can decode its canonical encoding, the frontier keeps only
 * the encoded words in one growing Int32Array (a few bytes a state instead of
 * a JavaScript object); otherwise it keeps the state objects.
 */
import type { Encoder } from './fingerprint.js';

export interface Frontier<S> {
  readonly length: number;
  /** Appends `s`, whose canonical encoding is the current content of `enc`. */
  push(s: S, enc: Encoder): void;
  get(i: number): S;
  /** Bytes held (for memory accounting). */
  readonly bytes: number;
  /** Empties the frontier, keeping its buffers for the next level. */
  clear(): void;
}

export class ObjectFrontier<S> implements Frontier<S> {
  private states: S[] = [];
  clear(): void {
    this.states = [];
  }
  get length(): number {
    return this.states.length;
  }
  push(s: S): void {
    this.states.push(s);
  }
  get(i: number): S {
    return this.states[i]!;
  }
  /** A rough figure: JavaScript objects are not measured exactly. */
  get bytes(): number {
    return this.states.length * 64;
  }
}

export class PackedFrontier<S> implements Frontier<S> {
  private words = new Int32Array(1 << 12);
  private ends = new Int32Array(1 << 10);
  private used = 0;
  private n = 0;

  constructor(private readonly decode: (words: Int32Array) => S) {}

  get length(): number {
    return this.n;
  }

  clear(): void {
    this.n = 0;
    this.used = 0;
  }

  get bytes(): number {
    return this.words.byteLength + this.ends.byteLength;
  }

  push(_s: S, enc: Encoder): void {
    const len = enc.len;
    if (this.used + len > this.words.length) {
      let cap = this.words.length * 2;
      while (cap < this.used + len) cap *= 2;
      const w = new Int32Array(cap);
      w.set(this.words.subarray(0, this.used));
      this.words = w;
    }
    this.words.set(enc.buf.subarray(0, len), this.used);
    this.used += len;
    if (this.n === this.ends.length) {
      const e = new Int32Array(this.ends.length * 2);
      e.set(this.ends);
      this.ends = e;
    }
    this.ends[this.n++] = this.used;
  }

  get(i: number): S {
    const start = i === 0 ? 0 : this.ends[i - 1]!;
    return this.decode(this.words.subarray(start, this.ends[i]!));
  }
}

export function newFrontier<S>(decode: ((words: Int32Array) => S) | undefined): Frontier<S> {
  return decode ? new PackedFrontier(decode) : new ObjectFrontier<S>();
}
