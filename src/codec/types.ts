/**
 * A codec turns an item into bytes and back. Items cross threads by value: `encode`
 * runs in the putting thread before the queue lock is taken, `decode` in the getting
 * thread after it is released, on a private copy of the bytes (never on shared memory).
 */
export interface Codec<T = unknown> {
  /** Recorded in the queue's handle; `from(handle)` checks that both sides agree. */
  readonly name: string;
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

/**
 * Built-in codecs also decode straight from a range of a larger buffer, which saves a
 * subarray per item on the hot path. Internal: custom codecs get a private copy instead.
 */
export interface RangeDecoder {
  decodeRange(buffer: Uint8Array, start: number, end: number): unknown;
}

/**
 * The default codec also writes a number straight into a caller's buffer (at most 9 bytes),
 * so a batch of numbers is packed without an array per item. Internal.
 */
export interface NumberPacker {
  encodeNumberInto(value: number, out: Uint8Array, at: number): number;
}

/**
 * Items encoded back to back into one buffer (RunEncoder). Item i's bytes are
 * bytes[starts[i] + reserve, ends[i]); the `reserve` bytes before them belong to the
 * caller (room for a record header) and hold whatever the buffer held before, as do the
 * padding bytes after ends[i]. Every starts[i] is a multiple of 8, and starts[i + 1] is
 * ends[i] rounded up to a multiple of 8.
 */
export interface EncodedRun {
  bytes: Uint8Array;
  starts: number[];
  ends: number[];
}

/**
 * The default codec also encodes several items into one buffer, each after `reserve` free
 * bytes, so a FIFO put needs no array per item and no second copy before the queue's own
 * (src/order/fifo.ts packRun). Null when it cannot (an item that is not plain data, say):
 * the caller then encodes item by item. Internal.
 */
export interface RunEncoder {
  encodeRun(items: readonly unknown[], reserve: number): EncodedRun | null;
}

/** The built-in codecs, by name. */
export type CodecName = 'default' | 'structured' | 'json' | 'string' | 'bytes';
