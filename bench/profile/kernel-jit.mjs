// Does the bench kernel run at the same speed on a worker as on the main thread, whatever the
// worker saw before? Runs items of one size and then 10 ms items through piscina (1 thread),
// once with the bench kernel and once with the plain count-up loop it replaced, and prints the
// 10 ms items' time per item against the main thread's. The plain loop, inlined into piscina's
// dispatch function, ran 2-2.5x slower after 100 us items; the bench kernel must not.
// Usage: node bench/profile/kernel-jit.mjs [first-grain-us=100]
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { calibrate, kernel } from '../lib/kernel.mjs';

const plain = `function kernel(seed, iters) {
  const n = iters | 0;
  let x = (seed | 0) || (0x9e3779b9 | 0);
  let acc = 0;
  for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; acc = (acc + (x & 0xffff)) | 0; }
  return acc;
}
export default function handler(item) { return kernel(item.seed, item.iters); }
`;
const dir = mkdtempSync(path.join(tmpdir(), 'kernel-jit-'));
writeFileSync(path.join(dir, 'plain.mjs'), plain);
const handlers = {
  'bench kernel': new URL('../workers/kernel-handler.mjs', import.meta.url).href,
  'plain count-up loop': pathToFileURL(path.join(dir, 'plain.mjs')).href,
};
const perUs = calibrate();
const firstUs = Number(process.argv[2] ?? 100);
const items = (us, n) => Array.from({ length: n }, (_, i) => ({ seed: i + 1, iters: Math.round(us * perUs) }));
const big = items(10_000, 5);
let t = performance.now();
for (const it of big) kernel(it.seed, it.iters);
console.log(`main thread: ${((performance.now() - t) / big.length).toFixed(2)} ms per 10 ms item`);
for (const [name, filename] of Object.entries(handlers)) {
  const pool = new Piscina({ filename, minThreads: 1, maxThreads: 1 });
  for (let k = 0; k < 3; k++) await Promise.all(items(firstUs, Math.round(50_000 / firstUs)).map((it) => pool.run(it)));
  const per = [];
  for (let k = 0; k < 3; k++) {
    t = performance.now();
    await Promise.all(big.map((it) => pool.run(it)));
    per.push(((performance.now() - t) / big.length).toFixed(2));
  }
  console.log(`${name} on a piscina worker after ${firstUs} us items: ${per.join(', ')} ms per 10 ms item`);
  await pool.destroy();
}
