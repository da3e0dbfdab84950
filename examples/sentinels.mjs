// Stopping consumers. The asyncio way: put one sentinel value (None) per consumer. The
// conveyor way: shutdown(): consumers drain what is queued, then their get() throws
// QueueShutDown; no counting of consumers, and producers that put too late get an error.
//
// Python original (asyncio):
//   for n in numbers: await q.put(n)
//   for _ in consumers: await q.put(None)      # one sentinel each
//   async def consumer(q):
//       while (n := await q.get()) is not None: work(n)
//   # Python 3.13: q.shutdown(); consumers catch asyncio.QueueShutDown
import { AsyncQueue, QueueShutDown } from 'conveyor-queue';
import { QUICK, startWorker } from './lib/common.mjs';

const numbers = Array.from({ length: QUICK ? 30 : 300 }, (_, i) => 10_000 + i * 100);
const expected = numbers.reduce((a, b) => a + b, 0);

async function run(mode) {
  const jobs = new AsyncQueue({ maxsize: 32 });
  const consumers = [0, 1, 2].map((i) =>
    startWorker('primes', { jobs: jobs.handle, name: `${mode}-${i}`, sentinel: mode === 'sentinel' }));
  await jobs.putMany(numbers);
  if (mode === 'sentinel') {
    for (const _ of consumers) await jobs.put(null);   // exactly one per consumer, or one hangs forever
  } else {
    jobs.shutdown();                                   // any number of consumers, one call
  }
  const done = await Promise.all(consumers.map((c) => c.result));
  const count = done.reduce((sum, d) => sum + d.count, 0);
  const checksum = done.reduce((sum, d) => sum + d.checksum, 0);
  console.log(`${mode}: ${done.map((d) => `${d.name}=${d.count}`).join(' ')} -> ${count} items, checksum ${checksum === expected ? 'ok' : 'BAD'}`);
  if (count !== numbers.length || checksum !== expected) throw new Error(`${mode}: items lost`);
  return jobs;
}

await run('sentinel');
const closed = await run('shutdown');
try {
  await closed.put(1);
} catch (error) {
  if (!(error instanceof QueueShutDown)) throw error;
  console.log(`a put after shutdown() rejects: ${error.name} (${error.code})`);
}
console.log(`summary: sentinels ok: ${numbers.length} items with sentinels, ${numbers.length} with shutdown()`);
