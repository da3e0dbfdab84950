import { Buffer } from 'node:buffer';
import { argRangeError, argTypeError, NEGATIVE_TIMEOUT, taskDoneTooManyError } from '../errors.js';
import { F, pad8, S, W } from '../shared/layout.js';
import { lock, releaseIfHeldBy, unlock } from '../shared/lock.js';
import { QueueState, readCommitted } from '../shared/state.js';
import type { QueueHandle } from '../shared/handle.js';
import type { OrderingStore } from '../order/types.js';
import type { TakeBuffer } from '../order/take-buffer.js';
import type { PackedRecords } from '../order/fifo.js';
import { FifoRing } from '../order/fifo.js';
import { LifoStack } from '../order/lifo.js';
import { PriorityHeap } from '../order/priority.js';

/** putSome/takeSome result when the queue is shut down (and, for takes, drained). */
export const SHUT_DOWN = -1;

/**
 * Records above this size are copied out into an array of their own instead of the
 * scratch buffer: one copy (not two, scratch then a private copy for the codec), into
 * memory that is not zero-filled first (zero-filling a fresh 64 KiB array costs more
 * than copying it).
 */
const OWN_ARRAY_BYTES = 4 * 1024;

/** A Uint8Array of `len` bytes with its own (not pooled) ArrayBuffer, not zero-filled: the caller overwrites all of it. */
function unfilledBytes(len: number): Uint8Array {
  return new Uint8Array(Buffer.allocUnsafeSlow(len).buffer, 0, len);
}

/**
 * The one queue state machine, shared by every view (sync, async) and every ordering.
 * It owns the lock protocol, bounds, task accounting, shutdown and the condition words;
 * it never blocks (views decide how to wait: Atomics.wait or Atomics.waitAsync).
 *
 * Waking protocol (futex pattern, no lost wake-ups): a waiter reads the condition's
 * sequence word BEFORE attempting its operation, and if the attempt fails it registers
 * in the *_WAITING count and waits for the word to differ from what it read. A state
 * change bumps the word after changing state, then notifies if anyone is registered.
 * Atomics are sequentially consistent, so either the waiter's attempt sees the change,
 * or its wait sees the bumped word, or the notifier sees it registered.
 *
 * Every locked operation is: lock, s.load(), store.begin(), change `s` (and free data
 * bytes), s.commit(), store.afterCommit(), unlock, then bump the condition words. See
 * src/shared/layout.ts for why that makes a thread killed mid-operation harmless,
 * src/order/priority.ts for what begin() and afterCommit() are for, and recoverThread()
 * for the lock a dead thread leaves.
 */
export class QueueCore {
  readonly h: Int32Array;
  readonly f: Float64Array;
  readonly store: OrderingStore;
  readonly capacity: number;
  /** This thread's working copy of the state, valid only while the lock is held. */
  private readonly s: QueueState;

  constructor(readonly handle: QueueHandle) {
    this.h = new Int32Array(handle.header);
    this.f = new Float64Array(handle.header);
    this.capacity = this.f[F.CAPACITY];
    this.s = new QueueState(this.h);
    switch (handle.ordering) {
      case 'fifo':
        this.store = new FifoRing(this.s, handle.data);
        break;
      case 'lifo':
        this.store = new LifoStack(this.s, handle.data);
        break;
      case 'priority':
        this.store = new PriorityHeap(this.s, this.h, handle.data, handle.index as SharedArrayBuffer);
        break;
    }
  }

  get maxsize(): number {
    return this.f[F.MAXSIZE];
  }

  /** Changes maxsize (Python's writable `maxsize`); putters re-check at once. */
  setMaxsize(value: number): void {
    lock(this.h);
    this.f[F.MAXSIZE] = value;
    unlock(this.h);
    this.bump(W.NOT_FULL, W.PUTTERS_WAITING, Infinity);
  }

  qsize(): number {
    return readCommitted(this.h, S.COUNT);
  }

  unfinished(): number {
    return readCommitted(this.h, S.UNFINISHED);
  }

  isShutDown(): boolean {
    return Atomics.load(this.h, W.SHUTDOWN) !== 0;
  }

