import { describe, expect, it } from 'vitest';
import { Queue, QueueCorruptError, QueueHandleError } from '../../src/index.js';
import { startWorker } from '../helpers/threads.js';

/** The item the codec-shapes fixture puts as its k-th, for shape s. */
function shapeItem(tag: string, s: number, k: number): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (let j = 0; j < 1 + (s % 5); j++) item[`${tag}_${s}_${j}`] = j % 2 === 0 ? `v${k}` : k * 1.5;
  item.n = k;
  return item;
}

/** White-box: the byte offset of the current entry of a queue's structure store (0: none yet). */
function latestEntry(q: Queue<unknown>): number {
  return Atomics.load(new Int32Array(q.handle.structures as SharedArrayBuffer, 0, 1), 0);
}

describe("the default codec's shared record structures", () => {
  it('small integers, {} and records never collide (0x40-0x7f are record references)', () => {
    const q = new Queue<unknown>();
    const values = [{}, 64, 0x40, 100, 127, 63, {}, { a: 1 }, 65, [{}, 64], { a: {} }, -1, 128];
    q.putMany(values);
    expect(q.getMany(values.length)).toStrictEqual(values);
  });

  it('stores a key list once its shape is seen, and a later view decodes from the store', () => {
    const q = new Queue<Record<string, unknown>>();
    expect(latestEntry(q)).toBe(0);
    q.put({ id: 1, name: 'a' });
    expect(latestEntry(q)).toBeGreaterThan(0);
    // A fresh view has an empty local cache: it must load the structure from shared memory.
    const other = Queue.from<Record<string, unknown>>(q.handle);
    expect(other.get()).toStrictEqual({ id: 1, name: 'a' });
  });

  it('more shapes than can be shared (32) still round-trip, and long key lists are never stored', () => {
    const q = new Queue<Record<string, unknown>>();
    const items = Array.from({ length: 100 }, (_, s) => shapeItem('t', s, s));
    const wide = Object.fromEntries(Array.from({ length: 200 }, (_, j) => [`key${j}`, j]));
    q.putMany(items);
    const before = latestEntry(q);
    q.put(wide);
    expect(latestEntry(q)).toBe(before); // 200 keys: encoded inline, not shared
    expect(Queue.from<Record<string, unknown>>(q.handle).getMany(101)).toStrictEqual([...items, wide]);
  });

  it('two threads adding shapes at the same time: every item decodes exactly, in every thread', async () => {
    const q = new Queue<Record<string, unknown>>({ maxsize: 64 });
    const shapes = 24;
    const rounds = 40;
    const workers = ['a', 'b'].map((tag) => ({ tag, run: startWorker<number>('codec-shapes.mjs', { handle: q.handle, tag, shapes, rounds }) }));
    const got = new Map<string, Record<string, unknown>[]>([['a', []], ['b', []]]);
    for (let i = 0; i < 2 * shapes * rounds; i++) {
      const item = q.get({ timeout: 20_000 });
      const tag = Object.keys(item)[0].slice(0, 1);
      got.get(tag)!.push(item);
    }
    for (const { tag, run } of workers) {
      expect(await run.result).toBe(shapes * rounds);
      // Per-producer FIFO order, and each item exactly as its producer built it.
      const expected: Record<string, unknown>[] = [];
      let k = 0;
      for (let r = 0; r < rounds; r++) for (let s = 0; s < shapes; s++) expected.push(shapeItem(tag, s, k++));
      expect(got.get(tag)).toStrictEqual(expected);
    }
  });

  it('a corrupted structure store makes get throw QueueCorruptError, not read out of bounds', () => {
    const q = new Queue<Record<string, unknown>>();
    q.put({ x: 1, y: 2 });
    new Int32Array(q.handle.structures as SharedArrayBuffer, 0, 1)[0] = 1 << 30; // LATEST points far outside
    expect(() => Queue.from<Record<string, unknown>>(q.handle).get()).toThrow(QueueCorruptError);
  });

  it('a default-codec handle without its structures buffer is refused', () => {
    const q = new Queue<unknown>();
    const { structures: _dropped, ...forged } = q.handle;
    expect(() => Queue.from(forged)).toThrow(QueueHandleError);
    expect(() => Queue.from({ ...q.handle, structures: new SharedArrayBuffer(64) })).toThrow(QueueHandleError);
  });
});
