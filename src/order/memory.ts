import { QueueCorruptError } from '../errors.js';
import { W } from '../shared/layout.js';

/**
 * Shared helpers for orderings over a growable data buffer. Views are created without
 * a length, so they track the buffer as any thread grows it.
 */
export class DataArea {
  readonly u8: Uint8Array;
  readonly dv: DataView;

  constructor(
    readonly h: Int32Array,
    readonly buffer: SharedArrayBuffer,
  ) {
    this.u8 = new Uint8Array(buffer);
    this.dv = new DataView(buffer);
  }

  get size(): number {
    return this.h[W.DATA_SIZE];
  }

  /**
   * Grows the data area so that at least `needed` bytes are usable; returns the new size.
   * Doubling keeps the number of grows logarithmic. `grow` cannot fail halfway: either the
   * buffer is longer afterwards or it throws (out of memory) and nothing changed.
   */
  growTo(needed: number): number {
    const old = this.h[W.DATA_SIZE];
    const max = this.buffer.maxByteLength;
    if (needed > max) throw new QueueCorruptError(`data area cannot hold ${needed} bytes (max ${max})`);
    let next = Math.max(old * 2, needed);
    if (next > max) next = max;
    if (this.buffer.byteLength < next) this.buffer.grow(next);
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
