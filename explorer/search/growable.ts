/**
 * Typed arrays that grow. A shared one lives in a SharedArrayBuffer that
 * workers read; to grow, it moves to a new, larger buffer (as an unshared one
 * does), so nothing is reserved up front: a growable SharedArrayBuffer would
 * reserve its whole maximum of address space at once, which fails under an
 * address-space limit (`prlimit --as`, `ulimit -v`). A worker that still
 * holds a view of the old buffer reads a snapshot that is never written
 * again; the parallel search hands out fresh views with every batch. `view`
 * is a fixed-length view, made again after each growth.
 */

/** The largest buffer, in bytes. */
const MAX_BYTES = 2 ** 32;

abstract class Growable<T extends Int32Array | Uint32Array | Uint8Array> {
  buffer: ArrayBuffer | SharedArrayBuffer;
  view: T;

  /** `length` elements of `bytesPer` bytes each. */
  constructor(length: number, private readonly shared: boolean, private readonly bytesPer: number) {
    this.buffer = this.alloc(length * bytesPer);
    this.view = this.make(this.buffer, length);
  }

  private alloc(bytes: number): ArrayBuffer | SharedArrayBuffer {
    return this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  }

  protected abstract make(buf: ArrayBuffer | SharedArrayBuffer, length: number): T;

  /**
   * Grows to hold at least `length` elements, doubling (or to exactly
   * `length` with `exact`). With `keep` false the new contents are zero
   * (the caller rebuilds them from the old view, which stays intact).
   */
  ensure(length: number, exact = false, keep = true): void {
    let n = this.view.length;
    if (n >= length) return;
    if (exact) n = length;
    while (n < length) n *= 2;
    if (n * this.bytesPer > MAX_BYTES) throw new RangeError(`a search buffer would exceed ${MAX_BYTES} bytes`);
    const old = this.view;
    this.buffer = this.alloc(n * this.bytesPer);
    this.view = this.make(this.buffer, n);
    if (keep) this.view.set(old);
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
