import v8 from 'node:v8';
import type { Codec } from './types.js';
import { QueueCodecError } from '../errors.js';

/**
 * Exact structured-clone semantics (what `postMessage` does), using V8's serializer:
 * Map, Set, Date, RegExp, Error, typed arrays, ArrayBuffer, BigInt, cycles and shared
 * references all survive. About 4x slower than the default codec on small objects.
 */
export function encodeStructured(value: unknown): Uint8Array {
  try {
    return v8.serialize(value);
  } catch (cause) {
    throw new QueueCodecError(
      `cannot encode item: ${describe(cause)} (only values that structured clone accepts can cross threads)`,
      { cause },
    );
  }
}

export function decodeStructured(bytes: Uint8Array): unknown {
  try {
    return v8.deserialize(bytes);
  } catch (cause) {
    throw new QueueCodecError(`cannot decode item: ${describe(cause)}`, { cause });
  }
}

export const structuredCodec: Codec = {
  name: 'structured',
  encode: encodeStructured,
  decode: decodeStructured,
};

export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