  full(): boolean {
    const max = this.f[F.MAXSIZE];
    return max > 0 && this.qsize() >= max;
  }

  /** Whether one record of this many payload bytes could ever fit. */
  fitsEver(payloadBytes: number): boolean {
    // The first test also keeps recordBytes' 32-bit padding arithmetic in range.
    return payloadBytes <= this.capacity && this.store.recordBytes(payloadBytes) <= this.capacity;
  }

  /** Takes the lock for a put: false, with the lock released again, if the queue is shut down. */
  private lockOpen(): boolean {
    lock(this.h);
    if (this.h[W.SHUTDOWN] === 0) return true;
    unlock(this.h);
    return false;
  }

  /**
   * Inserts records[from...] in order while there is room (maxsize and capacity).
   * Returns how many were inserted (0 = full right now), or SHUT_DOWN.
   */
  putSome(records: readonly Uint8Array[], priorities: readonly number[] | null, from: number): number {
    const { h, s, store } = this;
    if (!this.lockOpen()) return SHUT_DOWN;
    const max = this.f[F.MAXSIZE];
    let n = 0;
    let committed = false;
    try {
      s.load();
      store.begin();
      for (let i = from; i < records.length; i++) {
        if (max > 0 && s.count >= max) break;
        const rec = records[i];
        if (s.used + store.recordBytes(rec.length) > this.capacity) break;
        store.push(rec, priorities === null ? 0 : priorities[i]);
        s.count++;
        s.unfinished++;
        n++;
      }
      if (n > 0) {
        s.commit();
        committed = true;
        store.afterCommit();
      }
    } finally {
      // If a grow failed part-way through a batch, what was pushed before it is committed
      // (without afterCommit: the ordering's next begin() checks its in-place changes).
      if (n > 0 && !committed) s.commit();
      unlock(h);
    }
    if (n > 0) this.bump(W.NOT_EMPTY, W.GETTERS_WAITING, n);
    return n;
  }

  /**
   * putSome for a FIFO batch packed in ring format (PackedRecords, src/order/fifo.ts):
   * inserts records from `from` on while there is room, with one copy.
   */
  putPacked(packed: PackedRecords, from: number): number {
    const { h, s, store } = this;
    const { starts } = packed;
    const count = starts.length - 1;
    if (!this.lockOpen()) return SHUT_DOWN;
    const max = this.f[F.MAXSIZE];
    let n = 0;
    try {
      s.load();
      store.begin();
      const base = starts[from];
      let end = from;
      // As many as maxsize and capacity allow (a FIFO record's cost is its packed size).
      while (end < count && (max <= 0 || s.count + (end - from) < max) && s.used + (starts[end + 1] - base) <= this.capacity) end++;
      n = end - from;
      if (n > 0) {
        (store as FifoRing).pushRun(packed.bytes, base, starts[end]); // packed only for FIFO queues (QueueView.encode)
        s.count += n;
        s.unfinished += n;
        s.commit();
        store.afterCommit();
      }
    } finally {
      unlock(h);
    }
    if (n > 0) this.bump(W.NOT_EMPTY, W.GETTERS_WAITING, n);
    return n;
  }

  /**
   * Removes up to `max` records into `out`. Returns how many (0 = empty right now), or
   * SHUT_DOWN when the queue is shut down and empty.
   */
  takeSome(max: number, out: TakeBuffer): number {
    const { h, s, store } = this;
    out.n = 0;
    lock(h);
    let n = 0;
    try {
      s.load();
      store.begin();
      if (s.count === 0) return h[W.SHUTDOWN] !== 0 ? SHUT_DOWN : 0;
      n = Math.min(max, s.count);
      let at = 0;
      let i = 0;
      // A run of small records in one copy when the ordering can (FIFO), then one by one.
      if (store.takeRun !== undefined) {
        i = store.takeRun(n, OWN_ARRAY_BYTES, out);
        if (i > 0) at = pad8(out.starts[i - 1] + out.lengths[i - 1]);
        s.count -= i;
      }
      for (; i < n; i++) {
        const len = store.peekLength();
        if (len > OWN_ARRAY_BYTES) {
          const own = unfilledBytes(len);
          store.pop(own, 0, len);
          out.owned[i] = own;
          out.starts[i] = 0;
        } else {
          if (at + len > out.scratch.length) {
            const bigger = new Uint8Array(Math.max(out.scratch.length * 2, at + len));
            bigger.set(out.scratch.subarray(0, at));
            out.scratch = bigger;
          }
          store.pop(out.scratch, at, len);
          out.owned[i] = undefined;
          out.starts[i] = at;
          at = pad8(at + len); // aligned, for fast copies out of shared memory
        }
        out.lengths[i] = len;
        out.priorities[i] = store.lastPriority;
        s.count--;
      }
      // Only a complete batch is committed: if a record fails its checks, nothing is removed.
      s.commit();
      store.afterCommit();
      out.n = n;
    } finally {
      unlock(h);
    }
    this.bump(W.NOT_FULL, W.PUTTERS_WAITING, n);
    return n;
  }

