// Several producers, one consumer: three producer threads search different ranges for
// primes and put what they find on one queue; the main thread consumes as items arrive.
// When every producer has finished, shutdown() ends the consumer's loop.
//
// Python original (asyncio):
//   producers = [asyncio.create_task(produce(q, i)) for i in range(3)]
//   consumer = asyncio.create_task(consume(q))
//   await asyncio.gather(*producers)
//   await q.put(None)            # sentinel: no more items
//   await consumer
import { AsyncQueue } from 'conveyor-queue';
import { QUICK, startWorker, since } from './lib/common.mjs';

const span = QUICK ? 20_000 : 600_000;
const queue = new AsyncQueue({ maxsize: 256 });
const start = performance.now();

const producers = [0, 1, 2].map((id) =>
  startWorker('prime-producer', { queue: queue.handle, id, from: id * span, to: (id + 1) * span }));
// "gather" the producers, then shut the queue down: the consumer drains it and stops.
const allProduced = Promise.all(producers.map((p) => p.result)).then((done) => {
  queue.shutdown();
  return done;
});

const received = [0, 0, 0];
let firstFrom = null;
for await (const [id, prime] of queue) {       // ends when the queue is shut down and empty
  firstFrom ??= id;
  received[id]++;
}
const produced = await allProduced;

for (const { id, produced: n } of produced) {
  console.log(`producer ${id}: primes in [${id * span}, ${(id + 1) * span}) -> ${n} items, consumer got ${received[id]}`);
}
const total = received.reduce((a, b) => a + b, 0);
if (produced.some(({ id, produced: n }) => received[id] !== n)) throw new Error('an item was lost or duplicated');
console.log(`first item came from producer ${firstFrom}; ${total} items in ${since(start)} ms`);
console.log(`summary: many-producers ok: 3 producers, ${total} items`);
