// Async iteration: `for await (const item of queue)` reads until the queue is shut down and
// drained, the conveyor version of a `while True: await q.get()` loop that must be stopped
// by a sentinel or a cancellation. Here a worker thread writes words and shuts the queue
// down; the main thread counts them in a for-await loop. An async generator can feed a
// queue just as well (the second part).
//
// Python original (asyncio, 3.13):
//   while True:
//       try: word = await q.get()
//       except asyncio.QueueShutDown: break
//       counts[word] += 1
import { AsyncQueue } from 'conveyor-queue';
import { QUICK, startWorker } from './lib/common.mjs';

const queue = new AsyncQueue({ maxsize: 64 });
const producer = startWorker('word-producer', { queue: queue.handle, lines: QUICK ? 200 : 20_000 });

const counts = new Map();
let seen = 0;
for await (const word of queue) {               // ends on shutdown, after the last word
  counts.set(word, (counts.get(word) ?? 0) + 1);
  seen++;
}
const { words } = await producer.result;
const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([w, n]) => `${w}=${n}`).join(' ');
console.log(`counted ${seen} words from a worker thread; most frequent: ${top}`);

// An async generator as the producer, the same loop as the consumer.
async function* ticks(n) {
  for (let i = 1; i <= n; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    yield i;
  }
}
const second = new AsyncQueue({ maxsize: 4 });
const feeding = (async () => {
  for await (const t of ticks(10)) await second.put(t);
  second.shutdown();
})();
let sum = 0;
for await (const t of second) sum += t;
await feeding;
console.log(`async generator -> queue -> for await: sum of 1..10 = ${sum}`);
if (seen !== words || sum !== 55) throw new Error('items lost');
console.log(`summary: async-iteration ok: ${seen} words, sum ${sum}`);
