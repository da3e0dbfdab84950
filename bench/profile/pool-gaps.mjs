// Where a WorkerPool batch spends the time that is not the handler's: for batches of 50 items of
// ~1 ms (or the grain given), prints the batch time, the kernel time, when the first item started,
// and the gaps between one item's end and the next one's start on the same thread.
// Usage: npm run build && node bench/profile/pool-gaps.mjs [threads=1] [grain-us=1000]
import { WorkerPool } from '../../dist/index.js';
import { calibrate } from '../lib/kernel.mjs';

const threads = Number(process.argv[2] ?? 1);
const grainUs = Number(process.argv[3] ?? 1000);
const now = () => performance.timeOrigin + performance.now();
const iters = Math.round(grainUs * calibrate());
const pool = new WorkerPool({ worker: new URL('../workers/timed-kernel-handler.mjs', import.meta.url), threads });
for (let b = 0; b < 8; b++) {
  const items = Array.from({ length: 50 }, (_, i) => ({ seed: b * 100 + i + 1, iters }));
  const t0 = now();
  const runs = [];
  for await (const [, start, end] of pool.map(items)) runs.push([start - t0, end - t0]);
  const total = now() - t0;
  if (b < 3) continue; // warm-up
  runs.sort((a, b) => a[0] - b[0]);
  let kernelMs = 0;
  for (const [s, e] of runs) kernelMs += e - s;
  // With one thread the sorted runs are back to back; with more, gaps are taken per thread-free pairing.
  const gaps = [];
  for (let i = threads; i < runs.length; i++) gaps.push(Math.max(0, runs[i][0] - runs[i - threads][1]));
  gaps.sort((a, b) => a - b);
  const q = (p) => (gaps[Math.floor(p * (gaps.length - 1))] * 1000).toFixed(0);
  console.log(`batch ${total.toFixed(1)} ms, kernel ${kernelMs.toFixed(1)} ms on ${threads} thread(s), first start ${(runs[0][0] * 1000).toFixed(0)} us; gaps between items: median ${q(0.5)} us, p90 ${q(0.9)} us, max ${q(1)} us`);
}
await pool.close();
