/**
 * Typed arrays that grow.
 *
 * A shared one (a SharedArrayBuffer that workers read) grows in place when
 * the process has no address-space limit: a growable SharedArrayBuffer
 * reserves its maximum of address space up front and commits pages as it
 * grows. Moving to a new buffer instead
 * leaves the old one alive for as long as any thread holds a view of it,
 * and a worker holds the views of the batch it expands across many
 * scavenges, so they reach its old generation and live until its next
 * full collection: in the nightly scope with two workers, the old visited
 * tables and frontier buffers kept about 400 MB resident.
 *
 * Under an address-space limit (`prlimit --as`, `ulimit -v`) nothing is
 * reserved: a shared array moves to a new, larger buffer (as an unshared
 * one always does), and a worker that still holds a view of the old buffer
 * reads a snapshot that is never written again; the parallel search hands
 * out fresh views with every batch.
 */
import { addressSpaceLimit } from './limits.js';

/** The largest buffer, in bytes. */
const MAX_BYTES = 2 ** 32;

/** Whether shared arrays may reserve their maximum up front (no address-space limit). */
const GROW_IN_PLACE = addressSpaceLimit() === undefined;

/** A growable SharedArrayBuffer of `bytes` bytes, or undefined where there is none (an old runtime) or the reservation fails. */
function growableShared(bytes: number): SharedArrayBuffer | undefined {
  try {
    const b = new SharedArrayBuffer(bytes, { maxByteLength: MAX_BYTES });
    return b.growable ? b : undefined;
  } catch {
    return undefined;
  }
}

abstract class Growable<T extends Int32Array | Uint32Array | Uint8Array> {
  buffer: ArrayBuffer | SharedArrayBuffer;
  view: T;

  /** Whether the buffer grows in place (a growable SharedArrayBuffer). */
  readonly inPlace: boolean;

  /** `length` elements of `bytesPer` bytes each. */
  constructor(length: number, private readonly shared: boolean, private readonly bytesPer: number) {
    const g = shared && GROW_IN_PLACE ? growableShared(length * bytesPer) : undefined;
    this.inPlace = g !== undefined;
    this.buffer = g ?? this.alloc(length * bytesPer);
    this.view = this.make(this.buffer, length);
  }

  private alloc(bytes: number): ArrayBuffer | SharedArrayBuffer {
    return this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  }

  /**
   * A view of the first `length` elements of `buf`. Always of a fixed
   * length, made again after each growth: element access through a view
   * that tracks a growable buffer's length is about eight times slower in
   * V8 (Node 20), through a fixed-length one as fast as through any.
   */
  protected abstract make(buf: ArrayBuffer | SharedArrayBuffer, length: number): T;

  /** The element count `length` or more rounds up to (doubling, or exactly `length` with `exact`); throws past the largest buffer. */
  private sizeFor(length: number, exact: boolean): number {
    let n = this.view.length;
    if (exact) n = length;
    while (n < length) n *= 2;
    if (n * this.bytesPer > MAX_BYTES) throw new RangeError(`a search buffer would exceed ${MAX_BYTES} bytes`);
    return n;
  }

  /**
   * Grows to hold at least `length` elements, doubling (or to exactly
   * `length` with `exact`), keeping the contents; the new elements are zero.
   * A view from before stays valid; when the array moves to a new buffer,
   * the old one keeps the contents as they were.
   */
  ensure(length: number, exact = false): void {
    if (this.view.length >= length) return;
    const n = this.sizeFor(length, exact);
    const old = this.view;
    if (this.inPlace) (this.buffer as SharedArrayBuffer).grow(n * this.bytesPer);
    else this.buffer = this.alloc(n * this.bytesPer);
    this.view = this.make(this.buffer, n);
    if (!this.inPlace) this.view.set(old);
  }
}

export class GrowableInt32 extends Growable<Int32Array> {
  constructor(length: number, shared: boolean) {
    super(length, shared, 4);
  }
  protected make(buf: ArrayBuffer | SharedArrayBuffer, length: number): Int32Array {
    return new Int32Array(buf, 0, length);
  }
}

export class GrowableUint32 extends Growable<Uint32Array> {
  constructor(length: number, shared: boolean) {
    super(length, shared, 4);
  }
  protected make(buf: ArrayBuffer | SharedArrayBuffer, length: number): Uint32Array {
    return new Uint32Array(buf, 0, length);
  }
}

export class GrowableUint8 extends Growable<Uint8Array> {
  constructor(length: number, shared: boolean) {
    super(length, shared, 1);
  }
  protected make(buf: ArrayBuffer | SharedArrayBuffer, length: number): Uint8Array {
    return new Uint8Array(buf, 0, length);
  }
}
