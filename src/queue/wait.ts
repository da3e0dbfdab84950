import { W } from '../shared/layout.js';

/**
 * How long a blocked thread polls a condition word before it parks in Atomics.wait.
 * Parking and being woken costs tens of microseconds; a short poll catches the common
 * case of a peer that answers within a few microseconds, and while a waiter polls it is
 * not registered, so the peer skips the notify call altogether. Kept short so that an
 * oversubscribed machine does not burn much time spinning.
 */
export const SPIN_ITERATIONS = 2000;

/**
 * Sync wait: returns when condition `word` no longer holds `seq`, or after `ms`
 * milliseconds (Infinity: no limit). The caller re-checks the queue either way.
 */
export function waitForChange(h: Int32Array, word: number, waitingWord: number, seq: number, ms: number): void {
  for (let i = 0; i < SPIN_ITERATIONS; i++) {
    if (Atomics.load(h, word) !== seq) return;
  }
  Atomics.add(h, waitingWord, 1);
  try {
    Atomics.wait(h, word, seq, ms);
  } finally {
    Atomics.sub(h, waitingWord, 1);
  }
}

export const CONDITION = {
  notEmpty: [W.NOT_EMPTY, W.GETTERS_WAITING],
  notFull: [W.NOT_FULL, W.PUTTERS_WAITING],
  allDone: [W.ALL_DONE, W.JOINERS_WAITING],
} as const;

export function deadlineFor(timeout: number | undefined): number {
  return timeout === undefined ? Infinity : performance.now() + timeout;
}

export function joinTimeoutError(timeout: number, unfinished: number): DOMException {
  return new DOMException(`join() timed out after ${timeout} ms with ${unfinished} unfinished tasks`, 'TimeoutError');
}
