import { afterEach, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/index.js';
import { allRunning, collect, handler, range } from './helpers.js';
import { waitUntil } from '../helpers/threads.js';
import { C, controlWords } from '../../src/pool/slots.js';

const pools: WorkerPool[] = [];
function pool<In, Out>(options: ConstructorParameters<typeof WorkerPool<In, Out>>[0]): WorkerPool<In, Out> {
  const p = new WorkerPool<In, Out>(options);
  pools.push(p as WorkerPool);
  return p;
}
/** White-box: how many times the pool's result pump paused instead of waiting on the output (src/pool/dispatcher.ts). */
function polls(p: WorkerPool): number {
  return (p as unknown as { dispatcher(): { counters: { polls: number } } }).dispatcher().counters.polls;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.destroy()));
});

describe('WorkerPool run and map', () => {
  it('run() resolves each item with its own result', async () => {
    const p = pool<number, number>({ worker: handler('pool-square.mjs'), threads: 2 });
    const results = await Promise.all(range(200).map((i) => p.run(i)));
    expect(results).toEqual(range(200).map((i) => i * i));
  });

  it('map() yields every result in input order, across threads', async () => {
    const p = pool<number, number>({ worker: handler('pool-square.mjs'), threads: 2, maxsize: 64 });
    const n = 20_000;
    const out = await collect(p.map(range(n)));
    expect(out.length).toBe(n);
    expect(out).toEqual(range(n).map((i) => i * i));
    const s = p.stats();
    // The counts add up.
    expect(s.done).toBe(n);
    expect(s.perThread.reduce((a, t) => a + t.done, 0)).toBe(n);
  });

  it('map() of coarse items: the result pump polls instead of being woken per result, and everything arrives in order', async () => {
    const p = pool<{ i: number; us: number }, number>({ worker: handler('pool-spin.mjs'), threads: 2 });
    const n = 600; // about 60 ms of work on 2 threads: the item time is measured within the first 20 ms
    const out = await collect(p.map(range(n).map((i) => ({ i, us: 200 }))));
    expect(out).toEqual(range(n));
    // White-box: the pump took the polling path (items of 200 us, far more in flight than threads).
    expect(polls(p as WorkerPool)).toBeGreaterThan(0);
    // A lone run() never polls: it resolves as soon as its result is put.
    const before = polls(p as WorkerPool);
    expect(await p.run({ i: 7, us: 200 })).toBe(7);
    expect(polls(p as WorkerPool)).toBe(before);
  });

  it('a consumer whose input has run dry wakes a pump that waits on C.RESULTS', async () => {
    const p = pool<{ i: number; us: number }, number>({ worker: handler('pool-spin.mjs'), threads: 2 });
    await p.run({ i: 0, us: 0 }); // threads up
    // White-box: play the pump's part (a lone run() never pauses, so nothing else writes these words).
    const ctl = controlWords((p as unknown as { memory: SharedArrayBuffer }).memory);
    Atomics.store(ctl, C.RESULTS_WAITING, 1);
    const seq = Atomics.load(ctl, C.RESULTS);
    expect(await p.run({ i: 5, us: 100 })).toBe(5);
    await waitUntil(() => Atomics.load(ctl, C.RESULTS) !== seq, 20_000, 'the end-of-input signal');
    Atomics.store(ctl, C.RESULTS_WAITING, 0);
  });

  it('destroy() while the result pump is polling settles map() at once', async () => {
    const p = pool<{ i: number; us: number }, number>({ worker: handler('pool-spin.mjs'), threads: 2 });
    const seen: number[] = [];
    const run = (async () => {
      for await (const r of p.map(range(5000).map((i) => ({ i, us: 200 })))) {
        seen.push(r);
        if (seen.length === 200) void p.destroy();
      }
    })();
    await expect(run).rejects.toThrow();
    expect(seen).toEqual(range(seen.length));
    expect(seen.length).toBeLessThan(5000);
  });

  it('map({ ordered: false }) yields as soon as done: a slow first item comes last', async () => {
    const p = pool<{ value: number; ms: number }, { value: number }>({ worker: handler('pool-async.mjs'), threads: 2 });
    await allRunning(p);
    const items = range(20).map((i) => ({ value: i, ms: i === 0 ? 600 : 1 }));
    const out = (await collect(p.map(items, { ordered: false }))).map((r) => r.value);
    expect([...out].sort((a, b) => a - b)).toEqual(range(20));
    // Items the other thread finished came out before the slow one.
    expect(out.indexOf(0)).toBeGreaterThan(0);
    const ordered = (await collect(p.map(items))).map((r) => r.value);
    expect(ordered).toEqual(range(20));
  });

  it('map() over an async source', async () => {
    const p = pool<number, number>({ worker: handler('pool-square.mjs'), threads: 2 });
    async function* source() {
      for (let i = 0; i < 500; i++) {
        if (i % 100 === 0) await new Promise((r) => setTimeout(r, 1));
        yield i;
      }
    }
    expect(await collect(p.map(source()))).toEqual(range(500).map((i) => i * i));
  });

  it('map() over an endless source reads it only as fast as results are consumed', async () => {
    const maxsize = 32;
    const p = pool<number, number>({ worker: handler('pool-square.mjs'), threads: 2, maxsize });
    let pulled = 0;
    let returned = false;
    function* endless() {
      try {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      } finally {
        returned = true;
      }
    }
    let consumed = 0;
    for await (const r of p.map(endless())) {
      expect(r).toBe(consumed * consumed);
      consumed++;
      if (consumed % 500 === 0) {
        // The window is 2 * maxsize items between "read from the source" and "yielded".
        expect(pulled - consumed).toBeLessThanOrEqual(2 * maxsize);
      }
      if (consumed === 5_000) break;
    }
    expect(returned).toBe(true);
    expect(pulled).toBeLessThanOrEqual(consumed + 2 * maxsize);
  });

  it('an async handler runs `concurrency` items at once in one thread', async () => {
    const p = pool<{ value: number; ms: number }, { value: number; maxActive: number }>({ worker: handler('pool-async.mjs'), threads: 1, concurrency: 4 });
    const out = await collect(p.map(range(40).map((i) => ({ value: i, ms: 10 }))));
    expect(out.map((r) => r.value)).toEqual(range(40));
    expect(Math.max(...out.map((r) => r.maxActive))).toBe(4);
  });

  it('stats().inFlight counts the items without a result, not whole records (concurrency > 1)', async () => {
    // map() sends items in BATCH records; a concurrent consumer puts each result as it comes,
    // and holds the record until all of its items are done. One slow item must count as one.
    const p = pool<{ value: number; ms: number }, { value: number; maxActive: number }>({ worker: handler('pool-async.mjs'), threads: 1, concurrency: 8 });
    let delivered = 0;
    p.on('progress', (e) => {
      delivered += e.delivered;
    });
    const all = collect(p.map(range(64).map((i) => ({ value: i, ms: i === 0 ? 1500 : 1 })), { ordered: false }));
    await waitUntil(() => delivered === 63, 20_000, '63 fast results');
    expect(p.stats().inFlight).toBe(1);
    expect((await all).length).toBe(64);
    expect(p.stats().inFlight).toBe(0);
  });

  it('with concurrency 1 an async handler runs one item at a time per thread', async () => {
    const p = pool<{ value: number; ms: number }, { value: number; maxActive: number }>({ worker: handler('pool-async.mjs'), threads: 1 });
    const out = await collect(p.map(range(10).map((i) => ({ value: i, ms: 2 }))));
    expect(Math.max(...out.map((r) => r.maxActive))).toBe(1);
  });
});

