import { describe, expect, it } from 'vitest';
import {
  AsyncLifoQueue, AsyncPriorityQueue, AsyncQueue, LifoQueue, LocalQueue, PriorityQueue, Queue,
  QueueCodecError, QueueHandleError, QueueShutDown,
} from '../../src/index.js';
import { HEADER_BYTES, LAYOUT_VERSION, W } from '../../src/shared/layout.js';

/**
 * Bad input, systematically: every public entry point of every shared-queue class (sync and
 * async views) and of LocalQueue, called with wrong types, out-of-range numbers, values the
 * codec cannot encode, items larger than the queue, taskDone too often and calls after
 * shutdown. Each row checks that
 *   1. the call fails with the specific error class (and code) and a message that names
 *      the problem,
 *   2. the queue is unchanged: every byte of the shared header (counts, unfinished tasks,
 *      condition words, sleeper counts, lock) and of the data area is as before,
 *   3. promise-returning methods of the async views reject instead of throwing,
 *   4. a later normal operation still succeeds: the queued items drain in order and a new
 *      item goes through.
 */
type Kind = 'Queue' | 'LifoQueue' | 'PriorityQueue' | 'AsyncQueue' | 'AsyncLifoQueue' | 'AsyncPriorityQueue';
type AnyView = Queue<unknown> & AsyncQueue<unknown>;
interface Ctor {
  new (options?: object): unknown;
  from(handle: unknown, options?: unknown): unknown;
}
const CLASSES: Record<Kind, Ctor> = {
  Queue: Queue as unknown as Ctor,
  LifoQueue: LifoQueue as unknown as Ctor,
  PriorityQueue: PriorityQueue as unknown as Ctor,
  AsyncQueue: AsyncQueue as unknown as Ctor,
  AsyncLifoQueue: AsyncLifoQueue as unknown as Ctor,
  AsyncPriorityQueue: AsyncPriorityQueue as unknown as Ctor,
};
const KINDS = Object.keys(CLASSES) as Kind[];
const isAsync = (k: Kind): boolean => k.startsWith('Async');
const isPriority = (k: Kind): boolean => k.endsWith('PriorityQueue');
/** Items as the kind takes them: [priority, value] pairs for priority queues. */
const wrapFor = (k: Kind) => (v: unknown): unknown => (isPriority(k) ? [1, v] : v);

interface Expect {
  /** Error class (or name for errors without an exported class). */
  error: (new (...args: never[]) => Error) | string;
  code?: string;
  message: RegExp;
}
interface Row extends Expect {
  name: string;
  /** Which kinds the row applies to (default: all). */
  appliesTo?: (k: Kind) => boolean;
  /** Brings the queue into the state the row needs (default: two items queued, maxsize 4). */
  setup?: (q: AnyView, w: (v: unknown) => unknown) => void;
  call: (q: AnyView, w: (v: unknown) => unknown) => unknown;
}

const fn = (): number => 1;
const sym = Symbol('s');
const huge = 'x'.repeat(5000); // the test queues have a 4096-byte capacity

