import { isMainThread, threadId } from 'node:worker_threads';
import { QueueLockedError } from '../errors.js';
import { W } from './layout.js';

/**
 * A futex mutex on header word LOCK that records its holder in the lock word itself:
 *   0               free
 *   tag << 1        held by the thread whose tag is threadId + 1
 *   (tag << 1) | 1  held, and other threads may be sleeping in Atomics.wait
 * Acquiring is one compareExchange from 0, so there is no instant at which the lock is
 * held but its holder unknown: if a thread is terminated while holding it, whoever sees
 * the thread's 'exit' can release it (releaseIfHeldBy). Waiters set bit 0 before they
 * sleep, so a release that swaps out a word with bit 0 knows to wake one of them; a
 * thread that acquires after sleeping sets bit 0 again, since others may still sleep
 * (Drepper, "Futexes Are Tricky", mutex #3, with the owner in the word).
 *
 * Critical sections are a copy and a few stores, so the brief spin usually wins.
 */
const SPINS = 100;
/**
 * The main thread does not wait longer than this for a lock held by one thread: critical
 * sections take microseconds, so the holder has died, and the 'exit' event that lets
 * recoverThread() release the lock can only be delivered once the main thread returns to
 * its event loop. (Workers wait without bound: the main thread recovers the lock for them.)
 */
const MAIN_THREAD_LOCK_PATIENCE_MS = 1000;
const THREAD_TAG = threadId + 1;
const MINE = THREAD_TAG << 1;

export function lock(h: Int32Array): void {
  if (Atomics.compareExchange(h, W.LOCK, 0, MINE) !== 0) lockSlow(h);
}

function lockSlow(h: Int32Array): void {
  for (let i = 0; i < SPINS; i++) {
    if (Atomics.load(h, W.LOCK) === 0 && Atomics.compareExchange(h, W.LOCK, 0, MINE) === 0) return;
  }
  let holder = 0;
  let since = 0;
  for (;;) {
    let v = Atomics.load(h, W.LOCK);
    if (v === 0) {
      if (Atomics.compareExchange(h, W.LOCK, 0, MINE | 1) === 0) return;
      continue;
    }
    if ((v & 1) === 0) {
      if (Atomics.compareExchange(h, W.LOCK, v, v | 1) !== v) continue;
      v |= 1;
    }
    if (!isMainThread) {
      Atomics.wait(h, W.LOCK, v);
      continue;
    }
    const now = performance.now();
    if (v >>> 1 !== holder) {
      holder = v >>> 1;
      since = now;
    } else if (now - since >= MAIN_THREAD_LOCK_PATIENCE_MS) {
      throw new QueueLockedError(holder - 1, now - since);
    }
    Atomics.wait(h, W.LOCK, v, 50);
  }
}

export function unlock(h: Int32Array): void {
  if ((Atomics.exchange(h, W.LOCK, 0) & 1) !== 0) Atomics.notify(h, W.LOCK, 1);
}

/**
 * Releases the lock if the thread with this tag holds it. Only for a thread known to be
 * dead (after its 'exit' event): the state blocks make whatever it was doing either
 * committed or not, so the queue is consistent without it.
 */
export function releaseIfHeldBy(h: Int32Array, tag: number): boolean {
  for (;;) {
    const v = Atomics.load(h, W.LOCK);
    if (v === 0 || v >>> 1 !== tag) return false;
    if (Atomics.compareExchange(h, W.LOCK, v, 0) === v) {
      Atomics.notify(h, W.LOCK);
      return true;
    }
  }
}

