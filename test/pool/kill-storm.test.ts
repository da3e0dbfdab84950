import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/index.js';
import { waitUntil } from '../helpers/threads.js';
import { allRunning, collect, handler, range } from './helpers.js';

/**
 * Threads of a pool terminated at random instants while map() streams many trivial items,
 * so kills often land inside a queue operation (holding a queue's lock). The pool must
 * recover the lock (recoverThread), redeliver what the dead thread held, and deliver every
 * result exactly once, in order. Without lock recovery the main thread would deadlock in
 * its first queue call after such a kill.
 */
const pools: WorkerPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.destroy()));
});

describe('WorkerPool under a kill storm', () => {
  it('every result arrives exactly once and in order while threads are killed', async () => {
    const p = new WorkerPool<number, number>({ worker: handler('pool-square.mjs'), threads: 2, retries: 50 });
    pools.push(p as WorkerPool);
    const exits: unknown[] = [];
    p.on('workerExit', (info) => exits.push(info));
    const n = 300_000;
    let mapping = true;
    const killer = (async () => {
      let kills = 0;
      while (mapping && kills < 12) {
        // Kill only threads whose consumer runs (a thread killed while starting up is never
        // replaced by piscina: the next test), at random instants (randomness, not synchronization).
        await allRunning(p as WorkerPool);
        await new Promise((r) => setTimeout(r, Math.random() * 20));
        const threads = (p as unknown as { piscina: { threads: Worker[] } }).piscina.threads;
        const victim = threads[Math.floor(Math.random() * threads.length)];
        if (mapping && victim) {
          await victim.terminate();
          kills++;
        }
      }
      return kills;
    })();
    const out = await collect(p.map(range(n)));
    mapping = false;
    const kills = await killer;
    expect(out.length).toBe(n);
    for (let i = 0; i < n; i++) if (out[i] !== i * i) throw new Error(`result ${i} is ${out[i]}`);
    expect(kills).toBeGreaterThan(0);
    expect(p.stats().failed).toBe(0);
    await p.close();
  });

  it('threads killed while starting up: the pool fails what is pending with ERR_POOL_NO_THREADS instead of hanging', async () => {
    const p = new WorkerPool<number, number>({ worker: handler('pool-square.mjs'), threads: 2 });
    pools.push(p as WorkerPool);
    const errors: Error[] = [];
    p.on('error', (e) => errors.push(e));
    const threadsOf = () => (p as unknown as { piscina: { threads: Worker[] } }).piscina.threads;
    await allRunning(p as WorkerPool);
    const first = threadsOf();
    await Promise.all(first.map((t) => t.terminate()));
    // piscina starts replacements; kill them before they finish starting.
    await waitUntil(() => threadsOf().length > 0 && threadsOf().every((t) => !first.includes(t)), 20_000, 'replacement threads');
    await Promise.all(threadsOf().map((t) => t.terminate()));
    await expect(p.run(3)).rejects.toBeInstanceOf(Error);
    expect(errors.some((e) => (e as { code?: string }).code === 'ERR_POOL_NO_THREADS')).toBe(true);
  });
});
