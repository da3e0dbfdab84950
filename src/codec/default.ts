import { Buffer } from 'node:buffer';
import { Packr, RESERVE_START_SPACE, REUSE_BUFFER_MODE } from 'msgpackr';
import type { Codec, EncodedRun, NumberPacker, RangeDecoder, RunEncoder } from './types.js';
import { QueueCodecError, QueueCorruptError, QueueLockedError } from '../errors.js';
import { decodeStructured, describe, encodeStructured } from './structured.js';
import { detachedError, isDetached } from './simple.js';
import { pad8 } from '../shared/layout.js';
import { MAX_SHARED, shouldShare, StructureStoreFullError, type StructureStore } from './structures.js';

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
 *
 * A top-level Uint8Array (or Buffer) takes a raw path: [0xFF, 0x00, ...bytes]. V8's
 * second byte is its format version, never 0, so the two cannot be confused; it decodes
 * to a Uint8Array with memory of its own, as structured clone gives (a Buffer comes back
 * as a Uint8Array, also as structured clone does). About 5x cheaper than V8 for 64 KiB.
 */
/**
 * A queue's default codec encodes objects as msgpackr records whose key lists (structures)
 * the queue's threads share (./structures.ts): see bindCodec() in src/queue/view.ts. Without a store (a
 * codec used on its own, outside a queue) objects are plain msgpack maps.
 */
function makePackr(store: StructureStore | null): Packr {
  if (store === null) return new Packr({ useRecords: false, moreTypes: false });
  return new Packr({
    moreTypes: false,
    maxSharedStructures: MAX_SHARED,
    shouldShareStructure: shouldShare,
    getStructures: () => store.load(),
    saveStructures: (list) => {
      // msgpackr hands its compatibility check over on the list (and as a second argument).
      const structures = list as string[][] & { isCompatible?: (existing: string[][]) => boolean };
      if (typeof structures.isCompatible !== 'function') throw new Error('msgpackr did not provide isCompatible with its structures');
      return store.save(structures, structures.isCompatible);
    },
  });
}

/** Containers deeper than this are left to V8 (it copes with deep nesting, our walk would recurse). */
const MAX_DEPTH = 64;

/**
 * Containers already visited in this walk. Most items have a handful of containers, so a
 * short list scanned linearly is cheaper than a Set; past SMALL entries a Set takes over.
 */
const SMALL = 16;
const seenList: object[] = [];
let seenCount = 0;
let seenSet: Set<object> | null = null;

/** Records `obj` as visited; false if it was visited before (a cycle or a shared reference). */
function visit(obj: object): boolean {
  if (seenSet !== null) {
    if (seenSet.has(obj)) return false;
    seenSet.add(obj);
    return true;
  }
  for (let i = 0; i < seenCount; i++) if (seenList[i] === obj) return false;
  if (seenCount < SMALL) {
    seenList[seenCount++] = obj;
    return true;
  }
  seenSet = new Set(seenList);
  seenSet.add(obj);
  return true;
}

function resetVisited(): void {
  for (let i = 0; i < seenCount; i++) seenList[i] = undefined as unknown as object;
  seenCount = 0;
  seenSet = null;
}

/** What kind of value the plain-data walk sees: a leaf it accepts, one it refuses, or a container to walk. */
const LEAF_OK = 1;
const REFUSED = 0;
const CONTAINER = 2;

function classify(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return value.isWellFormed() ? LEAF_OK : REFUSED;
    case 'number':
      return value !== 0 || 1 / value > 0 ? LEAF_OK : REFUSED; // -0 would come back as 0
    case 'boolean':
    case 'undefined':
      return LEAF_OK;
    case 'object':
      return value === null ? LEAF_OK : CONTAINER;
    default:
      return REFUSED; // bigint, symbol, function
  }
}

/** Leaves are checked in the container's loop (no call per leaf: about a fifth of the walk's time). */
function isPlainContainer(value: object, depth: number): boolean {
  if (depth > MAX_DEPTH || !visit(value)) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      if (element === undefined && !(i in value)) return false; // a hole
      const kind = classify(element);
      if (kind === REFUSED || (kind === CONTAINER && !isPlainContainer(element as object, depth + 1))) return false;
    }
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) {
    if (key === '__proto__') return false;
    const element: unknown = (value as Record<string, unknown>)[key];
    const kind = classify(element);
    if (kind === REFUSED || (kind === CONTAINER && !isPlainContainer(element as object, depth + 1))) return false;
  }
  return true;
}

function isPlain(value: unknown): boolean {
  const kind = classify(value);
  return kind === LEAF_OK || (kind === CONTAINER && isPlainContainer(value as object, 0));
}

