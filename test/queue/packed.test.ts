import { describe, expect, it } from 'vitest';
import { Queue, QueueFull } from '../../src/index.js';

/**
 * FIFO batches take two shortcuts: putMany packs small records in the ring's own format
 * before the lock and copies them in with one copy (PackedRecords, FifoRing.pushRun), and
 * getMany copies a run of small records out with one copy (FifoRing.takeRun). These tests
 * drive both across the ring's end, through growth, bounds and mixed record sizes.
 */
const NUMBERS = [0, 1, 63, 64, 100, 127, 128, -1, -0, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 53 - 1, 0.5, -1e-300, Number.NaN, Infinity, -Infinity];

function numbersFrom(k: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => NUMBERS[(k + i) % NUMBERS.length] + (i % 3 === 0 ? 0 : i));
}

describe('packed FIFO batches', () => {
  it('batches of numbers of every encoded size keep their order and exact values across the ring end', () => {
    const q = new Queue<number>({ capacity: 1024 });
    const model: number[] = [];
    let k = 0;
    for (let round = 0; round < 200; round++) {
      const batch = numbersFrom(k, 1 + (round % 23));
      k += batch.length;
      try {
        q.putMany(batch, { block: false });
        model.push(...batch);
      } catch (error) {
        expect(error).toBeInstanceOf(QueueFull);
        model.push(...batch.slice(0, (error as QueueFull).inserted));
      }
      const got = q.getMany(1 + (round % 17));
      expect(got).toStrictEqual(model.splice(0, got.length));
    }
    expect(q.getMany(model.length + 1, { block: false })).toStrictEqual(model);
  });

  it('a packed batch stops exactly at maxsize and at capacity; the rest goes in later, in order', () => {
    const q = new Queue<number>({ maxsize: 10 });
    expect(() => q.putMany(numbersFrom(0, 25), { block: false })).toThrow(QueueFull);
    expect(q.qsize()).toBe(10);
    expect(q.getMany(10)).toStrictEqual(numbersFrom(0, 25).slice(0, 10));

    const small = new Queue<number>({ capacity: 256 }); // 16 records of 16 bytes
    let inserted = -1;
    try {
      small.putMany(Array.from({ length: 40 }, (_, i) => i), { block: false });
    } catch (error) {
      inserted = (error as QueueFull).inserted;
    }
    expect(inserted).toBe(16);
    expect(small.getMany(100, { block: false })).toStrictEqual(Array.from({ length: 16 }, (_, i) => i));
  });

  it('mixed batches (objects, strings, numbers) and batches with a record over 4 KiB round-trip in order', () => {
    const q = new Queue<unknown>({ capacity: 64 * 1024 });
    const big = 'x'.repeat(10_000);
    const batches: unknown[][] = [
      [1, { a: 1 }, 'two', [3], null, 4.5],
      [{ a: 2 }, big, 7, { b: [1, 2] }],
      Array.from({ length: 50 }, (_, i) => (i % 2 ? { i } : i)),
    ];
    for (let r = 0; r < 30; r++) {
      const batch = batches[r % batches.length];
      q.putMany(batch);
      // Take in pieces that mix small runs and the large record.
      const got: unknown[] = [];
      while (got.length < batch.length) got.push(...q.getMany(3));
      expect(got).toStrictEqual(batch);
    }
  });

  it('getMany copies a run of small records, stops at a large one, and goes on after it', () => {
    const q = new Queue<unknown>();
    const large = new Uint8Array(9000).fill(7);
    const items = [1, 2, { s: 's' }, large, 3, 'four', large, large, 5];
    for (const item of items) q.put(item); // one by one: not packed
    expect(q.getMany(items.length)).toStrictEqual(items);
  });

  it('a packed batch larger than the free space grows the ring while it wraps', () => {
    const q = new Queue<number>(); // data area starts at 64 KiB
    let next = 0;
    let expected = 0;
    // Move the ring's head far into the area, then wrap it, then put more than is free.
    for (let i = 0; i < 3000; i++) q.put(next++);
    for (let i = 0; i < 2900; i++) expect(q.get()).toBe(expected++);
    for (let r = 0; r < 6; r++) {
      const batch = Array.from({ length: 2500 }, () => next++);
      q.putMany(batch);
    }
    const all = q.getMany(next - expected);
    expect(all).toStrictEqual(Array.from({ length: next - expected }, (_, i) => expected + i));
  });
});
