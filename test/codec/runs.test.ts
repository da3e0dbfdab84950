import { describe, expect, it } from 'vitest';
import { Packr } from 'msgpackr';
import { AsyncQueue } from '../../src/index.js';
import { createDefaultCodec } from '../../src/codec/default.js';
import { StructureStore } from '../../src/codec/structures.js';
import { createStructureMemory } from '../../src/shared/handle.js';
import type { EncodedRun } from '../../src/codec/types.js';
import { packRun, RECORD_HEADER_BYTES } from '../../src/order/fifo.js';

/**
 * The default codec's runs (encodeRun): a FIFO putMany of plain data is encoded item after
 * item into one buffer, in the ring's own record format, with no array per item and no
 * second copy. These tests pin the layout, the cases that must fall back to item-by-item
 * encoding, and that what a run returned stays intact while later items are encoded.
 */
const H = RECORD_HEADER_BYTES;

function withStore() {
  return createDefaultCodec(new StructureStore(createStructureMemory(), new Int32Array(new SharedArrayBuffer(256))));
}

function objects(from: number, n: number, pad = 0): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({ id: from + i, name: `item-${from + i}`, tags: ['a', 'b'], note: 'x'.repeat(pad) }));
}

/** What a queue's putMany does: a run, or (when the codec declines) item by item. */
function encodeLikePutMany(codec: ReturnType<typeof withStore>, items: unknown[]): EncodedRun | null {
  const run = codec.encodeRun(items, H);
  if (run === null) for (const item of items) codec.encode(item);
  return run;
}

/** Each item of a run, decoded from its own byte range. */
function decodeRun(codec: ReturnType<typeof withStore>, run: EncodedRun): unknown[] {
  return run.starts.map((at, i) => codec.decodeRange(run.bytes, at + H, run.ends[i]));
}

