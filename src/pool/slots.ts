/**
 * The pool's own shared memory: one SharedArrayBuffer, laid out as
 *
 *   Int32 words (CONTROL_BYTES):
 *     [C.STOP]   0 run, 1 destroy: consumers return at the next item boundary (Atomics).
 *   then one region per thread index (REGION_BYTES each), Float64 slots:
 *     [R.DONE]   items this thread index finished with a result (all workers it ever had)
 *     [R.FAILED] items whose handler threw
 *     [R.PASSED] failure envelopes forwarded untouched (pipelines)
 *     [R.HELD]   how many of the id slots below are valid
 *     [R.IDS...] ids of the items the thread holds: taken from the input, result not yet put
 *
 * Why an "in flight" table in shared memory rather than copies of every item on the main side:
 * in a pipeline, later stages take items that the main thread never saw, so only the worker
 * knows what it holds. The table costs a few stores per batch. The main thread reads a region
 * only after the thread that wrote it has exited (the 'exit' event orders those reads after the
 * worker's last writes), or as a statistic where a stale value is fine.
 *
 * Each region has exactly one writer (the consumer running under that thread index), so plain
 * Float64 stores suffice; 8-byte aligned doubles are not torn on the platforms Node runs on.
 * The protocol per batch: take -> write ids -> write HELD (publish) -> run -> put results ->
 * write HELD = 0. A worker that dies between the take and the HELD store leaves items that no
 * table names: the pool's idle sweep (see Dispatcher.sweep) finds those after a death.
 */
export const C = { STOP: 0 } as const;
export const CONTROL_BYTES = 16;

export const R = { DONE: 0, FAILED: 1, PASSED: 2, HELD: 3, IDS: 4 } as const;

export function regionBytes(slots: number): number {
  return (R.IDS + slots) * 8;
}

export function createPoolMemory(threads: number, slots: number): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_BYTES + threads * regionBytes(slots));
}

export function controlWords(mem: SharedArrayBuffer): Int32Array {
  return new Int32Array(mem, 0, CONTROL_BYTES / 4);
}

export function region(mem: SharedArrayBuffer, index: number, slots: number): Float64Array {
  return new Float64Array(mem, CONTROL_BYTES + index * regionBytes(slots), R.IDS + slots);
}

/** The ids a region says its thread holds (async consumers leave holes as NaN). */
export function heldIds(r: Float64Array): number[] {
  const n = Math.min(r[R.HELD], r.length - R.IDS);
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = r[R.IDS + i];
    if (!Number.isNaN(id)) ids.push(id);
  }
  return ids;
}
