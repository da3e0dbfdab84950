// Priority and LIFO queues. A priority queue serves the lowest number first, ties in the
// order they were put (items are [priority, value]); a LIFO queue is a stack. The priority
// queue is filled by the main thread and drained by a worker thread: the order holds
// across threads because it lives in the shared memory.
//
// Python original (asyncio):
//   pq = asyncio.PriorityQueue()
//   await pq.put((2, 'write report')); await pq.put((0, 'fix outage'))
//   (prio, job) = await pq.get()     # (0, 'fix outage')
//   lq = asyncio.LifoQueue()         # last in, first out
import { AsyncLifoQueue, AsyncPriorityQueue } from 'conveyor-queue';
import { QUICK, startWorker } from './lib/common.mjs';

const jobs = [
  [2, 'write report'], [0, 'fix outage'], [1, 'review PR #12'], [2, 'update docs'],
  [1, 'review PR #15'], [3, 'clean desk'], [0, 'page on-call'],
];
const extra = QUICK ? 0 : 10_000;
const pq = new AsyncPriorityQueue();
for (const job of jobs) await pq.put(job);
for (let i = 0; i < extra; i++) await pq.put([4 + (i % 7), `bulk-${i}`]);
const order = await startWorker('drain', { queue: pq.handle }).result;   // drained by another thread
console.log('priority queue, drained by a worker thread:');
for (const [prio, job] of order.slice(0, jobs.length)) console.log(`  ${prio}  ${job}`);
if (extra) console.log(`  ... and ${extra} bulk jobs at priorities 4-10`);

const stack = new AsyncLifoQueue();
for (const page of ['home', 'search', 'results', 'item']) await stack.put(page);
const back = [];
while (!stack.empty()) back.push(await stack.get());
console.log(`LIFO queue (browser history, pressing back): ${back.join(' <- ')}`);

const sorted = order.every((item, i) => i === 0 || order[i - 1][0] <= item[0]);
const tiesFifo = order[0][1] === 'fix outage' && order[1][1] === 'page on-call';
if (!sorted || !tiesFifo || order.length !== jobs.length + extra || back.join() !== 'item,results,search,home') {
  throw new Error('wrong order');
}
console.log(`summary: priority-lifo ok: ${order.length} jobs in priority order, stack order ok`);