  /** Python's task_done(): RangeError when there is no unfinished task. */
  taskDone(): void {
    const { h, s, store } = this;
    lock(h);
    let left: number;
    try {
      s.load();
      // Even though taskDone touches no item: its commit must not publish a dead thread's
      // half-done priority operation (see src/order/priority.ts).
      store.begin();
      if (s.unfinished <= 0) {
        throw taskDoneTooManyError();
      }
      left = --s.unfinished;
      s.commit();
      store.afterCommit();
    } finally {
      unlock(h);
    }
    if (left === 0) this.bump(W.ALL_DONE, W.JOINERS_WAITING, Infinity);
  }

  /** Python 3.13's shutdown(immediate). Never throws; calling it again is harmless. */
  shutdown(immediate: boolean): void {
    const { h, s } = this;
    lock(h);
    try {
      Atomics.store(h, W.SHUTDOWN, 1);
      if (immediate) {
        s.load();
        // Discarded items lower the unfinished count, never below 0 (as in CPython).
        s.unfinished = Math.max(0, s.unfinished - s.count);
        s.count = 0;
        this.store.clear();
        s.commit();
        this.store.afterCommit();
      }
    } finally {
      unlock(h);
    }
    // Joiners re-check the count: after an immediate shutdown they return only if it is now 0.
    if (immediate) this.bump(W.ALL_DONE, W.JOINERS_WAITING, Infinity);
    this.bump(W.NOT_EMPTY, W.GETTERS_WAITING, Infinity);
    this.bump(W.NOT_FULL, W.PUTTERS_WAITING, Infinity);
  }

  /**
   * After a thread that used this queue has exited (its Worker 'exit' event), releases the
   * queue's lock if that thread died holding it, and wakes every waiter in case it died
   * between committing an operation and waking anyone. Returns whether the lock was held.
   * Calling it for a thread that is still running would break the lock: only after 'exit'.
   */
  recoverThread(threadId: number): boolean {
    if (!Number.isInteger(threadId) || threadId < 0) throw argRangeError(`threadId must be a non-negative integer, got ${threadId}`);
    const released = releaseIfHeldBy(this.h, threadId + 1);
    this.bump(W.NOT_EMPTY, W.GETTERS_WAITING, Infinity);
    this.bump(W.NOT_FULL, W.PUTTERS_WAITING, Infinity);
    this.bump(W.ALL_DONE, W.JOINERS_WAITING, Infinity);
    return released;
  }

  /** Publishes a state change on a condition word and wakes up to `count` registered sleepers. */
  bump(word: number, waitingWord: number, count: number): void {
    Atomics.add(this.h, word, 1);
    if (Atomics.load(this.h, waitingWord) > 0) Atomics.notify(this.h, word, count);
  }
}

/** Validates a timeout in milliseconds: undefined/null for none, else a number >= 0 (Infinity allowed). */
export function checkTimeout(timeout: unknown): number | undefined {
  if (timeout === undefined || timeout === null) return undefined;
  if (typeof timeout !== 'number') throw argTypeError(`timeout must be a number of milliseconds, got ${typeof timeout}`);
  if (!(timeout >= 0)) throw argRangeError(`${NEGATIVE_TIMEOUT} (milliseconds), got ${timeout}`);
  return timeout;
}
