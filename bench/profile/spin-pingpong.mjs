// node bench/profile/spin-pingpong.mjs
// Two workers bounce a shared word by pure spinning (no Atomics.wait): the round trip shows
// whether both threads run at the same time on this machine's two vCPUs.
import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';
const N = 20000;
if (isMainThread) {
  const sab = new SharedArrayBuffer(8);
  const a = new Worker(new URL(import.meta.url), { workerData: { sab, role: 0 } });
  const b = new Worker(new URL(import.meta.url), { workerData: { sab, role: 1 } });
  const [ra] = await Promise.all([new Promise((r) => a.once('message', r)), new Promise((r) => b.once('message', r))]);
  console.log(`pure-spin round trip between two workers: median ${ra.median.toFixed(2)} us, p90 ${ra.p90.toFixed(2)} us, max ${ra.max.toFixed(0)} us`);
} else {
  const w = new Int32Array(workerData.sab);
  const times = [];
  for (let i = 0; i < N; i++) {
    if (workerData.role === 0) {
      const t = performance.now();
      Atomics.store(w, 0, 2 * i + 1);
      while (Atomics.load(w, 0) !== 2 * i + 2);
      times.push((performance.now() - t) * 1000);
    } else {
      while (Atomics.load(w, 0) !== 2 * i + 1);
      Atomics.store(w, 0, 2 * i + 2);
    }
  }
  times.sort((x, y) => x - y);
  parentPort.postMessage({ median: times[N >> 1] ?? 0, p90: times[Math.floor(N * 0.9)] ?? 0, max: times[N - 1] ?? 0 });
}
