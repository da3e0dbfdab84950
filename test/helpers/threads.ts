import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

/**
 * Cross-thread tests run real worker_threads. Workers cannot load TypeScript on Node 20,
 * so worker fixtures are plain .mjs files under test/fixtures that import the built
 * library (dist/, made by `npm test` before vitest starts). The main-thread side of a
 * test imports src/ directly: both sides meet only through the queue handle.
 */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

export interface WorkerRun<R> {
  worker: Worker;
  /** Resolves with the worker's first 'result' message; rejects on error or early exit. */
  result: Promise<R>;
  /** Resolves when the worker posts { type: 'ready' }. */
  ready: Promise<void>;
}

/**
 * Starts a fixture worker. Fixtures post `{ type: 'ready' }` when they are about to do their
 * work (optional) and `{ type: 'result', value }` at the end.
 */
export function startWorker<R = unknown>(name: string, workerData: unknown): WorkerRun<R> {
  const worker = new Worker(fixture(name), { workerData });
  let onReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  const result = new Promise<R>((resolve, reject) => {
    worker.on('message', (msg: { type: string; value?: R }) => {
      if (msg.type === 'ready') onReady();
      if (msg.type === 'result') resolve(msg.value as R);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`worker ${name} exited with code ${code} before posting a result`)));
  });
  return { worker, result, ready };
}

/** Waits until `predicate` holds, polling every few ms, failing after `ms` (a generous bound, not a sleep). */
export async function waitUntil(predicate: () => boolean, ms = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