const rows: Row[] = [
  // ---- options objects and waiting options ----
  { name: 'put with a number as options', call: (q, w) => q.put(w(1), 5 as never), error: TypeError, message: /options must be an object, got number/ },
  { name: 'get with null options', call: (q) => q.get(null as never), error: TypeError, message: /options must be an object, got null/ },
  { name: 'put with timeout -1', call: (q, w) => q.put(w(1), { timeout: -1 }), error: RangeError, message: /'timeout' must be a non-negative number.*-1/ },
  { name: 'get with timeout NaN', call: (q) => q.get({ timeout: Number.NaN }), error: RangeError, message: /'timeout' must be a non-negative number.*NaN/ },
  { name: 'get with timeout -Infinity', call: (q) => q.get({ timeout: -Infinity }), error: RangeError, message: /'timeout' must be a non-negative number/ },
  { name: "put with timeout '5' (a string)", call: (q, w) => q.put(w(1), { timeout: '5' as never }), error: TypeError, message: /timeout must be a number of milliseconds, got string/ },
  { name: 'putMany with timeout -0.5', call: (q, w) => q.putMany([w(1)], { timeout: -0.5 }), error: RangeError, message: /'timeout' must be a non-negative number/ },
  { name: 'getMany with a bigint timeout', call: (q) => q.getMany(1, { timeout: 5n as never }), error: TypeError, message: /timeout must be a number/ },
  { name: 'join with timeout -1', call: (q) => q.join({ timeout: -1 }), error: RangeError, message: /'timeout' must be a non-negative number/ },
  { name: "put with block 'yes'", appliesTo: (k) => !isAsync(k), call: (q, w) => q.put(w(1), { block: 'yes' as never }), error: TypeError, message: /block must be a boolean, got string/ },
  { name: 'get with block 1', appliesTo: (k) => !isAsync(k), call: (q) => q.get({ block: 1 as never }), error: TypeError, message: /block must be a boolean, got number/ },
  { name: 'get with a non-signal signal', appliesTo: isAsync, call: (q) => q.get({ signal: {} as never }), error: TypeError, message: /signal must be an AbortSignal/ },
  { name: 'put with signal 5', appliesTo: isAsync, call: (q, w) => q.put(w(1), { signal: 5 as never }), error: TypeError, message: /signal must be an AbortSignal.*got number/ },
  { name: 'join with signal null', appliesTo: isAsync, call: (q) => q.join({ signal: null as never }), error: TypeError, message: /signal must be an AbortSignal.*got null/ },
  { name: 'get with an already aborted signal', appliesTo: isAsync, call: (q) => q.get({ signal: AbortSignal.abort(new Error('stop now')) }), error: Error, message: /^stop now$/ },
  { name: 'putMany with an already aborted signal', appliesTo: isAsync, call: (q, w) => q.putMany([w(1), w(2)], { signal: AbortSignal.abort(new Error('stop now')) }), error: Error, message: /^stop now$/ },
  // ---- getMany's max ----
  ...([0, -1, 1.5, Number.NaN, Infinity, -Infinity] as const).map((max): Row => ({
    name: `getMany(${max})`, call: (q) => q.getMany(max), error: RangeError, message: new RegExp(`max must be a positive integer, got ${max}`),
  })),
  { name: "getMany('2')", call: (q) => q.getMany('2' as never), error: TypeError, message: /max must be a positive integer, got string/ },
  { name: 'getMany()', call: (q) => (q.getMany as (m?: number) => unknown)(), error: TypeError, message: /max must be a positive integer, got undefined/ },
  // ---- values the codec cannot encode, items larger than the queue ----
  { name: 'put of a function', call: (q, w) => q.put(w(fn)), error: QueueCodecError, code: 'ERR_QUEUE_CODEC', message: /cannot encode item.*could not be cloned/ },
  { name: 'putNowait of a symbol', call: (q, w) => q.putNowait(w(sym)), error: QueueCodecError, code: 'ERR_QUEUE_CODEC', message: /cannot encode item/ },
  { name: 'put of a WeakMap', call: (q, w) => q.put(w(new WeakMap())), error: QueueCodecError, code: 'ERR_QUEUE_CODEC', message: /could not be cloned/ },
  { name: 'putMany whose last item cannot be encoded (none goes in)', call: (q, w) => q.putMany([w(10), w(11), w(fn)]), error: QueueCodecError, code: 'ERR_QUEUE_CODEC', message: /cannot encode item/ },
  { name: 'put of an item larger than the capacity', call: (q, w) => q.put(w(huge)), error: RangeError, code: 'ERR_ITEM_TOO_LARGE', message: /can never fit in this queue \(capacity 4096 bytes\)/ },
  { name: 'putMany with one item larger than the capacity (none goes in)', call: (q, w) => q.putMany([w(10), w(huge)]), error: RangeError, code: 'ERR_ITEM_TOO_LARGE', message: /larger capacity/ },
  { name: 'putNowait of an item larger than the capacity', call: (q, w) => q.putNowait(w(huge)), error: RangeError, code: 'ERR_ITEM_TOO_LARGE', message: /can never fit/ },
  // ---- priority pairs ----
  { name: 'priority put of a NaN priority', appliesTo: isPriority, call: (q) => q.put([Number.NaN, 'x']), error: RangeError, message: /priority must not be NaN/ },
  { name: "priority put of a string priority", appliesTo: isPriority, call: (q) => q.put(['1', 'x']), error: TypeError, message: /priority must be a number, got string/ },
  { name: 'priority put of a bare value', appliesTo: isPriority, call: (q) => q.put('x'), error: TypeError, message: /must be a \[priority, value\] pair/ },
  { name: 'priority put of a 3-tuple', appliesTo: isPriority, call: (q) => q.put([1, 'x', 'y']), error: TypeError, message: /must be a \[priority, value\] pair/ },
  { name: 'priority putMany with a NaN priority last (none goes in)', appliesTo: isPriority, call: (q) => q.putMany([[0, 'a'], [Number.NaN, 'b']]), error: RangeError, message: /priority must not be NaN/ },
  // ---- task accounting, shutdown, recovery ----
  {
    name: 'taskDone with no unfinished task',
    setup: (q) => {
      q.taskDone();
      q.taskDone();
    },
    call: (q) => q.taskDone(), error: RangeError, code: 'ERR_TASK_DONE_TOO_MANY', message: /^taskDone\(\) called too many times$/,
  },
  { name: "shutdown('now')", call: (q) => q.shutdown('now' as never), error: TypeError, message: /immediate must be a boolean, got string/ },
  ...([-1, Number.NaN, 1.5, Infinity] as const).map((id): Row => ({
    name: `recoverThread(${id})`, call: (q) => q.recoverThread(id), error: RangeError, message: /threadId must be a non-negative integer/,
  })),
  { name: 'put after shutdown', setup: (q) => q.shutdown(), call: (q, w) => q.put(w(3)), error: QueueShutDown, code: 'ERR_QUEUE_SHUT_DOWN', message: /shut down/ },
  { name: 'putNowait after shutdown', setup: (q) => q.shutdown(), call: (q, w) => q.putNowait(w(3)), error: QueueShutDown, code: 'ERR_QUEUE_SHUT_DOWN', message: /shut down/ },
  { name: 'putMany after shutdown', setup: (q) => q.shutdown(), call: (q, w) => q.putMany([w(3), w(4)]), error: QueueShutDown, code: 'ERR_QUEUE_SHUT_DOWN', message: /shut down/ },
  { name: 'put with timeout after shutdown', setup: (q) => q.shutdown(), call: (q, w) => q.put(w(3), { timeout: 10_000 }), error: QueueShutDown, code: 'ERR_QUEUE_SHUT_DOWN', message: /shut down/ },
  // ---- the writable maxsize of the blocking view ----
  { name: 'maxsize = NaN', appliesTo: (k) => !isAsync(k), call: (q) => { (q as { maxsize: number }).maxsize = Number.NaN; }, error: RangeError, message: /maxsize must not be NaN/ },
  { name: "maxsize = '3'", appliesTo: (k) => !isAsync(k), call: (q) => { (q as { maxsize: unknown }).maxsize = '3'; }, error: TypeError, message: /maxsize must be a number/ },
  { name: 'maxsize = 5 on an async view (read-only, as in asyncio)', appliesTo: isAsync, call: (q) => { (q as { maxsize: number }).maxsize = 5; }, error: TypeError, message: /only a getter|read.only/ },
];

