// Rate limiting with a token bucket. First a rate-limited producer (the asyncio classic:
// at most R puts per second); then a limit shared by threads: three consumer threads call
// an "API" allowed 50 calls/s in all, and they respect it together because the bucket's
// state is in shared memory (TokenBucket.from(handle) in each thread).
//
// Python original (asyncio):
//   async def producer(q, rate):
//       for job in jobs:
//           await q.put(job)
//           await asyncio.sleep(1 / rate)        # or: async with limiter: ...
//   # across processes/threads Python needs a lock + shared counter, or a server-side limit
import { AsyncQueue, TokenBucket } from 'conveyor-queue';
import { QUICK, startWorker, since } from './lib/common.mjs';

// ---- 1. a producer limited to 100 puts per second (bursts of 5) ----
const jobs = new AsyncQueue();
const producerLimit = new TokenBucket({ rate: 100, burst: 5 });
const jobCount = QUICK ? 30 : 100;
let start = performance.now();
for (let i = 0; i < jobCount; i++) {
  await producerLimit.take();          // waits (a timer, not a busy loop) until a token is free
  await jobs.put(i);
}
const produceMs = since(start);
const minProduceMs = ((jobCount - 5) / 100) * 1000;
console.log(`producer: ${jobCount} puts in ${produceMs} ms = ${((jobCount / produceMs) * 1000).toFixed(0)}/s (limit 100/s, burst 5; at least ${minProduceMs} ms)`);

// ---- 2. three consumer threads sharing one API limit of 50 calls/s (burst 5) ----
const rate = 50;
const burst = 5;
const api = new TokenBucket({ rate, burst });
start = performance.now();
const consumers = [0, 1, 2].map((i) => startWorker('api-caller', { jobs: jobs.handle, bucket: api.handle, name: `thread-${i}` }));
await jobs.join();
jobs.shutdown();
const results = await Promise.all(consumers.map((c) => c.result));
const callMs = since(start);
const times = results.flatMap((r) => r.calls).sort((a, b) => a - b);
// the busiest one-second window (or the whole run, if shorter)
let busiest = 0;
for (let i = 0, j = 0; j < times.length; j++) {
  while (times[j] - times[i] >= 1_000_000) i++;
  busiest = Math.max(busiest, j - i + 1);
}
const spanS = (times[times.length - 1] - times[0]) / 1e6;
console.log(`consumers: ${results.map((r) => `${r.name}=${r.calls.length}`).join(' ')} calls in ${callMs} ms`);
console.log(`together: ${times.length} calls over ${spanS.toFixed(2)} s = ${((times.length - 1) / spanS).toFixed(1)}/s; busiest 1 s window: ${busiest} calls (limit ${rate}/s + burst ${burst})`);
if (produceMs < minProduceMs - 5 || times.length !== jobCount || busiest > rate + burst) throw new Error('limit not respected');
console.log(`summary: rate-limit ok: ${jobCount} puts at <= 100/s, ${times.length} calls by 3 threads at <= ${rate}/s`);
