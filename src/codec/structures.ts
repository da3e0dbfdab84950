import { Packr } from 'msgpackr';
import { QueueCorruptError } from '../errors.js';
import { lock, unlock } from '../shared/lock.js';
import { pad8, STRUCTURES_MAX } from '../shared/layout.js';

/**
 * The record structures a queue's default codec shares between threads.
 *
 * msgpackr encodes an object whose key list it has seen before as a one-byte reference to
 * that "structure" followed by the values only, and decodes it with a reader compiled for
 * that key list: for the ~100-byte bench object, encoding is about 35% and decoding about
 * 60% cheaper than plain msgpack maps. Both sides must know the structures, so a queue's
 * structures live in shared memory and every thread's encoder and decoder reads them from
 * there (msgpackr's getStructures/saveStructures hooks, made for several processes sharing
 * one store).
 *
 * Memory (sizes in src/shared/layout.ts): one growable SharedArrayBuffer per queue (STRUCTURES_INITIAL bytes, at most
 * STRUCTURES_MAX). Int32 word 0 (LATEST) is the byte offset of the current entry, 0 when no
 * structure is stored yet. An entry, 8-byte aligned from ENTRIES_START on, is
 * [u32 byte length][msgpack of the whole list, string[][]]. Entries are only appended:
 * a save writes the complete new list after the current entry and then publishes it by
 * storing its offset in LATEST (the commit). So
 *  - readers take no lock: what LATEST points at is complete and is never written again;
 *  - a writer killed before the commit leaves bytes past the current entry that nobody
 *    reads (the next save writes over them), and one killed after it has saved;
 *  - writers exclude each other with the queue's own lock (owner-tagged, released by
 *    recoverThread when its holder dies; see src/shared/lock.ts). Saves are rare: one per
 *    new key list, at most MAX_SHARED of them per queue.
 * msgpackr only ever appends to the list, and refuses to save over a list that changed
 * since it last loaded it (isCompatible), so concurrent writers never lose a structure.
 */
const LATEST = 0;
const ENTRIES_START = 8;
/** Structures shared per queue (msgpackr's default). Objects of other shapes still work: their key lists travel inline. */
export const MAX_SHARED = 32;
/** Key lists longer than this (in keys, or in characters in all) are never shared, which bounds the store. */
const MAX_SHARED_KEYS = 64;
const MAX_SHARED_KEY_CHARS = 2048;

/** Plain msgpack for the lists themselves (no records: a list must decode without structures). */
const listCodec = new Packr({ useRecords: false, moreTypes: false });

/** Thrown by a save that would not fit in the store: the item is then encoded without msgpack (see default.ts). */
export class StructureStoreFullError extends Error {
  constructor(bytes: number) {
    super(`the queue's shared record structures would need ${bytes} bytes (max ${STRUCTURES_MAX})`);
    this.name = 'StructureStoreFullError';
  }
}


/** msgpackr's shouldShareStructure: keeps very long key lists out of the store. */
export function shouldShare(keys: readonly string[]): boolean {
  if (keys.length > MAX_SHARED_KEYS) return false;
  let chars = 0;
  for (const k of keys) chars += k.length;
  return chars <= MAX_SHARED_KEY_CHARS;
}

/** One thread's access to one queue's stored structures. */
export class StructureStore {
  private readonly i32: Int32Array;

  constructor(
    private readonly memory: SharedArrayBuffer,
    /** The queue's header words, for its lock. */
    private readonly header: Int32Array,
  ) {
    this.i32 = new Int32Array(memory, 0, 2);
  }

  /** The stored list (a fresh array each call, as msgpackr expects). */
  load(): string[][] {
    return this.readAt(Atomics.load(this.i32, LATEST));
  }

  /**
   * msgpackr's saveStructures: stores `list` unless the stored list changed since this
   * thread last loaded it; then returns false, and msgpackr reloads and encodes again.
   */
  save(list: string[][], isCompatible: (existing: string[][]) => boolean): boolean {
    const bytes = listCodec.pack(plainLists(list));
    lock(this.header);
    try {
      const latest = Atomics.load(this.i32, LATEST);
      if (!isCompatible(this.readAt(latest))) return false;
      const at = latest === 0 ? ENTRIES_START : pad8(latest + 4 + this.lengthAt(latest));
      const end = at + 4 + bytes.length;
      if (end > this.memory.byteLength) {
        if (end > STRUCTURES_MAX) throw new StructureStoreFullError(end);
        this.memory.grow(Math.min(STRUCTURES_MAX, Math.max(end, this.memory.byteLength * 2)));
      }
      new DataView(this.memory).setUint32(at, bytes.length, true);
      new Uint8Array(this.memory, at + 4, bytes.length).set(bytes);
      Atomics.store(this.i32, LATEST, at); // the commit
      return true;
    } finally {
      unlock(this.header);
    }
  }

  private lengthAt(at: number): number {
    const size = this.memory.byteLength;
    if (!(at >= ENTRIES_START && at % 8 === 0 && at + 4 <= size)) {
      throw new QueueCorruptError(`corrupt record structures: entry offset ${at} outside a store of ${size} bytes`);
    }
    const len = new DataView(this.memory).getUint32(at, true);
    if (at + 4 + len > size) throw new QueueCorruptError(`corrupt record structures: entry of ${len} bytes at ${at} runs past the store (${size} bytes)`);
    return len;
  }

  private readAt(at: number): string[][] {
    if (at === 0) return [];
    const len = this.lengthAt(at);
    // A private copy: the decoder must never read shared memory another thread may write.
    const bytes = new Uint8Array(this.memory, at + 4, len).slice();
    let list: unknown;
    try {
      list = listCodec.unpack(bytes);
    } catch (cause) {
      throw new QueueCorruptError(`corrupt record structures: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
    if (!Array.isArray(list) || list.length > MAX_SHARED || !list.every((keys) => Array.isArray(keys) && keys.every((k) => typeof k === 'string'))) {
      throw new QueueCorruptError('corrupt record structures: not a list of key lists');
    }
    return list as string[][];
  }
}

/** msgpackr's lists carry extra properties (highByte, isShared): store the keys only. */
function plainLists(list: readonly (readonly string[])[]): string[][] {
  return list.map((keys) => Array.from(keys));
}

