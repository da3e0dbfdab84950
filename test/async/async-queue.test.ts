/**
 * AsyncQueue specifics (same thread): attaching, one registration and one pending
 * waitAsync per condition, wake-ups that come through shared memory (a sync view's put
 * notifies; nothing local is kicked), passing on a wake-up a view did not need.
 */
import { describe, expect, it } from 'vitest';
import { AsyncLifoQueue, AsyncPriorityQueue, AsyncQueue } from '../../src/async/async-queue.js';
import { QueueHandleError, QueueShutDown } from '../../src/errors.js';
import { PriorityQueue, Queue } from '../../src/queue/queue.js';
import { W } from '../../src/shared/layout.js';
import { flush, settle, track } from './impls.js';

function words(q: { handle: { header: SharedArrayBuffer } }): { getters: number; putters: number; joiners: number } {
  const h = new Int32Array(q.handle.header);
  return { getters: Atomics.load(h, W.GETTERS_WAITING), putters: Atomics.load(h, W.PUTTERS_WAITING), joiners: Atomics.load(h, W.JOINERS_WAITING) };
}

describe('AsyncQueue', () => {
  it('from(handle) attaches; Queue.from(aq.handle) is a second view of the same queue', async () => {
    const aq = new AsyncQueue<{ n: number }>({ maxsize: 3 });
    const again = AsyncQueue.from<{ n: number }>(aq.handle);
    const sync = Queue.from<{ n: number }>(aq.handle);
    await aq.put({ n: 1 });
    sync.put({ n: 2 });
    expect(again.qsize()).toBe(2);
    expect(again.maxsize).toBe(3);
    expect(await again.get()).toEqual({ n: 1 });
    expect(sync.get()).toEqual({ n: 2 });
    expect(() => AsyncLifoQueue.from(aq.handle)).toThrow(QueueHandleError);
    expect(() => AsyncQueue.from({} as never)).toThrow(QueueHandleError);
    const pq = new PriorityQueue<string>();
    pq.put([2, 'b']);
    pq.put([1, 'a']);
    expect(await AsyncPriorityQueue.from<string>(pq.handle).get()).toEqual([1, 'a']);
  });

  it('keeps the codec: json values round-trip', async () => {
    const aq = new AsyncQueue<unknown>({ codec: 'json' });
    await aq.put({ a: [1, 'x', null] });
    expect(await aq.get()).toEqual({ a: [1, 'x', null] });
  });

  it('many local waiters register once and share one wait per condition', async () => {
    const aq = new AsyncQueue<number>({ maxsize: 1 });
    const getters = Array.from({ length: 100 }, () => aq.get());
    await flush();
    expect(aq.waiting.getters).toBe(100);
    expect(words(aq).getters).toBe(1);
    expect(String(aq)).toContain('_getters[100]');
    // Items put through a sync view reach them through shared memory only (waitAsync).
    const sync = Queue.from<number>(aq.handle);
    const got: number[] = [];
    for (let i = 0; i < 100; i++) {
      sync.put(i);
      got.push(await getters[i]);
    }
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(aq.waiting.getters).toBe(0);
    expect(words(aq)).toEqual({ getters: 0, putters: 0, joiners: 0 });
  });

  it('a put waiting on a full queue is released by a sync view get (shared-memory wake-up)', async () => {
    const aq = new AsyncQueue<number>({ maxsize: 1 });
    aq.putNowait(1);
    const put = track(aq.put(2));
    await flush();
    expect(put.state().status).toBe('pending');
    expect(words(aq).putters).toBe(1);
    const sync = Queue.from<number>(aq.handle);
    expect(sync.get()).toBe(1);
    await put.promise;
    expect(sync.get()).toBe(2);
    expect(words(aq).putters).toBe(0);
  });

  it('join resolves after taskDone calls through another view; shutdown through another view wakes waiters', async () => {
    const aq = new AsyncQueue<number>();
    const sync = Queue.from<number>(aq.handle);
    aq.putNowait(1);
    const join = track(aq.join());
    await flush();
    expect(words(aq).joiners).toBe(1);
    sync.get();
    sync.taskDone();
    await join.promise;
    const getter = settle(aq.get());
    await flush();
    sync.shutdown();
    const r = await getter;
    expect((r as { reason: unknown }).reason).toBeInstanceOf(QueueShutDown);
    expect(words(aq)).toEqual({ getters: 0, putters: 0, joiners: 0 });
  });

  it('a wake-up that reaches a view with no waiter left is passed on to a registered one', async () => {
    const aq = new AsyncQueue<string>();
    // A second view with its own hub (handle copied as if received by postMessage).
    const other = AsyncQueue.from<string>(structuredClone(aq.handle));
    const ac = new AbortController();
    const abandoned = settle(aq.get({ signal: ac.signal }));
    await flush();
    ac.abort();
    await abandoned;
    expect(words(aq).getters).toBe(0); // unregistered at once, its waitAsync still pending
    const getter = other.get(); // waits behind aq's pending waitAsync in the notify order
    await flush();
    expect(words(aq).getters).toBe(1);
    Queue.from<string>(aq.handle).put('x'); // notify(1): wakes aq's stale wait first
    expect(await getter).toBe('x');
    expect(words(aq).getters).toBe(0);
  });

  it('a stale pending wait is reused: a later waiter still wakes on the next put', async () => {
    const aq = new AsyncQueue<string>();
    const ac = new AbortController();
    const first = settle(aq.get({ signal: ac.signal }));
    await flush();
    ac.abort();
    await first;
    const sync = Queue.from<string>(structuredClone(aq.handle));
    sync.put('a'); // nobody registered: no notify; the stale wait stays pending
    expect(await aq.get()).toBe('a');
    const second = aq.get();
    await flush();
    sync.put('b');
    expect(await second).toBe('b');
    expect(words(aq)).toEqual({ getters: 0, putters: 0, joiners: 0 });
  });

  it('a first-in-line putter that gives up lets the next one in when its smaller item fits', async () => {
    // Memory bound rather than maxsize: the big item does not fit, a small one does.
    const aq = new AsyncQueue<string>({ capacity: 256, codec: 'string' });
    aq.putNowait('x'.repeat(150));
    const ac = new AbortController();
    const big = settle(aq.put('y'.repeat(150), { signal: ac.signal }));
    const small = track(aq.put('z'));
    await flush();
    expect(small.state().status).toBe('pending'); // FIFO: behind the big one
    ac.abort();
    expect((await big).status).toBe('rejected');
    await small.promise;
    expect(aq.qsize()).toBe(2);
    expect(words(aq).putters).toBe(0);
  });

  it('views attached from the same handle object in one thread share one FIFO of waiters', async () => {
    const aq = new AsyncQueue<string>();
    const aq2 = AsyncQueue.from<string>(aq.handle);
    const first = aq2.get();
    const second = aq.get();
    const third = aq2.get();
    await flush();
    expect(aq.waiting.getters).toBe(3);
    expect(words(aq).getters).toBe(1);
    const sync = Queue.from<string>(aq.handle);
    sync.putMany(['a', 'b', 'c']);
    expect([await first, await second, await third]).toEqual(['a', 'b', 'c']);
    aq.putNowait('d');
    expect(String(aq2)).toBe('<AsyncQueue maxsize=0 qsize=1 tasks=4>');
    aq2.shutdown();
    expect(String(aq)).toBe('<AsyncQueue maxsize=0 qsize=1 tasks=4 shutdown>');
  });
});
