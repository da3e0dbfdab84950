import type { QueueState } from '../shared/state.js';
import { DataArea, pad8 } from './memory.js';
import { copyBytes } from './fifo.js';
import type { OrderingStore } from './types.js';

/**
 * Priority: a binary min-heap of fixed-size entries (index buffer) pointing at payloads
 * in an arena (data buffer). Ordered by (priority, seq): lowest priority first, and equal
 * priorities in insertion order, because seq (the state's nextSeq) only grows.
 *
 * Index entry i (32 bytes): f64 priority | f64 seq | u32 arena offset | u32 payload length.
 * Arena record: [u32 payload length][u32 heap index of its entry, FREE once popped][payload,
 * padded to a multiple of 8] (8-byte aligned, see pad8).
 * The arena is a bump allocator (HEAD = top); popped records become garbage and are
 * squeezed out by compact() when the arena would otherwise have to grow. Each record's
 * back-pointer lets compaction fix up the entry that points at a moved record.
 * The state's `head` is the arena top, `tail` the arena's live bytes, `count` (kept by the
 * core) the number of entries.
 *
 * Crash safety: new payloads are written above the committed arena top, but sifting the
 * heap, marking popped records free and compaction change shared memory in place, so a
 * thread killed inside a priority operation can leave the heap inconsistent (a known limit;
 * FIFO and LIFO have none).
 */
export const ENTRY_BYTES = 32;
const ARENA_HEADER = 8;
const FREE = 0xffffffff;

export class PriorityHeap implements OrderingStore {
  lastPriority = 0;
  private readonly area: DataArea;
  // Fixed-length views of the index (see DataArea for why not length-tracking ones).
  private f64: Float64Array;
  private u32: Uint32Array;

  constructor(
    private readonly s: QueueState,
    data: SharedArrayBuffer,
    private readonly index: SharedArrayBuffer,
  ) {
    this.area = new DataArea(s, data);
    this.f64 = new Float64Array(index, 0, index.byteLength / 8);
    this.u32 = new Uint32Array(index, 0, index.byteLength / 4);
  }

  /** Makes the index views cover `entries` entries, growing the index buffer if needed. */
  private syncIndex(entries: number): void {
    const bytes = entries * ENTRY_BYTES;
    if (bytes <= this.u32.byteLength) return;
    if (bytes > this.index.byteLength) {
      this.index.grow(Math.min(this.index.maxByteLength, Math.max(this.index.byteLength * 2, bytes)));
    }
    this.f64 = new Float64Array(this.index, 0, this.index.byteLength / 8);
    this.u32 = new Uint32Array(this.index, 0, this.index.byteLength / 4);
  }

  recordBytes(payloadBytes: number): number {
    return pad8(payloadBytes) + ARENA_HEADER + ENTRY_BYTES;
  }

  push(payload: Uint8Array, priority: number): void {
    const { s } = this;
    const n = s.count;
    this.syncIndex(n + 1);
    this.area.sync();
    const need = pad8(payload.length) + ARENA_HEADER;
    let top = s.head;
    if (top + need > s.dataSize) {
      // Compact when at least half the arena is garbage, or when growing could not make
      // room anyway; otherwise grow (amortized O(1) per push either way).
      const garbage = top - s.tail;
      if (garbage > 0 && (garbage >= top / 2 || top + need > this.area.buffer.maxByteLength)) top = this.compact();
      if (top + need > s.dataSize) this.area.growTo(top + need);
    }
    const { u8, dv } = this.area;
    dv.setUint32(top, payload.length, true);
    dv.setUint32(top + 4, n, true);
    u8.set(payload, top + ARENA_HEADER);
    s.head = top + need;
    s.tail += need;
    s.used += need + ENTRY_BYTES;
    const seq = s.nextSeq;
    s.nextSeq = seq + 1;
    this.setEntry(n, priority, seq, top, payload.length);
    this.siftUp(n);
  }

