import { QueueCorruptError } from '../errors.js';
import type { QueueState } from '../shared/state.js';
import { pad8 } from '../shared/layout.js';
import { copyBytes, DataArea } from './memory.js';
import type { OrderingStore } from './types.js';
import type { TakeBuffer } from './take-buffer.js';
import type { EncodedRun } from '../codec/types.js';

/**
 * FIFO: a byte ring. A record is [u32 payload length, little-endian][u32 0][payload,
 * padded to a multiple of 8]: records and payloads start 8-byte aligned (see pad8), so the
 * header never straddles the end of the ring, while a payload may wrap around it. `head`
 * is the offset of the oldest record and `used` how many bytes follow it, so the tail is
 * (head + used) mod dataSize.
 *
 * Crash safety: push writes only into the free part of the ring; pop only reads. The
 * new head/used take effect when the core commits the state.
 */
const HEADER = 8;

export class FifoRing implements OrderingStore {
  lastPriority = 0;
  private readonly area: DataArea;

  constructor(private readonly s: QueueState, data: SharedArrayBuffer) {
    this.area = new DataArea(s, data);
  }

  /** Nothing to prepare: the ring never changes memory the committed state looks at. */
  begin(): void {}

  afterCommit(): void {}

  recordBytes(payloadBytes: number): number {
    return pad8(payloadBytes) + HEADER;
  }

  push(payload: Uint8Array, _priority: number): void {
    const { s } = this;
    const need = pad8(payload.length) + HEADER;
    let size = this.area.sync();
    if (s.used + need > size) size = this.grow(s.used + need);
    let tail = s.head + s.used;
    if (tail >= size) tail -= size;
    this.writeU32(tail, payload.length, size);
    tail += HEADER;
    if (tail >= size) tail -= size;
    this.copyIn(tail, payload, 0, payload.length, size);
    s.used += need;
  }

  /**
   * Appends records already in ring format (bytes[start, end), see PackedRecords below)
   * with one copy, or two where the ring wraps. Records start at 8-byte
   * offsets and the ring size is a multiple of 8, so a wrap never splits a header.
   */
  pushRun(bytes: Uint8Array, start: number, end: number): void {
    const { s } = this;
    const need = end - start;
    let size = this.area.sync();
    if (s.used + need > size) size = this.grow(s.used + need);
    let tail = s.head + s.used;
    if (tail >= size) tail -= size;
    this.copyIn(tail, bytes, start, need, size);
    s.used += need;
  }

  peekLength(): number {
    const { s } = this;
    const size = this.syncChecked();
    return this.area.checkLength(this.readU32(s.head, size), s.used - HEADER, 'record');
  }

  pop(out: Uint8Array, at: number, len: number): void {
    const { s } = this;
    const size = s.dataSize;
    let pos = s.head + HEADER;
    if (pos >= size) pos -= size;
    this.copyOut(pos, len, out, at, size);
    s.used -= pad8(len) + HEADER;
    pos += pad8(len);
    if (pos >= size) pos -= size;
    // An empty ring restarts at 0 so that records stay contiguous as long as possible.
    s.head = s.used === 0 ? 0 : pos;
  }

  takeRun(max: number, maxLen: number, out: TakeBuffer): number {
    const { s } = this;
    const size = this.syncChecked();
    // Walk the headers (never trusting a length), then copy the whole run at once.
    let pos = s.head;
    let span = 0;
    let k = 0;
    while (k < max && span < s.used) {
      const len = this.area.checkLength(this.readU32(pos, size), s.used - span - HEADER, 'record');
      if (len > maxLen) break;
      const rec = pad8(len) + HEADER;
      if (span + rec > s.used) throw new QueueCorruptError(`corrupt queue memory: a record of ${len} bytes runs past the ${s.used} bytes in use`);
      out.starts[k] = span + HEADER;
      out.lengths[k] = len;
      out.priorities[k] = 0;
      out.owned[k] = undefined;
      span += rec;
      pos += rec;
      if (pos >= size) pos -= size;
      k++;
    }
    if (k === 0) return 0;
    if (out.scratch.length < span) out.scratch = new Uint8Array(Math.max(out.scratch.length * 2, span));
    this.copyOut(s.head, span, out.scratch, 0, size);
    s.used -= span;
    // An empty ring restarts at 0 so that records stay contiguous as long as possible.
    s.head = s.used === 0 ? 0 : pos;
    return k;
  }

  /** Syncs the views; a head or fill level outside the ring (never trust shared memory) is corruption. Records exist. */
  private syncChecked(): number {
    const { s } = this;
    const size = this.area.sync();
    if (!(s.head >= 0 && s.head < size && s.used >= HEADER && s.used <= size)) {
      throw new QueueCorruptError(`corrupt queue memory: ring head ${s.head} / used ${s.used} outside a ring of ${size} bytes`);
    }
    return size;
  }

  clear(): void {
    this.s.head = 0;
    this.s.used = 0;
  }

