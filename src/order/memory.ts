import { QueueCorruptError } from '../errors.js';
import type { QueueState } from '../shared/state.js';

/**
 * The data buffer as one thread sees it. The buffer is growable, but the views here are
 * fixed-length: on Node 20, element access through a length-tracking view of a growable
 * SharedArrayBuffer costs about 5x that of a fixed-length view. So each thread keeps views
 * sized to the state's dataSize and re-creates them when it changes (any thread may grow
 * the buffer). Orderings call sync() at the start of every operation and read u8/dv after.
 */
export class DataArea {
  u8: Uint8Array;
  dv: DataView;
  private viewSize: number;

  constructor(
    readonly s: QueueState,
    readonly buffer: SharedArrayBuffer,
  ) {
    this.viewSize = 0;
    this.u8 = new Uint8Array(buffer, 0, 0);
    this.dv = new DataView(buffer, 0, 0);
  }

  /** Makes the views match the state's dataSize; returns it. */
  sync(): number {
    const size = this.s.dataSize;
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
   * Grows the data area so that at least `needed` bytes are usable, sets the state's
   * dataSize (committed with the operation) and refreshes the views; returns the new size.
   * Doubling keeps the number of grows logarithmic. Growing the buffer is harmless to the
   * committed state, which never looks past its own dataSize; `grow` either succeeds or
   * throws (out of memory) with nothing changed.
   */
  growTo(needed: number): number {
    const old = this.s.dataSize;
    const max = this.buffer.maxByteLength;
    if (needed > max) throw new QueueCorruptError(`data area cannot hold ${needed} bytes (max ${max})`);
    let next = Math.max(old * 2, needed);
    if (next > max) next = max;
    if (this.buffer.byteLength < next) this.buffer.grow(next);
    this.resize(next);
    this.s.dataSize = next;
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

/** Byte copy: a loop for short runs (cheaper than creating a subarray), `set` for long ones. */
export function copyBytes(dst: Uint8Array, dstAt: number, src: Uint8Array, srcAt: number, len: number): void {
  if (len <= 16) {
    for (let i = 0; i < len; i++) dst[dstAt + i] = src[srcAt + i];
  } else {
    dst.set(src.subarray(srcAt, srcAt + len), dstAt);
  }
}
