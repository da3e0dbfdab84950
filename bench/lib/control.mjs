/**
 * The control block shared by the bench driver (main thread) and its workers: a few
 * Int32 words in a SharedArrayBuffer. Rounds are numbered from 1; the driver bumps GO
 * to start a round and waits until RECEIVED reaches round * itemsPerRound. Counters
 * only grow, so a worker that is late for a round can never confuse two rounds.
 */
export const C = {
  /** Rounds started by the driver. Workers wait on it between rounds. */
  GO: 0,
  /** 1 once the driver is done: workers report their totals and stop. */
  STOP: 1,
  /** Items consumed so far (all rounds, all consumers). The driver waits on it. */
  RECEIVED: 2,
  /** Items claimed so far by queue consumers (they claim before they get, see handoff worker). */
  CLAIM: 3,
};

export function createControl() {
  return new Int32Array(new SharedArrayBuffer(64));
}

/** Worker side: waits for the next round (or STOP); returns false on STOP. */
export function waitForRound(ctrl, seen) {
  for (;;) {
    if (Atomics.load(ctrl, C.STOP) !== 0) return false;
    if (Atomics.load(ctrl, C.GO) !== seen) return true;
    Atomics.wait(ctrl, C.GO, seen, 1000);
  }
}

/** Consumer side: adds consumed items and wakes the driver when a round boundary is crossed. */
export function reportConsumed(ctrl, n, perRound) {
  const before = Atomics.add(ctrl, C.RECEIVED, n);
  if (Math.floor(before / perRound) !== Math.floor((before + n) / perRound)) Atomics.notify(ctrl, C.RECEIVED);
}

/** Driver side: starts round `round` and blocks until its items are all consumed. */
export function runRound(ctrl, round, perRound, timeoutMs = 60_000) {
  Atomics.add(ctrl, C.GO, 1);
  Atomics.notify(ctrl, C.GO);
  const target = round * perRound;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = Atomics.load(ctrl, C.RECEIVED);
    if (v >= target) return;
    const left = deadline - performance.now();
    if (left <= 0 || Atomics.wait(ctrl, C.RECEIVED, v, left) === 'timed-out') {
      throw new Error(`round ${round} timed out after ${timeoutMs} ms: ${Atomics.load(ctrl, C.RECEIVED) - (round - 1) * perRound} of ${perRound} items arrived`);
    }
  }
}

/** Driver side: tells every worker to stop (they report totals). */
export function stopAll(ctrl) {
  Atomics.store(ctrl, C.STOP, 1);
  Atomics.add(ctrl, C.GO, 1);
  Atomics.notify(ctrl, C.GO);
}
