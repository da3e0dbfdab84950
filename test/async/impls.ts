import { AsyncLifoQueue, AsyncPriorityQueue, AsyncQueue } from '../../src/async/async-queue.js';
import { LocalQueue } from '../../src/async/local-queue.js';
import type { AsyncQueueLike } from '../../src/async/types.js';
import { W } from '../../src/shared/layout.js';

export type Order = 'fifo' | 'lifo' | 'priority';

/** One implementation of the asyncio API under test. */
export interface Impl {
  name: string;
  make<T>(order?: Order, maxsize?: number): AsyncQueueLike<T>;
  /** The shared registered-sleeper words (GETTERS/PUTTERS/JOINERS_WAITING), or null for LocalQueue. */
  sleepers(q: AsyncQueueLike<unknown>): { getters: number; putters: number; joiners: number } | null;
}

export const IMPLS: Impl[] = [
  {
    name: 'LocalQueue',
    make: <T>(order: Order = 'fifo', maxsize = 0) => new LocalQueue<T>({ order, maxsize }),
    sleepers: () => null,
  },
  {
    name: 'AsyncQueue',
    make: <T>(order: Order = 'fifo', maxsize = 0): AsyncQueueLike<T> => {
      if (order === 'lifo') return new AsyncLifoQueue<T>({ maxsize });
      if (order === 'priority') return new AsyncPriorityQueue<unknown>({ maxsize }) as unknown as AsyncQueueLike<T>;
      return new AsyncQueue<T>({ maxsize });
    },
    sleepers: (q) => {
      const h = new Int32Array((q as AsyncQueue).handle.header);
      return { getters: Atomics.load(h, W.GETTERS_WAITING), putters: Atomics.load(h, W.PUTTERS_WAITING), joiners: Atomics.load(h, W.JOINERS_WAITING) };
    },
  },
];

/** Runs every pending microtask and any macrotask queued before it (local wake-ups are microtasks). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export type Outcome<T> = { status: 'pending' } | { status: 'fulfilled'; value: T } | { status: 'rejected'; reason: unknown };

/** Observes a promise without awaiting it: `state()` says whether it settled yet, and how. */
export function track<T>(promise: Promise<T>): { promise: Promise<T>; state: () => Outcome<T> } {
  let outcome: Outcome<T> = { status: 'pending' };
  promise.then(
    (value) => { outcome = { status: 'fulfilled', value }; },
    (reason: unknown) => { outcome = { status: 'rejected', reason }; },
  );
  return { promise, state: () => outcome };
}

export async function settle<T>(promise: Promise<T>): Promise<Outcome<T>> {
  try {
    return { status: 'fulfilled', value: await promise };
  } catch (reason) {
    return { status: 'rejected', reason };
  }
}
