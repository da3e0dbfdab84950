import { describe, expect, it } from 'vitest';
import {
  LifoQueue, PriorityQueue, Queue, QueueCodecError, QueueEmpty, QueueFull, QueueShutDown,
} from '../../src/index.js';

/**
 * CPython's queue.Queue cases (Lib/test/test_queue.py) that apply, run against each
 * ordering. Priority items are [priority, value] pairs; `wrap`/`unwrap` let one body
 * serve all three classes.
 */
type AnyQueue = Queue<unknown> | LifoQueue<unknown> | PriorityQueue<unknown>;
interface Flavor {
  name: string;
  make: (opts?: ConstructorParameters<typeof Queue>[0]) => AnyQueue;
  wrap: (v: number) => unknown;
  unwrap: (v: unknown) => number;
  order: number[]; // what gets return after puts of 111, 333, 222
}
const flavors: Flavor[] = [
  { name: 'Queue', make: (o) => new Queue(o), wrap: (v) => v, unwrap: (v) => v as number, order: [111, 333, 222] },
  { name: 'LifoQueue', make: (o) => new LifoQueue(o), wrap: (v) => v, unwrap: (v) => v as number, order: [222, 333, 111] },
  {
    name: 'PriorityQueue', make: (o) => new PriorityQueue(o),
    wrap: (v) => [v, `v${v}`], unwrap: (v) => (v as [number, string])[0], order: [111, 222, 333],
  },
];

