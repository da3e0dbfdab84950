import { QueueCorruptError } from '../errors.js';
import { W } from '../shared/layout.js';
import { DataArea } from './memory.js';
import type { OrderingStore } from './types.js';

/**
 * FIFO: a byte ring. A record is [u32 payload length][payload], and may wrap around the
 * end of the ring byte by byte (no padding is wasted). HEAD is the offset of the oldest
 * record and USED_BYTES how many bytes follow it, so the tail is (HEAD + USED) mod size.
 *
 * Publish-last: push writes the record bytes first and USED_BYTES last; pop copies the
 * payload out before it moves HEAD and USED_BYTES. The core publishes COUNT after both.
 */
const HEADER = 4;

export class FifoRing implements OrderingStore {
  lastPriority = 0;
  private readonly area: DataArea;

  constructor(h: Int32Array, data: SharedArrayBuffer) {
    this.area = new DataArea(h, data);
  }

  recordBytes(payloadBytes: number): number {
    return payloadBytes + HEADER;
  }

  push(payload: Uint8Array, _priority: number): void {
    const { h } = this.area;
    const need = payload.length + HEADER;
    const used = h[W.USED_BYTES];
    let size = this.area.sync();
    if (used + need > size) size = this.grow(used + need);
    let tail = h[W.HEAD] + used;
    if (tail >= size) tail -= size;
    this.writeU32(tail, payload.length, size);
    tail += HEADER;
    if (tail >= size) tail -= size;
    this.copyIn(tail, payload, size);
    h[W.USED_BYTES] = used + need;
  }

  peekLength(): number {
    const { h } = this.area;
    const size = this.area.sync();
    const head = h[W.HEAD];
    const used = h[W.USED_BYTES];
    // Never trust shared memory: a head or fill level outside the ring means corruption.
    if (!(head >= 0 && head < size && used >= HEADER && used <= size)) {
      throw new QueueCorruptError(`corrupt queue memory: ring head ${head} / used ${used} outside a ring of ${size} bytes`);
    }
    return this.area.checkLength(this.readU32(head, size), used - HEADER, 'record');
  }

  pop(out: Uint8Array, at: number): number {
    const { h } = this.area;
    const size = h[W.DATA_SIZE];
    const len = this.peekLength();
    let pos = h[W.HEAD] + HEADER;
    if (pos >= size) pos -= size;
    this.copyOut(pos, len, out, at, size);
    const used = h[W.USED_BYTES] - len - HEADER;
    pos += len;
    if (pos >= size) pos -= size;
    // An empty ring restarts at 0 so that records stay contiguous as long as possible.
    h[W.HEAD] = used === 0 ? 0 : pos;
    h[W.USED_BYTES] = used;
    return len;
  }

  clear(): void {
    const { h } = this.area;
    h[W.HEAD] = 0;
    h[W.USED_BYTES] = 0;
  }

  /**
   * Grows the ring and un-wraps it: if the live bytes wrap past the old end, the part at
   * the start moves to just after the old end (or, if that does not fit, the part at the
   * end moves to the new end). Only then does DATA_SIZE change.
   */
  private grow(needed: number): number {
    const { h } = this.area;
    const old = h[W.DATA_SIZE];
    const size = this.area.growTo(needed, false);
    const { u8 } = this.area;
    const head = h[W.HEAD];
    const used = h[W.USED_BYTES];
    const wrapped = head + used - old;
    if (wrapped > 0) {
      const headPart = old - head;
      if (old + wrapped <= size && wrapped <= headPart) {
        u8.copyWithin(old, 0, wrapped);
      } else {
        u8.copyWithin(size - headPart, head, old);
        h[W.HEAD] = size - headPart;
      }
    }
    h[W.DATA_SIZE] = size;
    return size;
  }

  private writeU32(pos: number, value: number, size: number): void {
    if (pos + 4 <= size) {
      this.area.dv.setUint32(pos, value, true);
      return;
    }
    const { u8 } = this.area;
    for (let i = 0; i < 4; i++) u8[(pos + i) % size] = (value >>> (8 * i)) & 0xff;
  }

  private readU32(pos: number, size: number): number {
    if (pos + 4 <= size) return this.area.dv.getUint32(pos, true);
    const { u8 } = this.area;
    let v = 0;
    for (let i = 0; i < 4; i++) v |= u8[(pos + i) % size] << (8 * i);
    return v >>> 0;
  }

  private copyIn(pos: number, src: Uint8Array, size: number): void {
    const { u8 } = this.area;
    const first = size - pos;
    if (src.length <= first) {
      u8.set(src, pos);
    } else {
      copySmall(u8, pos, src, 0, first);
      copySmall(u8, 0, src, first, src.length - first);
    }
  }

  private copyOut(pos: number, len: number, out: Uint8Array, at: number, size: number): void {
    const { u8 } = this.area;
    const first = size - pos;
    if (len <= first) {
      copySmall(out, at, u8, pos, len);
    } else {
      copySmall(out, at, u8, pos, first);
      copySmall(out, at + first, u8, 0, len - first);
    }
  }
}

/** Byte copy: a loop for short runs (cheaper than creating a subarray), `set` for long ones. */
export function copySmall(dst: Uint8Array, dstAt: number, src: Uint8Array, srcAt: number, len: number): void {
  if (len <= 16) {
    for (let i = 0; i < len; i++) dst[dstAt + i] = src[srcAt + i];
  } else {
    dst.set(src.subarray(srcAt, srcAt + len), dstAt);
  }
}
