import type { QueueState } from '../shared/state.js';
import { pad8 } from '../shared/layout.js';
import { copyBytes, DataArea } from './memory.js';
import type { OrderingStore } from './types.js';

/**
 * LIFO: a stack of records growing up from offset 0. A record is [payload, padded to a
 * multiple of 8][u32 length][u32 0]: the length sits on top so that pop finds it at
 * `tail - 8`, and every payload starts 8-byte aligned (see pad8). `tail` is the stack top.
 * Crash safety: push writes only above the committed top; pop only reads.
 */
const TRAILER = 8;

export class LifoStack implements OrderingStore {
  lastPriority = 0;
  private readonly area: DataArea;

  constructor(private readonly s: QueueState, data: SharedArrayBuffer) {
    this.area = new DataArea(s, data);
  }

  /** Nothing to prepare: the stack never changes memory the committed state looks at. */
  begin(): void {}

  afterCommit(): void {}

  recordBytes(payloadBytes: number): number {
    return pad8(payloadBytes) + TRAILER;
  }

  push(payload: Uint8Array, _priority: number): void {
    const { s } = this;
    const top = s.tail;
    const end = top + pad8(payload.length) + TRAILER;
    if (end > this.area.sync()) this.area.growTo(end);
    const { u8, dv } = this.area;
    u8.set(payload, top);
    dv.setUint32(end - TRAILER, payload.length, true);
    s.used = end;
    s.tail = end;
  }

  peekLength(): number {
    const size = this.area.sync();
    const top = this.s.tail;
    this.area.checkLength(top, size, 'stack');
    if (top < TRAILER) this.area.checkLength(TRAILER, top, 'stack');
    // Checked before padding: pad8 is 32-bit arithmetic. The top is a multiple of 8, so a
    // length that fits below it still fits once padded.
    return this.area.checkLength(this.area.dv.getUint32(top - TRAILER, true), top - TRAILER, 'record');
  }

  pop(out: Uint8Array, at: number, len: number): void {
    const start = this.s.tail - TRAILER - pad8(len);
    copyBytes(out, at, this.area.u8, start, len);
    this.s.tail = start;
    this.s.used = start;
  }

  clear(): void {
    this.s.tail = 0;
    this.s.used = 0;
  }
}
