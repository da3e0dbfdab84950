import { QueueEmpty, QueueFull, QueueLockedError, QueueShutDown, withInserted } from '../errors.js';
import { SHUT_DOWN } from '../queue/core.js';
import { checkMax, iterableItems, type AttachOptions, type QueueOptions } from '../queue/options.js';
import { attachView, createView, QueueView, type Encoded, type ViewInit } from '../queue/view.js';
import { joinTimeoutError } from '../queue/wait.js';
import type { QueueHandle } from '../shared/handle.js';
import { W, type OrderingName } from '../shared/layout.js';
import { hubFor, waitingCounts, type WaitHub, type WaitingCounts } from './hub.js';
import { NO_LIMITS, parseWaitOptions, type AsyncJoinOptions, type AsyncWaitOptions } from './options.js';
import type { AsyncQueueLike } from './types.js';
import { Waiter, type WaitLimits } from './waiter.js';
import { iterateQueue, withWaiting } from './iterate.js';

let pendingAttach: ViewInit | undefined;

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * The asyncio view of a shared queue: Python's `asyncio.Queue` API over the same memory
 * the blocking `Queue` uses, safe on the main thread. A call that cannot finish at once
 * joins this thread's FIFO of waiters for its condition (src/async/condition.ts), which
 * waits with Atomics.waitAsync and never blocks the event loop.
 */
abstract class AsyncQueueBase<T> extends QueueView<T> implements AsyncQueueLike<T> {
  private readonly hub: WaitHub;

  protected constructor(ordering: OrderingName, options: QueueOptions | undefined) {
    const init = pendingAttach ?? createView(ordering, options);
    pendingAttach = undefined;
    super(init);
    this.hub = hubFor(this.core);
  }

  get waiting(): WaitingCounts {
    return waitingCounts(this.hub);
  }

  /** Puts an item, waiting while the queue is full. Rejects with QueueShutDown after shutdown. */
  put(item: T, options?: AsyncWaitOptions): Promise<void> {
    if (options === undefined && this.hub.putters.waiting === 0) {
      // Fast path: no options to parse, no closures.
      let enc: Encoded;
      let n: number;
      const seq = Atomics.load(this.core.h, W.NOT_FULL);
      try {
        enc = this.encode([item]);
        n = this.insert(enc, 0);
      } catch (error) {
        return Promise.reject(error);
      }
      if (n === 1) return RESOLVED;
      if (n === SHUT_DOWN) return Promise.reject(new QueueShutDown());
      return this.waitToPut(enc, 0, NO_LIMITS, seq);
    }
    return this.putItems(() => [item], options);
  }

  /**
   * Puts every item, in order, under as few lock acquisitions as room allows, waiting for
   * room as needed. If it stops early (timeout, shutdown, abort), the items already in
   * stay in; a QueueFull/QueueShutDown rejection's `inserted` says how many.
   */
  putMany(items: Iterable<T>, options?: AsyncWaitOptions): Promise<void> {
    return this.putItems(() => iterableItems<T>(items), options);
  }

  /** Removes and returns the next item, waiting while the queue is empty. */
  get(options?: AsyncWaitOptions): Promise<T> {
    return this.takeItems(1, true, options) as Promise<T>;
  }

