// Soak (issue 6, item 5): a mixed workload through a WorkerPool for a long time, sampling
// memory every second. Usage:
//   node scripts/soak.mjs [--seconds 600] [--threads N] [--in-flight 512]
// Workload: run() calls kept `inFlight` deep, of five kinds (CPU loops, object echo, 64 KiB
// strings, async handlers with timers, handlers that throw), plus a 5,000-item map() every
// 10 s checked for order. Every result is checked. Each second: RSS, main-thread heap,
// external + array buffers, the pool queues' shared bytes, and items/s. At the end: the
// least-squares slope of each memory series per minute (after a warm-up of 1/4 of the run)
// and throughput of the last quarter vs the second. Exits 1 on any wrong or missing result.
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { WorkerPool } from '../dist/index.js';
import { slope } from './lib/abort-storm.mjs';
import { parseArgs } from './lib/threads.mjs';

const args = parseArgs(process.argv.slice(2), { seconds: 600, threads: os.availableParallelism(), inFlight: 512, quiet: false });
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const pool = new WorkerPool({ worker: new URL('./workers/soak-handler.mjs', import.meta.url), threads: args.threads, concurrency: 4, maxsize: 256 });
const blob = 'x'.repeat(64 * 1024 - 1) + 'y';
const lcg = (seed, n) => {
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) x = (Math.imul(x, 1103515245) + 12345) >>> 0;
  return x;
};

let nextId = 0;
let done = 0;
let wrong = 0;
const wrongExamples = [];
const expectFailure = { count: 0 };
function makeItem() {
  const id = nextId++;
  const k = id % 20;
  if (k < 8) return { kind: 'cpu', id, seed: id, n: 50 + (id % 2000) };
  if (k < 14) return { kind: 'echo', id, text: `item-${id}`, list: [id, id + 1, id + 2] };
  if (k < 16) return { kind: 'big', id, blob };
  if (k < 19) return { kind: 'async', id, ms: id % 2 };
  return { kind: 'throw', id };
}
function expected(item) {
  switch (item.kind) {
    case 'cpu': return lcg(item.seed, item.n);
    case 'echo': return { id: item.id, text: item.text.toUpperCase(), list: item.list.map((v) => v * 2) };
    case 'big': return blob.length + 'y'.charCodeAt(0);
    case 'async': return item.id;
    default: return undefined;
  }
}
function mismatch(what) {
  wrong++;
  if (wrongExamples.length < 5) wrongExamples.push(what);
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

async function runOne() {
  const item = makeItem();
  try {
    const result = await pool.run(item);
    if (item.kind === 'throw') mismatch(`item ${item.id} should have failed, got ${JSON.stringify(result)}`);
    else if (!same(result, expected(item))) mismatch(`item ${item.id} (${item.kind}): got ${JSON.stringify(result).slice(0, 80)}`);
  } catch (error) {
    if (item.kind === 'throw' && error instanceof RangeError && error.message === `soak failure ${item.id}`) expectFailure.count++;
    else mismatch(`item ${item.id} (${item.kind}) failed: ${error?.name}: ${error?.message}`);
  }
  done++;
}

let running = true;
const lanes = Array.from({ length: args.inFlight }, async () => {
  while (running) await runOne();
});

async function mapRound() {
  const n = 5000;
  const base = nextId;
  nextId += n;
  let i = 0;
  for await (const r of pool.map(Array.from({ length: n }, (_, k) => ({ kind: 'cpu', id: base + k, seed: base + k, n: 20 })))) {
    if (r !== lcg(base + i, 20)) mismatch(`map result ${i} of a round out of order or wrong`);
    i++;
    done++;
  }
  if (i !== n) mismatch(`map round yielded ${i} of ${n} results`);
}

const sharedBytes = () => {
  let b = 0;
  for (const q of [pool.input, pool.output]) {
    const h = q.handle;
    b += h.header.byteLength + h.data.byteLength + (h.index?.byteLength ?? 0);
  }
  return b;
};
const samples = [];
const started = performance.now();
let lastDone = 0;
let lastMap = started;
let mapping = Promise.resolve();
const mb = (b) => (b / 2 ** 20).toFixed(1);
console.log(`soak: ${args.seconds} s, ${args.threads} threads, ${args.inFlight} run() calls in flight, node ${process.version}`);
while ((performance.now() - started) / 1000 < args.seconds) {
  await new Promise((r) => setTimeout(r, 1000));
  if (performance.now() - lastMap > 10_000) {
    lastMap = performance.now();
    mapping = mapping.then(mapRound);
  }
  gc();
  const m = process.memoryUsage();
  const t = (performance.now() - started) / 1000;
  const s = { t, rss: m.rss, heap: m.heapUsed, external: m.external + m.arrayBuffers, shared: sharedBytes(), rate: done - lastDone };
  lastDone = done;
  samples.push(s);
  if (!args.quiet && (samples.length % 10 === 0 || samples.length <= 3)) {
    console.log(`  ${t.toFixed(0).padStart(5)} s  ${String(s.rate).padStart(7)} items/s  rss ${mb(s.rss)} MiB  heap ${mb(s.heap)} MiB  external ${mb(s.external)} MiB  shared ${mb(s.shared)} MiB  wrong ${wrong}`);
  }
}
running = false;
await Promise.all(lanes);
await mapping;
await pool.close();

const steady = samples.slice(Math.floor(samples.length / 4));
const minutes = steady.map((s) => s.t / 60);
const perMin = (key) => slope(minutes, steady.map((s) => s[key]));
const q = Math.max(1, Math.floor(samples.length / 4));
const avg = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const early = avg(samples.slice(q, 2 * q).map((s) => s.rate));
const late = avg(samples.slice(-q).map((s) => s.rate));
const total = (performance.now() - started) / 1000;
console.log(`soak done: ${done.toLocaleString('en-US')} items in ${total.toFixed(0)} s (${(done / total).toFixed(0)} items/s), ${expectFailure.count} expected handler failures, ${wrong} wrong or missing results`);
console.log(`memory slope per minute (after warm-up): rss ${(perMin('rss') / 1024).toFixed(0)} KiB, heap ${(perMin('heap') / 1024).toFixed(0)} KiB, external ${(perMin('external') / 1024).toFixed(0)} KiB, shared ${(perMin('shared') / 1024).toFixed(0)} KiB`);
console.log(`throughput: second quarter ${early.toFixed(0)} items/s, last quarter ${late.toFixed(0)} items/s (ratio ${(late / early).toFixed(2)})`);
if (wrong) console.log(`FAIL: ${wrongExamples.join('; ')}`);
else console.log('OK: every result correct');
process.exitCode = wrong ? 1 : 0;
