// A consumer thread that calls a rate-limited "API": before each call it takes a token
// from the bucket that every consumer thread shares, so together they stay under one limit.
import { parentPort, workerData } from 'node:worker_threads';
import { Queue, QueueShutDown, TokenBucket } from 'conveyor-queue';

const jobs = Queue.from(workerData.jobs);
const api = TokenBucket.from(workerData.bucket);    // the same shared state in every thread
const calls = [];
for (;;) {
  let job;
  try {
    job = jobs.get();
  } catch (error) {
    if (error instanceof QueueShutDown) break;
    throw error;
  }
  api.takeSync();                                   // blocks this thread until a token is free
  calls.push(Number(process.hrtime.bigint() / 1000n));   // µs on a clock all threads share
  jobs.taskDone();
}
parentPort.postMessage({ result: { name: workerData.name, calls } });
