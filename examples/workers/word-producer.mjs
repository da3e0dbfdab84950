// Produces words of generated text onto the queue, then shuts the queue down: that is what
// ends the consumer's `for await` loop in the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { Queue } from 'conveyor-queue';

const { queue: handle, lines } = workerData;
const queue = Queue.from(handle);
const vocabulary = ['queue', 'thread', 'shared', 'memory', 'atomics', 'worker', 'producer', 'consumer'];
let seed = 7;
const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
let words = 0;
for (let i = 0; i < lines; i++) {
  const line = Array.from({ length: 3 + ((next() >> 16) % 6) }, () => vocabulary[(next() >> 16) % vocabulary.length]);
  queue.putMany(line);
  words += line.length;
}
queue.shutdown();                 // no more items: consumers drain what is left, then stop
parentPort.postMessage({ result: { words } });