  /**
   * Grows the ring and un-wraps it. If the live bytes wrap past the old end, either the
   * part at the start moves to just after the old end, or the part at the end moves to
   * the new end. Both destinations lie past the old end, where the committed state never
   * looks, so the move is crash-safe. Only when growth is capped by capacity and neither
   * fits past the old end does the move overlap live bytes (the one non-crash-safe case).
   */
  private grow(needed: number): number {
    const { s } = this;
    const old = s.dataSize;
    const size = this.area.growTo(needed);
    const { u8 } = this.area;
    const wrapped = s.head + s.used - old;
    if (wrapped > 0) {
      const headPart = old - s.head;
      const headPartFitsPastOldEnd = size - headPart >= old;
      if (old + wrapped <= size && (wrapped <= headPart || !headPartFitsPastOldEnd)) {
        u8.copyWithin(old, 0, wrapped);
      } else {
        u8.copyWithin(size - headPart, s.head, old);
        s.head = size - headPart;
      }
    }
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

  /** Copies src[from, from + len) into the ring at `pos`, wrapping at `size`. */
  private copyIn(pos: number, src: Uint8Array, from: number, len: number, size: number): void {
    const { u8 } = this.area;
    const first = size - pos;
    if (len <= first) {
      copyBytes(u8, pos, src, from, len); // a loop for short records: cheaper than set()
    } else {
      copyBytes(u8, pos, src, from, first);
      copyBytes(u8, 0, src, from + first, len - first);
    }
  }

  private copyOut(pos: number, len: number, out: Uint8Array, at: number, size: number): void {
    const { u8 } = this.area;
    const first = size - pos;
    if (len <= first) {
      copyBytes(out, at, u8, pos, len);
    } else {
      copyBytes(out, at, u8, pos, first);
      copyBytes(out, at + first, u8, 0, len - first);
    }
  }
}

/**
 * A FIFO batch laid out exactly as the ring stores it, so that putting a run of records
 * under the lock is one copy (FifoRing.pushRun). Built before the lock is taken.
 */
export interface PackedRecords {
  bytes: Uint8Array;
  /** starts[i]: byte offset of record i; starts[count]: the end of the last one. */
  starts: number[];
}

/** Records longer than this are never packed: a large record would be copied twice for nothing. */
const PACK_MAX_RECORD = 4096;

function writeHeader(bytes: Uint8Array, at: number, len: number): void {
  bytes[at] = len;
  bytes[at + 1] = len >>> 8;
  bytes[at + 2] = len >>> 16;
  bytes[at + 3] = len >>> 24;
}

/** Encoded records packed in ring format, or null if one is longer than PACK_MAX_RECORD. */
export function packRecords(records: readonly Uint8Array[]): PackedRecords | null {
  let total = 0;
  for (const r of records) {
    if (r.length > PACK_MAX_RECORD) return null;
    total += pad8(r.length) + HEADER;
  }
  const bytes = new Uint8Array(total);
  const starts = new Array<number>(records.length + 1);
  let at = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    writeHeader(bytes, at, r.length);
    bytes.set(r, at + HEADER);
    starts[i] = at;
    at += pad8(r.length) + HEADER;
  }
  starts[records.length] = at;
  return { bytes, starts };
}

/** The header bytes before each record's payload: what a RunEncoder must leave free (EncodedRun's `reserve`). */
export const RECORD_HEADER_BYTES = HEADER;

/**
 * Items a codec encoded back to back, after RECORD_HEADER_BYTES each (EncodedRun), made
 * into ring-format records where they lie: headers written, padding zeroed, no copy.
 * The run's `starts` array becomes the result's (with the end appended).
 */
export function packRun(run: EncodedRun): PackedRecords {
  const { bytes, starts, ends } = run;
  const n = starts.length;
  for (let i = 0; i < n; i++) {
    const at = starts[i];
    writeHeader(bytes, at, ends[i] - at - HEADER);
    bytes[at + 4] = 0;
    bytes[at + 5] = 0;
    bytes[at + 6] = 0;
    bytes[at + 7] = 0;
    // The codec's buffer holds whatever was there before in the padding: the ring gets zeros.
    for (let k = ends[i], end = pad8(ends[i]); k < end; k++) bytes[k] = 0;
  }
  starts.push(pad8(ends[n - 1]));
  return { bytes, starts };
}

/** Numbers written straight into ring-format records by `write` (at most 9 bytes each): no array per item. */
export function packNumbers(items: readonly number[], write: (value: number, out: Uint8Array, at: number) => number): PackedRecords {
  const n = items.length;
  // A number takes 1, 5 or 9 bytes: a record of 16 or 24.
  let bytes = new Uint8Array(n * 16 + HEADER);
  const starts = new Array<number>(n + 1);
  let at = 0;
  for (let i = 0; i < n; i++) {
    if (at + 24 > bytes.length) {
      const bigger = new Uint8Array(Math.max(bytes.length * 2, at + 24));
      bigger.set(bytes);
      bytes = bigger;
    }
    const len = write(items[i], bytes, at + HEADER);
    writeHeader(bytes, at, len);
    starts[i] = at;
    at += pad8(len) + HEADER;
  }
  starts[n] = at;
  return { bytes, starts };
}

