/**
 * AsyncQueue on the main thread against real worker threads using the blocking sync
 * view (fixtures in test/fixtures/async-*.mjs import the built dist/). Every test asserts
 * exact outcomes: each item exactly once (count and checksum), order per producer.
 */
import { spawnSync } from 'node:child_process';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { AsyncQueue } from '../../src/async/async-queue.js';
import { QueueShutDown } from '../../src/errors.js';
import type { QueueHandle } from '../../src/shared/handle.js';
import { W } from '../../src/shared/layout.js';
import { fixture, startWorker } from '../helpers/threads.js';
import { settle, track } from './impls.js';

const started: Worker[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((w) => w.terminate()));
});

function run<R>(name: string, data: unknown): { worker: Worker; result: Promise<R>; ready: Promise<void> } {
  const w = startWorker<R>(name, data);
  started.push(w.worker);
  // Terminating a worker that never posts a result (afterEach) rejects `result`: a test that
  // awaits it still sees the rejection; nobody else should get an unhandled one.
  w.result.catch(() => undefined);
  return w;
}

/** A worker that runs sync-view commands on the given queues, one at a time. */
function commander(handles: QueueHandle[]): { ready: Promise<void>; call: (cmd: Record<string, unknown>) => Promise<unknown> } {
  const { worker, ready } = run('async-commands.mjs', { handles });
  let next = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  worker.on('message', (msg: { type: string; id: number; value?: unknown; error?: { name: string; message: string } }) => {
    if (msg.type !== 'reply') return;
    const p = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (msg.error) p?.reject(Object.assign(new Error(msg.error.message), { name: msg.error.name }));
    else p?.resolve(msg.value);
  });
  const call = (cmd: Record<string, unknown>): Promise<unknown> => new Promise((resolve, reject) => {
    const id = next++;
    waiting.set(id, { resolve, reject });
    worker.postMessage({ ...cmd, id });
  });
  return { ready, call };
}

function sleepers(q: AsyncQueue<unknown>): number[] {
  const h = new Int32Array(q.handle.header);
  return [W.GETTERS_WAITING, W.PUTTERS_WAITING, W.JOINERS_WAITING].map((w) => Atomics.load(h, w));
}