describe('WorkerPool handler errors', () => {
  it('run() rejects with the handler error: name, message, stack, code, own props and cause preserved', async () => {
    const p = pool<number, number>({ worker: handler('pool-errors.mjs'), threads: 1 });
    const error = await p.run(9).then(() => null, (e: unknown) => e as Error & { code?: string; line?: number });
    expect(error).toBeInstanceOf(Error);
    expect(error?.name).toBe('ParseFailure');
    expect(error?.message).toBe('item 9 is divisible by 3');
    expect(error?.code).toBe('E_PARSE');
    expect(error?.line).toBe(7);
    expect(error?.stack).toContain('pool-errors.mjs');
    const cause = error?.cause as Error;
    expect(cause).toBeInstanceOf(RangeError);
    expect(cause.message).toBe('cause of 9');
    // The thread goes on with the next item.
    expect(await p.run(4)).toBe(40);
  });

  it('a thrown non-Error value and a result that cannot be sent back fail that item only', async () => {
    const p = pool<number, number>({ worker: handler('pool-errors.mjs'), threads: 1 });
    await expect(p.run(-1)).rejects.toBe('a plain string');
    await expect(p.run(-2)).rejects.toThrow(/cannot be sent back/);
    expect(await p.run(5)).toBe(50);
  });

  it('map() throws at the failed item, after yielding the ones before it', async () => {
    const p = pool<number, number>({ worker: handler('pool-errors.mjs'), threads: 2 });
    const seen: number[] = [];
    const error = await (async () => {
      for await (const r of p.map([1, 2, 4, 5, 6, 7, 8])) seen.push(r);
    })().then(() => null, (e: unknown) => e as Error);
    expect(seen).toEqual([10, 20, 40, 50]);
    expect(error?.name).toBe('ParseFailure');
    expect(error?.message).toBe('item 6 is divisible by 3');
  });

  it('stats() counts add up after successes and failures', async () => {
    const p = pool<number, number>({ worker: handler('pool-errors.mjs'), threads: 2 });
    let progressed = 0;
    p.on('progress', (e) => {
      progressed += e.delivered;
    });
    const outcomes = await Promise.allSettled(range(300, 1).map((i) => p.run(i)));
    expect(progressed).toBe(300);
    const failed = outcomes.filter((o) => o.status === 'rejected').length;
    expect(failed).toBe(100);
    const s = p.stats();
    expect(s.submitted).toBe(300);
    expect(s.done).toBe(200);
    expect(s.failed).toBe(100);
    expect(s.queued).toBe(0);
    expect(s.inFlight).toBe(0);
    expect(s.done + s.failed + s.queued + s.inFlight).toBe(s.submitted);
    expect(s.perThread.reduce((a, t) => a + t.done + t.failed, 0)).toBe(300);
    expect(s.itemsPerSecond).toBeGreaterThan(0);
  });
});

