// Puts `item` on the queue after `delayMs` (blocking this worker thread meanwhile).
import { parentPort, workerData } from 'node:worker_threads';
import { Queue } from 'conveyor-queue';

const { queue: handle, item, delayMs } = workerData;
const queue = Queue.from(handle);
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delayMs);   // a plain sleep in a worker
queue.put(item);
// A worker thread may block: its get() takes a timeout too, and throws QueueEmpty
// (tried on a queue of its own, so it cannot take back the item it just put).
let empty = '';
try {
  new Queue().get({ timeout: 20 });
} catch (error) {
  empty = error.name;
}
parentPort.postMessage({ result: { put: item, emptyError: empty } });
