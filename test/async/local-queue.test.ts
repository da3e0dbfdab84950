/**
 * LocalQueue specifics: options, items kept by reference, and its stores (ring, stack,
 * heap) checked against simple models with random operation sequences.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LocalQueue } from '../../src/async/local-queue.js';
import { HeapStore, RingStore, StackStore } from '../../src/async/local-store.js';

describe('LocalQueue', () => {
  it('validates its options', () => {
    expect(() => new LocalQueue({ order: 'random' as never })).toThrow(/order must be 'fifo', 'lifo' or 'priority'/);
    expect(() => new LocalQueue({ maxsize: Number.NaN })).toThrow(RangeError);
    expect(() => new LocalQueue({ maxsize: '3' as never })).toThrow(TypeError);
    expect(() => new LocalQueue(3 as never)).toThrow(TypeError);
    const q = new LocalQueue({ maxsize: 2 });
    expect(q.maxsize).toBe(2);
    expect(() => { (q as { maxsize: number }).maxsize = 5; }).toThrow(TypeError); // read-only, as in asyncio
    expect(new LocalQueue().maxsize).toBe(0);
  });

  it('keeps items by reference: the same object comes out, priority pairs included', async () => {
    const obj = { big: new Uint8Array(10) };
    const q = new LocalQueue<typeof obj>();
    await q.put(obj);
    expect(await q.get()).toBe(obj);
    const pq = new LocalQueue<[number, typeof obj]>({ order: 'priority' });
    const pair: [number, typeof obj] = [1, obj];
    pq.putNowait(pair);
    expect(pq.getNowait()).toBe(pair);
  });

  it('toString shows maxsize, tasks, shutdown and waiters like CPython\'s repr', async () => {
    const q = new LocalQueue<number>({ maxsize: 2 });
    expect(String(q)).toBe('<LocalQueue maxsize=2 qsize=0>');
    const getter = q.get();
    await new Promise((r) => setImmediate(r));
    expect(String(q)).toBe('<LocalQueue maxsize=2 qsize=0 _getters[1]>');
    q.putNowait(1);
    await getter;
    q.shutdown();
    expect(String(q)).toBe('<LocalQueue maxsize=2 qsize=0 tasks=1 shutdown>');
  });

  it('a million puts and gets through a bounded queue keep FIFO order', async () => {
    const q = new LocalQueue<number>({ maxsize: 100 });
    const N = 1_000_000;
    let bad = 0;
    await Promise.all([
      (async () => { for (let i = 0; i < N; i++) await q.put(i); })(),
      (async () => { for (let i = 0; i < N; i++) if ((await q.get()) !== i) bad++; })(),
    ]);
    expect(bad).toBe(0);
    expect(q.unfinishedTasks).toBe(N);
  });
});

type Op = { push: number } | 'take';
const ops = fc.array(fc.oneof(fc.record({ push: fc.integer({ min: -5, max: 5 }) }), fc.constant('take' as const)), { maxLength: 300 });

describe('LocalQueue stores against models', () => {
  it('RingStore behaves as a FIFO array through growth and wrap-around', () => {
    fc.assert(fc.property(ops, (list: Op[]) => {
      const ring = new RingStore<number>();
      const model: number[] = [];
      for (const op of list) {
        if (op === 'take') {
          if (model.length === 0) continue;
          expect(ring.take()).toBe(model.shift());
        } else {
          ring.push(op.push);
          model.push(op.push);
        }
        expect(ring.size).toBe(model.length);
      }
    }));
  });

  it('StackStore behaves as a LIFO array', () => {
    fc.assert(fc.property(ops, (list: Op[]) => {
      const stack = new StackStore<number>();
      const model: number[] = [];
      for (const op of list) {
        if (op === 'take') {
          if (model.length === 0) continue;
          expect(stack.take()).toBe(model.pop());
        } else {
          stack.push(op.push);
          model.push(op.push);
        }
      }
    }));
  });

  it('HeapStore takes the lowest priority, ties in insertion order', () => {
    fc.assert(fc.property(ops, (list: Op[]) => {
      const heap = new HeapStore<[number, number]>();
      const model: [number, number][] = [];
      let seq = 0;
      for (const op of list) {
        if (op === 'take') {
          if (model.length === 0) continue;
          // The model: a stable sort by priority keeps insertion order among equals.
          model.sort((a, b) => a[0] - b[0]);
          expect(heap.take()).toBe(model.shift());
        } else {
          const pair: [number, number] = [op.push, seq++];
          heap.push(pair);
          model.push(pair);
        }
        expect(heap.size).toBe(model.length);
      }
    }));
  });
});
