// Exactly-once at scale: producers and consumers in worker threads (and optionally the main
// thread through the async view, as one producer and one consumer) move `items` small
// items through a small bounded queue, so that everyone blocks constantly. Every item must
// arrive exactly once (shared bitmap, count, sum, XOR checksum) and, for FIFO, each
// consumer must see each producer's items in put order.
import { AsyncLifoQueue, AsyncQueue, LifoQueue, Queue, QueueShutDown } from '../../dist/index.js';
import { makeBitmap, itemValue, Tally, verify } from './tally.mjs';
import { shares, startWorker } from './threads.mjs';

/**
 * options: items, producers, consumers (worker threads), maxsize, batch (putMany/getMany size
 * for every other worker; the rest use put/get), asyncParty (main thread also produces and
 * consumes through AsyncQueue), ordering ('fifo' | 'lifo').
 */
export async function runExactlyOnce({ items, producers, consumers, maxsize = 16, batch = 8, asyncParty = false, ordering = 'fifo' }) {
  const q = ordering === 'lifo' ? new LifoQueue({ maxsize }) : new Queue({ maxsize });
  const producerCount = producers + (asyncParty ? 1 : 0);
  const perProducer = shares(items, producerCount);
  const bitmap = makeBitmap(perProducer);
  const go = new SharedArrayBuffer(4);
  const base = { handle: q.handle, ordering, go };
  const consumerRuns = Array.from({ length: consumers }, (_, k) =>
    startWorker('party.mjs', { ...base, role: 'consumer', batch: k % 2 === 0 ? 1 : batch, bitmap }),
  );
  const producerRuns = Array.from({ length: producers }, (_, k) =>
    startWorker('party.mjs', { ...base, role: 'producer', producer: k, count: perProducer[k], batch: k % 2 === 0 ? 1 : batch }),
  );
  const all = [...consumerRuns, ...producerRuns];
  await Promise.all(all.map((w) => w.ready));

  const started = performance.now();
  Atomics.store(new Int32Array(go), 0, 1);
  Atomics.notify(new Int32Array(go), 0);

  let asyncProducer = Promise.resolve();
  let asyncConsumer = Promise.resolve(null);
  if (asyncParty) {
    const aq = (ordering === 'lifo' ? AsyncLifoQueue : AsyncQueue).from(q.handle);
    const me = producers; // the async producer's index
    asyncProducer = (async () => {
      const n = perProducer[me];
      for (let i = 0; i < n; ) {
        if (i % 2 === 0) {
          await aq.put(itemValue(me, i++));
        } else {
          const chunk = [];
          while (chunk.length < batch && i < n) chunk.push(itemValue(me, i++));
          await aq.putMany(chunk);
        }
      }
    })();
    asyncConsumer = (async () => {
      const tally = new Tally(bitmap, ordering === 'fifo');
      for (let k = 0; ; k++) {
        try {
          if (k % 2 === 0) tally.see(await aq.get());
          else for (const v of await aq.getMany(batch)) tally.see(v);
        } catch (error) {
          if (error instanceof QueueShutDown) break;
          throw error;
        }
      }
      return tally.result();
    })();
  }

  await Promise.all([...producerRuns.map((p) => p.result), asyncProducer]);
  q.shutdown(); // consumers drain what is left, then see QueueShutDown
  const results = await Promise.all(consumerRuns.map((c) => c.result));
  const mine = await asyncConsumer;
  if (mine !== null) results.push(mine);
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(all.map((w) => w.worker.terminate()));

  const check = verify(bitmap, results);
  if (q.qsize() !== 0) check.problems.push(`qsize ${q.qsize()} after the drain`);
  if (q.unfinishedTasks !== items) check.problems.push(`unfinishedTasks ${q.unfinishedTasks}, expected ${items} (one per put)`);
  check.ok = check.problems.length === 0;
  return {
    ...check,
    items,
    seconds,
    itemsPerSecond: items / seconds,
    perConsumer: results.map((r) => r.count),
  };
}
