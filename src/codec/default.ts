import { Packr } from 'msgpackr';
import type { Codec } from './types.js';
import { QueueCodecError } from '../errors.js';
import { decodeStructured, describe, encodeStructured } from './structured.js';

/**
 * The default codec: msgpack (msgpackr) for plain data, V8 structured clone for the rest.
 *
 * "Plain data" is what msgpack round-trips exactly: strings (well-formed UTF-16),
 * numbers other than -0, booleans, null, undefined, dense arrays and plain objects,
 * with no object reached twice (so no cycles and no shared references). A quick walk
 * decides; anything else (Map, Set, Date, typed arrays, BigInt, class instances, cycles,
 * ...) goes to `v8.serialize`, so every value structured clone accepts is accepted and
 * comes back as structured clone would return it.
 *
 * No tag byte is needed: `v8.serialize` output always starts with 0xFF and is at least
 * two bytes long, while the only msgpack encoding that starts with 0xFF is the one-byte
 * number -1.
 */
const packr = new Packr({ useRecords: false, moreTypes: false });

/** Containers deeper than this are left to V8 (it copes with deep nesting, our walk would recurse). */
const MAX_DEPTH = 64;

const seen = new Set<object>();

function isPlain(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      return value.isWellFormed();
    case 'number':
      return value !== 0 || 1 / value > 0; // -0 would come back as 0
    case 'boolean':
    case 'undefined':
      return true;
    case 'object': {
      if (value === null) return true;
      if (depth > MAX_DEPTH || seen.has(value)) return false;
      seen.add(value);
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) {
          const element: unknown = value[i];
          if (element === undefined && !(i in value)) return false; // a hole
          if (!isPlain(element, depth + 1)) return false;
        }
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (key === '__proto__') return false;
        if (!isPlain((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false; // bigint, symbol, function
  }
}

export function encodeDefault(value: unknown): Uint8Array {
  let plain: boolean;
  try {
    plain = isPlain(value, 0);
  } finally {
    seen.clear();
  }
  if (!plain) return encodeStructured(value);
  try {
    return packr.pack(value);
  } catch (cause) {
    throw new QueueCodecError(`cannot encode item: ${describe(cause)}`, { cause });
  }
}

export function decodeDefault(bytes: Uint8Array): unknown {
  if (bytes.length > 1 && bytes[0] === 0xff) return decodeStructured(bytes);
  try {
    return packr.unpack(bytes);
  } catch (cause) {
    throw new QueueCodecError(`cannot decode item: ${describe(cause)}`, { cause });
  }
}

export const defaultCodec: Codec = {
  name: 'default',
  encode: encodeDefault,
  decode: decodeDefault,
};
