import { QueueEmpty, QueueFull, QueueShutDown, taskDoneTooManyError, withInserted } from '../errors.js';
import { checkMax, checkMaxsize, checkOptionsObject, iterableItems } from '../queue/options.js';
import { joinTimeoutError } from '../queue/wait.js';
import type { OrderingName } from '../shared/layout.js';
import { Condition } from './condition.js';
import type { WaitingCounts } from './hub.js';
import { iterateQueue, withWaiting } from './iterate.js';
import { HeapStore, RingStore, StackStore, type LocalStore } from './local-store.js';
import { parseWaitOptions, type AsyncJoinOptions, type AsyncWaitOptions } from './options.js';
import type { AsyncQueueLike } from './types.js';
import { Waiter, type WaitLimits } from './waiter.js';

export interface LocalQueueOptions {
  /** Upper bound on the number of items; <= 0 (the default) means unbounded. May be fractional (1.3 holds 2). */
  maxsize?: number;
  /** 'fifo' (default), 'lifo', or 'priority' (items are [priority, value] pairs, lowest first, ties FIFO). */
  order?: OrderingName;
}

const RESOLVED: Promise<void> = Promise.resolve();
const ORDERS: readonly string[] = ['fifo', 'lifo', 'priority'];

function isPriorityItem(item: unknown): boolean {
  return Array.isArray(item) && item.length === 2 && typeof item[0] === 'number' && !Number.isNaN(item[0]);
}

function checkPriorityItem(item: unknown): void {
  if (!Array.isArray(item) || item.length !== 2) throw new TypeError('a priority queue item must be a [priority, value] pair');
  const p: unknown = item[0];
  if (typeof p !== 'number') throw new TypeError(`priority must be a number, got ${typeof p}`);
  if (Number.isNaN(p)) throw new RangeError('priority must not be NaN');
}

/**
 * Python's `asyncio.Queue` in one thread: items kept by reference, no SharedArrayBuffer,
 * no codec. Same method names, errors, shutdown and join rules as AsyncQueue (and the same
 * waiter bookkeeping: FIFO lists of waiters per condition, served from a microtask after
 * each state change), so code and tests run unchanged on either. It is the single-thread
 * baseline the benchmarks compare against.
 */
export class LocalQueue<T = unknown> implements AsyncQueueLike<T> {
  private readonly bound: number;
  private readonly store: LocalStore<T>;
  private readonly priority: boolean;
  private unfinished = 0;
  private shut = false;
  private readonly getters = new Condition(null);
  private readonly putters = new Condition(null);
  private readonly joiners = new Condition(null);

  constructor(options?: LocalQueueOptions) {
    const o = checkOptionsObject(options, 'options');
    this.bound = checkMaxsize(o.maxsize);
    const order = o.order ?? 'fifo';
    if (typeof order !== 'string' || !ORDERS.includes(order)) {
      throw new TypeError(`order must be 'fifo', 'lifo' or 'priority', got ${typeof order === 'string' ? `'${order}'` : typeof order}`);
    }
    this.priority = order === 'priority';
    this.store = order === 'fifo' ? new RingStore<T>()
      : order === 'lifo' ? new StackStore<T>()
        : new HeapStore() as unknown as LocalStore<T>;
  }

  /** The bound on the number of items (<= 0: unbounded). Read-only, as in asyncio. */
  get maxsize(): number {
    return this.bound;
  }

  qsize(): number {
    return this.store.size;
  }

  empty(): boolean {
    return this.store.size === 0;
  }

  /** True when maxsize > 0 and qsize() >= maxsize. */
  full(): boolean {
    return this.bound > 0 && this.store.size >= this.bound;
  }

  get isShutDown(): boolean {
    return this.shut;
  }

  get unfinishedTasks(): number {
    return this.unfinished;
  }

  get waiting(): WaitingCounts {
    return { getters: this.getters.waiting, putters: this.putters.waiting, joiners: this.joiners.waiting };
  }

  putNowait(item: T): void {
    if (this.priority) checkPriorityItem(item);
    if (this.shut) throw new QueueShutDown();
    if (this.full()) throw new QueueFull();
    this.store.push(item);
    this.unfinished++;
    this.getters.kick();
  }

  getNowait(): T {
    if (this.store.size === 0) throw this.shut ? new QueueShutDown() : new QueueEmpty();
    const item = this.store.take();
    this.putters.kick();
    return item;
  }

  put(item: T, options?: AsyncWaitOptions): Promise<void> {
    // Fast path (no options, nobody waiting, room): no allocation beyond the store's.
    if (options === undefined && this.putters.waiting === 0 && !this.shut && !this.full() && (!this.priority || isPriorityItem(item))) {
      this.store.push(item);
      this.unfinished++;
      this.getters.kick();
      return RESOLVED;
    }
    return this.putItems(() => [item], options);
  }

  putMany(items: Iterable<T>, options?: AsyncWaitOptions): Promise<void> {
    return this.putItems(() => iterableItems<T>(items), options);
  }

