/**
 * Behavioural cases written once and run against LocalQueue and AsyncQueue (same thread).
 * Numbers in test names are the numbers of the conformance cases taken from CPython's
 * Lib/test/test_asyncio/test_queues.py (3.13), as the project's CPython queue-semantics notes (§2.A)
 * number them; those notes are not part of this repository. Tick counts are not ported: the
 * tests wait for outcomes (flush() runs pending microtasks, where local wake-ups happen).
 */
import { describe, expect, it } from 'vitest';
import { QueueEmpty, QueueFull, QueueShutDown } from '../../src/errors.js';
import { flush, IMPLS, settle, track, type Outcome } from './impls.js';

describe.each(IMPLS)('$name', (impl) => {
  describe('basics', () => {
    it('3: empty() before and after a put and a get', async () => {
      const q = impl.make<number>();
      expect(q.empty()).toBe(true);
      await q.put(1);
      expect(q.empty()).toBe(false);
      expect(q.qsize()).toBe(1);
      expect(await q.get()).toBe(1);
      expect(q.empty()).toBe(true);
    });

    it('4: full() never on an unbounded queue; true on maxsize 1 with one item', async () => {
      const unbounded = impl.make<number>();
      for (let i = 0; i < 100; i++) await unbounded.put(i);
      expect(unbounded.full()).toBe(false);
      const q = impl.make<number>('fifo', 1);
      expect(q.maxsize).toBe(1);
      await q.put(1);
      expect(q.full()).toBe(true);
    });

    it('5, 30, 31: order of FIFO, LIFO and priority queues', async () => {
      const fifo = impl.make<number>('fifo');
      const lifo = impl.make<number>('lifo');
      for (const i of [1, 3, 2]) {
        await fifo.put(i);
        await lifo.put(i);
      }
      expect([await fifo.get(), await fifo.get(), await fifo.get()]).toEqual([1, 3, 2]);
      expect([await lifo.get(), await lifo.get(), await lifo.get()]).toEqual([2, 3, 1]);
      const pq = impl.make<[number, string]>('priority');
      for (const p of [1, 3, 2]) await pq.put([p, `v${p}`]);
      expect([await pq.get(), await pq.get(), await pq.get()]).toEqual([[1, 'v1'], [2, 'v2'], [3, 'v3']]);
    });

    it('priority ties come out first in first out; NaN and bad pairs are refused', async () => {
      const pq = impl.make<[number, string]>('priority');
      await pq.putMany([[1, 'x'], [1, 'y'], [0, 'z'], [1, 'w'], [-Infinity, 'first'], [Infinity, 'last']]);
      expect(await pq.getMany(10)).toEqual([[-Infinity, 'first'], [0, 'z'], [1, 'x'], [1, 'y'], [1, 'w'], [Infinity, 'last']]);
      await expect(pq.put([Number.NaN, 'n'])).rejects.toThrow(RangeError);
      await expect(pq.put(['1', 'n'] as unknown as [number, string])).rejects.toThrow(TypeError);
      expect(() => pq.putNowait([Number.NaN, 'n'])).toThrow(RangeError);
      // A bad item anywhere in a batch inserts nothing.
      await expect(pq.putMany([[1, 'a'], [Number.NaN, 'b']])).rejects.toThrow(RangeError);
      expect(pq.qsize()).toBe(0);
      expect(pq.unfinishedTasks).toBe(6);
    });

    it('6: maxsize holds back a producer until a get makes room', async () => {
      const q = impl.make<number>('fifo', 2);
      const have: number[] = [];
      const producer = track((async () => {
        for (const i of [0, 1, 2]) {
          await q.put(i);
          have.push(i);
        }
        return true;
      })());
      await flush();
      expect(have).toEqual([0, 1]);
      expect(q.qsize()).toBe(2);
      expect(producer.state().status).toBe('pending');
      expect(q.waiting.putters).toBe(1);
      expect(await q.get()).toBe(0);
      expect(await producer.promise).toBe(true);
      expect(have).toEqual([0, 1, 2]);
      expect([await q.get(), await q.get()]).toEqual([1, 2]);
    });

    it('7, 10, 16, 18: get/put without waiting', async () => {
      const q = impl.make<number>();
      q.putNowait(1);
      expect(await q.get()).toBe(1);
      await q.put(2);
      expect(q.getNowait()).toBe(2);
    });

    it('11, 22: getNowait on an empty queue throws QueueEmpty; putNowait on a full one QueueFull', () => {
      const q = impl.make<number>('fifo', 1);
      expect(() => q.getNowait()).toThrow(QueueEmpty);
      q.putNowait(1);
      let error: unknown;
      try {
        q.putNowait(2);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(QueueFull);
      expect((error as QueueFull).code).toBe('ERR_QUEUE_FULL');
      expect(q.qsize()).toBe(1);
    });

    it('9, 26: a pending getter is woken by a later put', async () => {
      const q = impl.make<string>();
      const getter = track(q.get());
      await flush();
      expect(getter.state().status).toBe('pending');
      expect(q.waiting.getters).toBe(1);
      await q.put('a');
      expect(await getter.promise).toBe('a');
      expect(q.waiting.getters).toBe(0);
      expect(q.qsize()).toBe(0);
    });

    it('8, 13, 17: a get wakes the first waiting putter', async () => {
      const q = impl.make<string>('fifo', 1);
      const a = track(q.put('a'));
      const b = track(q.put('b'));
      await flush();
      expect(a.state().status).toBe('fulfilled');
      expect(b.state().status).toBe('pending');
      expect(await q.get()).toBe('a');
      await b.promise;
      expect(await q.get()).toBe('b');
    });

    it('14, 27: a producer and a consumer through maxsize 1 and 2 never deadlock', async () => {
      for (const maxsize of [1, 2]) {
        const q = impl.make<number>('fifo', maxsize);
        const got: number[] = [];
        await Promise.all([
          (async () => { for (let i = 0; i < 50; i++) await q.put(i); })(),
          (async () => { for (let i = 0; i < 50; i++) got.push(await q.get()); })(),
        ]);
        expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i));
      }
    });

    it('23: fractional maxsize 1.3 holds 2 items (nowait and await)', async () => {
      const q = impl.make<number>('fifo', 1.3);
      q.putNowait(1);
      q.putNowait(2);
      expect(q.full()).toBe(true);
      expect(() => q.putNowait(3)).toThrow(QueueFull);
      const q2 = impl.make<number>('fifo', 1.3);
      await q2.put(1);
      await q2.put(2);
      expect(q2.full()).toBe(true);
      const third = track(q2.put(3));
      await flush();
      expect(third.state().status).toBe('pending');
      expect(q2.qsize()).toBe(2);
      expect(q2.getNowait()).toBe(1);
      await third.promise;
      expect(q2.qsize()).toBe(2);
    });

    it('110: pending getters are served in the order they started waiting, and so are putters', async () => {
      const q = impl.make<string>('fifo', 1);
      const getters = [0, 1, 2, 3].map(() => q.get());
      await flush();
      expect(q.waiting.getters).toBe(4);
      for (const item of ['a', 'b', 'c', 'd']) await q.put(item);
      expect(await Promise.all(getters)).toEqual(['a', 'b', 'c', 'd']);
      q.putNowait('x');
      const putters = [0, 1, 2, 3].map((i) => q.put(String(i)));
      await flush();
      expect(q.waiting.putters).toBe(4);
      const got: string[] = [];
      for (let i = 0; i < 5; i++) got.push(await q.get());
      expect(got).toEqual(['x', '0', '1', '2', '3']);
      await Promise.all(putters);
    });

    it('putMany waits for room as needed and getMany returns what is there, at least one', async () => {
      const q = impl.make<number>('fifo', 2);
      const putAll = track(q.putMany([1, 2, 3, 4, 5]));
      await flush();
      expect(q.qsize()).toBe(2);
      expect(putAll.state().status).toBe('pending');
      const got: number[] = [];
      while (got.length < 5) got.push(...await q.getMany(3));
      await putAll.promise;
      expect(got).toEqual([1, 2, 3, 4, 5]);
      expect(q.unfinishedTasks).toBe(5);
      const many = track(q.getMany(10));
      await flush();
      expect(many.state().status).toBe('pending');
      q.putNowait(6);
      expect(await many.promise).toEqual([6]);
      await q.putMany([]);
      expect(q.qsize()).toBe(0);
    });

    it('putMany timing out reports how many items went in', async () => {
      const q = impl.make<number>('fifo', 2);
      const error = await q.putMany([1, 2, 3], { timeout: 5 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueueFull);
      expect((error as QueueFull).inserted).toBe(2);
      expect(q.qsize()).toBe(2);
      expect(q.waiting.putters).toBe(0);
    });
  });

  describe('cancellation with AbortSignal (CPython task cancellation)', () => {
    it('12: of two pending getters, the aborted one rejects and the other gets the item', async () => {
      const q = impl.make<string>();
      const ac = new AbortController();
      const t1 = settle(q.get({ signal: ac.signal }));
      const t2 = q.get();
      await flush();
      ac.abort();
      const r1 = await t1;
      expect(r1.status).toBe('rejected');
      expect((r1 as { reason: DOMException }).reason.name).toBe('AbortError');
      await q.put('a');
      expect(await t2).toBe('a');
    });

    it('19: a reader aborted after two puts takes nothing: the next get returns the first item', async () => {
      const q = impl.make<number>();
      const ac = new AbortController();
      const reader = settle(q.get({ signal: ac.signal }));
      await flush();
      q.putNowait(1);
      q.putNowait(2);
      ac.abort(new Error('stop'));
      const r = await reader;
      expect(r).toEqual({ status: 'rejected', reason: new Error('stop') });
      expect(await q.get()).toBe(1);
      expect(await q.get()).toBe(2);
      expect(q.qsize()).toBe(0);
    });

    it('20: three pending readers, one aborted: the other two get both items', async () => {
      const q = impl.make<number>();
      const ac = new AbortController();
      const reader1 = settle(q.get({ signal: ac.signal }));
      const reader2 = q.get();
      const reader3 = q.get();
      await flush();
      q.putNowait(1);
      q.putNowait(2);
      ac.abort();
      expect((await reader1).status).toBe('rejected');
      expect(new Set([await reader2, await reader3])).toEqual(new Set([1, 2]));
      expect(q.qsize()).toBe(0);
      expect(q.waiting.getters).toBe(0);
    });

    it('21: a writer aborted after a get made room inserts nothing; its retry does', async () => {
      const q = impl.make<number>('fifo', 1);
      q.putNowait(1);
      const ac = new AbortController();
      const writer = settle(q.put(2, { signal: ac.signal }));
      await flush();
      expect(q.getNowait()).toBe(1);
      ac.abort();
      expect((await writer).status).toBe('rejected');
      expect(q.qsize()).toBe(0);
      await q.put(2);
      expect(q.getNowait()).toBe(2);
      expect(q.qsize()).toBe(0);
    });

    it('25: an aborted putter takes no slot and does not block later putters', async () => {
      const q = impl.make<string>('fifo', 1);
      const putA = q.put('a');
      const putB = track(q.put('b'));
      const ac = new AbortController();
      const putX = settle(q.put('X', { signal: ac.signal }));
      await putA;
      await flush();
      expect(putB.state().status).toBe('pending');
      ac.abort();
      expect((await putX).status).toBe('rejected');
      expect(q.getNowait()).toBe('a');
      await putB.promise;
      expect(q.getNowait()).toBe('b');
      expect(q.qsize()).toBe(0);
      expect(q.waiting.putters).toBe(0);
    });

    it('113: a putter aborted while first in line passes its turn to the next putter', async () => {
      const q = impl.make<string>('fifo', 1);
      q.putNowait('x');
      const ac = new AbortController();
      const first = settle(q.put('first', { signal: ac.signal }));
      const second = q.put('second');
      await flush();
      expect(q.getNowait()).toBe('x');
      ac.abort();
      await second;
      expect((await first).status).toBe('rejected');
      expect(q.getNowait()).toBe('second');
    });

    it('an already aborted signal rejects at once and leaves the queue untouched', async () => {
      const q = impl.make<number>('fifo', 5);
      q.putNowait(7);
      const reason = new Error('already');
      const signal = AbortSignal.abort(reason);
      await expect(q.get({ signal })).rejects.toBe(reason);
      await expect(q.getMany(3, { signal })).rejects.toBe(reason);
      await expect(q.put(8, { signal })).rejects.toBe(reason);
      await expect(q.putMany([8, 9], { signal })).rejects.toBe(reason);
      await expect(q.join({ signal })).rejects.toBe(reason);
      expect(q.qsize()).toBe(1);
      expect(q.unfinishedTasks).toBe(1);
      expect(q.getNowait()).toBe(7);
      expect(q.waiting).toEqual({ getters: 0, putters: 0, joiners: 0 });
    });

    it('AbortSignal.timeout() rejects with its TimeoutError (the asyncio.wait_for analog)', async () => {
      const q = impl.make<number>();
      const error = await q.get({ signal: AbortSignal.timeout(5) }).catch((e: unknown) => e);
      expect((error as DOMException).name).toBe('TimeoutError');
      expect(q.waiting.getters).toBe(0);
    });

    it('an abort after the call finished has no effect', async () => {
      const q = impl.make<number>();
      const ac = new AbortController();
      q.putNowait(1);
      expect(await q.get({ signal: ac.signal })).toBe(1);
      const pending = q.get({ signal: ac.signal });
      q.putNowait(2);
      expect(await pending).toBe(2);
      ac.abort();
      expect(q.qsize()).toBe(0);
    });
  });

  describe('timeouts', () => {
    it('15, 28: timed-out getters and putters are not kept in the waiter lists', async () => {
      const q = impl.make<number>('fifo', 1);
      await expect(q.get({ timeout: 5 })).rejects.toThrow(QueueEmpty);
      expect(q.waiting.getters).toBe(0);
      q.putNowait(1);
      await expect(q.put(2, { timeout: 5 })).rejects.toThrow(QueueFull);
      expect(q.waiting.putters).toBe(0);
      expect(q.qsize()).toBe(1);
      expect(q.unfinishedTasks).toBe(1);
    });

    it('timeout 0 tries once: QueueEmpty / QueueFull at once, or the result', async () => {
      const q = impl.make<number>('fifo', 1);
      await expect(q.get({ timeout: 0 })).rejects.toThrow(QueueEmpty);
      await q.put(1, { timeout: 0 });
      await expect(q.put(2, { timeout: 0 })).rejects.toThrow(QueueFull);
      expect(await q.get({ timeout: 0 })).toBe(1);
      expect(q.waiting).toEqual({ getters: 0, putters: 0, joiners: 0 });
    });

    it('a timed get resolves if an item comes before the deadline', async () => {
      const q = impl.make<number>();
      const getter = q.get({ timeout: 60_000 });
      await flush();
      q.putNowait(5);
      expect(await getter).toBe(5);
    });

    it('join({ timeout }) rejects with a TimeoutError DOMException', async () => {
      const q = impl.make<number>();
      q.putNowait(1);
      const error = await q.join({ timeout: 5 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DOMException);
      expect((error as DOMException).name).toBe('TimeoutError');
      expect(q.waiting.joiners).toBe(0);
    });

    it('many timed-out and aborted waits leave no waiter and no registered sleeper behind', async () => {
      const q = impl.make<number>('fifo', 1);
      for (let round = 0; round < 20; round++) {
        const calls: Promise<unknown>[] = [];
        for (let i = 0; i < 100; i++) {
          const ac = new AbortController();
          calls.push(settle(q.get({ timeout: i % 3 })));
          calls.push(settle(q.get({ signal: ac.signal })));
          calls.push(settle(q.join({ signal: ac.signal })));
          if (i % 2 === 0) ac.abort();
          else queueMicrotask(() => ac.abort());
        }
        if (round === 0) q.putNowait(0); // one put while gets wait: joiners now wait too
        await Promise.all(calls);
      }
      expect(q.waiting).toEqual({ getters: 0, putters: 0, joiners: 0 });
      expect(impl.sleepers(q) ?? { getters: 0, putters: 0, joiners: 0 }).toEqual({ getters: 0, putters: 0, joiners: 0 });
      expect(q.qsize()).toBe(0);
      expect(q.unfinishedTasks).toBe(1);
    });
  });

  describe('join and taskDone', () => {
    it('32: taskDone on a new queue throws RangeError with CPython\'s message', () => {
      const q = impl.make<number>();
      expect(() => q.taskDone()).toThrow(RangeError);
      expect(() => q.taskDone()).toThrow(/^taskDone\(\) called too many times$/);
    });

    it('33: two workers over 100 items: join resolves after the last taskDone, sum 4950', async () => {
      const q = impl.make<number>();
      let sum = 0;
      let running = true;
      const worker = async (): Promise<void> => {
        while (running) {
          const item = await q.get();
          sum += item;
          q.taskDone();
        }
      };
      for (let i = 0; i < 100; i++) q.putNowait(i);
      const workers = [worker(), worker()];
      await q.join();
      expect(sum).toBe(4950);
      running = false;
      q.putNowait(0);
      q.putNowait(0);
      await Promise.all(workers);
    });

    it('34: join on an empty queue resolves at once, twice', async () => {
      const q = impl.make<number>();
      await q.join();
      await q.join();
    });

    it('64: join can be reused', async () => {
      const q = impl.make<number>();
      for (let round = 0; round < 2; round++) {
        q.putNowait(round);
        const joined = track(q.join());
        await flush();
        expect(joined.state().status).toBe('pending');
        await q.get();
        q.taskDone();
        await joined.promise;
      }
      expect(() => q.taskDone()).toThrow(RangeError);
    });
  });

  describe('shutdown', () => {
    it('37-39, 106: empty queue: pending getters reject with QueueShutDown; every form fails after', async () => {
      const q = impl.make<number>();
      const getters: Promise<Outcome<unknown>>[] = [settle(q.get()), settle(q.get()), settle(q.getMany(2))];
      await flush();
      q.shutdown();
      expect(q.isShutDown).toBe(true);
      expect(q.qsize()).toBe(0);
      await q.join();
      for (const r of await Promise.all(getters)) {
        expect(r.status).toBe('rejected');
        expect((r as { reason: unknown }).reason).toBeInstanceOf(QueueShutDown);
      }
      await expect(q.put(1)).rejects.toThrow(QueueShutDown);
      expect(() => q.putNowait(1)).toThrow(QueueShutDown);
      await expect(q.get()).rejects.toThrow(QueueShutDown);
      expect(() => q.getNowait()).toThrow(QueueShutDown);
      expect(q.waiting).toEqual({ getters: 0, putters: 0, joiners: 0 });
      q.shutdown(true); // allowed again
    });

    it('40-45, 107: non-empty queue: pending put rejects, items stay gettable, join waits for taskDone', async () => {
      const q = impl.make<string>('fifo', 1);
      q.putNowait('data');
      const join = track(q.join());
      const put = settle(q.put('data2'));
      await flush();
      expect(join.state().status).toBe('pending');
      q.shutdown(false);
      expect(q.qsize()).toBe(1);
      const pr = await put;
      expect(pr.status).toBe('rejected');
      expect((pr as { reason: unknown }).reason).toBeInstanceOf(QueueShutDown);
      expect(await q.get()).toBe('data');
      await flush();
      expect(join.state().status).toBe('pending');
      await expect(q.put('x')).rejects.toThrow(QueueShutDown);
      expect(() => q.putNowait('x')).toThrow(QueueShutDown);
      await expect(q.get()).rejects.toThrow(QueueShutDown);
      expect(() => q.getNowait()).toThrow(QueueShutDown);
      q.taskDone();
      await join.promise;
      expect(() => q.taskDone()).toThrow(RangeError);
    });

    it('46-47: immediate: items discarded, join released, every form fails', async () => {
      const q = impl.make<number>();
      q.putNowait(1);
      const join = q.join();
      await flush();
      q.shutdown(true);
      expect(q.qsize()).toBe(0);
      expect(q.unfinishedTasks).toBe(0);
      await join;
      await expect(q.put(1)).rejects.toThrow(QueueShutDown);
      expect(() => q.putNowait(1)).toThrow(QueueShutDown);
      await expect(q.get()).rejects.toThrow(QueueShutDown);
      expect(() => q.getNowait()).toThrow(QueueShutDown);
      expect(() => q.taskDone()).toThrow(RangeError);
    });

    it('48-50: immediate with an unfinished task: join waits for that taskDone', async () => {
      const q = impl.make<number>();
      q.putNowait(1);
      q.putNowait(2);
      const join = track(q.join());
      expect(await q.get()).toBe(1);
      q.shutdown(true);
      expect(q.qsize()).toBe(0);
      await flush();
      expect(join.state().status).toBe('pending');
      expect(q.unfinishedTasks).toBe(1);
      await expect(q.put(1)).rejects.toThrow(QueueShutDown);
      expect(() => q.putNowait(1)).toThrow(QueueShutDown);
      await expect(q.get()).rejects.toThrow(QueueShutDown);
      expect(() => q.getNowait()).toThrow(QueueShutDown);
      q.taskDone();
      expect(() => q.taskDone()).toThrow(RangeError);
      await join.promise;
    });

    it('108: immediate with pending putters: all reject, queue empty, count 0', async () => {
      const q = impl.make<number>('fifo', 1);
      q.putNowait(0);
      const putters = [q.put(1), q.put(2)].map(settle);
      await flush();
      q.shutdown(true);
      for (const r of await Promise.all(putters)) expect((r as { reason: unknown }).reason).toBeInstanceOf(QueueShutDown);
      expect(q.qsize()).toBe(0);
      expect(q.unfinishedTasks).toBe(0);
    });

    it('114: a getter woken by a put, then shutdown(false) before it runs, still gets the item', async () => {
      const q = impl.make<string>();
      const getter = q.get();
      await flush();
      q.putNowait('x');
      q.shutdown(false);
      expect(await getter).toBe('x');
    });

    it('116: immediate shutdown after early taskDone calls clamps the count at 0', async () => {
      const q = impl.make<number>();
      q.putNowait(1);
      q.putNowait(2);
      q.taskDone();
      q.taskDone();
      q.shutdown(true);
      expect(q.unfinishedTasks).toBe(0);
    });

    it('shutdown(immediate) must be a boolean', () => {
      const q = impl.make<number>();
      expect(() => q.shutdown('yes' as unknown as boolean)).toThrow(TypeError);
      expect(q.isShutDown).toBe(false);
    });
  });

  describe('async iteration', () => {
    it('ends cleanly when the queue is shut down and drained', async () => {
      const q = impl.make<number>();
      for (const i of [1, 2, 3]) q.putNowait(i);
      const got: number[] = [];
      const loop = (async () => {
        for await (const item of q) {
          got.push(item);
          q.taskDone();
        }
      })();
      await flush();
      q.putNowait(4);
      q.shutdown();
      await loop;
      expect(got).toEqual([1, 2, 3, 4]);
      expect(q.unfinishedTasks).toBe(0);
    });

    it('break leaves the rest of the queue intact', async () => {
      const q = impl.make<number>();
      for (const i of [1, 2, 3, 4, 5]) q.putNowait(i);
      const got: number[] = [];
      for await (const item of q) {
        got.push(item);
        if (got.length === 2) break;
      }
      expect(got).toEqual([1, 2]);
      expect(q.qsize()).toBe(3);
      expect(q.waiting.getters).toBe(0);
      expect(q.getNowait()).toBe(3);
    });
  });

  describe('argument checks', () => {
    it('rejects bad options with TypeError/RangeError naming the argument', async () => {
      const q = impl.make<number>();
      await expect(q.get(5 as unknown as object)).rejects.toThrow(/options must be an object/);
      await expect(q.get({ signal: {} as AbortSignal })).rejects.toThrow(/signal must be an AbortSignal/);
      await expect(q.put(1, { signal: 'x' as unknown as AbortSignal })).rejects.toThrow(TypeError);
      await expect(q.get({ timeout: -1 })).rejects.toThrow(RangeError);
      await expect(q.get({ timeout: '5' as unknown as number })).rejects.toThrow(TypeError);
      await expect(q.join({ timeout: -1 })).rejects.toThrow(RangeError);
      await expect(q.getMany(0)).rejects.toThrow(RangeError);
      await expect(q.getMany(1.5)).rejects.toThrow(RangeError);
      expect(q.qsize()).toBe(0);
    });
  });
});
