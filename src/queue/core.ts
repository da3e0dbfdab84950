import { NEGATIVE_TIMEOUT, TASK_DONE_TOO_MANY } from '../errors.js';
import { F, W } from '../shared/layout.js';
import { lock, unlock } from '../shared/lock.js';
import type { QueueHandle } from '../shared/handle.js';
import type { OrderingStore } from '../order/types.js';
import { FifoRing } from '../order/fifo.js';
import { LifoStack } from '../order/lifo.js';
import { PriorityHeap } from '../order/priority.js';

/** putSome/takeSome result when the queue is shut down (and, for takes, drained). */
export const SHUT_DOWN = -1;

/** Records above this size are copied out into their own array instead of the scratch buffer. */
const OWN_ARRAY_BYTES = 64 * 1024;

/**
 * Where takeSome copies records: small ones packed into a thread-local scratch buffer
 * (no allocation per item; the view decodes straight from it), large ones into arrays
 * of their own (one copy of a 64 MiB item, not two).
 */
export class TakeBuffer {
  scratch = new Uint8Array(16 * 1024);
  n = 0;
  readonly starts: number[] = [];
  readonly lengths: number[] = [];
  readonly priorities: number[] = [];
  readonly owned: (Uint8Array | undefined)[] = [];

  /** The bytes of record i: a view of scratch (valid until the next take) or an owned array. */
  bytes(i: number): Uint8Array {
    return this.owned[i] ?? this.scratch.subarray(this.starts[i], this.starts[i] + this.lengths[i]);
  }

  /** A private copy of record i (for codecs that may keep a view of their input). */
  ownBytes(i: number): Uint8Array {
    return this.owned[i] ?? this.scratch.slice(this.starts[i], this.starts[i] + this.lengths[i]);
  }

  /** Drops references to large arrays and a scratch buffer that grew large. */
  release(): void {
    for (let i = 0; i < this.n; i++) this.owned[i] = undefined;
    if (this.scratch.length > 1024 * 1024) this.scratch = new Uint8Array(16 * 1024);
    this.n = 0;
  }
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
 */
export class QueueCore {
  readonly h: Int32Array;
  readonly f: Float64Array;
  readonly store: OrderingStore;
  readonly capacity: number;

  constructor(readonly handle: QueueHandle) {
    this.h = new Int32Array(handle.header);
    this.f = new Float64Array(handle.header);
    this.capacity = this.f[F.CAPACITY];
    switch (handle.ordering) {
      case 'fifo':
        this.store = new FifoRing(this.h, handle.data);
        break;
      case 'lifo':
        this.store = new LifoStack(this.h, handle.data);
        break;
      case 'priority':
        this.store = new PriorityHeap(this.h, handle.data, handle.index as SharedArrayBuffer, this.f, F.NEXT_SEQ);
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
    return Atomics.load(this.h, W.COUNT);
  }

  unfinished(): number {
    return Atomics.load(this.h, W.UNFINISHED);
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
    return this.store.recordBytes(payloadBytes) <= this.capacity;
  }

  /**
   * Inserts records[from...] in order while there is room (maxsize and capacity).
   * Returns how many were inserted (0 = full right now), or SHUT_DOWN.
   */
  putSome(records: readonly Uint8Array[], priorities: readonly number[] | null, from: number): number {
    const { h, store } = this;
    lock(h);
    if (h[W.SHUTDOWN] !== 0) {
      unlock(h);
      return SHUT_DOWN;
    }
    const max = this.f[F.MAXSIZE];
    const start = h[W.COUNT];
    let n = 0;
    try {
      for (let i = from; i < records.length; i++) {
        if (max > 0 && start + n >= max) break;
        const rec = records[i];
        if (h[W.USED_BYTES] + store.recordBytes(rec.length) > this.capacity) break;
        store.push(rec, priorities === null ? 0 : priorities[i]);
        n++;
        Atomics.store(h, W.COUNT, start + n);
      }
    } finally {
      // Counted even if a grow failed part-way through the batch: what was pushed is queued.
      if (n > 0) Atomics.add(h, W.UNFINISHED, n);
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
    const { h, store } = this;
    out.n = 0;
    lock(h);
    const count = h[W.COUNT];
    if (count === 0) {
      const shut = h[W.SHUTDOWN] !== 0;
      unlock(h);
      return shut ? SHUT_DOWN : 0;
    }
    const n = Math.min(max, count);
    let at = 0;
    try {
      for (let i = 0; i < n; i++) {
        const len = store.peekLength();
        if (len > OWN_ARRAY_BYTES) {
          const own = new Uint8Array(len);
          store.pop(own, 0);
          out.owned[i] = own;
          out.starts[i] = 0;
        } else {
          if (at + len > out.scratch.length) {
            const bigger = new Uint8Array(Math.max(out.scratch.length * 2, at + len));
            bigger.set(out.scratch.subarray(0, at));
            out.scratch = bigger;
          }
          store.pop(out.scratch, at);
          out.owned[i] = undefined;
          out.starts[i] = at;
          at += len;
        }
        out.lengths[i] = len;
        out.priorities[i] = store.lastPriority;
        out.n = i + 1;
        Atomics.store(h, W.COUNT, count - i - 1);
      }
    } finally {
      unlock(h);
    }
    this.bump(W.NOT_FULL, W.PUTTERS_WAITING, n);
    return n;
  }

  /** Python's task_done(): RangeError when there is no unfinished task. */
  taskDone(): void {
    const { h } = this;
    for (;;) {
      const u = Atomics.load(h, W.UNFINISHED);
      if (u <= 0) throw Object.assign(new RangeError(TASK_DONE_TOO_MANY), { code: 'ERR_TASK_DONE_TOO_MANY' });
      if (Atomics.compareExchange(h, W.UNFINISHED, u, u - 1) === u) {
        if (u === 1) this.bump(W.ALL_DONE, W.JOINERS_WAITING, Infinity);
        return;
      }
    }
  }

  /** Python 3.13's shutdown(immediate). Never throws; calling it again is harmless. */
  shutdown(immediate: boolean): void {
    const { h } = this;
    lock(h);
    Atomics.store(h, W.SHUTDOWN, 1);
    let discarded = 0;
    if (immediate) {
      discarded = h[W.COUNT];
      this.store.clear();
      Atomics.store(h, W.COUNT, 0);
    }
    unlock(h);
    if (immediate) {
      for (;;) {
        const u = Atomics.load(h, W.UNFINISHED);
        const next = Math.max(0, u - discarded);
        if (Atomics.compareExchange(h, W.UNFINISHED, u, next) === u) break;
      }
      // Joiners re-check the count: they return only if it is now 0 (as in CPython).
      this.bump(W.ALL_DONE, W.JOINERS_WAITING, Infinity);
    }
    this.bump(W.NOT_EMPTY, W.GETTERS_WAITING, Infinity);
    this.bump(W.NOT_FULL, W.PUTTERS_WAITING, Infinity);
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
  if (typeof timeout !== 'number') throw new TypeError(`timeout must be a number of milliseconds, got ${typeof timeout}`);
  if (!(timeout >= 0)) throw Object.assign(new RangeError(`${NEGATIVE_TIMEOUT} (milliseconds), got ${timeout}`), { code: 'ERR_OUT_OF_RANGE' });
  return timeout;
}
