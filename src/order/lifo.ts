import { W } from '../shared/layout.js';
import { DataArea } from './memory.js';
import { copySmall } from './fifo.js';
import type { OrderingStore } from './types.js';

/**
 * LIFO: a stack of records growing up from offset 0. A record is [payload][u32 length]:
 * the length sits on top so that pop finds it at TAIL - 4. TAIL is the stack top and is
 * written last by push (publish-last) and first-read by pop.
 */
const TRAILER = 4;

export class LifoStack implements OrderingStore {
  lastPriority = 0;
  private readonly area: DataArea;

  constructor(h: Int32Array, data: SharedArrayBuffer) {
    this.area = new DataArea(h, data);
  }

  recordBytes(payloadBytes: number): number {
    return payloadBytes + TRAILER;
  }

  push(payload: Uint8Array, _priority: number): void {
    const { h } = this.area;
    const top = h[W.TAIL];
    const end = top + payload.length + TRAILER;
    if (end > this.area.sync()) this.area.growTo(end);
    const { u8, dv } = this.area;
    u8.set(payload, top);
    dv.setUint32(top + payload.length, payload.length, true);
    h[W.USED_BYTES] = end;
    h[W.TAIL] = end;
  }

  peekLength(): number {
    const size = this.area.sync();
    const { h, dv } = this.area;
    const top = h[W.TAIL];
    this.area.checkLength(top, size, 'stack');
    if (top < TRAILER) this.area.checkLength(TRAILER, top, 'stack');
    return this.area.checkLength(dv.getUint32(top - TRAILER, true), top - TRAILER, 'record');
  }

  pop(out: Uint8Array, at: number): number {
    const len = this.peekLength(); // syncs the views first
    const { h, u8 } = this.area;
    const start = h[W.TAIL] - TRAILER - len;
    copySmall(out, at, u8, start, len);
    h[W.TAIL] = start;
    h[W.USED_BYTES] = start;
    return len;
  }

  clear(): void {
    this.area.h[W.TAIL] = 0;
    this.area.h[W.USED_BYTES] = 0;
  }
}
