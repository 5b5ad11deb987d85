/**
 * The breadth-first frontier: the states of one level, in discovery order.
 * When the model can decode its canonical encoding, the frontier keeps only
 * the encoded words, each as a little-endian base-128 varint of its 32 bits
 * in one growing byte array (a small field takes one byte instead of four:
 * the iommufd model's states take about two fifths of the room; a word
 * packed full takes five); otherwise it keeps the state objects.
 */
import type { Encoder } from './fingerprint.js';
import { GrowableInt32, GrowableUint8 } from './growable.js';

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

/** The most bytes one word takes packed. */
export const MAX_WORD_BYTES = 5;

/** Writes the words src[from .. to) to `dst` from byte `at`, packed; returns the byte after the last. */
export function packWords(src: Int32Array, dst: Uint8Array, at: number, from = 0, to = src.length): number {
  for (let j = from; j < to; j++) {
    let v = src[j]! >>> 0;
    while (v >= 0x80) {
      dst[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    dst[at++] = v;
  }
  return at;
}

/** Reads the words packed in bytes [from, to) of `src` into `out` (room for to − from words at least); returns how many. */
export function unpackWords(src: Uint8Array, from: number, to: number, out: Int32Array): number {
  let n = 0;
  let at = from;
  while (at < to) {
    let b = src[at++]!;
    let v = b & 0x7f;
    let shift = 7;
    while (b >= 0x80) {
      b = src[at++]!;
      v |= (b & 0x7f) << shift;
      shift += 7;
    }
    out[n++] = v;
  }
  return n;
}

/** Reads one state of a packed level at a time into a scratch array it keeps. */
export class PackedReader {
  private scratch = new Int32Array(64);

  /**
   * The words of state i of a level packed in `bytes`, state i ending at
   * byte ends[i]: a view of the scratch array, which the next call overwrites
   * (a state's words never outnumber its bytes).
   */
  words(bytes: Uint8Array, ends: Int32Array, i: number): Int32Array {
    const start = i === 0 ? 0 : ends[i - 1]!;
    const end = ends[i]!;
    if (end - start > this.scratch.length) this.scratch = new Int32Array(end - start);
    return this.scratch.subarray(0, unpackWords(bytes, start, end, this.scratch));
  }

  /** Bytes held by the scratch array. */
  get bytes(): number {
    return this.scratch.byteLength;
  }
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
  private readonly packed: GrowableUint8;
  /** Per state, the byte after its last. */
  private readonly ends: GrowableInt32;
  private readonly reader = new PackedReader();
  private used = 0;
  private n = 0;

  /**
   * `decode` gets a view of a scratch array that the next `get` overwrites:
   * it copies what it keeps. With `shared`, the bytes live in growable
   * SharedArrayBuffers that workers read.
   */
  constructor(
    private readonly decode: (words: Int32Array) => S,
    shared = false,
  ) {
    this.packed = new GrowableUint8(1 << 14, shared);
    this.ends = new GrowableInt32(1 << 10, shared);
  }

  /** Length-tracking views of the packed bytes and end offsets (for workers: unpackWords reads a state). */
  view(): { bytes: Uint8Array; ends: Int32Array } {
    return { bytes: this.packed.view, ends: this.ends.view };
  }

  get length(): number {
    return this.n;
  }

  clear(): void {
    this.n = 0;
    this.used = 0;
  }

  get bytes(): number {
    return this.packed.buffer.byteLength + this.ends.buffer.byteLength + this.reader.bytes;
  }

  push(_s: S, enc: Encoder): void {
    this.pushWords(enc.buf, 0, enc.len);
  }

  /** Appends a state by its encoded words, src[from .. to) (no view of them is made: this runs once a new state). */
  pushWords(src: Int32Array, from = 0, to = src.length): void {
    this.packed.ensure(this.used + (to - from) * MAX_WORD_BYTES);
    this.used = packWords(src, this.packed.view, this.used, from, to);
    this.ends.ensure(this.n + 1);
    this.ends.view[this.n++] = this.used;
  }

  /**
   * Appends `count` states already packed (packWords), back to back from
   * byte `from` of `src`, the j-th of them lens[j] bytes long: a worker packs
   * its new states, so the search's thread only copies them, a run of them
   * at a time (one copy, a memcpy, takes about as long as a loop over 30
   * bytes).
   */
  pushPacked(src: Uint8Array, from: number, lens: Int32Array, count: number): void {
    let n = 0;
    for (let j = 0; j < count; j++) n += lens[j]!;
    this.packed.ensure(this.used + n);
    this.packed.view.set(src.subarray(from, from + n), this.used);
    this.ends.ensure(this.n + count);
    const ends = this.ends.view;
    for (let j = 0; j < count; j++) ends[this.n++] = this.used += lens[j]!;
  }

  get(i: number): S {
    return this.decode(this.reader.words(this.packed.view, this.ends.view, i));
  }
}

export function newFrontier<S>(decode: ((words: Int32Array) => S) | undefined): Frontier<S> {
  return decode ? new PackedFrontier(decode) : new ObjectFrontier<S>();
}
