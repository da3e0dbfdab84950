// A worker that takes items and puts them back, as fast as it can, until it is terminated
// at a random instant (often inside a queue operation). Each cycle is get -> taskDone -> put,
// so an item is in this thread's hands for a moment (at most MAX_IN_HANDS at once), and the
// unfinished count is over the queued count only for items taken and not yet marked done.
// It bumps its progress slot after every cycle so the main thread can see it still works.
import { parentPort, workerData } from 'node:worker_threads';
import { AsyncLifoQueue, AsyncPriorityQueue, AsyncQueue, LifoQueue, PriorityQueue, Queue, QueueEmpty, QueueFull } from '../../dist/index.js';

const { handle, ordering, mode, progress, phases, slot, maxInHands: MAX_IN_HANDS } = workerData;
const [Sync, Async] = { fifo: [Queue, AsyncQueue], lifo: [LifoQueue, AsyncLifoQueue], priority: [PriorityQueue, AsyncPriorityQueue] }[ordering];
const p = new Int32Array(progress);
const tick = () => Atomics.add(p, slot, 1);
// What this thread is doing, for the storm's diagnosis of a stall: GETTING, or PUTTING n items it holds.
const ph = new Int32Array(phases ?? new SharedArrayBuffer(4 * (slot + 1))); // optional: only the storm reads it
const GETTING = -1;
const getting = () => Atomics.store(ph, slot, GETTING);
const putting = (n) => Atomics.store(ph, slot, n);
const doneAll = (q, n) => {
  for (let i = 0; i < n; i++) q.taskDone();
};

function syncLoop(q) {
  for (let k = 0; ; k++) {
    getting();
    switch (mode) {
      case 'single': {
        const v = q.get();
        putting(1);
        q.taskDone();
        q.put(v);
        break;
      }
      case 'many': {
        const items = q.getMany(1 + (k % MAX_IN_HANDS));
        putting(items.length);
        doneAll(q, items.length);
        q.putMany(items);
        break;
      }
      case 'timed': {
        let v;
        try {
          v = q.get({ timeout: 1 });
        } catch (error) {
          if (!(error instanceof QueueEmpty)) throw error;
          break;
        }
        putting(1);
        q.taskDone();
        for (;;) {
          try {
            q.put(v, { timeout: 1 });
            break;
          } catch (error) {
            if (!(error instanceof QueueFull)) throw error;
          }
        }
        break;
      }
      case 'nowait': {
        let v;
        try {
          v = q.getNowait();
        } catch (error) {
          if (!(error instanceof QueueEmpty)) throw error;
          break;
        }
        putting(1);
        q.taskDone();
        for (;;) {
          try {
            q.putNowait(v);
            break;
          } catch (error) {
            if (!(error instanceof QueueFull)) throw error;
          }
        }
        break;
      }
      default:
        throw new Error(`unknown mode ${mode}`);
    }
    tick();
  }
}

async function asyncLoop(q) {
  for (let k = 0; ; k++) {
    getting();
    if (k % 3 === 0) {
      const items = await q.getMany(1 + (k % MAX_IN_HANDS));
      putting(items.length);
      doneAll(q, items.length);
      await q.putMany(items);
    } else if (k % 3 === 1) {
      let v;
      try {
        v = await q.get({ timeout: 1 });
      } catch (error) {
        if (!(error instanceof QueueEmpty)) throw error;
        continue;
      }
      putting(1);
      q.taskDone();
      await q.put(v);
    } else {
      const v = await q.get();
      putting(1);
      q.taskDone();
      await q.put(v);
    }
    tick();
  }
}

// No top-level await in this module: this thread is terminated at random instants, and on
// Node 20 terminating a worker while an async module (one with top-level await) is being
// evaluated can abort the whole process (V8 "Check failed: (location_) != nullptr" in
// SourceTextModule::ExecuteAsyncModule; seen once in a CI run of the kill-storm test).
parentPort.postMessage({ type: 'ready' });
if (mode === 'async') {
  // A pending Atomics.waitAsync does not keep a thread alive: without this, the thread would
  // exit whenever it waits on an empty or full queue.
  setInterval(() => {}, 1 << 30);
  asyncLoop(Async.from(handle)).catch((error) => {
    // Rethrown outside the promise: an uncaught exception, reported by the Worker's 'error' event.
    setImmediate(() => {
      throw error;
    });
  });
} else {
  syncLoop(Sync.from(handle));
}
