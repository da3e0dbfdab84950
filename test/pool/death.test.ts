import { existsSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerDiedError, WorkerPool, type WorkerExitInfo } from '../../src/index.js';
import { waitUntil } from '../helpers/threads.js';
import { allRunning, collect, handler, marker, range } from './helpers.js';

interface Item {
  n: number;
  die?: 'once' | 'always';
  oom?: 'once';
  hang?: 'once';
  marker?: string;
}

const pools: WorkerPool[] = [];
function pool(options: Partial<ConstructorParameters<typeof WorkerPool<Item, number>>[0]>): WorkerPool<Item, number> {
  const p = new WorkerPool<Item, number>({ worker: handler('pool-die.mjs'), threads: 2, ...options });
  pools.push(p as WorkerPool);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.destroy()));
});

describe('WorkerPool: a worker dies while holding items', () => {
  it('process.exit in a handler: the items it held are redelivered, the thread count holds, nothing is lost', async () => {
    const p = pool({});
    const exits: WorkerExitInfo[] = [];
    p.on('workerExit', (info) => exits.push(info));
    const m = marker();
    const items: Item[] = range(400).map((n) => (n === 150 ? { n, die: 'once', marker: m } : { n }));
    const out = await collect(p.map(items));
    expect(out).toEqual(range(400).map((n) => n * 2));
    expect(exits.length).toBe(1);
    expect(exits[0].held.length).toBeGreaterThanOrEqual(1);
    const s = p.stats();
    expect(s.workerExits).toBe(1);
    expect(s.redelivered).toBe(exits[0].held.length);
    expect(s.perThread.reduce((a, t) => a + t.restarts, 0)).toBe(1);
    // Two live threads again, each answering control calls over comlink.
    let info = await p.threadInfo();
    for (const deadline = Date.now() + 20_000; !info.every((t) => t.running) && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 10)); // the replacement may still be loading the handler
      info = await p.threadInfo();
    }
    expect(info.map((t) => t.threadIndex).sort()).toEqual([0, 1]);
    expect(info.every((t) => t.running)).toBe(true);
    expect(new Set(info.map((t) => t.threadId)).size).toBe(2);
    await p.close();
    expect(p.state).toBe('closed');
  });

  it('retries exhausted: the item fails with WorkerDiedError, the others are fine', async () => {
    const p = pool({ retries: 1 });
    const doomed = p.run({ n: 0, die: 'always' });
    const fine = Promise.all(range(50, 1).map((n) => p.run({ n })));
    const error = await doomed.then(() => null, (e: unknown) => e as WorkerDiedError);
    expect(error).toBeInstanceOf(WorkerDiedError);
    expect(error?.code).toBe('ERR_POOL_WORKER_DIED');
    expect(error?.attempts).toBe(2);
    expect(error?.message).toMatch(/died while handling this item, 2 time\(s\) \(retries: 1\)/);
    expect((error?.cause as Error).message).toMatch(/exited with code: 3/);
    expect(await fine).toEqual(range(50, 1).map((n) => n * 2));
    expect(await p.run({ n: 21 })).toBe(42);
    const s = p.stats();
    expect(s.diedFailed).toBe(1);
    expect(s.workerExits).toBe(2);
    await p.close();
  });

  it('retries: 0 fails the item at the first death; items waiting in the same batch are not charged', async () => {
    const p = pool({ retries: 0, threads: 1 });
    await allRunning(p);
    // One thread: the doomed item and the ones queued behind it go out in the same take.
    const doomed = p.run({ n: 0, die: 'always' });
    const others = Promise.all(range(20, 1).map((n) => p.run({ n })));
    const error = await doomed.then(() => null, (e: unknown) => e as WorkerDiedError);
    expect(error?.attempts).toBe(1);
    expect(await others).toEqual(range(20, 1).map((n) => n * 2));
    const exit = p.stats();
    expect(exit.workerExits).toBe(1);
    expect(exit.diedFailed).toBe(1);
    expect(await p.run({ n: 5 })).toBe(10);
  });

  it('out of memory under resourceLimits: redelivered to the replacement thread', async () => {
    const p = pool({ threads: 1, piscina: { resourceLimits: { maxOldGenerationSizeMb: 24 } } });
    const exits: WorkerExitInfo[] = [];
    p.on('workerExit', (info) => exits.push(info));
    const m = marker();
    const results = await Promise.all([p.run({ n: 1 }), p.run({ n: 2, oom: 'once', marker: m }), p.run({ n: 3 })]);
    expect(results).toEqual([2, 4, 6]);
    expect(exits.length).toBe(1);
    expect(String((exits[0].error as Error).message)).toMatch(/out of memory|ERR_WORKER_OUT_OF_MEMORY/i);
  });

  it('terminate() of a thread mid-item: the item is redelivered', async () => {
    const p = pool({ threads: 1 });
    const exits: WorkerExitInfo[] = [];
    p.on('workerExit', (info) => exits.push(info));
    const m = marker();
    const result = p.run({ n: 7, hang: 'once', marker: m });
    await waitUntil(() => p.stats().inFlight === 1, 20_000, 'the item to be in flight');
    // The marker is written just before the busy loop: the handler is now mid-item.
    await waitUntil(() => existsSync(m), 20_000, 'the handler to start its busy loop');
    const threads = (p as unknown as { piscina: { threads: Worker[] } }).piscina.threads;
    expect(threads.length).toBe(1);
    const code = await threads[0].terminate();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no result 30 s after terminate (exit code ${code}): ${JSON.stringify({ stats: p.stats(), exits: exits.map((e) => ({ ...e, error: String(e.error) })) })}`)), 30_000);
    });
    expect(await Promise.race([result, late])).toBe(14);
    clearTimeout(timer);
    expect(p.stats().redelivered).toBe(1);
    await p.close();
  });
});

describe('WorkerPool: deaths in a pipeline', () => {
  it('an item held by a dying thread of stage 2 is redelivered from stage 1', async () => {
    const first = new WorkerPool<Item, Item>({ worker: handler('pool-identity.mjs'), threads: 1 });
    const second = new WorkerPool<Item, number>({ worker: handler('pool-die.mjs'), threads: 1, input: first.output });
    pools.push(first as WorkerPool, second as WorkerPool);
    const m = marker();
    const items: Item[] = range(300).map((n) => (n === 120 ? { n, die: 'once', marker: m } : { n }));
    expect(await collect(second.map(items))).toEqual(range(300).map((n) => n * 2));
    expect(second.stats().workerExits).toBe(1);
    expect(first.stats().redelivered).toBeGreaterThanOrEqual(1);
    await second.close();
  });
});