  /** Waits for at least one item, then returns up to `max` items available now, in queue order. */
  getMany(max: number, options?: AsyncWaitOptions): Promise<T[]> {
    try {
      checkMax(max);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.takeItems(max, false, options) as Promise<T[]>;
  }

  override putNowait(item: T): void {
    super.putNowait(item);
    this.hub.getters.kick();
  }

  override getNowait(): T {
    const item = super.getNowait();
    this.hub.putters.kick();
    return item;
  }

  override taskDone(): void {
    super.taskDone();
    if (this.core.unfinished() === 0) this.hub.joiners.kick();
  }

  override shutdown(immediate = false): void {
    super.shutdown(immediate);
    // Other threads' waiters are woken by the core's notify; ours are served at once.
    this.hub.getters.kick();
    this.hub.putters.kick();
    this.hub.joiners.kick();
  }

  /**
   * Resolves when every item put so far (from any thread) has been marked done with
   * taskDone(). Level-triggered: it re-checks the count whenever it may have reached 0.
   * A shutdown does not make it reject; only `signal` and `timeout` do.
   */
  join(options?: AsyncJoinOptions): Promise<void> {
    let limits: WaitLimits;
    try {
      limits = parseWaitOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const { signal, timeout } = limits;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const { core } = this;
    const seq = Atomics.load(core.h, W.ALL_DONE);
    if (core.unfinished() === 0) return RESOLVED;
    if (timeout === 0) return Promise.reject(joinTimeoutError(0, core.unfinished()));
    const cond = this.hub.joiners;
    const waiter = new Waiter<void>((self) => {
      if (core.unfinished() !== 0) return false;
      self.resolve();
      return true;
    });
    waiter.limit(limits, cond, () => joinTimeoutError(timeout as number, core.unfinished()));
    cond.add(waiter, seq);
    return waiter.promise;
  }

  /** `for await (const item of queue)`: gets items until the queue is shut down and drained. */
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return iterateQueue(this);
  }

  override toString(): string {
    return withWaiting(super.toString(), this.waiting);
  }

  private putItems(items: () => T[], options: unknown): Promise<void> {
    let limits: WaitLimits;
    let enc: Encoded;
    try {
      limits = parseWaitOptions(options);
      if (limits.signal?.aborted) return Promise.reject(limits.signal.reason);
      enc = this.encode(items());
    } catch (error) {
      return Promise.reject(error);
    }
    if (enc.count === 0) return RESOLVED;
    if (this.hub.putters.waiting === 0 || limits.timeout === 0) {
      // Nobody of this thread waits ahead of us (or timeout 0: a single try).
      const seq = Atomics.load(this.core.h, W.NOT_FULL);
      let done: number;
      try {
        done = this.insert(enc, 0);
      } catch (error) {
        return Promise.reject(error);
      }
      if (done === enc.count) return RESOLVED;
      if (done === SHUT_DOWN) return Promise.reject(withInserted(new QueueShutDown(), 0));
      if (limits.timeout === 0) return Promise.reject(withInserted(new QueueFull(), done));
      return this.waitToPut(enc, done, limits, seq);
    }
    return this.waitToPut(enc, 0, limits, undefined);
  }

  /** Inserts records from `from` on while there is room; returns how many, or SHUT_DOWN. */
  private insert(enc: Encoded, from: number): number {
    let n: number;
    try {
      n = this.insertSome(enc, from);
    } catch (error) {
      if (!(error instanceof QueueLockedError)) throw error;
      return this.lockedNow(this.hub.putters, 0);
    }
    if (n > 0) this.hub.getters.kick();
    return n;
  }

  /**
   * The lock has been held for over a second, almost surely by a thread that died inside a
   * queue operation. An async call may wait: treat it as "not now" and return to the event
   * loop, which delivers that thread's 'exit' so that recoverThread() can release the lock
   * (it wakes every waiter). A retry is also scheduled in case the holder was only slow.
   */
  private lockedNow<R>(cond: { kick(): void }, result: R): R {
    setTimeout(() => cond.kick(), 50);
    return result;
  }

  /** Queues a putter for the records from `done` on; `seq` as in Condition.add. */
  private waitToPut(enc: Encoded, done: number, limits: WaitLimits, seq: number | undefined): Promise<void> {
    const total = enc.count;
    const waiter = new Waiter<void>((self) => {
      let n: number;
      try {
        n = this.insert(enc, done);
      } catch (error) {
        self.reject(error);
        return true;
      }
      if (n === SHUT_DOWN) {
        self.reject(withInserted(new QueueShutDown(), done));
        return true;
      }
      done += n;
      if (done < total) return false;
      self.resolve();
      return true;
    });
    const { timeout } = limits;
    const cond = this.hub.putters;
    waiter.limit(limits, cond, () => withInserted(new QueueFull(`the queue stayed full for ${timeout} ms`), done));
    cond.add(waiter, seq);
    return waiter.promise;
  }

  private takeItems(max: number, single: boolean, options: unknown): Promise<T | T[]> {
    let limits: WaitLimits;
    try {
      limits = parseWaitOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (limits.signal?.aborted) return Promise.reject(limits.signal.reason);
    let seq: number | undefined;
    if (this.hub.getters.waiting === 0 || limits.timeout === 0) {
      // Nobody of this thread waits ahead of us (or timeout 0: a single try).
      seq = Atomics.load(this.core.h, W.NOT_EMPTY);
      let items: T[] | undefined;
      try {
        items = this.takeNow(max);
      } catch (error) {
        return Promise.reject(error);
      }
      if (items !== undefined) return Promise.resolve(single ? items[0] : items);
      if (limits.timeout === 0) return Promise.reject(new QueueEmpty());
    }
    const waiter = new Waiter<T | T[]>((self) => {
      let items: T[] | undefined;
      try {
        items = this.takeNow(max);
      } catch (error) {
        self.reject(error);
        return true;
      }
      if (items === undefined) return false;
      self.resolve(single ? items[0] : items);
      return true;
    });
    const { timeout } = limits;
    const cond = this.hub.getters;
    waiter.limit(limits, cond, () => new QueueEmpty(`no item arrived within ${timeout} ms`));
    cond.add(waiter, seq);
    return waiter.promise;
  }

  /** One take of up to `max` items: undefined when empty; throws QueueShutDown once shut down and drained. */
  private takeNow(max: number): T[] | undefined {
    let n: number;
    try {
      n = this.core.takeSome(max, QueueView.takeBuffer);
    } catch (error) {
      if (!(error instanceof QueueLockedError)) throw error;
      return this.lockedNow(this.hub.getters, undefined);
    }
    if (n === SHUT_DOWN) throw new QueueShutDown();
    if (n === 0) return undefined;
    this.hub.putters.kick();
    return this.decodeTaken();
  }
}

/** First in, first out: Python's `asyncio.Queue`, over shared memory. */
export class AsyncQueue<T = unknown> extends AsyncQueueBase<T> {
  constructor(options?: QueueOptions) {
    super('fifo', options);
  }

  /** Attaches to a FIFO queue made in any thread (by Queue or AsyncQueue): one queue, two views. */
  static from<T = unknown>(handle: QueueHandle, options?: AttachOptions): AsyncQueue<T> {
    pendingAttach = attachView('fifo', handle, options, 'AsyncQueue');
    return new AsyncQueue<T>();
  }
}

/** Last in, first out: Python's `asyncio.LifoQueue`, over shared memory. */
export class AsyncLifoQueue<T = unknown> extends AsyncQueueBase<T> {
  constructor(options?: QueueOptions) {
    super('lifo', options);
  }

  static from<T = unknown>(handle: QueueHandle, options?: AttachOptions): AsyncLifoQueue<T> {
    pendingAttach = attachView('lifo', handle, options, 'AsyncLifoQueue');
    return new AsyncLifoQueue<T>();
  }
}

/**
 * Lowest priority first: Python's `asyncio.PriorityQueue`, with items as
 * `[priority: number, value]` pairs; equal priorities come out in insertion order.
 */
export class AsyncPriorityQueue<T = unknown> extends AsyncQueueBase<[priority: number, value: T]> {
  constructor(options?: QueueOptions) {
    super('priority', options);
  }

  static from<T = unknown>(handle: QueueHandle, options?: AttachOptions): AsyncPriorityQueue<T> {
    pendingAttach = attachView('priority', handle, options, 'AsyncPriorityQueue');
    return new AsyncPriorityQueue<T>();
  }
}