describe('WorkerPool options', () => {
  const worker = handler('pool-square.mjs');
  it.each([
    [{ worker, threads: 0 }, RangeError, /threads must be an integer from 1 to 1024, got 0/],
    [{ worker, threads: 1.5 }, RangeError, /threads/],
    [{ worker, threads: '2' }, TypeError, /threads must be an integer from 1 to 1024, got string/],
    [{ worker, concurrency: 0 }, RangeError, /concurrency must be an integer from 1 to 10000/],
    [{ worker, maxsize: -1 }, RangeError, /maxsize must be an integer from 0 to 16777216/],
    [{ worker, retries: -1 }, RangeError, /retries must be an integer from 0 to 100/],
    [{ worker: 42 }, TypeError, /worker must be a file URL or a path/],
    [{ worker: '/no/such/handler.mjs' }, TypeError, /worker: no module file at \/no\/such\/handler\.mjs/],
    [{ worker: new URL('https://example.com/h.mjs') }, TypeError, /file: URL/],
    [{ worker, services: { log: 3 } }, TypeError, /services\.log must be an object/],
    [{ worker, piscina: { maxThreads: 4 } }, TypeError, /piscina\.maxThreads is set by the pool/],
    [{ worker, input: {} }, TypeError, /input must be a queue/],
    [null, TypeError, /options must be an object/],
  ])('rejects %o', (options, Ctor, message) => {
    expect(() => new WorkerPool(options as never)).toThrow(Ctor);
    expect(() => new WorkerPool(options as never)).toThrow(message);
  });

  it('a worker module without a default export fails run() with WorkerLoadError', async () => {
    const p = pool({ worker: handler('pool-no-default.mjs'), threads: 1 });
    const error = await p.run(1).then(() => null, (e: unknown) => e as Error & { code?: string });
    expect(error?.name).toBe('WorkerLoadError');
    expect(error?.code).toBe('ERR_POOL_WORKER_LOAD');
    expect(error?.message).toMatch(/default export must be the handler function/);
  });
});

