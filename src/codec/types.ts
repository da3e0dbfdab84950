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

/** The built-in codecs, by name. */
export type CodecName = 'default' | 'structured' | 'json' | 'string' | 'bytes';
