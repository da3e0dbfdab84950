import type { Worker } from 'node:worker_threads';

/**
 * How long a thread gets to exit after `terminate()` before it is asked again. A thread
 * that is terminated normally exits within milliseconds.
 */
export const TERMINATE_RETRY_MS = 1000;

/**
 * A terminate() that never takes effect: a worker looping through queue calls sometimes goes
 * on running after `worker.terminate()`, for as long as one waits (30 s in the kill storm
 * before it gave up). The storm saw it on Node 22, 24 and 26 (1 or 2 in 15,045 kills per line;
 * docs/runtimes.md). Asking again ended it every time:
 * each terminate() call requests the isolate's termination anew. So this waits for `ended`
 * and, while it has not happened, calls terminate() again on every listed thread that has
 * not exited (threadId -1 once it has), every TERMINATE_RETRY_MS. Returns how many times
 * it asked again (0 when every thread exited in time).
 */
export async function untilTerminated(ended: Promise<unknown>, threads: readonly Worker[], retryMs = TERMINATE_RETRY_MS): Promise<number> {
  let settled = false;
  const done = ended.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  let asked = 0;
  for (;;) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, retryMs)))]);
    clearTimeout(timer);
    if (settled) {
      await ended;
      return asked;
    }
    for (const worker of threads) {
      if (worker.threadId === -1) continue;
      asked++;
      worker.terminate().catch(() => undefined);
    }
  }
}
