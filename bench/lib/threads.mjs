import { Worker } from 'node:worker_threads';

/**
 * Starts a bench worker (a file under bench/workers/). Resolves `ready` when the worker
 * posts { ready: true } and `done` with its { done: true, ... } message. A worker error
 * or an early exit rejects both, so a broken contender fails its row instead of hanging.
 */
export function startWorker(name, workerData, transferList = [], options = {}) {
  const worker = new Worker(new URL(`../workers/${name}`, import.meta.url), { workerData, transferList, ...options });
  let readyResolve, readyReject, doneResolve, doneReject;
  const ready = new Promise((res, rej) => { readyResolve = res; readyReject = rej; });
  const done = new Promise((res, rej) => { doneResolve = res; doneReject = rej; });
  // Unobserved rejections are reported by whoever awaits; avoid process-level noise.
  ready.catch(() => {});
  done.catch(() => {});
  const messages = [];
  worker.on('message', (m) => {
    if (m && m.ready) readyResolve(m);
    else if (m && m.done) doneResolve(m);
    else messages.push(m);
  });
  worker.on('error', (err) => {
    readyReject(err);
    doneReject(err);
  });
  worker.on('exit', (code) => {
    const err = new Error(`bench worker ${name} exited with code ${code}`);
    readyReject(err);
    doneReject(err);
  });
  return { worker, ready, done, messages };
}

/** Waits for a promise at most `ms` milliseconds. */
export function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, rej) => {
      timer = setTimeout(() => rej(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