describe('runs: a batch encoded straight into ring-format records', () => {
  it('lays items back to back, each 8-byte aligned after the reserved header, and each range decodes to its item', () => {
    for (const codec of [createDefaultCodec(null), withStore()]) {
      const items = [...objects(0, 40), 'a string', null, true, [1, [2, 'three']], { nested: { deep: [{}] } }];
      encodeLikePutMany(codec, items); // with a store, the first run of new shapes falls back (see below)
      const run = codec.encodeRun(items, H);
      expect(run).not.toBeNull();
      const { starts, ends } = run as EncodedRun;
      expect(starts).toHaveLength(items.length);
      for (let i = 0; i < items.length; i++) {
        expect(starts[i] % 8).toBe(0);
        expect(ends[i]).toBeGreaterThan(starts[i] + H);
        if (i > 0) expect(starts[i]).toBe((ends[i - 1] + 7) & ~7);
      }
      expect(decodeRun(codec, run as EncodedRun)).toStrictEqual(items);
    }
  });

  it('falls back (null) for a batch with anything msgpack does not carry exactly', () => {
    const codec = createDefaultCodec(null);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const shared = { s: 1 };
    const cases: unknown[] = [7, new Uint8Array(3), new Map([[1, 2]]), new Date(0), cyclic, { a: shared, b: shared }, 'bad \ud800', { z: -0 }, [1, , 3], 10n];
    for (const odd of cases) expect(codec.encodeRun([{ ok: 1 }, odd, { ok: 2 }], H)).toBeNull();
    expect(codec.encodeRun([], H)).toBeNull();
    expect(codec.encodeRun([{ ok: 1 }], 3)).toBeNull(); // a reserve that would break 8-byte alignment
  });

  it('the first run of a new key list falls back (msgpackr saved a structure), the next one does not', () => {
    const codec = withStore();
    expect(codec.encodeRun(objects(0, 8), H)).toBeNull();
    expect(codec.encodeRun(objects(8, 8), H)).not.toBeNull();
  });

  it('an item that outgrows the arena makes that run fall back, and runs resume afterwards', () => {
    const codec = createDefaultCodec(null);
    expect(codec.encodeRun(objects(0, 16), H)).not.toBeNull();
    expect(encodeLikePutMany(codec, [{ a: 1 }, { big: 'y'.repeat(300_000) }, { b: 2 }])).toBeNull();
    // The big item raised the size estimate: a batch or two go item by item, then runs resume.
    let run: EncodedRun | null = null;
    let after: unknown[] = [];
    for (let b = 0; b < 4 && run === null; b++) {
      after = objects(100 + 16 * b, 16);
      run = encodeLikePutMany(codec, after);
    }
    expect(run).not.toBeNull();
    expect(decodeRun(codec, run as EncodedRun)).toStrictEqual(after);
  });

  it('batches of large items are encoded item by item, and runs come back once items are small again', () => {
    const codec = createDefaultCodec(null);
    const large = objects(0, 64, 40_000); // 64 x 40 KB: more than an arena may hold
    expect(codec.encodeRun(large, H)).toBeNull();
    for (const item of large) codec.encode(item); // what the queue does next: item by item, which also updates the size estimate
    let batches = 0;
    let run: EncodedRun | null = null;
    while (run === null && batches < 4) run = encodeLikePutMany(codec, objects(1000 + 64 * batches++, 64));
    expect(run).not.toBeNull();
  });

  it('what a run returned stays intact while later runs and items are encoded (new arenas included)', () => {
    const codec = createDefaultCodec(null);
    const kept: { items: unknown[]; run: EncodedRun; bytes: Uint8Array }[] = [];
    for (let r = 0; r < 300; r++) {
      const items = objects(r * 32, 32, r % 7 === 0 ? 500 : 0);
      const run = codec.encodeRun(items, H);
      if (r % 5 === 0) codec.encode({ single: r, pad: 'p'.repeat(r * 10) });
      if (run !== null && r % 20 === 0) kept.push({ items, run, bytes: run.bytes.slice(run.starts[0], run.ends[31]) });
    }
    expect(kept.length).toBeGreaterThan(10);
    for (const { items, run, bytes } of kept) {
      expect(decodeRun(createDefaultCodec(null), run)).toStrictEqual(items);
      expect(run.bytes.subarray(run.starts[0], run.ends[31])).toStrictEqual(bytes);
    }
  });

  it('two codecs in one thread (two queues) alternating runs and single items: every item stays exact', () => {
    // msgpackr keeps one output buffer per thread for all its instances: the runs of both
    // codecs land in the same buffers and must not overwrite each other.
    const codecs = [createDefaultCodec(null), withStore()];
    const kept: { codec: ReturnType<typeof withStore>; items: unknown[]; run: EncodedRun }[] = [];
    for (let r = 0; r < 400; r++) {
      const codec = codecs[r % 2];
      const items = objects(r * 16, 16, r % 9 === 0 ? 2000 : 0);
      const run = encodeLikePutMany(codec, items);
      if (r % 3 === 0) codecs[(r + 1) % 2].encode({ single: r });
      if (run !== null) kept.push({ codec, items, run });
    }
    expect(kept.length).toBeGreaterThan(300);
    for (const { codec, items, run } of kept) expect(decodeRun(codec, run)).toStrictEqual(items);
  });

  it("another msgpackr user reusing its own buffer (useBuffer) cannot touch items waiting in an async put or putMany", async () => {
    // msgpackr's output buffer is per thread: a library that points msgpackr at a buffer of
    // its own and reuses it must not overwrite bytes a queue still holds.
    const other = new Packr();
    const scratch = Buffer.alloc(64 * 1024);
    const otherPacks = (value: unknown) => {
      other.useBuffer(scratch);
      return other.pack(value);
    };
    const q = new AsyncQueue<unknown>({ maxsize: 2 });
    await q.putMany(objects(0, 2)); // first run of a key list: item by item (structure saved)
    await q.getMany(2);
    await q.putMany(objects(2, 2)); // a run: the arena is set up
    await q.getMany(2);
    otherPacks({ hello: 'world' }); // msgpackr now writes into the other user's buffer
    const batch = objects(100, 8);
    const waitingMany = q.putMany(batch); // encoded now; 2 go in, 6 wait for room
    for (let k = 0; k < 3; k++) otherPacks({ k, filler: 'Z'.repeat(3000) }); // the other user reuses its buffer
    const got: unknown[] = [];
    while (got.length < batch.length) got.push(...(await q.getMany(8, { timeout: 20_000 })));
    await waitingMany;
    expect(got).toStrictEqual(batch);

    otherPacks({ hello: 'again' });
    await q.put({ id: 1, name: 'first' });
    await q.put({ id: 2, name: 'second' });
    const waitingOne = q.put({ id: 3, name: 'third' }); // single put waiting for room, holding its bytes
    otherPacks({ id: 666, name: 'other-user-data' });
    expect([await q.get(), await q.get(), await q.get()]).toStrictEqual([{ id: 1, name: 'first' }, { id: 2, name: 'second' }, { id: 3, name: 'third' }]);
    await waitingOne;
  });

  it('a getter that puts a batch on another queue while its object is being encoded leaves both queues exact', async () => {
    const q1 = new AsyncQueue<unknown>();
    const q2 = new AsyncQueue<unknown>();
    await q1.putMany([{ a: 0, x: 0 }, { a: 0, x: 0 }]); // key list known
    await q1.putMany([{ a: 0, x: 0 }, { a: 0, x: 0 }]); // a run: the arena is set up
    await q1.getMany(4);
    const inner = objects(1000, 200);
    let reads = 0;
    // The walk reads x once; the second read is msgpackr's, in the middle of the pack.
    const tricky = {
      a: 1,
      get x() {
        if (++reads === 2) void q2.putMany(inner);
        return 7;
      },
    };
    await q1.putMany([tricky, { a: 2, x: 8 }, { a: 3, x: 9 }]);
    expect(reads).toBeGreaterThanOrEqual(2);
    expect(await q1.getMany(10)).toStrictEqual([{ a: 1, x: 7 }, { a: 2, x: 8 }, { a: 3, x: 9 }]);
    const got: unknown[] = [];
    while (got.length < inner.length) got.push(...(await q2.getMany(500, { timeout: 20_000 })));
    expect(got).toStrictEqual(inner);
  });

  it('after huge items, small single items do not each take a fresh arena', () => {
    const codec = createDefaultCodec(null);
    const buffers = new Set<ArrayBufferLike>();
    const huge = { blob: 'h'.repeat(6_000_000) }; // lifts the size estimate far above an arena's size
    for (let i = 0; i < 60; i++) {
      if (i % 10 === 0) expect(codec.decode(codec.encode(huge))).toStrictEqual(huge); // copied out of msgpackr's own buffer
      else {
        const item = { i, name: `small-${i}` };
        const bytes = codec.encode(item);
        expect(codec.decode(bytes)).toStrictEqual(item);
        buffers.add(bytes.buffer);
      }
    }
    expect(buffers.size).toBeLessThanOrEqual(6); // a fresh arena after each huge item, not one per small item
  });

  it('arenas are a multiple of 8 bytes long, so the last record padding never runs past the buffer', () => {
    const codec = createDefaultCodec(null);
    for (const len of [100, 8, 3, 57, 1]) codec.encode('s'.repeat(len)); // a fractional size estimate
    const seen = new Set<Uint8Array>();
    for (let n = 2; n < 200; n++) {
      const run = codec.encodeRun(Array.from({ length: n }, (_, i) => ({ i })), H);
      if (run !== null) seen.add(run.bytes);
    }
    expect(seen.size).toBeGreaterThan(0);
    for (const bytes of seen) expect(bytes.length % 8).toBe(0);
  });

  it('packRun writes each header (length, then four zero bytes) and zeroes the padding, where the items lie', () => {
    const bytes = new Uint8Array(64).fill(0xaa); // stand-in for a reused buffer's old contents
    const run: EncodedRun = { bytes, starts: [0, 16, 40], ends: [13, 35, 49] };
    for (let i = 0; i < 3; i++) bytes.fill(i + 1, run.starts[i] + H, run.ends[i]);
    const packed = packRun(run);
    expect(packed.bytes).toBe(bytes); // no copy
    expect(packed.starts).toStrictEqual([0, 16, 40, 56]);
    const expected = new Uint8Array(64).fill(0xaa);
    expected.set([5, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0], 0);
    expected.set([11, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0], 16);
    expected.set([1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0], 40);
    expect(packed.bytes).toStrictEqual(expected);
  });

  it('async putMany calls waiting for room keep their items exact while the same thread encodes more', async () => {
    const q = new AsyncQueue<unknown>({ maxsize: 4 });
    const batches = Array.from({ length: 30 }, (_, b) => objects(b * 20, 20, b % 4 === 0 ? 3000 : 0));
    const puts = batches.map((batch) => q.putMany(batch)); // all encoded now; most wait for room
    const got: unknown[] = [];
    const total = batches.length * 20;
    while (got.length < total) got.push(...(await q.getMany(7, { timeout: 20_000 })));
    await Promise.all(puts);
    expect(got).toStrictEqual(batches.flat());
  });
});
