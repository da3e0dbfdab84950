/**
 * The memory layout of a queue. This file is the only place that names offsets.
 *
 * A queue is two or three SharedArrayBuffers:
 *   header  fixed, HEADER_BYTES long: Int32 control words and Float64 settings below.
 *   data    growable up to `capacity`: the item bytes, laid out by the ordering
 *           (src/order/*): a byte ring (FIFO), a stack (LIFO) or an arena (priority).
 *   index   priority queues only, growable: the binary heap of fixed-size entries, an index
 *           derived from the arena (rebuilt from it after a thread dies mid-operation).
 *
 * Every Int32 word that a thread may read without holding the lock (COUNT, SHUTDOWN,
 * the condition sequence words, the waiter counts) is read and written with Atomics.
 * Words marked "lock" are only touched while holding LOCK; the lock's acquire/release
 * (Atomics.compareExchange / Atomics.exchange) orders those plain accesses.
 */

export const MAGIC = 0x434f4e56; // 'CONV'
/** Bumped whenever the meaning of any word below changes; `from(handle)` rejects other versions. */
export const LAYOUT_VERSION = 2;

/**
 * The header is 512 bytes in 64-byte cache lines.
 *
 * Crash safety: all the state the lock protects (counts, fill level, offsets) lives in
 * two state blocks, and ACTIVE says which one is current. An operation
 * reads the active block, writes its data bytes only where the current state does not
 * look (free space, or past the old end of a grown buffer), writes the new state into
 * the other block, and then advances ACTIVE with one store: the commit. A thread killed
 * at any instant leaves either the old state or the new one, never a mix.
 *
 * The one ordering that also changes memory the committed state looks at is the priority
 * heap (its sifts, and the tags that mark popped records): it does so only with DIRTY set,
 * in a way that lets the next operation rebuild everything from the committed state and
 * the arena (see src/order/priority.ts).
 *
 * Each condition word sits on a line of its own with its sleeper count: a waiter that
 * spins before parking reads its condition word in a loop, and must not pull the lock's
 * line away from the lock holder on every store.
 */
export const HEADER_BYTES = 512;

/** Int32 word indexes into the header. */
export const W = {
  // ---- line 0: the lock, the commit counter, both state blocks (see STATE_BLOCKS) and DIRTY:
  // everything a locked operation reads and writes, so it moves between cores as one line.
  /**
   * The mutex: 0 when free, else (holder's threadId + 1) << 1, with bit 0 set when other
   * threads may be sleeping on it. See src/shared/lock.ts.
   */
  LOCK: 0,
  /** 0 open, 1 shut down. Only ever goes 0 -> 1 (under the lock). */
  SHUTDOWN: 1,
  /**
   * The commit counter (the epoch): ACTIVE & 1 is the current state block. Incremented
   * (under the lock, wrapping as an Int32: & 1 still alternates across the wrap) to commit
   * an operation. The priority arena tags a record popped by an uncommitted operation with
   * the epoch its commit will have, which is how a rebuild tells whether that pop happened.
   */
  ACTIVE: 2,
  /**
   * Priority queues only (lock): nonzero while the heap index or the arena's record tags
   * are being changed in place, from before the first such write until the operation has
   * committed and normalized its tags. An operation that finds it nonzero (its last holder
   * died) rebuilds the index from the arena before doing anything else. 0 clean,
   * 1 rebuildable, DIRTY_UNSAFE | epoch: an in-place compaction (the capped-capacity
   * fallback) that is only valid once the commit with that epoch happened. See
   * src/order/priority.ts.
   */
  DIRTY: 15,
  // ---- line 1: getters ----
  /** Condition sequence word for getters: bumped after every put and on shutdown. */
  NOT_EMPTY: 16,
  /** Sleepers registered on NOT_EMPTY (a thread's async view counts once). */
  GETTERS_WAITING: 17,
  // ---- line 2: putters ----
  /** Condition sequence word for putters: bumped after every get and on shutdown. */
  NOT_FULL: 32,
  PUTTERS_WAITING: 33,
  // ---- line 3: joiners ----
  /** Condition sequence word for joiners: bumped when the unfinished count reaches 0 (and on immediate shutdown). */
  ALL_DONE: 48,
  JOINERS_WAITING: 49,
  // ---- line 5: identity, written once at creation, read when attaching ----
  /** MAGIC. Written last at creation: memory without it is never accepted by from(). */
  MAGIC: 80,
  /** LAYOUT_VERSION. */
  VERSION: 81,
  /** Ordering code (ORDERING_CODES). */
  ORDERING: 82,
} as const;

