import { describe, expect, it } from 'vitest';
import { Queue, QueueCodecError } from '../../src/index.js';

function roundTrip<T>(value: T, codec?: 'default' | 'structured' | 'json' | 'string' | 'bytes'): T {
  const q = new Queue<T>({ codec });
  q.put(value);
  return q.get();
}

describe('the default codec', () => {
  const cyclic: Record<string, unknown> = { name: 'loop' };
  cyclic.self = cyclic;
  const shared = { s: 1 };
  const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
  const cases: [string, unknown][] = [
    ['plain object', { id: 1, name: 'widget', tags: ['a', 'b'], price: 9.5, ok: true, none: null, u: undefined }],
    ['numbers', [0, 1, -1, 2 ** 53 - 1, -(2 ** 40), 0.1, Infinity, -Infinity, Number.NaN]],
    ['negative zero', -0],
    ['strings', ['', 'x😀', 'é', 'x'.repeat(100_000)]],
    ['lone surrogate', 'a\ud800b'],
    ['__proto__ key', JSON.parse('{"__proto__": {"x": 1}, "a": 2}')],
    ['Map and Set', new Map<unknown, unknown>([[1, 'a'], [{ k: 1 }, new Set([1, 'x'])]])],
    ['Date and RegExp', [new Date(12345), /ab+c/gi]],
    ['Error with cause', new TypeError('boom', { cause: new Error('inner') })],
    ['typed arrays', [new Uint8Array([1, 2]), new Float64Array([1.5]), new BigInt64Array([5n]), new Int16Array([-3])]],
    ['ArrayBuffer', new Uint8Array([9, 8]).buffer],
    ['BigInt', [123n, 2n ** 100n]],
    ['cycle', cyclic],
    ['shared reference', { a: shared, b: shared }],
    ['sparse array', sparse],
    ['null prototype', Object.assign(Object.create(null), { a: 1 })],
    ['deep nesting', JSON.parse('['.repeat(200) + ']'.repeat(200))],
  ];

  it.each(cases)('round-trips %s as structured clone would', (_name, value) => {
    const got = roundTrip(value);
    const expected = structuredClone(value);
    expect(got).toStrictEqual(expected);
  });

  it('keeps identity of cycles and shared references', () => {
    const got = roundTrip(cyclic);
    expect(got.self).toBe(got);
    const g2 = roundTrip({ a: shared, b: shared });
    expect(g2.a).toBe(g2.b);
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(1 in roundTrip(sparse)).toBe(false);
    expect(roundTrip('a\ud800b')).toBe('a\ud800b');
    expect(Object.keys(roundTrip(JSON.parse('{"__proto__": 1}')))).toEqual(['__proto__']);
  });

  it('turns a Buffer into a Uint8Array and class instances into plain objects, like structured clone', () => {
    const buf = roundTrip(Buffer.from('hi'));
    expect(Object.prototype.toString.call(buf)).toBe('[object Uint8Array]');
    class Point {
      constructor(public x: number) {}
    }
    const p = roundTrip(new Point(3));
    expect(p).toEqual({ x: 3 });
  });

  it('refuses what structured clone refuses, with QueueCodecError, and the queue is unchanged', () => {
    const q = new Queue<unknown>();
    for (const bad of [() => 1, Symbol('s'), { f() {} }, new WeakMap()]) {
      expect(() => q.put(bad)).toThrow(QueueCodecError);
    }
    expect(q.qsize()).toBe(0);
    q.put(1);
    expect(q.get()).toBe(1);
  });
});

