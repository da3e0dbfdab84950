// Watches the main thread's heartbeat word; if it stops moving (the main thread is blocked
// in a synchronous wait, so its timers cannot report anything), writes the queue's lock
// word and sleeper counts straight to stderr, and after `failAfterMs` ends the process.
import { workerData } from 'node:worker_threads';
import { writeSync } from 'node:fs';

const { header, beat, everyMs = 2000, failAfterMs = 20000 } = workerData;
const h = new Int32Array(header);
const b = new Int32Array(beat);
let last = -1;
let stuckSince = 0;
setInterval(() => {
  const now = Date.now();
  const v = Atomics.load(b, 0);
  if (v !== last) {
    last = v;
    stuckSince = now;
    return;
  }
  const lock = Atomics.load(h, 0);
  writeSync(2, `[watchdog] main thread blocked for ${now - stuckSince} ms: lock word ${lock} (held by threadId ${lock ? (lock >>> 1) - 1 : 'none'}), sleepers getters ${h[17]} putters ${h[33]} joiners ${h[49]}\n`);
  if (now - stuckSince > failAfterMs) {
    writeSync(2, '[watchdog] giving up: the main thread is deadlocked\n');
    process.kill(process.pid, 'SIGABRT');
  }
}, everyMs);
