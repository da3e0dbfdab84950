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

/** Node's documented hook for host objects (typed arrays, Buffer, DataView); @types/node omits it. */
type HostObjectReader = (this: v8.Deserializer) => ArrayBufferView;
const readHostObject = (v8.DefaultDeserializer.prototype as unknown as { _readHostObject: HostObjectReader })._readHostObject;

/**
 * v8.deserialize returns each typed array, Buffer and DataView as a VIEW of its input when
 * it is aligned (Node's DefaultDeserializer._readHostObject). The queue decodes from a
 * scratch buffer that the next take overwrites, so every view gets memory of its own here.
 */
class OwningDeserializer extends v8.DefaultDeserializer {
  _readHostObject(): ArrayBufferView {
    const view = readHostObject.call(this);
    const copy = new ArrayBuffer(view.byteLength);
    new Uint8Array(copy).set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    if (Buffer.isBuffer(view)) return Buffer.from(copy);
    if (view instanceof DataView) return new DataView(copy);
    const Ctor = view.constructor as new (buffer: ArrayBuffer) => ArrayBufferView;
    return new Ctor(copy);
  }
}

export function decodeStructured(bytes: Uint8Array): unknown {
  try {
    const deserializer = new OwningDeserializer(bytes);
    deserializer.readHeader();
    return deserializer.readValue();
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
