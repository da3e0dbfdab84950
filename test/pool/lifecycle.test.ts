import { afterEach, describe, expect, it } from 'vitest';
import { AsyncQueue, PoolClosedError, WorkerPool, pipeline, type Pipeline } from '../../src/index.js';
import { waitUntil } from '../helpers/threads.js';
import { collect, handler, range } from './helpers.js';

const pools: (WorkerPool | Pipeline)[] = [];
function track<P extends WorkerPool | Pipeline>(p: P): P {
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.destroy()));
});

describe('WorkerPool close() and destroy()', () => {
  it('close() finishes everything already submitted, then ends the threads; later run() is refused', async () => {
    const p = track(new WorkerPool<{ value: number; ms: number }, { value: number }>({ worker: handler('pool-async.mjs'), threads: 2 }));
    const running = range(40).map((i) => p.run({ value: i, ms: 2 }));
    const closed = p.close();
    expect(p.state).toBe('closing');
    await expect(p.run({ value: 99, ms: 1 })).rejects.toMatchObject({ name: 'PoolClosedError', code: 'ERR_POOL_CLOSED' });
    expect((await Promise.all(running)).map((r) => r.value)).toEqual(range(40));
    await closed;
    expect(p.state).toBe('closed');
    expect(p.input.isShutDown).toBe(true);
    expect(p.output.isShutDown).toBe(true);
    expect(() => p.map([{ value: 1, ms: 1 }])).toThrow(PoolClosedError);
    // close() again is the same promise, and fine.
    await p.close();
  });

  it.each([1, 3])('destroy() stops now: fires ctx.signal, rejects what is pending and reports what was queued or in flight (concurrency %i)', async (concurrency) => {
    const aborted: string[] = [];
    const p = track(new WorkerPool<string, string>({
      worker: handler('pool-abort.mjs'),
      threads: 2,
      concurrency,
      services: { probe: { aborted: (threadIndex: number, reason: string) => void aborted.push(`${threadIndex}:${reason}`) } },
    }));
    const items = range(30).map((i) => `item-${i}`);
    const settled = items.map((item) => p.run(item).then(() => 'resolved', (e: unknown) => e as PoolClosedError));
    // Both threads are inside `concurrency` handler calls that wait for the signal: they take no more.
    await waitUntil(() => p.stats().perThread.every((t) => t.inFlight >= concurrency), 20_000, 'both threads busy');
    const before = p.stats();
    expect(before.queued + before.inFlight).toBe(30);
    const report = await p.destroy();
    expect(p.state).toBe('destroyed');
    expect(report.inFlight.length).toBe(before.inFlight);
    expect(report.queued.length).toBe(before.queued);
    // Every item is reported exactly once, as queued or in flight, with the value given to run().
    const reported = [...report.queued, ...report.inFlight].map((r) => r.item as string);
    expect(reported.sort()).toEqual([...items].sort());
    expect(report.inFlight.length).toBeGreaterThanOrEqual(2);
    expect(report.queued.length).toBeGreaterThan(0);
    // Every run() promise rejected with the destroy error (none silently dropped).
    for (const outcome of await Promise.all(settled)) {
      expect(outcome).toBeInstanceOf(PoolClosedError);
      expect((outcome as PoolClosedError).code).toBe('ERR_POOL_DESTROYED');
    }
    // The handlers saw ctx.signal fire, in both threads.
    await waitUntil(() => aborted.length >= 2, 20_000, 'abort notifications');
    expect(new Set(aborted.map((a) => a.split(':')[0]))).toEqual(new Set(['0', '1']));
    expect(aborted.every((a) => a.endsWith(':AbortError'))).toBe(true);
    await expect(p.run('late')).rejects.toMatchObject({ code: 'ERR_POOL_DESTROYED' });
  });

  it('destroy() during map(): items sent in batch records are all reported, the loop throws', async () => {
    const p = track(new WorkerPool<string, string>({
      worker: handler('pool-abort.mjs'),
      threads: 2,
      services: { probe: { aborted: () => undefined } },
    }));
    const items = range(500).map((i) => `m-${i}`);
    const iterating = (async () => {
      for await (const _ of p.map(items)) {
        // never reached: every item waits for the signal
      }
    })().then(() => null, (e: unknown) => e as PoolClosedError);
    await waitUntil(() => p.stats().perThread.every((t) => t.inFlight > 0), 20_000, 'both threads busy');
    const before = p.stats();
    expect(before.queued + before.inFlight).toBe(before.submitted);
    const report = await p.destroy();
    const reported = [...report.queued, ...report.inFlight].map((r) => r.item as string);
    // The window of map() bounds what was sent; every item sent is reported exactly once.
    expect(new Set(reported).size).toBe(reported.length);
    expect(reported.length).toBe(p.stats().submitted);
    expect(reported.every((item) => items.includes(item))).toBe(true);
    expect((await iterating)?.code).toBe('ERR_POOL_DESTROYED');
  });

  it('destroy() on an idle pool reports nothing and never hangs', async () => {
    const p = track(new WorkerPool({ worker: handler('pool-square.mjs'), threads: 2 }));
    expect(await p.run(3)).toBe(9);
    expect(await p.destroy()).toEqual({ queued: [], inFlight: [] });
  });
});