/** W.DIRTY values from DIRTY_UNSAFE up: DIRTY_UNSAFE | (epoch & DIRTY_EPOCH_MASK). */
export const DIRTY_UNSAFE = 0x40000000;
export const DIRTY_EPOCH_MASK = 0x3fffffff;

/** Float64 slots (index into a Float64Array over the header). */
export const F = {
  /** Line 4: the maxsize given at creation (<= 0: unbounded). Writable through the sync view. */
  MAXSIZE: 32,
  /** Line 4: upper bound of the data area in bytes (the data buffer's maxByteLength). */
  CAPACITY: 33,
  /**
   * Line 5: priority queues' next insertion sequence number (ties are FIFO). Written at
   * commit, before ACTIVE advances: a thread killed in between only makes the sequence skip.
   */
  NEXT_SEQ: 44,
} as const;

/** Int32 index of the first word of state block 0 and 1 (both on line 0). */
export const STATE_BLOCKS = [3, 9] as const;

/** Word offsets inside a state block (6 words). */
export const S = {
  /** Items queued. */
  COUNT: 0,
  /** Unfinished tasks: puts minus taskDone calls, minus items an immediate shutdown discarded. */
  UNFINISHED: 1,
  /** Bytes of the data area in use (live records with their headers; priority: plus heap entries). */
  USED_BYTES: 2,
  /** Bytes of the data area the ordering may use (<= data.byteLength; grows). */
  DATA_SIZE: 3,
  /** FIFO: offset of the oldest record. Priority: arena top (bump pointer). */
  HEAD: 4,
  /**
   * LIFO: stack top. Priority: arena base (offset of the first record; the records live in
   * [TAIL, HEAD), and the live bytes are USED_BYTES minus the heap entries).
   */
  TAIL: 5,
} as const;

export type OrderingName = 'fifo' | 'lifo' | 'priority';
export const ORDERING_CODES: Record<OrderingName, number> = { fifo: 1, lifo: 2, priority: 3 };

/** Largest data area we allow: offsets live in Int32 words. */
export const MAX_CAPACITY = 2 ** 31 - 2 ** 16;
/** Default bound of the data area: large enough for millions of small items or a 64 MiB item. */
export const DEFAULT_CAPACITY = 2 ** 30;
/** The data area starts this small and doubles as needed (never beyond capacity). */
export const INITIAL_DATA_BYTES = 64 * 1024;
export const MIN_CAPACITY = 64;

/**
 * Priority queues: bytes of one heap entry in the index buffer, and of an arena record's
 * header (the smallest record). The heap and the arena are described in src/order/priority.ts.
 */
export const ENTRY_BYTES = 24;
export const ARENA_HEADER = 24;

/**
 * The default codec's shared record structures (msgpackr key lists, src/codec/structures.ts):
 * one growable SharedArrayBuffer per queue, STRUCTURES_INITIAL bytes at first, at most
 * STRUCTURES_MAX.
 */
export const STRUCTURES_INITIAL = 4096;
export const STRUCTURES_MAX = 4 * 1024 * 1024;

/**
 * Records are 8-byte aligned: V8 copies into or out of a SharedArrayBuffer word by word
 * only when both offsets are 8-byte aligned, and byte by byte otherwise (64 KiB: 18 us
 * against 2.7 us on Node 20). Every record size is a multiple of 8, and so is the data size.
 */
export function pad8(n: number): number {
  // n < 2**31 always: lengths are checked against the buffer before they are padded.
  return (n + 7) & ~7;
}