const PROMISE_METHODS = new Set(['put', 'get', 'putMany', 'getMany', 'join']);

/** Every byte of the queue's shared memory. */
function snapshot(q: AnyView): Uint8Array[] {
  const { header, data, index } = q.handle;
  const parts = [new Uint8Array(header).slice(), new Uint8Array(data).slice()];
  if (index) parts.push(new Uint8Array(index).slice());
  return parts;
}

async function outcome(call: () => unknown): Promise<{ error?: unknown; threwSync: boolean; returned?: unknown }> {
  let r: unknown;
  try {
    r = call();
  } catch (error) {
    return { error, threwSync: true };
  }
  try {
    return { returned: await r, threwSync: false };
  } catch (error) {
    return { error, threwSync: false };
  }
}

function expectError(error: unknown, row: Expect): void {
  expect(error, 'the call must fail').toBeDefined();
  if (typeof row.error === 'string') expect((error as Error).name).toBe(row.error);
  else expect(error).toBeInstanceOf(row.error);
  expect((error as Error).message).toMatch(row.message);
  if (row.code !== undefined) expect((error as { code?: string }).code).toBe(row.code);
}

describe.each(KINDS)('%s: bad input is refused and changes nothing', (kind) => {
  const w = wrapFor(kind);
  it.each(rows.filter((r) => r.appliesTo === undefined || r.appliesTo(kind)).map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const q = new CLASSES[kind]({ maxsize: 4, capacity: 4096 }) as AnyView;
    const other = CLASSES[kind].from(q.handle) as AnyView; // a second view of the same memory
    await q.put(w(1));
    await q.put(w(2));
    row.setup?.(q, w);
    const shut = q.isShutDown;
    const before = snapshot(q);
    const qsize = q.qsize();
    const unfinished = q.unfinishedTasks;

    const method = /^(\w+)/.exec(row.call.toString().replace(/^\(.*?\)\s*=>\s*\{?\s*/, '').replace(/^q\./, ''))?.[1] ?? '';
    const r = await outcome(() => row.call(q, w));
    expectError(r.error, row);
    if (isAsync(kind) && PROMISE_METHODS.has(method)) expect(r.threwSync, `${method} must reject, not throw`).toBe(false);

    // Unchanged: every shared byte, as seen through both views.
    expect(snapshot(q)).toEqual(before);
    expect(other.qsize()).toBe(qsize);
    expect(other.unfinishedTasks).toBe(unfinished);
    if (isAsync(kind)) expect(q.waiting).toEqual({ getters: 0, putters: 0, joiners: 0 });
    const h = new Int32Array(q.handle.header);
    expect([h[W.LOCK], h[W.GETTERS_WAITING], h[W.PUTTERS_WAITING], h[W.JOINERS_WAITING]]).toEqual([0, 0, 0, 0]);

    // Later operations still work, through the other view.
    const queued = [w(1), w(2)].slice(0, qsize);
    expect(await other.getMany(10)).toEqual(kind.includes('Lifo') ? queued.reverse() : queued);
    if (shut) {
      await expect(Promise.resolve().then(() => other.getNowait())).rejects.toBeInstanceOf(QueueShutDown);
    } else {
      await other.put(w('after'));
      expect(await q.get()).toEqual(w('after'));
    }
  });
});

