// One producer, one consumer: the main thread produces numbers, a worker thread does the
// CPU work (counts primes), the main thread waits for every item to be done and stops it.
//
// Python original (asyncio):
//   async def producer(q):
//       for n in numbers: await q.put(n)
//   async def consumer(q):
//       while True:
//           n = await q.get(); count_primes(n); q.task_done()
//   asyncio.create_task(consumer(q)); await producer(q); await q.join()
import { AsyncQueue } from 'conveyor-queue';
import { QUICK, startWorker, since } from './lib/common.mjs';

const numbers = Array.from({ length: QUICK ? 20 : 200 }, (_, i) => 20_000 + i * 1_000);
const jobs = new AsyncQueue({ maxsize: 16 });
const results = new AsyncQueue();
const start = performance.now();

// The consumer runs on its own thread; the queue crosses over as a handle (shared memory).
const consumer = startWorker('primes', { jobs: jobs.handle, results: results.handle, name: 'consumer' });

for (const n of numbers) await jobs.put(n);   // the producer: waits whenever 16 items are queued
await jobs.join();                            // every item taken AND marked taskDone() by the consumer
jobs.shutdown();                              // tells the consumer to stop (its get() throws QueueShutDown)
const { count, checksum } = await consumer.result;

const found = await results.getMany(numbers.length);
const totalPrimes = found.reduce((sum, r) => sum + r.primes, 0);
const expected = numbers.reduce((a, b) => a + b, 0);
console.log(`first result: primes below ${found[0].n} = ${found[0].primes}`);
console.log(`consumer thread handled ${count} numbers (${totalPrimes} primes counted) in ${since(start)} ms`);
if (count !== numbers.length || checksum !== expected) throw new Error(`lost items: ${count}/${numbers.length}`);
console.log(`summary: producer-consumer ok: ${count} items, checksum ${checksum}`);
