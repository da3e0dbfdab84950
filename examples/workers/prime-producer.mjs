// A producer thread: finds the primes in [from, to) (CPU work) and puts each one on the
// shared queue as [producerId, prime].
import { parentPort, workerData } from 'node:worker_threads';
import { Queue } from 'conveyor-queue';

const { queue: handle, id, from, to } = workerData;
const queue = Queue.from(handle);
let produced = 0;
for (let n = Math.max(from, 2); n < to; n++) {
  let prime = true;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break; }
  if (prime) {
    queue.put([id, n]);            // blocks this thread (not the main one) while the queue is full
    produced++;
  }
}
parentPort.postMessage({ result: { id, produced } });