describe('AsyncQueue across threads', () => {
  it('the main thread awaits get/getMany while two workers put through the sync view', async () => {
    const q = new AsyncQueue<{ p: number; i: number }>({ maxsize: 64 });
    const N = 5000;
    const producers = [0, 1].map((p) => run<number>('async-producer.mjs', { handle: q.handle, producer: p, count: N, batch: p === 1 ? 7 : 0 }));
    const next = [0, 0];
    let total = 0;
    while (total < 2 * N) {
      const items = total % 3 === 0 ? await q.getMany(10) : [await q.get()];
      for (const { p, i } of items) {
        expect(i).toBe(next[p]); // each producer's items in order, none lost or repeated
        next[p]++;
        total++;
      }
    }
    expect(next).toEqual([N, N]);
    expect(await Promise.all(producers.map((w) => w.result))).toEqual([N, N]);
    expect(q.qsize()).toBe(0);
    expect(q.waiting.getters).toBe(0);
    expect(sleepers(q)).toEqual([0, 0, 0]);
  });

  it('the main thread puts with backpressure while workers get; join resolves after their taskDone calls', async () => {
    const q = new AsyncQueue<number>({ maxsize: 16 });
    const consumers = [0, 1].map(() => run<{ n: number; sum: number }>('async-consumer.mjs', { handle: q.handle }));
    const N = 10_000;
    for (let i = 0; i < N; i += 100) {
      if (i % 200 === 0) await q.putMany(Array.from({ length: 100 }, (_, j) => i + j));
      else for (let j = i; j < i + 100; j++) await q.put(j);
      expect(q.qsize()).toBeLessThanOrEqual(16);
    }
    await q.join();
    expect(q.unfinishedTasks).toBe(0);
    q.shutdown();
    const results = await Promise.all(consumers.map((c) => c.result));
    expect(results.reduce((a, r) => a + r.n, 0)).toBe(N);
    expect(results.reduce((a, r) => a + r.sum, 0)).toBe((N * (N - 1)) / 2);
    expect(sleepers(q)).toEqual([0, 0, 0]);
  });

  it('main-thread async getters compete with worker getters for one producer: every item exactly once', async () => {
    const q = new AsyncQueue<{ p: number; i: number }>({ maxsize: 32 });
    const N = 20_000;
    const workers = [0, 1].map(() => run<{ n: number; sum: number }>('async-consumer.mjs', { handle: q.handle }));
    await Promise.all(workers.map((w) => w.ready));
    const producer = run<number>('async-producer.mjs', { handle: q.handle, producer: 0, count: N, batch: 0 });
    // Three concurrent loops on the main thread: three local waiters behind one waitAsync.
    const mine = [0, 1, 2].map(async () => {
      let n = 0;
      let sum = 0;
      let last = -1;
      for await (const { i } of q) {
        expect(i).toBeGreaterThan(last); // one producer: each consumer sees increasing items
        last = i;
        n++;
        sum += i;
        q.taskDone();
      }
      return { n, sum };
    });
    expect(await producer.result).toBe(N);
    await q.join();
    q.shutdown();
    const all = [...await Promise.all(mine), ...await Promise.all(workers.map((w) => w.result))];
    expect(all.reduce((a, r) => a + r.n, 0)).toBe(N);
    expect(all.reduce((a, r) => a + r.sum, 0)).toBe((N * (N - 1)) / 2);
    expect(sleepers(q)).toEqual([0, 0, 0]);
  });

  it('a main-thread put waiting on a full queue is released by a worker get', async () => {
    const q = new AsyncQueue<string>({ maxsize: 1 });
    q.putNowait('first');
    const w = commander([q.handle]);
    await w.ready;
    const put = track(q.put('second'));
    await new Promise((r) => setTimeout(r, 20));
    expect(put.state().status).toBe('pending');
    expect(await w.call({ op: 'get' })).toBe('first');
    await put.promise;
    expect(await w.call({ op: 'get' })).toBe('second');
    expect(sleepers(q)).toEqual([0, 0, 0]);
  });

  it('shutdown from a worker wakes main-thread getters, putters and joiners', async () => {
    const empty = new AsyncQueue<number>();
    const full = new AsyncQueue<number>({ maxsize: 1 });
    full.putNowait(1);
    const w = commander([empty.handle, full.handle]);
    await w.ready;
    const getters = [empty.get(), empty.get(), empty.getMany(5)].map((p) => settle<unknown>(p));
    const putter = settle(full.put(2));
    const join = track(full.join());
    await new Promise((r) => setTimeout(r, 20));
    expect(join.state().status).toBe('pending');
    expect(sleepers(empty)[0]).toBe(1);
    expect(sleepers(full).slice(1)).toEqual([1, 1]);
    await w.call({ op: 'shutdown', queue: 0 });
    await w.call({ op: 'shutdown', queue: 1, immediate: true });
    for (const r of await Promise.all(getters)) expect((r as { reason: unknown }).reason).toBeInstanceOf(QueueShutDown);
    expect(((await putter) as { reason: unknown }).reason).toBeInstanceOf(QueueShutDown);
    await join.promise; // the immediate shutdown discarded the only unfinished item
    expect(full.qsize()).toBe(0);
    expect(sleepers(empty)).toEqual([0, 0, 0]);
    expect(sleepers(full)).toEqual([0, 0, 0]);
  });

  it('join on the main thread resolves only after a worker calls taskDone', async () => {
    const q = new AsyncQueue<number>();
    q.putNowait(1);
    q.putNowait(2);
    const w = commander([q.handle]);
    await w.ready;
    const join = track(q.join());
    await w.call({ op: 'get' });
    await w.call({ op: 'get' });
    await w.call({ op: 'taskDone' });
    await new Promise((r) => setTimeout(r, 20));
    expect(join.state().status).toBe('pending');
    await w.call({ op: 'taskDone' });
    await join.promise;
  });

  it('while the main thread waits, a setInterval keeps ticking on time', async () => {
    const q = new AsyncQueue<string>();
    const w = commander([q.handle]);
    await w.ready;
    const getter = track(q.get());
    const putter = track(q.put('x', { timeout: 60_000 })); // an unbounded put: resolves at once
    await putter.promise;
    expect(await getter.promise).toBe('x');
    const waiting = track(q.get());
    const stamps: number[] = [];
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        stamps.push(performance.now());
        if (stamps.length === 40) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    expect(waiting.state().status).toBe('pending'); // 40 ticks ran while get() waited
    await w.call({ op: 'put', item: 'y' });
    expect(await waiting.promise).toBe('y');
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]);
    // A blocked loop would show one gap as long as the wait; 5 ms ticks stay far below this bound.
    expect(Math.max(...gaps)).toBeLessThan(1000);
  });

  it('abort storm: 100k gets with aborted signals and short timeouts while items flow lose nothing', async () => {
    const q = new AsyncQueue<{ p: number; i: number }>({ maxsize: 64 });
    const N = 20_000;
    const producer = run<number>('async-producer.mjs', { handle: q.handle, producer: 0, count: N, batch: 0 });
    const seen = new Uint8Array(N);
    let received = 0;
    let calls = 0;
    let last = -1;
    const take = (item: { i: number }): void => {
      expect(seen[item.i]).toBe(0);
      expect(item.i).toBeGreaterThan(last); // one producer: FIFO holds across aborts
      last = item.i;
      seen[item.i] = 1;
      received++;
    };
    const deadline = Date.now() + 120_000;
    while (received < N || calls < 100_000) {
      if (Date.now() > deadline) throw new Error(`abort storm stalled: ${received} of ${N} items after ${calls} calls`);
      const batch: Promise<unknown>[] = [];
      for (let k = 0; k < 100; k++) {
        const ac = new AbortController();
        const kind = (calls + k) % 5;
        const p = kind === 0 ? q.get({ signal: AbortSignal.abort() })
          : kind === 1 ? q.get({ timeout: 1 })
            : kind === 2 ? q.get({ signal: ac.signal, timeout: 2 })
              : kind === 3 ? q.get({ timeout: 0 })
                : q.get({ signal: ac.signal });
        if (kind === 4) setImmediate(() => ac.abort());
        else if (kind === 2) queueMicrotask(() => ac.abort());
        batch.push(p.then(take, () => undefined));
      }
      calls += 100;
      await Promise.all(batch);
    }
    expect(received).toBe(N);
    expect(seen.every((s) => s === 1)).toBe(true);
    expect(await producer.result).toBe(N);
    expect(q.qsize()).toBe(0);
    expect(q.waiting).toEqual({ getters: 0, putters: 0, joiners: 0 });
    expect(sleepers(q)).toEqual([0, 0, 0]);
  });

  it('a pending get or put (pending Atomics.waitAsync) does not keep the process alive', () => {
    const out = spawnSync(process.execPath, [fixture('async-pending-exit.mjs')], { encoding: 'utf8', timeout: 20_000 });
    expect(out.error).toBeUndefined();
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout.trim())).toEqual({ settled: false, getters: 1, putters: 1 });
  });
});
