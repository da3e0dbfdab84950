// One party of an exactly-once run, in a worker thread, through the blocking view:
// a producer puts its items in order (singly or in batches), a consumer gets until the
// queue is shut down and drained, tallying what it saw (scripts/lib/tally.mjs).
import { parentPort, workerData } from 'node:worker_threads';
import { Queue, LifoQueue, QueueShutDown } from '../../dist/index.js';
import { itemValue, Tally } from '../lib/tally.mjs';

const { role, handle, ordering, batch } = workerData;
const q = (ordering === 'lifo' ? LifoQueue : Queue).from(handle);

/** Says ready, then parks until the main thread starts everyone at once. */
function readyAndWait() {
  parentPort.postMessage({ type: 'ready' });
  Atomics.wait(new Int32Array(workerData.go), 0, 0);
}

if (role === 'producer') {
  const { producer, count } = workerData;
  readyAndWait();
  if (batch <= 1) {
    for (let i = 0; i < count; i++) q.put(itemValue(producer, i));
  } else {
    const items = [];
    for (let i = 0; i < count; i++) {
      items.push(itemValue(producer, i));
      if (items.length === batch) {
        q.putMany(items);
        items.length = 0;
      }
    }
    if (items.length) q.putMany(items);
  }
  parentPort.postMessage({ type: 'result', value: { put: count } });
} else {
  const tally = new Tally(workerData.bitmap, ordering === 'fifo');
  readyAndWait();
  for (;;) {
    try {
      if (batch <= 1) tally.see(q.get());
      else for (const v of q.getMany(batch)) tally.see(v);
    } catch (error) {
      if (error instanceof QueueShutDown) break;
      throw error;
    }
  }
  parentPort.postMessage({ type: 'result', value: tally.result() });
}