describe('explicit resource management', () => {
  it('[Symbol.asyncDispose] closes a pool (work already submitted finishes) and a pipeline (every stage)', async () => {
    const p = track(new WorkerPool<number, number>({ worker: handler('pool-square.mjs'), threads: 1 }));
    const result = p.run(9);
    await p[Symbol.asyncDispose]();
    expect(await result).toBe(81);
    expect(p.state).toBe('closed');
    const chain = track(pipeline<number, number>({ worker: handler('pool-square.mjs') }, { worker: handler('pool-inc.mjs') }));
    expect(await chain.run(3)).toBe(10);
    await chain[Symbol.asyncDispose]();
    await expect(chain.run(1)).rejects.toBeInstanceOf(PoolClosedError);
  });
});

describe('WorkerPool idle threads', () => {
  it.each([1, 2])('an idle thread sleeps with its event loop free: a timer its handler started keeps firing (concurrency %i)', async (concurrency) => {
    const p = track(new WorkerPool<string, number>({ worker: handler('pool-ticker.mjs'), threads: 1, concurrency }));
    await p.run('start');
    // The pool is idle for 600 ms: the point of the test, not a synchronization. A thread that
    // polled (blocking in Atomics.wait, a loop turn every 25 ms) would let the 5 ms interval
    // fire at most once per turn, about 24 times; a free event loop lets it fire about 120.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await p.run('read')).toBeGreaterThanOrEqual(40);
  });
});

describe('WorkerPool services', () => {
  it('handlers call main-thread objects through ctx.services', async () => {
    const lines: string[] = [];
    class Log {
      prefix = 'log:';
      record(line: string): void {
        lines.push(this.prefix + line); // `this` is the service object
      }
    }
    const p = track(new WorkerPool<number, { value: number; threadIndex: number }>({
      worker: handler('pool-services.mjs'),
      threads: 2,
      concurrency: 4,
      services: { config: { factor: async () => 3 }, log: new Log() },
    }));
    const out = await collect(p.map(range(100)));
    expect(out.map((r) => r.value)).toEqual(range(100).map((i) => i * 3));
    expect(out.every((r) => r.threadIndex === 0 || r.threadIndex === 1)).toBe(true);
    expect(lines.length).toBe(100);
    expect(lines.every((l) => /^log:thread [01] item \d+$/.test(l))).toBe(true);
  });
});

describe('pipelines', () => {
  it('two pools chained through their queues: ids survive both stages, order holds, failures pass through', async () => {
    const first = track(new WorkerPool<number, number>({ worker: handler('pool-square.mjs'), threads: 1 }));
    const second = track(new WorkerPool<number, number>({ worker: handler('pool-inc.mjs'), threads: 1, input: first.output }));
    expect(() => first.map([1])).toThrow(/feeds another pool/);
    const out = await collect(second.map(range(100, 1).filter((i) => i !== 7)));
    expect(out).toEqual(range(100, 1).filter((i) => i !== 7).map((i) => i * i + 1));
    // 7 * 7 = 49 fails in stage 2; the error reaches the caller at that item.
    await expect(second.run(7)).rejects.toThrow('stage 2 refuses 49');
    expect(first.stats().done).toBe(100);
    expect(second.stats().done).toBe(99);
    expect(second.stats().failed).toBe(1);
    await second.close();
    expect(first.state).toBe('closed');
    expect(second.state).toBe('closed');
  });

  it('pipeline(): a handler error in stage 1 skips stage 2 and throws at its item', async () => {
    const pipe = track(pipeline<number, number>(
      { worker: handler('pool-errors.mjs'), threads: 1 },
      { worker: handler('pool-inc.mjs'), threads: 1 },
    ));
    expect(await pipe.run(2)).toBe(21);
    const error = await pipe.run(3).then(() => null, (e: unknown) => e as Error);
    expect(error?.name).toBe('ParseFailure');
    const [s1, s2] = pipe.stats();
    expect(s1.failed).toBe(1);
    expect(s2.passed).toBe(1);
    expect(s2.done).toBe(1);
    await pipe.close();
  });

  it('a pool over a plain queue: items put by hand, results() yields them', async () => {
    const queue = new AsyncQueue<number>({ maxsize: 16 });
    const p = track(new WorkerPool<number, number>({ worker: handler('pool-square.mjs'), threads: 2, input: queue }));
    await expect(p.run(1)).rejects.toThrow(/plain queue/);
    const feeding = (async () => {
      for (let i = 0; i < 200; i++) await queue.put(i);
    })();
    const results: number[] = [];
    for await (const r of p.results()) {
      results.push(r);
      if (results.length === 200) break;
    }
    await feeding;
    expect(results.sort((a, b) => a - b)).toEqual(range(200).map((i) => i * i));
    await p.close();
    expect(queue.isShutDown).toBe(true);
  });
});