  peekLength(): number {
    this.area.sync();
    this.syncIndex(this.s.count);
    this.checkEntry(0);
    return this.u32[5];
  }

  pop(out: Uint8Array, at: number): number {
    this.peekLength(); // syncs the views and checks the root entry
    const { s } = this;
    const { u8, dv } = this.area;
    const n = s.count;
    const offset = this.u32[4];
    const len = this.u32[5];
    this.lastPriority = this.f64[0];
    copyBytes(out, at, u8, offset + ARENA_HEADER, len);
    dv.setUint32(offset + 4, FREE, true);
    s.tail -= pad8(len) + ARENA_HEADER;
    s.used -= pad8(len) + ARENA_HEADER + ENTRY_BYTES;
    if (n === 1) {
      s.head = 0; // arena empty: restart at 0
      s.tail = 0;
    } else {
      this.moveEntry(n - 1, 0);
      this.siftDown(0, n - 1);
    }
    return len;
  }

  clear(): void {
    this.s.head = 0;
    this.s.tail = 0;
    this.s.used = 0;
  }

  /** Slides live records down over garbage, fixing their entries; returns the new top. */
  private compact(): number {
    this.area.sync();
    const { s } = this;
    const { u8, dv } = this.area;
    const top = s.head;
    let src = 0;
    let dst = 0;
    while (src < top) {
      const len = this.area.checkLength(dv.getUint32(src, true), top - src - ARENA_HEADER, 'arena record');
      const owner = dv.getUint32(src + 4, true);
      const size = pad8(len) + ARENA_HEADER;
      if (owner !== FREE) {
        if (owner >= s.count) this.area.checkLength(owner, s.count - 1, 'heap index');
        if (src !== dst) u8.copyWithin(dst, src, src + size);
        this.u32[owner * 8 + 4] = dst;
        dst += size;
      }
      src += size;
    }
    s.head = dst;
    return dst;
  }

  private checkEntry(i: number): void {
    const off = this.u32[i * 8 + 4];
    const len = this.u32[i * 8 + 5];
    this.area.checkLength(len, this.s.head - ARENA_HEADER, 'record');
    this.area.checkLength(off + ARENA_HEADER + len, this.s.head, 'record end');
  }

  private less(a: number, b: number): boolean {
    const pa = this.f64[a * 4];
    const pb = this.f64[b * 4];
    return pa < pb || (pa === pb && this.f64[a * 4 + 1] < this.f64[b * 4 + 1]);
  }

  private setEntry(i: number, priority: number, seq: number, offset: number, len: number): void {
    this.f64[i * 4] = priority;
    this.f64[i * 4 + 1] = seq;
    this.u32[i * 8 + 4] = offset;
    this.u32[i * 8 + 5] = len;
  }

  /** Copies entry `from` into slot `to` and points its arena record back at `to`. */
  private moveEntry(from: number, to: number): void {
    const { f64, u32 } = this;
    f64[to * 4] = f64[from * 4];
    f64[to * 4 + 1] = f64[from * 4 + 1];
    u32[to * 8 + 4] = u32[from * 8 + 4];
    u32[to * 8 + 5] = u32[from * 8 + 5];
    this.area.dv.setUint32(u32[to * 8 + 4] + 4, to, true);
  }

  private swap(a: number, b: number): void {
    const { f64, u32 } = this;
    const p = f64[a * 4];
    const s = f64[a * 4 + 1];
    const o = u32[a * 8 + 4];
    const l = u32[a * 8 + 5];
    this.moveEntry(b, a);
    f64[b * 4] = p;
    f64[b * 4 + 1] = s;
    u32[b * 8 + 4] = o;
    u32[b * 8 + 5] = l;
    this.area.dv.setUint32(o + 4, b, true);
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number, n: number): void {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const child = r < n && this.less(r, l) ? r : l;
      if (!this.less(child, i)) return;
      this.swap(i, child);
      i = child;
    }
  }
}
