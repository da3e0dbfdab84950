// WorkerPool.map over 20 back-to-back batches of ~50 ms of single-thread kernel work, printing each
// batch's wall time, process CPU time and the main thread's event-loop utilization. This is how the
// bench kernel's JIT problem was found (batches turning 3x slower once V8 optimized the worker's
// handler; fixed in bench/lib/kernel.mjs): if batches drift apart again, run it with --trace-opt.
// Usage: npm run build && node bench/profile/cpu-batches.mjs [grain-us]
import { WorkerPool } from '../../dist/index.js';
import { kernel, calibrate } from '../lib/kernel.mjs';
const perUs = calibrate();
const grainUs = Number(process.argv[2] ?? 100);
const iters = Math.round(grainUs * perUs);
const n = Math.max(8, Math.round(50_000 / grainUs));
const pool = new WorkerPool({ worker: new URL('../workers/kernel-handler.mjs', import.meta.url), threads: 2 });
const times = [];
for (let b = 0; b < 20; b++) {
  const items = Array.from({ length: n }, (_, i) => ({ seed: b * 1000 + i + 1, iters }));
  const want = items.map((it) => kernel(it.seed, iters));
  const t = performance.now(); const cpu0 = process.cpuUsage(); const elu0 = performance.eventLoopUtilization();
  let k = 0;
  for await (const r of pool.map(items)) { if (r !== want[k]) throw new Error('bad'); k++; }
  const el = performance.now() - t; const cpu = process.cpuUsage(cpu0); const elu = performance.eventLoopUtilization(elu0);
  times.push(`${el.toFixed(0)}ms/cpu${((cpu.user + cpu.system) / 1000).toFixed(0)}/mainELU${elu.utilization.toFixed(2)}`);
}
const single = (() => { const t = performance.now(); for (let i = 0; i < n; i++) kernel(i + 1, iters); return performance.now() - t; })();
console.log(`grain ${grainUs}us n=${n} single-thread batch ${single.toFixed(1)} ms; pool batches ms:`, times.join(' '));
console.log('stats', JSON.stringify(pool.stats().perThread));
await pool.close();