describe('constructors refuse bad options', () => {
  const bad: [string, unknown, new (...a: never[]) => Error, RegExp][] = [
    ['a number as options', 5, TypeError, /options must be an object, got number/],
    ['null options', null, TypeError, /options must be an object, got null/],
    ['maxsize NaN', { maxsize: Number.NaN }, RangeError, /maxsize must not be NaN/],
    ["maxsize '1'", { maxsize: '1' }, TypeError, /maxsize must be a number/],
    ['capacity 63', { capacity: 63 }, RangeError, /capacity must be an integer number of bytes from 64/],
    ['capacity 2**31', { capacity: 2 ** 31 }, RangeError, /capacity must be an integer/],
    ['capacity 2**53', { capacity: 2 ** 53 }, RangeError, /capacity must be an integer/],
    ['capacity NaN', { capacity: Number.NaN }, RangeError, /capacity must be an integer/],
    ['capacity Infinity', { capacity: Infinity }, RangeError, /capacity must be an integer/],
    ['capacity 1000.5', { capacity: 1000.5 }, RangeError, /capacity must be an integer/],
    ["capacity '4096'", { capacity: '4096' }, TypeError, /capacity must be a number of bytes/],
    ["codec 'msgpack'", { codec: 'msgpack' }, RangeError, /codec must be one of 'default'/],
    ['codec 5', { codec: 5 }, TypeError, /codec must be a codec name or a Codec object/],
    ['a codec without functions', { codec: { name: 'x' } }, TypeError, /encode\(value\): Uint8Array/],
    ["a custom codec named 'json'", { codec: { name: 'json', encode: () => new Uint8Array(), decode: () => 0 } }, RangeError, /cannot use the built-in name 'json'/],
  ];
  it.each(KINDS)('%s', (kind) => {
    for (const [label, options, cls, message] of bad) {
      expect(() => new CLASSES[kind](options as object), label).toThrow(cls);
      expect(() => new CLASSES[kind](options as object), label).toThrow(message);
    }
    // Extremes that are valid: no bound, a huge bound.
    for (const maxsize of [Infinity, -Infinity, 2 ** 53, -1, 0]) {
      const q = new CLASSES[kind]({ maxsize }) as AnyView;
      expect(q.full()).toBe(false);
    }
  });

  it('LocalQueue', () => {
    for (const [label, options, cls, message] of bad.slice(0, 4)) {
      expect(() => new LocalQueue(options as object), label).toThrow(cls);
      expect(() => new LocalQueue(options as object), label).toThrow(message);
    }
    expect(() => new LocalQueue({ order: 'random' as never })).toThrow(/order must be 'fifo', 'lifo' or 'priority', got 'random'/);
    expect(() => new LocalQueue({ order: 3 as never })).toThrow(TypeError);
  });
});

