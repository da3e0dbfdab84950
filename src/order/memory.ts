import { QueueCorruptError } from '../errors.js';
import { W } from '../shared/layout.js';

/**
 * The data buffer as one thread sees it. The buffer is growable, but the views here are
 * fixed-length: on Node 20, element access through a length-tracking view of a growable
 * SharedArrayBuffer costs about 5x that of a fixed-length view. So each thread keeps views
 * sized to DATA_SIZE and re-creates them whenever it sees DATA_SIZE change (any thread
 * may grow the buffer; DATA_SIZE only changes under the lock, after the grow).
 * Orderings call sync() at the start of every operation and read u8/dv after it.
 */
export class DataArea {
  u8: Uint8Array;
  dv: DataView;
  private viewSize: number;

  constructor(
    readonly h: Int32Array,
    readonly buffer: SharedArrayBuffer,
  ) {
    this.viewSize = h[W.DATA_SIZE];
    this.u8 = new Uint8Array(buffer, 0, this.viewSize);
    this.dv = new DataView(buffer, 0, this.viewSize);
  }

  /** Makes the views match DATA_SIZE; returns DATA_SIZE. */
  sync(): number {
    const size = this.h[W.DATA_SIZE];
    if (size !== this.viewSize) this.resize(size);
    return size;
  }

  private resize(size: number): void {
    if (!(size >= 0 && size <= this.buffer.byteLength)) {
      throw new QueueCorruptError(`corrupt queue memory: data size ${size} exceeds the buffer (${this.buffer.byteLength} bytes)`);
    }
    this.u8 = new Uint8Array(this.buffer, 0, size);
    this.dv = new DataView(this.buffer, 0, size);
    this.viewSize = size;
  }

  /**
   * Grows the data area so that at least `needed` bytes are usable, publishes the new
   * DATA_SIZE and refreshes the views; returns the new size. Doubling keeps the number of
   * grows logarithmic. `grow` cannot fail halfway: the buffer is longer afterwards, or it
   * throws (out of memory) and nothing changed. Callers that must move bytes before the
   * new size is published pass `publish = false` and store DATA_SIZE themselves.
   */
  growTo(needed: number, publish = true): number {
    const old = this.h[W.DATA_SIZE];
    const max = this.buffer.maxByteLength;
    if (needed > max) throw new QueueCorruptError(`data area cannot hold ${needed} bytes (max ${max})`);
    let next = Math.max(old * 2, needed);
    if (next > max) next = max;
    if (this.buffer.byteLength < next) this.buffer.grow(next);
    this.resize(next);
    if (publish) this.h[W.DATA_SIZE] = next;
    return next;
  }

  /** Guards every length read from shared memory before it is used. */
  checkLength(len: number, limit: number, what: string): number {
    if (!(len >= 0 && len <= limit)) {
      throw new QueueCorruptError(`corrupt queue memory: ${what} length ${len} exceeds ${limit} bytes in use`);
    }
    return len;
  }
}
