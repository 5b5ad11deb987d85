/**
 * Typed arrays that grow. Shared ones live in a growable SharedArrayBuffer
 * that grows in place, so the views workers hold stay valid (a SharedArrayBuffer
 * never shrinks) and no old buffer lingers until a collection in some worker.
 * Unshared ones are copied into a larger buffer. Either way `view` is a
 * fixed-length view, made again after each growth: the fast kind of typed
 * array for V8, unlike a length-tracking view.
 */

/** Address space reserved per shared buffer; only the pages written use memory. */
const MAX_BYTES = 2 ** 32;

abstract class Growable<T extends Int32Array | Uint32Array> {
  buffer: ArrayBuffer | SharedArrayBuffer;
  view: T;

  constructor(length: number, private readonly shared: boolean) {
    this.buffer = shared ? new SharedArrayBuffer(length * 4, { maxByteLength: MAX_BYTES }) : new ArrayBuffer(length * 4);
    this.view = this.make(this.buffer, length);
  }

  protected abstract make(buf: ArrayBuffer | SharedArrayBuffer, length: number): T;

  /**
   * Grows to hold at least `length` elements: doubling when the contents are
   * copied, by a quarter when a shared buffer grows in place (no copy, so
   * smaller steps cost nothing and leave less slack).
   */
  ensure(length: number, exact = false): void {
    let n = this.view.length;
    if (n >= length) return;
    if (exact) n = length;
    while (n < length) n = this.shared ? Math.ceil(n * 1.25) + 1024 : n * 2;
    if (n * 4 > MAX_BYTES) throw new RangeError(`a search buffer would exceed ${MAX_BYTES} bytes`);
    if (this.shared) {
      (this.buffer as SharedArrayBuffer).grow(n * 4);
      this.view = this.make(this.buffer, n);
    } else {
      const old = this.view;
      this.buffer = new ArrayBuffer(n * 4);
      this.view = this.make(this.buffer, n);
      this.view.set(old);
    }
  }
}

export class GrowableInt32 extends Growable<Int32Array> {
  protected make(buf: ArrayBuffer | SharedArrayBuffer, length: number): Int32Array {
    return new Int32Array(buf, 0, length);
  }
}

export class GrowableUint32 extends Growable<Uint32Array> {
  protected make(buf: ArrayBuffer | SharedArrayBuffer, length: number): Uint32Array {
    return new Uint32Array(buf, 0, length);
  }
}