describe('WorkerPool map() ended early', () => {
  it('breaking out of map() leaves the pool usable, and close() does not wait for the abandoned items', async () => {
    const p = pool<number, number>({ worker: handler('pool-square.mjs'), threads: 2, maxsize: 64 });
    let seen = 0;
    for await (const r of p.map(range(10_000))) {
      expect(r).toBe(seen * seen);
      if (++seen === 100) break;
    }
    expect(await p.run(12)).toBe(144);
    expect(await collect(p.map([1, 2, 3]))).toEqual([1, 4, 9]);
    await p.close();
    expect(p.state).toBe('closed');
  });

  it('a source that throws: map() yields the results before it, then throws its error', async () => {
    const p = pool<number, number>({ worker: handler('pool-square.mjs'), threads: 1 });
    function* failing() {
      yield 1;
      yield 2;
      throw new Error('source broke');
    }
    const seen: number[] = [];
    await expect((async () => {
      for await (const r of p.map(failing())) seen.push(r);
    })()).rejects.toThrow('source broke');
    expect(seen).toEqual([1, 4]);
  });
});

describe('WorkerPool maxsize 0: unbounded, as for a queue', () => {
  it('run() never waits for room; map() still bounds what it reads ahead', async () => {
    const p = pool<number, number>({ worker: handler('pool-square.mjs'), threads: 2, maxsize: 0 });
    expect(p.input.maxsize).toBe(0);
    const results = await Promise.all(range(5000).map((i) => p.run(i)));
    expect(results).toEqual(range(5000).map((i) => i * i));
    let pulled = 0;
    function* source(): Generator<number> {
      for (let i = 0; i < 100_000; i++) {
        pulled++;
        yield i;
      }
    }
    let consumed = 0;
    for await (const r of p.map(source())) {
      expect(r).toBe(consumed * consumed);
      consumed++;
      // The window with maxsize 0: 2 * threads * concurrency, at least 64 items.
      expect(pulled - consumed).toBeLessThanOrEqual(64);
      if (consumed === 2000) break;
    }
  });
});

describe('per-call AbortSignal on run() and map()', () => {
  const slow = handler('pool-async.mjs');

  it('run() with an aborted signal rejects with its reason and submits nothing', async () => {
    const p = pool<{ value: number; ms: number }, { value: number }>({ worker: slow, threads: 1 });
    const reason = new Error('not needed any more');
    await expect(p.run({ value: 1, ms: 1 }, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(p.stats().submitted).toBe(0);
  });

  it('run() rejects as soon as the signal aborts; the pool goes on', async () => {
    const p = pool<{ value: number; ms: number }, { value: number }>({ worker: slow, threads: 1 });
    const controller = new AbortController();
    const started = performance.now();
    const running = p.run({ value: 1, ms: 3000 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(2000);
    // A signal that never fires changes nothing.
    expect((await p.run({ value: 2, ms: 1 }, { signal: new AbortController().signal })).value).toBe(2);
  });

  it('map() stops when the signal aborts: the loop throws the reason, the source is read no further', async () => {
    const p = pool<number, number>({ worker: handler('pool-square.mjs'), threads: 2 });
    const controller = new AbortController();
    let read = 0;
    function* source(): Generator<number> {
      for (let i = 0; i < 1_000_000; i++) {
        read++;
        yield i;
      }
    }
    const got: number[] = [];
    const reason = new Error('stop');
    await expect((async () => {
      for await (const r of p.map(source(), { signal: controller.signal })) {
        got.push(r);
        if (got.length === 100) controller.abort(reason);
      }
    })()).rejects.toBe(reason);
    expect(got).toEqual(range(100).map((i) => i * i));
    expect(read).toBeLessThan(100_000);
    await expect(collect(p.map([1], { signal: AbortSignal.abort(reason) }))).rejects.toBe(reason);
  });

  it('a signal that is not an AbortSignal is refused', async () => {
    const p = pool<number, number>({ worker: handler('pool-square.mjs'), threads: 1 });
    await expect(p.run(1, { signal: {} as AbortSignal })).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    expect(() => p.map([1], { signal: 'x' as unknown as AbortSignal })).toThrow(TypeError);
  });
});
