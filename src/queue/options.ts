import type { Codec, CodecName } from '../codec/types.js';
import { DEFAULT_CAPACITY, MAX_CAPACITY, MIN_CAPACITY } from '../shared/layout.js';
import { argTypeError, argRangeError } from '../errors.js';

export interface QueueOptions {
  /** Upper bound on the number of items; <= 0 (the default) means unbounded, as in Python. May be fractional (1.3 holds 2). */
  maxsize?: number;
  /**
   * Upper bound, in bytes, of the shared memory that holds the items (records plus a few
   * bytes of header each). The memory starts at 64 KiB and doubles as needed up to this.
   * Default 1 GiB; at most about 2 GiB.
   */
  capacity?: number;
  /** How items become bytes: a built-in codec name or a custom Codec. Default 'default'. */
  codec?: CodecName | Codec;
}

export interface AttachOptions {
  /** A custom codec must be given again when attaching (functions do not cross threads). */
  codec?: Codec;
}

export function checkOptionsObject(options: unknown, what: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) {
    throw argTypeError(`${what} must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  return options as Record<string, unknown>;
}

export function checkMaxsize(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number') throw argTypeError(`maxsize must be a number (<= 0 for unbounded), got ${typeof value}`);
  if (Number.isNaN(value)) throw argRangeError('maxsize must not be NaN (use 0 for unbounded)');
  return value;
}

export function checkCapacity(value: unknown): number {
  if (value === undefined) return DEFAULT_CAPACITY;
  if (typeof value !== 'number') throw argTypeError(`capacity must be a number of bytes, got ${typeof value}`);
  if (!Number.isInteger(value) || value < MIN_CAPACITY || value > MAX_CAPACITY) {
    throw argRangeError(`capacity must be an integer number of bytes from ${MIN_CAPACITY} to ${MAX_CAPACITY}, got ${value}`);
  }
  return value;
}

export function checkBlock(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') throw argTypeError(`block must be a boolean, got ${typeof value}`);
  return value;
}

/** putMany's items: an iterable (Array.from would also take array-likes and turn a number into []). */
export function iterableItems<T>(items: unknown): T[] {
  if (items === null || items === undefined || typeof (items as Iterable<T>)[Symbol.iterator] !== 'function') {
    throw argTypeError(`items must be an iterable (an array, a Set, a generator...), got ${items === null ? 'null' : typeof items}`);
  }
  return Array.from(items as Iterable<T>);
}

export function checkMax(value: unknown, what = 'max'): number {
  if (typeof value !== 'number') throw argTypeError(`${what} must be a positive integer, got ${typeof value}`);
  if (!Number.isInteger(value) || value < 1) throw argRangeError(`${what} must be a positive integer, got ${value}`);
  return value;
}
