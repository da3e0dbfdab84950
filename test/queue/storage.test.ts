import { describe, expect, it } from 'vitest';
import { LifoQueue, PriorityQueue, Queue } from '../../src/index.js';

/** A tiny deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function bytesOf(id: number, len: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = (id * 31 + i) & 0xff;
  return b;
}

describe('storage', () => {
  it('FIFO ring: records wrapping the end and growth while wrapped keep order and content', () => {
    const q = new Queue<Uint8Array>({ codec: 'bytes' });
    const random = rng(1);
    const model: Uint8Array[] = [];
    let next = 0;
    for (let step = 0; step < 8_000; step++) {
      // Bias toward puts early (to force growth with wrapped data), then balance.
      const putBias = step < 4_000 ? 0.6 : 0.45;
      if (random() < putBias || model.length === 0) {
        const len = Math.floor(random() * (random() < 0.05 ? 5000 : 60));
        const b = bytesOf(next++, len);
        q.put(b);
        model.push(b);
      } else {
        expect(q.get()).toEqual(model.shift());
      }
      expect(q.qsize()).toBe(model.length);
    }
    while (model.length) expect(q.get()).toEqual(model.shift());
    expect(q.handle.data.byteLength).toBeGreaterThan(64 * 1024); // it did grow
  });

  it.each([
    // [puts, gets, puts again, capacity]: the second puts wrap past the end of the 64 KiB ring;
    // then a large item forces a grow while the data wraps. The first case moves the short
    // wrapped part after the old end; the second (capped capacity) moves the head part to the new end.
    [60, 50, 15, 2 ** 30],
    [60, 50, 50, 120_000],
  ])('FIFO ring grows correctly while its data wraps (%i puts, %i gets, %i puts)', (p1, g, p2, capacity) => {
    const q = new Queue<Uint8Array>({ codec: 'bytes', capacity });
    const model: Uint8Array[] = [];
    let id = 0;
    const put = (len: number) => {
      const b = bytesOf(id++, len);
      q.put(b, { block: false });
      model.push(b);
    };
    for (let i = 0; i < p1; i++) put(1000);
    for (let i = 0; i < g; i++) expect(q.get()).toEqual(model.shift());
    for (let i = 0; i < p2; i++) put(1000);
    put(capacity > 200_000 ? 50_000 : 40_000);
    expect(q.handle.data.byteLength).toBeGreaterThan(64 * 1024);
    while (model.length) expect(q.get()).toEqual(model.shift());
  });

  it('LIFO stack: random pushes and pops match a model', () => {
    const q = new LifoQueue<Uint8Array>({ codec: 'bytes' });
    const random = rng(2);
    const model: Uint8Array[] = [];
    for (let step = 0; step < 8_000; step++) {
      if (random() < 0.55 || model.length === 0) {
        const b = bytesOf(step, Math.floor(random() * 300));
        q.put(b);
        model.push(b);
      } else {
        expect(q.get()).toEqual(model.pop());
      }
    }
    while (model.length) expect(q.get()).toEqual(model.pop());
  });

  it('priority arena: random puts and gets (with compaction and growth) match a stable-sorted model', () => {
    const q = new PriorityQueue<Uint8Array>({ codec: 'bytes', capacity: 256 * 1024 });
    const random = rng(3);
    let model: { p: number; seq: number; b: Uint8Array }[] = [];
    let seq = 0;
    for (let step = 0; step < 20_000; step++) {
      if ((random() < 0.55 || model.length === 0) && model.length < 1500) {
        const p = Math.floor(random() * 20) - 5;
        const b = bytesOf(step, Math.floor(random() * 100));
        q.put([p, b]);
        model.push({ p, seq: seq++, b });
      } else {
        model.sort((x, y) => x.p - y.p || x.seq - y.seq);
        const want = model.shift()!;
        const [p, b] = q.get();
        expect(p).toBe(want.p);
        expect(b).toEqual(want.b);
      }
    }
    model.sort((x, y) => x.p - y.p || x.seq - y.seq);
    for (const want of model) expect(q.get()).toEqual([want.p, want.b]);
    model = [];
    expect(q.qsize()).toBe(0);
  });

  it('an unbounded queue with default options takes a million small items', () => {
    const q = new Queue<number>();
    const batch: number[] = [];
    for (let i = 0; i < 1_000_000; i++) batch.push(i);
    for (let i = 0; i < batch.length; i += 10_000) q.putMany(batch.slice(i, i + 10_000));
    expect(q.qsize()).toBe(1_000_000);
    let sum = 0;
    let count = 0;
    while (!q.empty()) {
      for (const v of q.getMany(10_000)) {
        sum += v;
        count++;
      }
    }
    expect(count).toBe(1_000_000);
    expect(sum).toBe((1_000_000 * 999_999) / 2);
  });

  it('a single 64 MiB item fits with default options, and comes back intact', () => {
    const q = new Queue<Uint8Array>({ codec: 'bytes' });
    const big = new Uint8Array(64 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = (i >> 12) & 0xff;
    q.put(new Uint8Array([1, 2, 3]));
    q.put(big);
    expect(q.get()).toEqual(new Uint8Array([1, 2, 3]));
    const out = q.get();
    expect(out.length).toBe(big.length);
    for (let i = 0; i < big.length; i += 4096) if (out[i] !== big[i]) throw new Error(`byte ${i} differs`);
  });

  it('decoded values never alias shared memory', () => {
    const q = new Queue<Uint8Array>({ codec: 'bytes' });
    q.put(new Uint8Array([1, 1, 1]));
    const got = q.get();
    q.put(new Uint8Array([9, 9, 9])); // reuses the same ring bytes
    expect(got).toEqual(new Uint8Array([1, 1, 1]));
    expect(got.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    const d = new Queue<{ a: Uint8Array }>();
    d.put({ a: new Uint8Array([5]) });
    const obj = d.get();
    d.put({ a: new Uint8Array([6]) });
    expect(obj.a[0]).toBe(5);
    expect(obj.a.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });

  it('memory grows by doubling from 64 KiB and never beyond capacity', () => {
    const q = new Queue<Uint8Array>({ codec: 'bytes', capacity: 300_000 });
    expect(q.handle.data.byteLength).toBe(64 * 1024);
    for (let i = 0; i < 5; i++) q.put(new Uint8Array(50_000));
    expect(q.handle.data.byteLength).toBe(262_144);
    q.put(new Uint8Array(40_000));
    expect(q.handle.data.byteLength).toBe(300_000);
    expect(() => q.put(new Uint8Array(50_000), { block: false })).toThrow('the queue is full');
  });
});
