import { threadId } from 'node:worker_threads';
import { W } from './layout.js';

/**
 * A futex-based mutex on header word LOCK (Drepper, "Futexes Are Tricky", mutex #3):
 *   0 = free, 1 = held, 2 = held and someone may be sleeping in Atomics.wait.
 * Acquire: CAS 0->1; else spin briefly; else swap in 2 and sleep while it stays 2.
 * Release: swap in 0; if the old value was 2, wake one sleeper.
 * A sleeper always re-enters with 2, so a release never misses it.
 *
 * Critical sections are a copy and a few stores, so the spin usually wins and nobody
 * sleeps. LOCK_OWNER records the holder (threadId + 1) for diagnostics and for
 * detecting a holder that died (the reliability work builds on it).
 */
const SPINS = 100;
const OWNER_TAG = threadId + 1;

export function lock(h: Int32Array): void {
  if (Atomics.compareExchange(h, W.LOCK, 0, 1) !== 0) lockSlow(h);
  h[W.LOCK_OWNER] = OWNER_TAG;
}

function lockSlow(h: Int32Array): void {
  for (let i = 0; i < SPINS; i++) {
    if (Atomics.load(h, W.LOCK) === 0 && Atomics.compareExchange(h, W.LOCK, 0, 1) === 0) return;
  }
  while (Atomics.exchange(h, W.LOCK, 2) !== 0) {
    Atomics.wait(h, W.LOCK, 2);
  }
}

export function unlock(h: Int32Array): void {
  h[W.LOCK_OWNER] = 0;
  if (Atomics.exchange(h, W.LOCK, 0) === 2) Atomics.notify(h, W.LOCK, 1);
}