describe('named codecs', () => {
  it("'structured' keeps exact structured clone semantics", () => {
    const v = { m: new Map([[1, 2]]), d: new Date(1), n: -0 };
    expect(roundTrip(v, 'structured')).toStrictEqual(structuredClone(v));
  });

  it("'json' round-trips JSON data and refuses what JSON cannot carry", () => {
    expect(roundTrip({ a: [1, 'x', null, true] }, 'json')).toEqual({ a: [1, 'x', null, true] });
    const q = new Queue<unknown>({ codec: 'json' });
    expect(() => q.put(1n)).toThrow(QueueCodecError);
    expect(() => q.put(() => 1)).toThrow(/no JSON form/);
    const c: Record<string, unknown> = {};
    c.c = c;
    expect(() => q.put(c)).toThrow(QueueCodecError);
    expect(q.qsize()).toBe(0);
  });

  it("'string' carries UTF-8 strings only", () => {
    expect(roundTrip('héllo 😀', 'string')).toBe('héllo 😀');
    expect(() => new Queue<unknown>({ codec: 'string' }).put(5)).toThrow(/takes strings, got number/);
  });

  it("'bytes' carries any ArrayBufferView's bytes and returns a fresh Uint8Array", () => {
    const q = new Queue<unknown>({ codec: 'bytes' });
    q.put(new Uint16Array([0x0102]));
    q.put(new Uint8Array([7]).buffer);
    expect(q.get()).toEqual(new Uint8Array(new Uint16Array([0x0102]).buffer));
    expect(q.get()).toEqual(new Uint8Array([7]));
    expect(() => q.put('x')).toThrow(/takes a Uint8Array/);
  });

  it('a custom codec that returns no Uint8Array is refused', () => {
    const q = new Queue<unknown>({ codec: { name: 'broken', encode: () => 'x' as never, decode: (b) => b } });
    expect(() => q.put(1)).toThrow(TypeError);
    expect(q.qsize()).toBe(0);
  });
});

describe('typed arrays inside items never alias queue memory', () => {
  // Found by the examples: V8's deserializer returns aligned typed arrays as views of its
  // input, and the queue decodes from a per-thread buffer that the next take reuses.
  it.each(['default', 'structured'] as const)('%s: arrays that came out of get() keep their bytes after later gets', (codec) => {
    const q = new Queue<{ i: number; bytes: Uint8Array; f: Float64Array; b: Buffer }>({ codec });
    const held: { i: number; bytes: Uint8Array; f: Float64Array; b: Buffer }[] = [];
    for (let i = 0; i < 4; i++) {
      q.put({ i, bytes: new Uint8Array(1000).fill(i), f: new Float64Array(8).fill(i), b: Buffer.alloc(16, i) });
      held.push(q.get());
    }
    q.putMany([0, 1, 2, 3].map((i) => ({ i, bytes: new Uint8Array(100).fill(9 - i), f: new Float64Array(2), b: Buffer.alloc(1) })));
    const batch = q.getMany(4);
    q.putMany([0, 1, 2, 3].map((i) => ({ i, bytes: new Uint8Array(100).fill(200), f: new Float64Array(2), b: Buffer.alloc(1) })));
    q.getMany(4);
    for (const { i, bytes, f, b } of held) {
      expect(bytes.every((x) => x === i)).toBe(true);
      expect(f.every((x) => x === i)).toBe(true);
      expect(b.every((x) => x === i)).toBe(true);
      expect(bytes.buffer.byteLength).toBe(1000); // memory of its own, not a view of a larger buffer
    }
    for (const { i, bytes } of batch) expect(bytes.every((x) => x === 9 - i)).toBe(true);
  });
});

describe('the default codec raw path for a top-level Uint8Array', () => {
  it.each([0, 5, 70_000])('round-trips a Uint8Array of %i bytes as a fresh Uint8Array of its own', (len) => {
    const src = new Uint8Array(len).map((_, i) => i & 0xff);
    const q = new Queue<Uint8Array>();
    q.put(src);
    q.put(Buffer.from(src));
    for (const got of [q.get(), q.get()]) {
      expect(Object.prototype.toString.call(got)).toBe('[object Uint8Array]');
      expect(got.constructor).toBe(Uint8Array);
      expect(got).toEqual(src);
      expect(got.byteOffset).toBe(0);
      expect(got.buffer.byteLength).toBe(len);
    }
  });

  it('does not confuse V8-encoded values with raw bytes', () => {
    const q = new Queue<unknown>();
    const values = [new Uint16Array([1, 2]), new Map([[1, new Uint8Array([7])]]), -0, 2n ** 70n];
    for (const v of values) q.put(v);
    for (const v of values) expect(q.get()).toStrictEqual(structuredClone(v));
  });
});
