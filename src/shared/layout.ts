/**
 * The memory layout of a queue. This file is the only place that names offsets.
 *
 * A queue is two or three SharedArrayBuffers:
 *   header  fixed, HEADER_BYTES long: Int32 control words and Float64 settings below.
 *   data    growable up to `capacity`: the item bytes, laid out by the ordering
 *           (src/order/*): a byte ring (FIFO), a stack (LIFO) or an arena (priority).
 *   index   priority queues only, growable: the binary heap of fixed-size entries.
 *
 * Every Int32 word that a thread may read without holding the lock (COUNT, SHUTDOWN,
 * the condition sequence words, the waiter counts) is read and written with Atomics.
 * Words marked "lock" are only touched while holding LOCK; the lock's acquire/release
 * (Atomics.compareExchange / Atomics.exchange) orders those plain accesses.
 */

export const MAGIC = 0x434f4e56; // 'CONV'
/** Bumped whenever the meaning of any word below changes; `from(handle)` rejects other versions. */
export const LAYOUT_VERSION = 1;

/**
 * The header is 512 bytes in 64-byte cache lines. Words that the lock holder writes on
 * every operation share line 0; each condition word sits on a line of its own with its
 * sleeper count, because a waiter that spins before parking reads its condition word in
 * a loop, and must not pull line 0 away from the lock holder on every store.
 */
export const HEADER_BYTES = 512;

/** Int32 word indexes into the header. */
export const W = {
  // ---- line 0: identity, the lock, and the state the lock protects ----
  /** MAGIC, written once at creation. */
  MAGIC: 0,
  /** LAYOUT_VERSION, written once at creation. */
  VERSION: 1,
  /** Ordering code (ORDERING_CODES), written once. */
  ORDERING: 2,
  /** The mutex: 0 free, 1 held, 2 held with (possible) sleepers. See src/shared/lock.ts. */
  LOCK: 3,
  /** threadId + 1 of the lock holder, 0 when free. Diagnostics and dead-owner detection. */
  LOCK_OWNER: 4,
  /** 0 open, 1 shut down. Only ever goes 0 -> 1 (under the lock). */
  SHUTDOWN: 5,
  /** Items queued. Written under the lock with Atomics.store; read by qsize() without it. */
  COUNT: 6,
  /** Unfinished tasks (puts minus taskDone calls, minus items an immediate shutdown discarded). */
  UNFINISHED: 7,
  /** lock: bytes of the data area in use (records with their headers). */
  USED_BYTES: 8,
  /** lock: bytes of the data area in use by the ordering (<= data.byteLength, grows). */
  DATA_SIZE: 9,
  /** lock: FIFO: offset of the oldest record. Priority: arena top (bump pointer). */
  HEAD: 10,
  /** lock: LIFO: stack top. Priority: live bytes in the arena. */
  TAIL: 11,
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
  /** Condition sequence word for joiners: bumped when UNFINISHED reaches 0 (and on immediate shutdown). */
  ALL_DONE: 48,
  JOINERS_WAITING: 49,
} as const;

/** Float64 slots (index into a Float64Array over the header); line 4 and 5. */
export const F = {
  /** The maxsize given at creation (<= 0: unbounded). Writable through the sync view. */
  MAXSIZE: 32,
  /** Upper bound of the data area in bytes (the data buffer's maxByteLength). */
  CAPACITY: 33,
  /** lock: priority queues: the next insertion sequence number (ties are FIFO). On its own line. */
  NEXT_SEQ: 40,
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
