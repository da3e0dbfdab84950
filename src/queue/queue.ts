import { QueueEmpty, QueueFull, QueueShutDown, withInserted } from '../errors.js';
import type { QueueHandle } from '../shared/handle.js';
import type { OrderingName } from '../shared/layout.js';
import { W } from '../shared/layout.js';
import { checkTimeout, SHUT_DOWN } from './core.js';
import { checkBlock, checkMax, checkMaxsize, checkOptionsObject, iterableItems, type AttachOptions, type QueueOptions } from './options.js';
import { attachView, createView, QueueView, type Encoded, type ViewInit } from './view.js';
import { deadlineFor, joinTimeoutError, waitForChange } from './wait.js';

export interface PutOptions {
  /** Wait for room (default true). With false, QueueFull at once if there is none; timeout is then ignored. */
  block?: boolean;
  /** Milliseconds to wait at most (Python uses seconds); QueueFull when it runs out. Default: no limit. */
  timeout?: number;
}
export type GetOptions = PutOptions;
export interface JoinOptions {
  /** Milliseconds to wait at most; a DOMException named 'TimeoutError' when it runs out. */
  timeout?: number;
}

let pendingAttach: ViewInit | undefined;

function parseWaitOptions(options: unknown): { block: boolean; timeout: number | undefined } {
  const o = checkOptionsObject(options, 'options');
  return { block: checkBlock(o.block), timeout: checkTimeout(o.timeout) };
}

/**
 * The blocking view, Python's `queue.Queue` API. Blocking calls park the thread in
 * `Atomics.wait`: use it in worker threads; on the main thread use the async view.
 */
abstract class BlockingQueue<T> extends QueueView<T> {
  protected constructor(ordering: OrderingName, options: QueueOptions | undefined) {
    const init = pendingAttach ?? createView(ordering, options);
    pendingAttach = undefined;
    super(init);
  }

  override get maxsize(): number {
    return this.core.maxsize;
  }

  /** Writable, as in Python: shrinking makes puts wait (or fail) until enough items are taken. */
  override set maxsize(value: number) {
    this.core.setMaxsize(checkMaxsize(value));
  }

  /** Puts an item, waiting while the queue is full (or its memory is). */
  put(item: T, options?: PutOptions): void {
    const { block, timeout } = parseWaitOptions(options);
    this.putEncoded(this.encode([item]), block, timeout);
  }

  /**
   * Puts every item, in order, under as few lock acquisitions as room allows. Waits for
   * room as needed. If it stops early (QueueFull on timeout or block: false, QueueShutDown),
   * the error's `inserted` says how many items went in; a bad item fails before any does.
   */
  putMany(items: Iterable<T>, options?: PutOptions): void {
    const { block, timeout } = parseWaitOptions(options);
    this.putEncoded(this.encode(iterableItems<T>(items)), block, timeout);
  }

  /** Removes and returns the next item, waiting while the queue is empty. */
  get(options?: GetOptions): T {
    return this.take(1, options)[0];
  }

  /** Waits for at least one item, then returns up to `max` items available now, in queue order. */
  getMany(max: number, options?: GetOptions): T[] {
    return this.take(checkMax(max), options);
  }

  /** Waits until every item put so far has been marked done with taskDone(). Re-checks after every wake-up. */
  join(options?: JoinOptions): void {
    const o = checkOptionsObject(options, 'options');
    const timeout = checkTimeout(o.timeout);
    const deadline = deadlineFor(timeout);
    const { h } = this.core;
    for (;;) {
      const seq = Atomics.load(h, W.ALL_DONE);
      const unfinished = this.core.unfinished();
      if (unfinished === 0) return;
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw joinTimeoutError(timeout as number, unfinished);
      waitForChange(h, W.ALL_DONE, W.JOINERS_WAITING, seq, remaining);
    }
  }

  private putEncoded(enc: Encoded, block: boolean, timeout: number | undefined): void {
    const total = enc.count;
    const { h } = this.core;
    const deadline = deadlineFor(timeout);
    let done = 0;
    while (done < total) {
      const seq = Atomics.load(h, W.NOT_FULL);
      const n = this.insertSome(enc, done);
      if (n === SHUT_DOWN) throw withInserted(new QueueShutDown(), done);
      if (n > 0) {
        done += n;
        continue;
      }
      if (!block) throw withInserted(new QueueFull(), done);
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw withInserted(new QueueFull(`the queue stayed full for ${timeout} ms`), done);
      waitForChange(h, W.NOT_FULL, W.PUTTERS_WAITING, seq, remaining);
    }
  }

  private take(max: number, options: GetOptions | undefined): T[] {
    const { block, timeout } = parseWaitOptions(options);
    const { h } = this.core;
    const buf = QueueView.takeBuffer;
    let deadline = Infinity;
    for (let first = true; ; first = false) {
      const seq = Atomics.load(h, W.NOT_EMPTY);
      const n = this.core.takeSome(max, buf);
      if (n === SHUT_DOWN) throw new QueueShutDown();
      if (n > 0) return this.decodeTaken();
      if (!block) throw new QueueEmpty();
      if (first) deadline = deadlineFor(timeout);
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw new QueueEmpty(`no item arrived within ${timeout} ms`);
      waitForChange(h, W.NOT_EMPTY, W.GETTERS_WAITING, seq, remaining);
    }
  }
}

/** First in, first out: Python's `queue.Queue`. */
export class Queue<T = unknown> extends BlockingQueue<T> {
  constructor(options?: QueueOptions) {
    super('fifo', options);
  }

  /** Attaches to a FIFO queue created in another thread. */
  static from<T = unknown>(handle: QueueHandle, options?: AttachOptions): Queue<T> {
    pendingAttach = attachView('fifo', handle, options, 'Queue');
    return new Queue<T>();
  }
}

/** Last in, first out: Python's `queue.LifoQueue`. */
export class LifoQueue<T = unknown> extends BlockingQueue<T> {
  constructor(options?: QueueOptions) {
    super('lifo', options);
  }

  static from<T = unknown>(handle: QueueHandle, options?: AttachOptions): LifoQueue<T> {
    pendingAttach = attachView('lifo', handle, options, 'LifoQueue');
    return new LifoQueue<T>();
  }
}

/**
 * Lowest priority first: Python's `queue.PriorityQueue`, with items as
 * `[priority: number, value]` pairs. Equal priorities come out in insertion order
 * (CPython's heap promises no order for ties). NaN priorities are refused.
 */
export class PriorityQueue<T = unknown> extends BlockingQueue<[priority: number, value: T]> {
  constructor(options?: QueueOptions) {
    super('priority', options);
  }

  static from<T = unknown>(handle: QueueHandle, options?: AttachOptions): PriorityQueue<T> {
    pendingAttach = attachView('priority', handle, options, 'PriorityQueue');
    return new PriorityQueue<T>();
  }
}
