import { describe, expect, it } from 'vitest';
import { LifoQueue, PriorityQueue, Queue } from '../../src/index.js';
import { W } from '../../src/shared/layout.js';
import { startWorker, waitUntil } from '../helpers/threads.js';

const waiting = (q: { handle: { header: SharedArrayBuffer } }, word: number) => Atomics.load(new Int32Array(q.handle.header), word);

interface ConsumerResult { count: number; sum: number; ordered: boolean; damaged: number }
interface OpResult { values: unknown[]; error: { name: string; code?: string; message: string } | null; elapsed: number }

/** Expected sum of id*1e6 + i over producers 0..p-1 and i in 0..n-1. */
function expectedSum(producers: number, n: number): number {
  let s = 0;
  for (let id = 0; id < producers; id++) s += id * 1e6 * n + (n * (n - 1)) / 2;
  return s;
}

describe('across threads (real worker_threads)', () => {
  it.each([
    ['numbers, single put/get', 1, false, 250_000],
    ['numbers, putMany/getMany batches of 64', 64, false, 250_000],
    ['objects, single put/get', 1, true, 25_000],
    ['objects, putMany/getMany batches of 64', 64, true, 50_000],
  ])('4 producers and 4 consumers move 4 x N items through a bounded FIFO exactly once (%s)', async (_label, batch, objects, perProducer) => {
    const producers = 4;
    const q = new Queue<unknown>({ maxsize: 1000 });
    const consumers = Array.from({ length: 4 }, () => startWorker<ConsumerResult>('queue-consumer.mjs', { handle: q.handle, batch, objects }));
    const makers = Array.from({ length: producers }, (_, id) =>
      startWorker<{ put: number }>('queue-producer.mjs', { handle: q.handle, id, count: perProducer, batch, objects }),
    );
    await Promise.all(makers.map((m) => m.result));
    q.shutdown(); // consumers drain what is left, then see QueueShutDown
    const results = await Promise.all(consumers.map((c) => c.result));
    const count = results.reduce((a, r) => a + r.count, 0);
    const sum = results.reduce((a, r) => a + r.sum, 0);
    expect(count).toBe(producers * perProducer);
    expect(sum).toBe(expectedSum(producers, perProducer));
    expect(results.every((r) => r.ordered)).toBe(true); // per-producer FIFO seen by each consumer
    expect(results.reduce((a, r) => a + r.damaged, 0)).toBe(0);
    expect(q.qsize()).toBe(0);
    expect(q.unfinishedTasks).toBe(producers * perProducer);
  });

  it('a get blocked in a worker is woken by a put from another thread', async () => {
    const q = new Queue<string>();
    const w = startWorker<OpResult>('queue-op.mjs', { handle: q.handle, op: 'get' });
    await w.ready;
    await waitUntil(() => waiting(q, W.GETTERS_WAITING) > 0, 20_000, 'the worker to park');
    q.put('hello');
    const r = await w.result;
    expect(r.error).toBeNull();
    expect(r.values).toEqual(['hello']);
  });

  it.each([false, true])('a get blocked in a worker is woken by shutdown(%s) and raises QueueShutDown', async (immediate) => {
    const q = new LifoQueue<string>();
    const workers = [0, 1, 2].map(() => startWorker<OpResult>('queue-op.mjs', { handle: q.handle, kind: 'LifoQueue', op: 'get' }));
    await Promise.all(workers.map((w) => w.ready));
    await waitUntil(() => waiting(q, W.GETTERS_WAITING) === 3, 20_000, 'three parked getters');
    q.shutdown(immediate);
    for (const w of workers) {
      const r = await w.result;
      expect(r.error?.name).toBe('QueueShutDown');
      expect(r.error?.code).toBe('ERR_QUEUE_SHUT_DOWN');
    }
  });

  it('a put blocked on a full queue in a worker is woken by a get, and by shutdown', async () => {
    const q = new PriorityQueue<string>({ maxsize: 1 });
    q.put([1, 'first']);
    const w = startWorker<OpResult>('queue-op.mjs', { handle: q.handle, kind: 'PriorityQueue', op: 'put', item: [0, 'second'] });
    await w.ready;
    await waitUntil(() => waiting(q, W.PUTTERS_WAITING) > 0, 20_000, 'the worker to park');
    expect(q.get()).toEqual([1, 'first']);
    expect((await w.result).error).toBeNull();
    expect(q.get()).toEqual([0, 'second']);

    q.put([5, 'fill']);
    const w2 = startWorker<OpResult>('queue-op.mjs', { handle: q.handle, kind: 'PriorityQueue', op: 'put', item: [0, 'never'], options: { timeout: 60_000 } });
    await w2.ready;
    await waitUntil(() => waiting(q, W.PUTTERS_WAITING) > 0, 20_000, 'the worker to park');
    q.shutdown();
    expect((await w2.result).error?.name).toBe('QueueShutDown');
    expect(q.qsize()).toBe(1);
  });

  it('timeouts fire within a reasonable margin in a worker', async () => {
    const q = new Queue<number>({ maxsize: 1 });
    const getter = startWorker<OpResult>('queue-op.mjs', { handle: q.handle, op: 'get', options: { timeout: 100 } });
    const r = await getter.result;
    expect(r.error?.name).toBe('QueueEmpty');
    expect(r.elapsed).toBeGreaterThanOrEqual(95);
    expect(r.elapsed).toBeLessThan(3000);
    q.put(1);
    const putter = startWorker<OpResult>('queue-op.mjs', { handle: q.handle, op: 'put', item: 2, options: { timeout: 100 } });
    const r2 = await putter.result;
    expect(r2.error?.name).toBe('QueueFull');
    expect(r2.elapsed).toBeGreaterThanOrEqual(95);
    expect(r2.elapsed).toBeLessThan(3000);
  });

  it('join in a worker returns once other workers have called taskDone for every item', async () => {
    const q = new Queue<number>();
    for (let i = 0; i < 100; i++) q.put(i);
    const joiner = startWorker<OpResult>('queue-op.mjs', { handle: q.handle, op: 'join' });
    await joiner.ready;
    const doers = [0, 1].map(() => startWorker<OpResult>('queue-op.mjs', { handle: q.handle, op: 'getTaskDone', repeat: 50 }));
    const done = await Promise.all(doers.map((d) => d.result));
    const got = done.flatMap((d) => d.values as number[]).sort((a, b) => a - b);
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const j = await joiner.result;
    expect(j.error).toBeNull();
    expect(q.unfinishedTasks).toBe(0);
  });

  it('shutdown(true) releases a worker blocked in join when nothing is unfinished', async () => {
    const q = new Queue<number>();
    q.put(1);
    const joiner = startWorker<OpResult>('queue-op.mjs', { handle: q.handle, op: 'join' });
    await joiner.ready;
    await waitUntil(() => waiting(q, W.JOINERS_WAITING) > 0, 20_000, 'the joiner to park');
    q.shutdown(true);
    expect((await joiner.result).error).toBeNull();
  });
});
