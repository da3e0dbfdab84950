// A consumer thread: takes numbers from a shared queue, counts the primes below each one
// (CPU work), and stops when the queue is shut down or, with `sentinel: true`, at a null item.
import { parentPort, workerData } from 'node:worker_threads';
import { Queue, QueueShutDown } from 'conveyor-queue';
import { countPrimes } from '../lib/common.mjs';

const { jobs: jobsHandle, results: resultsHandle, name, sentinel = false } = workerData;
const jobs = Queue.from(jobsHandle);                       // the blocking view: a worker thread may block
const results = resultsHandle ? Queue.from(resultsHandle) : null;

let count = 0;
let checksum = 0;
for (;;) {
  let n;
  try {
    n = jobs.get();                                        // sleeps (Atomics.wait) while the queue is empty
  } catch (error) {
    if (error instanceof QueueShutDown) break;             // shut down and drained: the conveyor way to stop
    throw error;
  }
  if (sentinel && n === null) {                            // the asyncio way to stop: a sentinel item
    jobs.taskDone();
    break;
  }
  const primes = countPrimes(n);
  results?.put({ n, primes, by: name });
  count++;
  checksum += n;
  jobs.taskDone();
}
parentPort.postMessage({ result: { name, count, checksum } });
