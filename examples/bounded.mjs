// A bounded queue gives backpressure: with maxsize 8, the producer's put() waits whenever
// 8 items are queued, so a fast producer runs at the speed of its slow consumers and
// memory stays bounded. Two consumer threads do the CPU work.
//
// Python original (asyncio):
//   q = asyncio.Queue(maxsize=8)
//   for n in numbers:
//       await q.put(n)       # suspends while the queue is full
import { AsyncQueue } from 'conveyor-queue';
import { QUICK, startWorker, since } from './lib/common.mjs';

const maxsize = 8;
const jobs = new AsyncQueue({ maxsize });
const numbers = Array.from({ length: QUICK ? 40 : 300 }, () => 60_000);
const consumers = [0, 1].map((i) => startWorker('primes', { jobs: jobs.handle, name: `consumer-${i}` }));

const start = performance.now();
let waited = 0;
let waits = 0;
let peak = 0;
for (const n of numbers) {
  const t = performance.now();
  const wasFull = jobs.full();
  await jobs.put(n);                 // resolves at once while there is room, waits while full
  if (wasFull) {
    waits++;
    waited += performance.now() - t;
  }
  peak = Math.max(peak, jobs.qsize());
}
const produced = since(start);
jobs.shutdown();
const done = await Promise.all(consumers.map((c) => c.result));
const count = done.reduce((sum, d) => sum + d.count, 0);
console.log(`producer put ${numbers.length} items in ${produced} ms; it found the queue full ${waits} times and waited ${Math.round(waited)} ms in all`);
console.log(`queue size never above ${peak} (maxsize ${maxsize}); consumers: ${done.map((d) => `${d.name}=${d.count}`).join(' ')}`);
if (peak > maxsize || count !== numbers.length) throw new Error('bound exceeded or items lost');
console.log(`summary: bounded ok: ${count} items, peak ${peak} <= ${maxsize}`);
