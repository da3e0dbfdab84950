// Small helpers shared by the examples (not part of the library).
import { Worker } from 'node:worker_threads';

/** Short mode: smaller inputs, used by test/examples so every example runs in the test suite. */
export const QUICK = process.env.CONVEYOR_EXAMPLE_QUICK === '1' || process.argv.includes('--quick');

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds since `start`, rounded, for log lines. */
export const since = (start) => Math.round(performance.now() - start);

/**
 * Starts examples/workers/<name>.mjs with `workerData`; `result` resolves with the value of
 * the worker's first { result } message, or rejects if the worker fails or exits without one.
 */
export function startWorker(name, workerData) {
  const worker = new Worker(new URL(`../workers/${name}.mjs`, import.meta.url), { workerData });
  const result = new Promise((resolve, reject) => {
    worker.on('message', (msg) => {
      if (msg && 'result' in msg) resolve(msg.result);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`worker ${name} exited (code ${code}) without a result`)));
  });
  return { worker, result };
}

/** CPU work that takes a while: counts the primes below n by trial division. */
export function countPrimes(n) {
  let count = 0;
  for (let k = 2; k < n; k++) {
    let prime = true;
    for (let d = 2; d * d <= k; d++) if (k % d === 0) { prime = false; break; }
    if (prime) count++;
  }
  return count;
}
