import type { Codec } from './types.js';
import { QueueCodecError } from '../errors.js';
import { describe } from './structured.js';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

/** JSON text in UTF-8. Values JSON cannot represent (functions, symbols, BigInt, cycles) are refused. */
export const jsonCodec: Codec = {
  name: 'json',
  encode(value) {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (cause) {
      throw new QueueCodecError(`cannot encode item as JSON: ${describe(cause)}`, { cause });
    }
    if (text === undefined) {
      throw new QueueCodecError(
        `cannot encode item as JSON: a ${typeof value} has no JSON form (use the 'default' or 'structured' codec)`,
      );
    }
    return utf8Encoder.encode(text);
  },
  decode(bytes) {
    try {
      return JSON.parse(utf8Decoder.decode(bytes)) as unknown;
    } catch (cause) {
      throw new QueueCodecError(`cannot decode JSON item: ${describe(cause)}`, { cause });
    }
  },
};

/** Strings as UTF-8. Anything but a string is refused (lone surrogates become U+FFFD, as in TextEncoder). */
export const stringCodec: Codec<string> = {
  name: 'string',
  encode(value) {
    if (typeof value !== 'string') {
      throw new QueueCodecError(`the 'string' codec takes strings, got ${typeName(value)}`);
    }
    return utf8Encoder.encode(value);
  },
  decode(bytes) {
    return utf8Decoder.decode(bytes);
  },
};

/**
 * Raw bytes: a Uint8Array (or Buffer, or any ArrayBufferView / ArrayBuffer, taken as its bytes)
 * is copied in as is; `get` returns a fresh Uint8Array that owns its memory.
 */
export const bytesCodec: Codec<Uint8Array> = {
  name: 'bytes',
  encode(value: unknown) {
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      if (isDetached(ArrayBuffer.isView(value) ? value.buffer : value)) throw detachedError();
    }
    if (value instanceof Uint8Array) return value;
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return new Uint8Array(value);
    throw new QueueCodecError(`the 'bytes' codec takes a Uint8Array (or another ArrayBufferView), got ${typeName(value)}`);
  },
  decode(bytes) {
    return bytes; // already a private copy made by the queue
  },
};

/** Node 20 has no ArrayBuffer.prototype.detached: a view cannot be made on a detached buffer. */
export function isDetached(buffer: ArrayBufferLike): boolean {
  if (buffer instanceof SharedArrayBuffer || buffer.byteLength !== 0) return false; // a detached buffer has length 0
  try {
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

export function detachedError(): QueueCodecError {
  return new QueueCodecError('cannot encode a typed array or ArrayBuffer whose memory was transferred (detached)');
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