/*
 * Numbers skip msgpackr's per-call set-up: they are written directly in msgpack's own
 * forms (positive fixint, int32 0xd2, float64 0xcb; big-endian), which msgpackr also
 * reads. float64 keeps -0, NaN and the infinities exactly. One-byte forms stop at 0x3f:
 * with records, the bytes 0x40-0x7f refer to structures (a lone 0x40 is `{}` once `{}`'s
 * empty key list is the first structure), so 64-127 take the int32 form.
 */
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Writes `value` as encodeNumber would, into `out` at `at` (room for 9 bytes); returns the byte count. */
export function encodeNumberInto(value: number, out: Uint8Array, at: number): number {
  if (value >= 0 && value < 0x40 && Number.isInteger(value) && !Object.is(value, -0)) {
    out[at] = value;
    return 1;
  }
  if ((value | 0) === value && !Object.is(value, -0)) {
    out[at] = 0xd2;
    out[at + 1] = value >>> 24;
    out[at + 2] = value >>> 16;
    out[at + 3] = value >>> 8;
    out[at + 4] = value;
    return 5;
  }
  out[at] = 0xcb;
  f64[0] = value;
  for (let i = 0; i < 8; i++) out[at + 1 + i] = f64Bytes[LITTLE_ENDIAN ? 7 - i : i];
  return 9;
}

/** One number's bytes (see encodeNumberInto), in an array of its own. */
const numberScratch = new Uint8Array(9);
function encodeNumber(value: number): Uint8Array {
  return numberScratch.slice(0, encodeNumberInto(value, numberScratch, 0));
}

function decodeNumber(b: Uint8Array, start: number, len: number): number | undefined {
  const b0 = b[start];
  if (len === 1 && b0 < 0x40) return b0;
  if (len === 5 && b0 === 0xd2) return (b[start + 1] << 24) | (b[start + 2] << 16) | (b[start + 3] << 8) | b[start + 4];
  if (len === 9 && b0 === 0xcb) {
    for (let i = 0; i < 8; i++) f64Bytes[LITTLE_ENDIAN ? 7 - i : i] = b[start + 1 + i];
    return f64[0];
  }
  return undefined;
}

function encodeRawBytes(value: Uint8Array): Uint8Array {
  if (isDetached(value.buffer)) throw detachedError();
  const out = new Uint8Array(value.length + 2);
  out[0] = 0xff;
  out[1] = 0x00;
  out.set(value, 2);
  return out;
}

/** Plain data that msgpackr encodes (numbers have their own forms, see encodeNumberInto). */
function isPackable(value: unknown): boolean {
  if (typeof value === 'number') return false;
  try {
    return isPlain(value);
  } finally {
    resetVisited();
  }
}

/*
 * Where msgpackr writes. msgpackr keeps one output buffer and position per thread (module
 * state shared by all its Packr instances, ours and any other library's), never writes
 * below its position in a buffer, and moves on to a fresh buffer of its own when one runs
 * low. But another msgpackr user in the thread may point it at a buffer of theirs
 * (useBuffer) and later rewind that buffer, and our encoded bytes must stay intact until
 * the queue has copied them, which for an async put can be after an await. So the default
 * codec has msgpackr write into an arena of ours (one per thread, 16 KiB to 1 MiB, never
 * handed to msgpackr twice) and keeps only output that lies in it; anything else (msgpackr
 * moved on, somebody else's buffer, a view msgpackr returns right after saving a new
 * structure) is copied, or for a run, encoded again item by item.
 *
 * Runs (encodeRun): msgpackr writes item after item into the arena, each on an 8-byte
 * boundary (msgpackr aligns every start) after `reserve` bytes it skips
 * (RESERVE_START_SPACE), and returns the arena with the item's start and end on it
 * (REUSE_BUFFER_MODE) instead of a new view per item. A run counts only if its items lie
 * back to back in the arena.
 *
 * useBuffer must never be called while a pack is in progress (a getter of the value being
 * packed can put to a queue): `packing` counts this module's packs in progress, and the
 * arena is only set up at depth 0; nested packs go through msgpackr's own save-and-restore
 * (a fresh buffer) and their output is copied. A pack by another library's msgpackr whose
 * getters put a batch on a queue cannot be seen from here; that is msgpackr's own
 * reentrancy limit.
 */
/** msgpackr starts a fresh buffer of its own when fewer bytes than this are left in its buffer. */
const MSGPACKR_START_ROOM = 0x800 + 16;
/** Arena sizes (multiples of 8); runs that may need more than ARENA_MAX by the estimate are encoded item by item. */
const ARENA_MIN = 16 * 1024;
const ARENA_MAX = 1024 * 1024;
/** The most room a single item's encode asks of the arena. */
const SINGLE_ROOM_MAX = 4096;
/** The buffer this module last handed to msgpackr (null: hand it a new one). */
let arena: Buffer | null = null;
/** This module's packr.pack calls in progress. */
let packing = 0;

/** Makes sure msgpackr writes into an arena with `need` bytes free, as far as this module can tell; false inside a pack. */
function armArena(packr: Packr, need: number): boolean {
  if (packing > 0) return false;
  if (arena === null || arena.length - packr.position < need) {
    arena = Buffer.allocUnsafeSlow(Math.min(ARENA_MAX, Math.max(ARENA_MIN, 4 * Math.ceil(need))) & ~7);
    packr.useBuffer(arena);
  }
  return true;
}