describe('from() refuses forged, foreign, stale and truncated handles', () => {
  function forgedHandles(kind: Kind): [string, (good: Record<string, unknown>) => unknown][] {
    const detached = new ArrayBuffer(HEADER_BYTES);
    structuredClone(detached, { transfer: [detached] });
    return [
      ['undefined', () => undefined],
      ['a string', () => 'conveyor.queue'],
      ['an empty object', () => ({})],
      ['another kind', (g) => ({ ...g, kind: 'other' })],
      ['another handle version', (g) => ({ ...g, version: LAYOUT_VERSION + 1 })],
      ['a truncated header', (g) => ({ ...g, header: new SharedArrayBuffer(HEADER_BYTES / 2) })],
      ['a non-shared header', (g) => ({ ...g, header: new ArrayBuffer(HEADER_BYTES) })],
      ['a detached header', (g) => ({ ...g, header: detached })],
      ['a header without the magic word', (g) => ({ ...g, header: new SharedArrayBuffer(HEADER_BYTES) })],
      ['a header with the wrong magic', (g) => {
        const header = new SharedArrayBuffer(HEADER_BYTES);
        new Uint8Array(header).set(new Uint8Array(g.header as SharedArrayBuffer));
        new Int32Array(header)[W.MAGIC] ^= 1;
        return { ...g, header };
      }],
      ['memory of another layout version', (g) => {
        const header = new SharedArrayBuffer(HEADER_BYTES);
        new Uint8Array(header).set(new Uint8Array(g.header as SharedArrayBuffer));
        new Int32Array(header)[W.VERSION] = 99;
        return { ...g, header };
      }],
      ['a non-growable data buffer', (g) => ({ ...g, data: new SharedArrayBuffer(4096) })],
      ['a data buffer of another capacity', (g) => ({ ...g, data: new SharedArrayBuffer(1024, { maxByteLength: 8192 }) })],
      ['an ordering that disagrees with the memory', (g) => ({ ...g, ordering: isPriority(kind) ? 'fifo' : 'priority' })],
      ['a non-string codec', (g) => ({ ...g, codec: 5 })],
      ...(isPriority(kind) ? [['a priority handle without its index', (g: Record<string, unknown>) => ({ ...g, index: undefined })] as [string, (good: Record<string, unknown>) => unknown]] : []),
    ];
  }

  it.each(KINDS)('%s', async (kind) => {
    const q = new CLASSES[kind]({ capacity: 4096 }) as AnyView;
    const w = wrapFor(kind);
    await q.put(w('kept'));
    const before = snapshot(q);
    for (const [label, forge] of forgedHandles(kind)) {
      let error: unknown;
      try {
        CLASSES[kind].from(forge({ ...q.handle }));
      } catch (e) {
        error = e;
      }
      expect(error, label).toBeInstanceOf(QueueHandleError);
      expect((error as QueueHandleError).code, label).toBe('ERR_QUEUE_HANDLE');
      expect((error as Error).message.length, label).toBeGreaterThan(20);
    }
    // Attach options are checked too.
    expect(() => CLASSES[kind].from(q.handle, 5)).toThrow(TypeError);
    expect(() => CLASSES[kind].from(q.handle, { codec: 'json' })).toThrow(/uses codec 'default' but codec 'json' was given/);
    expect(snapshot(q)).toEqual(before);
    expect(await (CLASSES[kind].from(q.handle) as AnyView).get()).toEqual(w('kept'));
  });
});

