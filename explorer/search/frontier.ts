/**
 * The breadth-first frontier: the states of one level, in discovery order.
 * When the model can decode its canonical encoding, the frontier keeps only
 * the encoded words in one growing Int32Array (a few bytes a state instead of
 * a JavaScript object); otherwise it keeps the state objects.
 */
import type { Encoder } from './fingerprint.js';
import { GrowableInt32 } from './growable.js';

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
  private readonly words: GrowableInt32;
  private readonly ends: GrowableInt32;
  private used = 0;
  private n = 0;

  /** With `shared`, the words live in growable SharedArrayBuffers that workers read. */
  constructor(
    private readonly decode: (words: Int32Array) => S,
    shared = false,
  ) {
    this.words = new GrowableInt32(1 << 12, shared);
    this.ends = new GrowableInt32(1 << 10, shared);
  }

  /** Length-tracking views of the packed words and end offsets (for workers). */
  view(): { words: Int32Array; ends: Int32Array } {
    return { words: this.words.view, ends: this.ends.view };
  }

  get length(): number {
    return this.n;
  }

  clear(): void {
    this.n = 0;
    this.used = 0;
  }

  get bytes(): number {
    return this.words.buffer.byteLength + this.ends.buffer.byteLength;
  }

  push(_s: S, enc: Encoder): void {
    this.pushWords(enc.buf.subarray(0, enc.len));
  }

  /** Appends a state by its encoded words. */
  pushWords(src: Int32Array): void {
    const len = src.length;
    this.words.ensure(this.used + len);
    this.words.view.set(src, this.used);
    this.used += len;
    this.ends.ensure(this.n + 1);
    this.ends.view[this.n++] = this.used;
  }

  get(i: number): S {
    const ends = this.ends.view;
    const start = i === 0 ? 0 : ends[i - 1]!;
    return this.decode(this.words.view.subarray(start, ends[i]!));
  }
}

export function newFrontier<S>(decode: ((words: Int32Array) => S) | undefined): Frontier<S> {
  return decode ? new PackedFrontier(decode) : new ObjectFrontier<S>();
}
