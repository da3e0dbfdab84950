/**
 * How long a blocked thread polls a condition word before it parks in Atomics.wait, at
 * most (about 15 us on the 2-core machine). Parking and being woken costs tens of
 * microseconds; a short poll catches the common case of a peer that answers within a few
 * microseconds, and while a waiter polls it is not registered, so the peer skips the
 * notify call altogether.
 */
export const SPIN_ITERATIONS = 2000;
/** The least a thread polls once spinning has stopped paying. */
const SPIN_MIN = 16;
/** Every PROBE_EVERY-th wait polls the full SPIN_ITERATIONS again, to notice when spinning pays again. */
const PROBE_EVERY = 16;

/**
 * Adaptive spinning, per thread. Spinning only pays while the peer runs on another core
 * at the same time; when it cannot (a parked peer, more runnable threads than cores), the
 * spinner holds the core the peer needs and every round trip costs a full spin plus a
 * park. So: a wait that spun in vain quarters the next spin (down to SPIN_MIN), a wait
 * that spinning satisfied doubles it, and every PROBE_EVERY-th wait tries the full spin
 * so that a thread whose peer is back to answering quickly returns to spinning.
 */
let spinLimit = SPIN_ITERATIONS;
let waits = 0;

/**
 * Sync wait: returns when condition `word` no longer holds `seq`, or after `ms`
 * milliseconds (Infinity: no limit). The caller re-checks the queue either way.
 */
export function waitForChange(h: Int32Array, word: number, waitingWord: number, seq: number, ms: number): void {
  const probe = ++waits % PROBE_EVERY === 0;
  const limit = probe ? SPIN_ITERATIONS : spinLimit;
  for (let i = 0; i < limit; i++) {
    if (Atomics.load(h, word) !== seq) {
      if (spinLimit < SPIN_ITERATIONS) spinLimit = probe ? SPIN_ITERATIONS : Math.min(SPIN_ITERATIONS, limit * 2);
      return;
    }
  }
  if (!probe) spinLimit = Math.max(SPIN_MIN, limit >> 2);
  Atomics.add(h, waitingWord, 1);
  try {
    Atomics.wait(h, word, seq, ms);
  } finally {
    Atomics.sub(h, waitingWord, 1);
  }
}

export function deadlineFor(timeout: number | undefined): number {
  return timeout === undefined ? Infinity : performance.now() + timeout;
}

export function joinTimeoutError(timeout: number, unfinished: number): DOMException {
  return new DOMException(`join() timed out after ${timeout} ms with ${unfinished} unfinished tasks`, 'TimeoutError');
}