describe.each(flavors)('$name', ({ make, wrap, unwrap, order }) => {
  const put = (q: AnyQueue, v: number, o?: object) => (q as Queue<unknown>).put(wrap(v), o);
  const get = (q: AnyQueue, o?: object) => unwrap((q as Queue<unknown>).get(o));

  it('basic sequence, twice on one instance (cases 51-62)', () => {
    const q = make({ maxsize: 5 });
    for (let round = 0; round < 2; round++) {
      expect(q.empty()).toBe(true);
      expect(q.full()).toBe(false);
      for (const v of [111, 333, 222]) put(q, v);
      expect([get(q), get(q), get(q)]).toEqual(order);
      for (let i = 0; i < 4; i++) put(q, i);
      expect(q.qsize()).toBe(4);
      expect(q.full()).toBe(false);
      put(q, 4);
      expect(q.full()).toBe(true);
      expect(q.empty()).toBe(false);
      expect(() => put(q, 9, { block: false })).toThrow(QueueFull);
      expect(() => put(q, 9, { timeout: 10 })).toThrow(QueueFull);
      expect(() => (q as Queue<unknown>).putNowait(wrap(9))).toThrow(QueueFull);
      for (let i = 0; i < 5; i++) get(q);
      expect(q.qsize()).toBe(0);
      expect(() => get(q, { block: false })).toThrow(QueueEmpty);
      expect(() => get(q, { timeout: 10 })).toThrow(QueueEmpty);
      expect(() => q.getNowait()).toThrow(QueueEmpty);
      for (let i = 0; i < 8; i++) q.taskDone(); // 3 + 5 successful puts this round
    }
    expect(() => q.taskDone()).toThrow('taskDone() called too many times');
  });

  it('a timed get waits about as long as asked (timeout in milliseconds)', () => {
    const q = make();
    const t0 = performance.now();
    expect(() => get(q, { timeout: 50 })).toThrow(QueueEmpty);
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(45);
    expect(elapsed).toBeLessThan(2000);
  });

  it('timeout 0 fails at once when the operation cannot proceed (case 118)', () => {
    const q = make({ maxsize: 1 });
    expect(() => get(q, { timeout: 0 })).toThrow(QueueEmpty);
    put(q, 1);
    expect(() => put(q, 2, { timeout: 0 })).toThrow(QueueFull);
  });

  it('nowait: five puts fit in maxsize 5, the sixth is Full; five gets, the sixth is Empty (case 68)', () => {
    const q = make({ maxsize: 5 }) as Queue<unknown>;
    for (let i = 0; i < 5; i++) q.putNowait(wrap(i));
    expect(() => q.putNowait(wrap(5))).toThrow(QueueFull);
    for (let i = 0; i < 5; i++) q.getNowait();
    expect(() => q.getNowait()).toThrow(QueueEmpty);
  });

  it('taskDone on a new queue is a RangeError with the CPython message (case 66)', () => {
    const q = make();
    let err: unknown;
    try {
      q.taskDone();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RangeError);
    expect((err as RangeError).message).toBe('taskDone() called too many times');
    expect((err as { code: string }).code).toBe('ERR_TASK_DONE_TOO_MANY');
  });

  it('join returns at once on a new queue, and is reusable (cases 34, 64)', () => {
    const q = make() as Queue<unknown>;
    q.join();
    q.join();
    put(q, 1);
    expect(() => q.join({ timeout: 20 })).toThrow(expect.objectContaining({ name: 'TimeoutError' }));
    get(q);
    q.taskDone();
    q.join();
  });

  it('maxsize <= 0 is unbounded and full() is never true', () => {
    for (const maxsize of [0, -1, -Infinity]) {
      const q = make({ maxsize });
      for (let i = 0; i < 1000; i++) put(q, i, { block: false });
      expect(q.full()).toBe(false);
      expect(q.qsize()).toBe(1000);
    }
  });

  it('fractional maxsize 1.3 holds two items (case 23)', () => {
    const q = make({ maxsize: 1.3 });
    put(q, 1, { block: false });
    put(q, 2, { block: false });
    expect(q.full()).toBe(true);
    expect(() => put(q, 3, { block: false })).toThrow(QueueFull);
  });

  it('maxsize is writable: shrinking keeps puts failing until enough items are taken (case 69)', () => {
    const q = make({ maxsize: 3 }) as Queue<unknown>;
    for (let i = 0; i < 3; i++) put(q, i);
    expect(() => put(q, 3, { block: false })).toThrow(QueueFull);
    q.maxsize = 2;
    expect(q.maxsize).toBe(2);
    get(q);
    expect(() => put(q, 3, { block: false })).toThrow(QueueFull);
    get(q);
    put(q, 3, { block: false });
  });

  it('invalid timeouts, block and maxsize values are refused before anything changes (case 67)', () => {
    const q = make({ maxsize: 5 }) as Queue<unknown>;
    put(q, 1);
    expect(() => put(q, 2, { timeout: -1 })).toThrow(RangeError);
    expect(() => put(q, 2, { timeout: -1 })).toThrow("'timeout' must be a non-negative number");
    expect(() => get(q, { timeout: -1 })).toThrow(RangeError);
    expect(() => get(q, { timeout: Number.NaN })).toThrow(RangeError);
    expect(() => get(q, { timeout: '5' })).toThrow(TypeError);
    expect(() => get(q, { block: 'yes' })).toThrow(TypeError);
    expect(() => (q as Queue<unknown>).put(wrap(2), 5 as never)).toThrow(TypeError);
    expect(() => { q.maxsize = Number.NaN; }).toThrow(RangeError);
    expect(() => make({ maxsize: '3' as never })).toThrow(TypeError);
    expect(() => make({ maxsize: Number.NaN })).toThrow(RangeError);
    expect(() => make({ capacity: 10 })).toThrow(RangeError);
    expect(() => make({ capacity: 1.5e9 + 0.5 })).toThrow(RangeError);
    expect(() => make({ codec: 'msgpack' as never })).toThrow(RangeError);
    expect(() => make(42 as never)).toThrow(TypeError);
    expect(q.qsize()).toBe(1);
    expect(q.unfinishedTasks).toBe(1);
    expect(get(q)).toBe(1);
  });

  it('shutdown(): puts fail, gets drain then fail, taskDone still works (cases 70, 71, 74)', () => {
    const q = make({ maxsize: 2 }) as Queue<unknown>;
    put(q, 1);
    q.putNowait(wrap(2));
    expect(q.isShutDown).toBe(false);
    q.shutdown();
    expect(q.isShutDown).toBe(true);
    expect(() => put(q, 3)).toThrow(QueueShutDown);
    expect(() => q.putNowait(wrap(3))).toThrow(QueueShutDown);
    expect([get(q), get(q)].sort()).toEqual([1, 2]);
    q.taskDone();
    q.taskDone();
    q.join();
    expect(() => get(q)).toThrow(QueueShutDown);
    expect(() => q.getNowait()).toThrow(QueueShutDown);
    expect(() => get(q, { timeout: 1000 })).toThrow(QueueShutDown);
    expect(String(q)).toContain('shutdown');
  });

  it('shutdown(true) discards items and lowers the unfinished count (cases 72, 75)', () => {
    const q = make({ maxsize: 2 }) as Queue<unknown>;
    put(q, 1);
    put(q, 2);
    q.shutdown(true);
    expect(q.qsize()).toBe(0);
    expect(() => put(q, 3)).toThrow(QueueShutDown);
    expect(() => get(q)).toThrow(QueueShutDown);
    expect(() => q.getNowait()).toThrow(QueueShutDown);
    expect(() => q.taskDone()).toThrow(RangeError);
    q.join();
  });

  it('shutdown(true) with an item gotten but not done: join waits for that taskDone (cases 48-50, 120)', () => {
    const q = make() as Queue<unknown>;
    put(q, 1);
    put(q, 2);
    get(q);
    q.shutdown(true);
    expect(q.unfinishedTasks).toBe(1);
    expect(() => q.join({ timeout: 20 })).toThrow(expect.objectContaining({ name: 'TimeoutError' }));
    q.taskDone();
    q.join();
    expect(() => q.taskDone()).toThrow(RangeError);
  });

  it('shutdown(true) after early taskDone calls clamps the count at 0 (case 116)', () => {
    const q = make() as Queue<unknown>;
    put(q, 1);
    put(q, 2);
    q.taskDone();
    q.taskDone();
    q.shutdown(true);
    expect(q.unfinishedTasks).toBe(0);
    q.join();
  });

  it('shutdown transitions are all allowed (case 73) and shutdown wins over full (case 109)', () => {
    const q = make({ maxsize: 1 }) as Queue<unknown>;
    put(q, 1);
    q.shutdown();
    q.shutdown(true);
    q.shutdown(false);
    expect(q.isShutDown).toBe(true);
    expect(() => q.putNowait(wrap(2))).toThrow(QueueShutDown);
    expect(() => q.shutdown('now' as never)).toThrow(TypeError);
  });

  it('a value the codec cannot encode is refused and changes nothing (cases 87-89)', () => {
    const q = make({ maxsize: 5, codec: 'json' }) as Queue<unknown>;
    put(q, 1);
    const bad = { f: 1n };
    expect(() => q.put(wrap(0) instanceof Array ? [1, bad] : bad)).toThrow(QueueCodecError);
    expect(() => q.putMany([wrap(2), wrap(0) instanceof Array ? [3, bad] : bad])).toThrow(QueueCodecError);
    expect(q.qsize()).toBe(1);
    expect(q.unfinishedTasks).toBe(1);
    for (let i = 2; i <= 5; i++) put(q, i);
    expect(q.full()).toBe(true); // the failed puts took no slot
    expect(q.qsize()).toBe(5);
    expect(q.getMany(5).map(unwrap).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('putMany / getMany move batches in queue order', () => {
    const q = make() as Queue<unknown>;
    q.putMany([1, 2, 3, 4, 5].map(wrap));
    expect(q.qsize()).toBe(5);
    expect(q.unfinishedTasks).toBe(5);
    const first = q.getMany(3).map(unwrap);
    const rest = q.getMany(10).map(unwrap);
    expect(first.length).toBe(3);
    expect([...first, ...rest].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(() => q.getMany(10, { block: false })).toThrow(QueueEmpty);
    expect(() => q.getMany(0)).toThrow(RangeError);
    expect(() => q.getMany(1.5)).toThrow(RangeError);
    expect(() => q.getMany('2' as never)).toThrow(TypeError);
    q.putMany([]);
    expect(q.qsize()).toBe(0);
  });

  it('putMany stops when the queue stays full and says how many went in', () => {
    const q = make({ maxsize: 3 }) as Queue<unknown>;
    let err: QueueFull | undefined;
    try {
      q.putMany([1, 2, 3, 4, 5].map(wrap), { timeout: 10 });
    } catch (e) {
      err = e as QueueFull;
    }
    expect(err).toBeInstanceOf(QueueFull);
    expect(err?.inserted).toBe(3);
    expect(q.qsize()).toBe(3);
    q.shutdown();
    let shut: QueueShutDown | undefined;
    try {
      q.putMany([wrap(1)]);
    } catch (e) {
      shut = e as QueueShutDown;
    }
    expect(shut?.inserted).toBe(0);
  });

  it('an item that can never fit is a RangeError at once, not a hang', () => {
    const q = make({ capacity: 1024, codec: 'json' }) as Queue<unknown>;
    const big = 'x'.repeat(2000);
    expect(() => q.put(wrap(0) instanceof Array ? [1, big] : big)).toThrow(RangeError);
    expect(q.qsize()).toBe(0);
    expect(q.unfinishedTasks).toBe(0);
  });

  it('when the shared bytes are full, put waits or fails exactly as when maxsize is reached', () => {
    const q = make({ capacity: 1024, codec: 'json' }) as Queue<unknown>;
    const item = 'y'.repeat(200);
    const w = (s: string) => (wrap(0) instanceof Array ? [1, s] : s);
    let n = 0;
    for (;;) {
      try {
        q.put(w(item), { block: false });
        n++;
      } catch (e) {
        expect(e).toBeInstanceOf(QueueFull);
        break;
      }
    }
    expect(n).toBeGreaterThanOrEqual(3);
    expect(() => q.put(w(item), { timeout: 10 })).toThrow(QueueFull);
    q.get();
    q.put(w(item), { block: false });
    expect(q.qsize()).toBe(n);
  });
});

describe('PriorityQueue specifics', () => {
  it('equal priorities come out in insertion order, lowest priority first', () => {
    const q = new PriorityQueue<string>();
    const input: [number, string][] = [];
    for (let i = 0; i < 200; i++) input.push([i % 5, `item${i}`]);
    q.putMany(input);
    const out = q.getMany(1000);
    const expected = [...input].sort((a, b) => a[0] - b[0] || Number(a[1].slice(4)) - Number(b[1].slice(4)));
    expect(out).toEqual(expected);
  });

  it('accepts infinite and negative priorities, refuses NaN, non-numbers and non-pairs', () => {
    const q = new PriorityQueue<string>();
    q.put([Infinity, 'last']);
    q.put([-Infinity, 'first']);
    q.put([-1.5, 'second']);
    expect(() => q.put([Number.NaN, 'x'])).toThrow(RangeError);
    expect(() => q.put(['1' as never, 'x'])).toThrow(TypeError);
    expect(() => q.put('x' as never)).toThrow(TypeError);
    expect(() => q.put([1, 'x', 'extra'] as never)).toThrow(TypeError);
    expect(q.qsize()).toBe(3);
    expect(q.getMany(3)).toEqual([[-Infinity, 'first'], [-1.5, 'second'], [Infinity, 'last']]);
  });
});

describe('handles', () => {
  it('a handle is structured-cloneable and a second view sees the same queue', () => {
    const q = new Queue<number>();
    const other = Queue.from<number>(structuredClone(q.handle));
    q.put(1);
    expect(other.qsize()).toBe(1);
    expect(other.get()).toBe(1);
    other.put(2);
    expect(q.get()).toBe(2);
  });

  it('attaching with the wrong class is a clear error', () => {
    const lifo = new LifoQueue();
    expect(() => Queue.from(lifo.handle)).toThrow(/lifo queue: attach with LifoQueue\.from\(\)/);
    expect(() => PriorityQueue.from(new Queue().handle)).toThrow(/attach with Queue\.from\(\)/);
    expect(LifoQueue.from(lifo.handle)).toBeInstanceOf(LifoQueue);
  });

  it('forged, foreign and stale handles are refused with QueueHandleError', () => {
    const good = new Queue().handle;
    const cases: unknown[] = [
      undefined, null, 42, {}, { ...good, kind: 'other' }, { ...good, version: 99 },
      { ...good, header: new SharedArrayBuffer(16) }, { ...good, header: new ArrayBuffer(256) },
      { ...good, data: new SharedArrayBuffer(1024) }, { ...good, header: new SharedArrayBuffer(256) },
      { ...good, ordering: 'lifo' }, { ...good, codec: 5 },
      { ...good, data: new SharedArrayBuffer(1024, { maxByteLength: 2048 }) },
    ];
    for (const handle of cases) {
      expect(() => Queue.from(handle as never), JSON.stringify(String(handle))).toThrow(
        expect.objectContaining({ name: 'QueueHandleError', code: 'ERR_QUEUE_HANDLE' }),
      );
    }
  });

  it('a custom codec must be given again when attaching, and must match by name', () => {
    const upper = {
      name: 'upper',
      encode: (s: string) => new TextEncoder().encode(s.toUpperCase()),
      decode: (b: Uint8Array) => new TextDecoder().decode(b),
    };
    const q = new Queue<string>({ codec: upper });
    q.put('hello');
    expect(() => Queue.from(q.handle)).toThrow(/custom codec 'upper'/);
    expect(() => Queue.from(q.handle, { codec: { ...upper, name: 'other' } })).toThrow(/uses codec 'upper'/);
    expect(Queue.from<string>(q.handle, { codec: upper }).get()).toBe('HELLO');
    expect(() => new Queue({ codec: { name: 'json', encode: upper.encode, decode: upper.decode } as never })).toThrow(RangeError);
    expect(() => new Queue({ codec: { name: 'x' } as never })).toThrow(TypeError);
  });
});
