import { QueueShutDown } from '../errors.js';
import type { WaitingCounts } from './hub.js';

/**
 * `for await (const item of queue)`: gets items until get() rejects with QueueShutDown
 * (shut down and drained), then ends without an error. A `break` leaves the queue as it
 * is: no get is pending while the loop body runs.
 */
export async function* iterateQueue<T>(queue: { get(): Promise<T> }): AsyncGenerator<T, void, undefined> {
  for (;;) {
    let item: T;
    try {
      item = await queue.get();
    } catch (error) {
      if (error instanceof QueueShutDown) return;
      throw error;
    }
    yield item;
  }
}

/** `<Name maxsize=0 ...>` plus CPython's `_getters[n]`/`_putters[n]` parts (and joiners). */
export function withWaiting(base: string, counts: WaitingCounts): string {
  const extra: string[] = [];
  if (counts.getters) extra.push(`_getters[${counts.getters}]`);
  if (counts.putters) extra.push(`_putters[${counts.putters}]`);
  if (counts.joiners) extra.push(`_joiners[${counts.joiners}]`);
  return extra.length === 0 ? base : `${base.slice(0, -1)} ${extra.join(' ')}>`;
}
