// Takes everything queued (non-blocking) and reports the order it came out in.
import { parentPort, workerData } from 'node:worker_threads';
import { PriorityQueue, QueueEmpty } from 'conveyor-queue';

const queue = PriorityQueue.from(workerData.queue);
const order = [];
for (;;) {
  try {
    order.push(queue.getNowait());
  } catch (error) {
    if (error instanceof QueueEmpty) break;
    throw error;
  }
}
parentPort.postMessage({ result: order });
