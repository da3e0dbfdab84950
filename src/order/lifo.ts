import type { QueueState } from '../shared/state.js';
import { DataArea } from './memory.js';
import { copyBytes } from './fifo.js';
import type { OrderingStore } from './types.js';

/**
 * LIFO: a stack of records growing up from offset 0. A record is [payload][u32 length]:
 * the length sits on top so that pop finds it at `tail - 4`. `tail` is the stack top.
 * Crash safety: push writes only above the committed top; pop only reads.
 */
const TRAILER = 4;

export class LifoStack implements OrderingStore {
  lastPriority = 0;
  private readonly area: DataArea;

  constructor(private readonly s: QueueState, data: SharedArrayBuffer) {
    this.area = new DataArea(s, data);
  }

  recordBytes(payloadBytes: number): number {
    return payloadBytes + TRAILER;
  }

  push(payload: Uint8Array, _priority: number): void {
    const { s } = this;
    const top = s.tail;
    const end = top + payload.length + TRAILER;
    if (end > this.area.sync()) this.area.growTo(end);
    const { u8, dv } = this.area;
    u8.set(payload, top);
    dv.setUint32(top + payload.length, payload.length, true);
    s.used = end;
    s.tail = end;
  }

  peekLength(): number {
    const size = this.area.sync();
    const top = this.s.tail;
    this.area.checkLength(top, size, 'stack');
    if (top < TRAILER) this.area.checkLength(TRAILER, top, 'stack');
    return this.area.checkLength(this.area.dv.getUint32(top - TRAILER, true), top - TRAILER, 'record');
  }

  pop(out: Uint8Array, at: number): number {
    const len = this.peekLength(); // syncs the views first
    const start = this.s.tail - TRAILER - len;
    copyBytes(out, at, this.area.u8, start, len);
    this.s.tail = start;
    this.s.used = start;
    return len;
  }

  clear(): void {
    this.s.tail = 0;
    this.s.used = 0;
  }
}
