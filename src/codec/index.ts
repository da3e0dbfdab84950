import type { Codec, CodecName } from './types.js';
import { defaultCodec } from './default.js';
import { structuredCodec } from './structured.js';
import { bytesCodec, jsonCodec, stringCodec } from './simple.js';
import { argTypeError, argRangeError } from '../errors.js';

export type { Codec, CodecName } from './types.js';

const builtins: Record<CodecName, Codec> = {
  default: defaultCodec,
  structured: structuredCodec,
  json: jsonCodec,
  string: stringCodec as Codec,
  bytes: bytesCodec as Codec,
};

export const CODEC_NAMES = Object.keys(builtins) as CodecName[];

export function isBuiltinCodecName(name: unknown): name is CodecName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(builtins, name);
}

/**
 * Resolves the `codec` option. A custom codec must be an object with a string `name`
 * (not one of the built-in names) and `encode`/`decode` functions.
 */
export function resolveCodec(option: unknown, argName = 'codec'): Codec {
  if (option === undefined) return defaultCodec;
  if (typeof option === 'string') {
    if (isBuiltinCodecName(option)) return builtins[option];
    throw argRangeError(`${argName} must be one of ${CODEC_NAMES.map((n) => `'${n}'`).join(', ')} or a Codec object, got '${option}'`);
  }
  if (typeof option === 'object' && option !== null) {
    const c = option as Partial<Codec>;
    if (typeof c.name !== 'string' || c.name.length === 0 || typeof c.encode !== 'function' || typeof c.decode !== 'function') {
      throw argTypeError(`${argName} must be a codec name or an object { name: string, encode(value): Uint8Array, decode(bytes): value }`);
    }
    if (isBuiltinCodecName(c.name)) {
      throw argRangeError(`a custom codec cannot use the built-in name '${c.name}': pick another name`);
    }
    return c as Codec;
  }
  throw argTypeError(`${argName} must be a codec name or a Codec object, got ${typeof option}`);
}
