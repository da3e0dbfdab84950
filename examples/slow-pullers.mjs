// A fast pusher and two slower pullers: the main thread pushes a job every 2 ms, each of
// two worker threads needs ~10 ms of CPU per job, so the (unbounded) queue builds up; it
// drains after the pusher stops, and shutdown() lets the pullers finish what is queued.
//
// Python original (asyncio):
//   async def pusher(q):
//       for i in range(N): await q.put(i); await asyncio.sleep(0.002)
//   async def puller(name, q):
//       while True: item = await q.get(); await work(item); q.task_done()
//   # print(q.qsize()) now and then: it grows while pullers lag behind
import { AsyncQueue } from 'conveyor-queue';
import { QUICK, startWorker, sleep, since } from './lib/common.mjs';

const pushes = QUICK ? 40 : 200;
const queue = new AsyncQueue();              // unbounded: nothing slows the pusher down
const start = performance.now();
const pullers = ['puller-A', 'puller-B'].map((name) => startWorker('primes', { jobs: queue.handle, name }));

let peak = 0;
const samples = [];
const sampler = setInterval(() => samples.push(queue.qsize()), QUICK ? 20 : 100);
for (let i = 0; i < pushes; i++) {
  await queue.put(200_000);                  // ~10 ms of prime counting for a puller
  peak = Math.max(peak, queue.qsize());
  await sleep(2);
}
console.log(`pusher done after ${since(start)} ms: ${queue.qsize()} jobs still queued (peak ${peak})`);
await queue.join();
clearInterval(sampler);
queue.shutdown();
const done = await Promise.all(pullers.map((p) => p.result));
console.log(`queue size over time: ${samples.join(' ')}`);
for (const { name, count } of done) console.log(`${name} pulled ${count} jobs`);
const pulled = done.reduce((sum, d) => sum + d.count, 0);
if (pulled !== pushes) throw new Error(`pushed ${pushes}, pulled ${pulled}`);
console.log(`summary: slow-pullers ok: pushed ${pushes}, pulled ${pulled}, queue peaked at ${peak}`);
