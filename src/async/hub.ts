import type { QueueCore } from '../queue/core.js';
import { W } from '../shared/layout.js';
import { Condition } from './condition.js';

/** The three conditions of one queue in this thread. */
export interface WaitHub {
  getters: Condition;
  putters: Condition;
  joiners: Condition;
}

/** Local waiting calls per condition: a snapshot, for diagnostics and tests. */
export interface WaitingCounts {
  getters: number;
  putters: number;
  joiners: number;
}

/**
 * One hub per queue memory per thread, so that every async view of the same queue made
 * from the same handle object in this thread (e.g. `AsyncQueue.from(aq.handle)`) shares
 * one FIFO of waiters and one pending Atomics.waitAsync per condition. Views attached
 * from separately received copies of a handle get their own hub; that is correct too,
 * only less economical.
 */
const hubs = new WeakMap<SharedArrayBuffer, WaitHub>();

export function hubFor(core: QueueCore): WaitHub {
  const key = core.handle.header;
  let hub = hubs.get(key);
  if (hub === undefined) {
    const { h } = core;
    hub = {
      getters: new Condition({ h, word: W.NOT_EMPTY, waitingWord: W.GETTERS_WAITING, holds: () => core.qsize() > 0 }),
      putters: new Condition({ h, word: W.NOT_FULL, waitingWord: W.PUTTERS_WAITING, holds: () => !core.full() }),
      // ALL_DONE is always notified with count Infinity: no wake-up to pass on.
      joiners: new Condition({ h, word: W.ALL_DONE, waitingWord: W.JOINERS_WAITING, holds: () => false }),
    };
    hubs.set(key, hub);
  }
  return hub;
}

export function waitingCounts(hub: WaitHub): WaitingCounts {
  return { getters: hub.getters.waiting, putters: hub.putters.waiting, joiners: hub.joiners.waiting };
}
