/**
 * The pool's own shared memory: one SharedArrayBuffer, laid out as
 *
 *   Int32 words (CONTROL_BYTES):
 *     [C.STOP]   0 run, 1 destroy: consumers return at the next item boundary (Atomics).
 *     [C.RESULTS] a sequence word the main thread's result pump may wait on instead of the
 *                output queue while it polls (Dispatcher.pump): a consumer bumps it and
 *                notifies after putting results once its input has run dry (Atomics).
 *     [C.RESULTS_WAITING] 1 while the pump waits on RESULTS, else 0 (Atomics).
 *   then one region per thread index (regionBytes(slots) each), Float64 values:
 *     [R.DONE]   items this thread index finished with a result (all workers it ever had)
 *     [R.FAILED] items whose handler threw
 *     [R.PASSED] failures from an earlier stage forwarded untouched (pipelines)
 *     [R.TAKEN]  items taken from the input (for the "queued" statistic)
 *     [R.PUT]    items put on the output (the next stage's "queued" statistic)
 *     [R.CURRENT] id of the item whose handler is running now (serial consumers), NaN between
 *                items: after a death, only that item is charged a retry; the others it held
 *                go back without using one of theirs. +Infinity (concurrent consumers, several
 *                items run at once): every held item is charged.
 *     [R.TAKING] 1 from just before a take until its records are published in the table:
 *                a thread that died with it set may have taken records no table names
 *     [R.HELD]   how many record entries below are in use
 *     [R.THREAD] threadId of the worker running this region's consumer (written at its start):
 *                after that worker dies, the pool calls recoverThread() on the queues with it,
 *                releasing a queue lock the worker may have held when it was killed
 *     [R.IDS + 2k, R.IDS + 2k + 1]  entry k: (first id, item count) of a record the thread
 *                holds: taken from the input, results not all put yet. NaN id = free entry.
 *
 * Why an "in flight" table in shared memory rather than copies of every item kept on the main
 * side: in a pipeline, later stages take items the main thread never sees, so only the worker
 * knows what it holds. The table costs two stores per record (a record carries up to 64
 * items), and the main thread keeps the items it submitted anyway, for redelivery.
 *
 * Each region has exactly one writer (the consumer running under that thread index), so plain
 * Float64 stores suffice; 8-byte aligned doubles are not torn on the platforms Node runs on.
 * The main thread reads a region's entries only after its worker has exited (the exit is
 * delivered by message, which orders it after the worker's last writes), or as a statistic,
 * where a stale value is fine. Per take: TAKING = 1 -> take -> write entries -> write HELD
 * (publish) -> TAKING = 0 -> run -> put results -> HELD = 0. A worker that dies between the
 * take and the HELD store leaves records no table names; TAKING tells the main thread that it
 * may have, and then the dispatcher's idle sweep (Dispatcher.noteLostTake) finds them.
 */
export const C = { STOP: 0, RESULTS: 1, RESULTS_WAITING: 2 } as const;
export const CONTROL_BYTES = 16;

export const R = { DONE: 0, FAILED: 1, PASSED: 2, TAKEN: 3, PUT: 4, CURRENT: 5, TAKING: 6, HELD: 7, THREAD: 8, IDS: 9 } as const;

export function regionBytes(entries: number): number {
  return (R.IDS + 2 * entries) * 8;
}

export function createPoolMemory(threads: number, entries: number): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_BYTES + threads * regionBytes(entries));
}

export function controlWords(mem: SharedArrayBuffer): Int32Array {
  return new Int32Array(mem, 0, CONTROL_BYTES / 4);
}

export function region(mem: SharedArrayBuffer, index: number, entries: number): Float64Array {
  return new Float64Array(mem, CONTROL_BYTES + index * regionBytes(entries), R.IDS + 2 * entries);
}

/** What a region says its thread holds: every item id, and how many records (queue tasks). */
export function held(r: Float64Array): { ids: number[]; records: number } {
  const n = Math.min(r[R.HELD], (r.length - R.IDS) / 2);
  const ids: number[] = [];
  let records = 0;
  for (let k = 0; k < n; k++) {
    const first = r[R.IDS + 2 * k];
    if (Number.isNaN(first)) continue;
    records++;
    const count = Math.min(r[R.IDS + 2 * k + 1], 1 << 16);
    for (let i = 0; i < count; i++) ids.push(first + i);
  }
  return { ids, records };
}

/** Items held right now (a statistic). */
export function heldCount(r: Float64Array): number {
  const n = Math.min(r[R.HELD], (r.length - R.IDS) / 2);
  let count = 0;
  for (let k = 0; k < n; k++) if (!Number.isNaN(r[R.IDS + 2 * k])) count += r[R.IDS + 2 * k + 1];
  return count;
}

/** Which held items a death is charged to: one id, all of them, or none (died between items). */
export type Culprit = { kind: 'one'; id: number } | { kind: 'all' } | { kind: 'none' };

export function culpritOf(r: Float64Array): Culprit {
  const current = r[R.CURRENT];
  if (current === Number.POSITIVE_INFINITY) return { kind: 'all' };
  if (Number.isNaN(current) || current === 0) return { kind: 'none' };
  return { kind: 'one', id: current };
}