  get(options?: AsyncWaitOptions): Promise<T> {
    if (options === undefined && this.getters.waiting === 0 && this.store.size > 0) {
      const item = this.store.take();
      this.putters.kick();
      return Promise.resolve(item);
    }
    return this.takeItems(1, true, options) as Promise<T>;
  }

  getMany(max: number, options?: AsyncWaitOptions): Promise<T[]> {
    try {
      checkMax(max);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.takeItems(max, false, options) as Promise<T[]>;
  }

  taskDone(): void {
    if (this.unfinished <= 0) throw taskDoneTooManyError();
    if (--this.unfinished === 0) this.joiners.kick();
  }

  join(options?: AsyncJoinOptions): Promise<void> {
    let limits: WaitLimits;
    try {
      limits = parseWaitOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const { signal, timeout } = limits;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.unfinished === 0) return RESOLVED;
    if (timeout === 0) return Promise.reject(joinTimeoutError(0, this.unfinished));
    const waiter = new Waiter<void>((self) => {
      if (this.unfinished !== 0) return false;
      self.resolve();
      return true;
    });
    waiter.limit(limits, this.joiners, () => joinTimeoutError(timeout as number, this.unfinished));
    this.joiners.add(waiter, 0);
    return waiter.promise;
  }

  /** Same rules as AsyncQueue.shutdown / Python 3.13's asyncio.Queue.shutdown. */
  shutdown(immediate = false): void {
    if (typeof immediate !== 'boolean') throw new TypeError(`immediate must be a boolean, got ${typeof immediate}`);
    this.shut = true;
    if (immediate) {
      this.unfinished = Math.max(0, this.unfinished - this.store.size);
      this.store.clear();
      this.joiners.kick();
    }
    this.getters.kick();
    this.putters.kick();
  }

  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return iterateQueue(this);
  }

  toString(): string {
    const parts = [`maxsize=${this.maxsize}`, `qsize=${this.qsize()}`];
    if (this.unfinished) parts.push(`tasks=${this.unfinished}`);
    if (this.shut) parts.push('shutdown');
    return withWaiting(`<LocalQueue ${parts.join(' ')}>`, this.waiting);
  }

  private putItems(items: () => T[], options: unknown): Promise<void> {
    let limits: WaitLimits;
    let list: T[];
    try {
      limits = parseWaitOptions(options);
      if (limits.signal?.aborted) return Promise.reject(limits.signal.reason);
      list = items();
      if (this.priority) list.forEach(checkPriorityItem);
    } catch (error) {
      return Promise.reject(error);
    }
    const total = list.length;
    let done = 0;
    // Inserts what fits: true when all are in, an error when shut down, false when full.
    const attempt = (): QueueShutDown | boolean => {
      if (this.shut) return withInserted(new QueueShutDown(), done);
      const start = done;
      while (done < total && !this.full()) {
        this.store.push(list[done++]);
        this.unfinished++;
      }
      if (done > start) this.getters.kick();
      return done === total;
    };
    if (total === 0) return RESOLVED;
    const cond = this.putters;
    const tried = cond.waiting === 0 || limits.timeout === 0;
    if (tried) {
      const r = attempt();
      if (r === true) return RESOLVED;
      if (r !== false) return Promise.reject(r);
      if (limits.timeout === 0) return Promise.reject(withInserted(new QueueFull(), done));
    }
    const waiter = new Waiter<void>((self) => {
      const r = attempt();
      if (r === false) return false;
      if (r === true) self.resolve();
      else self.reject(r);
      return true;
    });
    const { timeout } = limits;
    waiter.limit(limits, cond, () => withInserted(new QueueFull(`the queue stayed full for ${timeout} ms`), done));
    cond.add(waiter, tried ? 0 : undefined);
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
    const cond = this.getters;
    const tried = cond.waiting === 0 || limits.timeout === 0;
    if (tried) {
      if (this.store.size > 0) return Promise.resolve(this.takeNow(max, single));
      if (this.shut) return Promise.reject(new QueueShutDown());
      if (limits.timeout === 0) return Promise.reject(new QueueEmpty());
    }
    const waiter = new Waiter<T | T[]>((self) => {
      if (this.store.size > 0) {
        self.resolve(this.takeNow(max, single));
        return true;
      }
      if (!this.shut) return false;
      self.reject(new QueueShutDown());
      return true;
    });
    const { timeout } = limits;
    waiter.limit(limits, cond, () => new QueueEmpty(`no item arrived within ${timeout} ms`));
    cond.add(waiter, tried ? 0 : undefined);
    return waiter.promise;
  }

  /** Takes one item (single) or up to `max` items (size > 0 guaranteed). */
  private takeNow(max: number, single: boolean): T | T[] {
    let result: T | T[];
    if (single) {
      result = this.store.take();
    } else {
      const n = Math.min(max, this.store.size);
      const items = new Array<T>(n);
      for (let i = 0; i < n; i++) items[i] = this.store.take();
      result = items;
    }
    this.putters.kick();
    return result;
  }
}