/** What packr.pack returns in REUSE_BUFFER_MODE: its buffer with the item's start and end on it (or a view, see above). */
type PackOutput = Uint8Array & { start?: number; end?: number };

/** The default codec with its own msgpackr instance; objects as records of `store`'s structures if given. */
export function createDefaultCodec(store: StructureStore | null): Codec & RangeDecoder & NumberPacker & RunEncoder {
  const packr = makePackr(store);
  /** A running average of an item's encoded size (every msgpack encode counts), to size arenas. */
  let itemBytes = 64;
  const learnSize = (bytes: number): void => {
    itemBytes += (bytes - itemBytes) / 8;
  };

  const encodeRun = (items: readonly unknown[], reserve: number): EncodedRun | null => {
    const n = items.length;
    if (n === 0 || !(reserve >= 0 && reserve <= 0xff && reserve % 8 === 0)) return null;
    const need = n * (2 * itemBytes + reserve + 8) + MSGPACKR_START_ROOM;
    if (need > ARENA_MAX) return null;
    for (let i = 0; i < n; i++) if (!isPackable(items[i])) return null;
    if (!armArena(packr, need)) return null;
    const into = arena as Buffer;
    const starts = new Array<number>(n);
    const ends = new Array<number>(n);
    const flags = REUSE_BUFFER_MODE | RESERVE_START_SPACE | reserve;
    packing++;
    try {
      for (let i = 0; i < n; i++) {
        const out: PackOutput = packr.pack(items[i], flags);
        const at = out.start;
        const end = out.end;
        if (out !== into || typeof at !== 'number' || typeof end !== 'number' || (i > 0 && at !== pad8(ends[i - 1]))) {
          arena = null;
          return null;
        }
        learnSize(end - at - reserve);
        starts[i] = at;
        ends[i] = end;
      }
    } catch {
      arena = null; // set msgpackr up again next time
      return null; // encoding item by item reports the error (or takes V8's path)
    } finally {
      packing--;
    }
    return { bytes: into, starts, ends };
  };

  /** msgpack bytes for plain `value`: a view of the arena, or a copy of our own (see above). */
  const pack = (value: unknown): Uint8Array => {
    // Room for a typical item, bounded: after a huge item the average stays high for a
    // while, and small items must not take a fresh arena each. An item bigger than the
    // room left moves msgpackr to a buffer of its own, and is copied from there.
    armArena(packr, Math.min(2 * itemBytes, SINGLE_ROOM_MAX) + MSGPACKR_START_ROOM);
    const into = arena;
    let out: PackOutput;
    packing++;
    try {
      out = packr.pack(value, REUSE_BUFFER_MODE);
    } finally {
      packing--;
    }
    let bytes: Uint8Array;
    if (into !== null && out === into && typeof out.start === 'number' && typeof out.end === 'number') {
      bytes = into.subarray(out.start, out.end);
    } else {
      arena = null;
      const from = typeof out.start === 'number' ? out.start : 0;
      const to = typeof out.end === 'number' ? out.end : out.length;
      bytes = Uint8Array.prototype.slice.call(out, from, to);
    }
    learnSize(bytes.length);
    return bytes;
  };

  const encode = (value: unknown): Uint8Array => {
    if (typeof value === 'number') return encodeNumber(value);
    if (value instanceof Uint8Array && (value.constructor === Uint8Array || value.constructor === Buffer)) return encodeRawBytes(value);
    if (!isPackable(value)) return encodeStructured(value);
    try {
      return pack(value);
    } catch (cause) {
      arena = null;
      // The structures store is full (pathological key lists): V8 encodes plain data too.
      if (cause instanceof StructureStoreFullError) return encodeStructured(value);
      if (cause instanceof QueueCorruptError || cause instanceof QueueLockedError) throw cause; // from the structures store
      throw new QueueCodecError(`cannot encode item: ${describe(cause)}`, { cause });
    }
  };

  const decodeRange = (bytes: Uint8Array, start: number, end: number): unknown => {
    const len = end - start;
    if (len > 1 && bytes[start] === 0xff) {
      if (bytes[start + 1] === 0x00) return bytes.slice(start + 2, end);
      return decodeStructured(bytes.subarray(start, end));
    }
    const n = decodeNumber(bytes, start, len);
    if (n !== undefined) return n;
    try {
      return packr.unpack(bytes, { start, end });
    } catch (cause) {
      if (cause instanceof QueueCorruptError) throw cause; // from the structures store
      throw new QueueCodecError(`cannot decode item: ${describe(cause)}`, { cause });
    }
  };

  return { name: 'default', encode, decode: (bytes: Uint8Array) => decodeRange(bytes, 0, bytes.length), decodeRange, encodeNumberInto, encodeRun };
}

/** The default codec outside a queue (no shared structures): objects are plain msgpack maps. */
export const defaultCodec: Codec & RangeDecoder & NumberPacker & RunEncoder = createDefaultCodec(null);