describe('LocalQueue: bad input is refused and changes nothing', () => {
  const localRows: [string, (q: LocalQueue<unknown>) => unknown, new (...a: never[]) => Error, RegExp][] = [
    ['put with timeout -1', (q) => q.put(1, { timeout: -1 }), RangeError, /'timeout' must be a non-negative number/],
    ['get with timeout NaN', (q) => q.get({ timeout: Number.NaN }), RangeError, /'timeout' must be a non-negative number/],
    ['get with a non-signal', (q) => q.get({ signal: {} as never }), TypeError, /signal must be an AbortSignal/],
    ['put with options 5', (q) => q.put(1, 5 as never), TypeError, /options must be an object/],
    ['getMany(0)', (q) => q.getMany(0), RangeError, /max must be a positive integer/],
    ['getMany(NaN)', (q) => q.getMany(Number.NaN), RangeError, /max must be a positive integer/],
    ["getMany('1')", (q) => q.getMany('1' as never), TypeError, /max must be a positive integer/],
    ['join with timeout -5', (q) => q.join({ timeout: -5 }), RangeError, /'timeout' must be a non-negative number/],
    ["shutdown('x')", (q) => q.shutdown('x' as never), TypeError, /immediate must be a boolean/],
  ];
  it.each(localRows)('%s', async (_label, call, cls, message) => {
    const q = new LocalQueue<unknown>({ maxsize: 4 });
    q.putNowait(1);
    q.putNowait(2);
    const r = await outcome(() => call(q));
    expect(r.error).toBeInstanceOf(cls);
    expect((r.error as Error).message).toMatch(message);
    expect([q.qsize(), q.unfinishedTasks, q.isShutDown]).toEqual([2, 2, false]);
    expect(q.waiting).toEqual({ getters: 0, putters: 0, joiners: 0 });
    expect(await q.getMany(10)).toEqual([1, 2]);
  });

  it('priority pairs, taskDone too often, calls after shutdown', async () => {
    const p = new LocalQueue<unknown>({ order: 'priority' });
    p.putNowait([2, 'b']);
    expect(() => p.putNowait([Number.NaN, 'x'])).toThrow(/priority must not be NaN/);
    await expect(p.put('x')).rejects.toThrow(/must be a \[priority, value\] pair/);
    await expect(p.putMany([[0, 'a'], ['1', 'x']])).rejects.toThrow(/priority must be a number, got string/);
    expect(p.qsize()).toBe(1);
    expect(await p.get()).toEqual([2, 'b']);
    p.taskDone();
    expect(() => p.taskDone()).toThrow(expect.objectContaining({ code: 'ERR_TASK_DONE_TOO_MANY' }));
    p.shutdown();
    await expect(p.put([1, 'z'])).rejects.toBeInstanceOf(QueueShutDown);
    expect(() => p.putNowait([1, 'z'])).toThrow(QueueShutDown);
    await expect(p.get()).rejects.toBeInstanceOf(QueueShutDown);
    expect([p.qsize(), p.unfinishedTasks]).toEqual([0, 0]);
  });
});
