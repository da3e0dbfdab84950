#!/usr/bin/env node
/**
 * The bare wake-up primitives with a parked peer, no queue: a pinger sleeps GAP_US, then
 * wakes a parked ponger, which answers at once; median (p90) round trip, and how long the
 * waking call itself took in the pinger (Atomics.notify or postMessage).
 *
 *   node bench/profile/wake.mjs atomics     # Atomics.wait / Atomics.notify on a shared word
 *   node bench/profile/wake.mjs port        # MessagePort, both sides on their event loops
 *
 * Environment: N (round trips, default 1500), GAP_US (default 500), SPIN (polls the pinger
 * makes before it parks for the answer, atomics only; default 0).
 */
import { isMainThread, MessageChannel, parentPort, Worker, workerData } from 'node:worker_threads';

const N = Number(process.env.N ?? 1500);
const GAP_MS = Number(process.env.GAP_US ?? 500) / 1000;
const SPIN = Number(process.env.SPIN ?? 0);

function median(values) {
  const s = [...values].sort((x, y) => x - y);
  return `${s[s.length >> 1].toFixed(1)} us (p90 ${s[Math.floor(s.length * 0.9)].toFixed(1)})`;
}

if (isMainThread) {
  const mode = process.argv[2] ?? 'atomics';
  if (mode !== 'atomics' && mode !== 'port') throw new Error('usage: wake.mjs atomics|port');
  const words = new SharedArrayBuffer(8);
  const { port1, port2 } = new MessageChannel();
  const start = (role, port) => new Worker(new URL(import.meta.url), { workerData: { role, mode, words, port }, transferList: [port] });
  const ponger = start('ponger', port2);
  const pinger = start('pinger', port1);
  pinger.on('message', ({ rtt, call }) => {
    console.log(`${mode}: round trip ${median(rtt)}; the waking call ${median(call)}`);
    void ponger.terminate();
    void pinger.terminate();
  });
} else {
  const { role, mode, words, port } = workerData;
  // w[0]: the last ping's number, w[1]: the last pong's number.
  const w = new Int32Array(words);
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  if (role === 'ponger') {
    if (mode === 'atomics') {
      for (let seen = 0; ; ) {
        Atomics.wait(w, 0, seen);
        seen = Atomics.load(w, 0);
        Atomics.store(w, 1, seen);
        Atomics.notify(w, 1, 1);
      }
    } else {
      port.on('message', (m) => port.postMessage(m));
    }
  } else {
    const rtt = [];
    const call = [];
    if (mode === 'atomics') {
      for (let i = 1; i <= N; i++) {
        Atomics.wait(sleeper, 0, 0, GAP_MS);
        const t0 = performance.now();
        Atomics.store(w, 0, i);
        Atomics.notify(w, 0, 1);
        const t1 = performance.now();
        for (let k = 0; k < SPIN && Atomics.load(w, 1) !== i; k++);
        while (Atomics.load(w, 1) !== i) Atomics.wait(w, 1, i - 1);
        rtt.push((performance.now() - t0) * 1000);
        call.push((t1 - t0) * 1000);
      }
    } else {
      let answered = () => {};
      let t0 = 0;
      port.on('message', () => answered());
      for (let i = 1; i <= N; i++) {
        Atomics.wait(sleeper, 0, 0, GAP_MS);
        await new Promise((resolve) => {
          answered = resolve;
          t0 = performance.now();
          port.postMessage(i);
          call.push((performance.now() - t0) * 1000);
        });
        rtt.push((performance.now() - t0) * 1000);
      }
    }
    parentPort.postMessage({ rtt, call });
  }
}
