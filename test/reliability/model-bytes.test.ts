import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LifoQueue, PriorityQueue, Queue } from '../../src/index.js';
import { attempt, QueueModel, type Ordering, type Outcome } from '../helpers/queue-model.js';

/**
 * Model-based test, extending test/queue/model.test.ts where bytes matter: the 'bytes'
 * codec on capacity-bounded queues (so the shared memory, not maxsize, is often what is
 * full, including a data area that grows and wraps), maxsize changed on the fly, and the
 * blocking calls with short timeouts. The model counts each record's bytes exactly as the
 * orderings do: payloads padded to a multiple of 8, plus FIFO/LIFO an 8-byte header, priority an
 * 24-byte arena header and a 24-byte heap entry; the capacity is rounded down to a multiple of 8.
 */
const OVERHEAD: Record<Ordering, number> = { fifo: 8, lifo: 8, priority: 48 };

function bytes(len: number, seed: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = (seed + i * 31) & 0xff;
  return b;
}

/** The reference model with the queue's byte accounting (see the header comment). */
class BytesModel extends QueueModel<Uint8Array> {
  constructor(ordering: Ordering, maxsize: number, capacity: number) {
    super(ordering, maxsize);
    this.capacity = capacity - (capacity % 8);
  }

  override cost(v: Uint8Array): number {
    return Math.ceil(v.length / 8) * 8 + OVERHEAD[this.ordering];
  }
}

type Real = Queue<unknown> & { maxsize: number };

function commands(maxLen: number) {
  const item = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: maxLen }), fc.integer({ min: 0, max: 255 }));
  const timeout = fc.constantFrom(undefined, 0, 1);
  return fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.tuple(item, timeout).map(([it, t]) => ({ op: 'put' as const, it, t })) },
      { weight: 2, arbitrary: fc.tuple(fc.array(item, { maxLength: 5 }), timeout).map(([its, t]) => ({ op: 'putMany' as const, its, t })) },
      { weight: 5, arbitrary: timeout.map((t) => ({ op: 'get' as const, t })) },
      { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 1, max: 4 }), timeout).map(([k, t]) => ({ op: 'getMany' as const, k, t })) },
      { weight: 2, arbitrary: fc.constant({ op: 'taskDone' as const }) },
      { weight: 1, arbitrary: fc.constantFrom(0, 1).map((t) => ({ op: 'join' as const, t })) },
      { weight: 1, arbitrary: fc.integer({ min: -1, max: 6 }).map((m) => ({ op: 'maxsize' as const, m })) },
      { weight: 1, arbitrary: fc.boolean().map((immediate) => ({ op: 'shutdown' as const, immediate })) },
      { weight: 1, arbitrary: fc.constant({ op: 'sizes' as const }) },
    ),
    { maxLength: 50 },
  );
}
type Cmd = ReturnType<typeof commands> extends fc.Arbitrary<(infer C)[]> ? C : never;

/** Waiting options: undefined -> block: false (never hang a single-threaded test), else a timeout. */
const waitOpts = (t: number | undefined) => (t === undefined ? { block: false } : { timeout: t });

function run(q: Real, ordering: Ordering, cmd: Cmd, model: BytesModel): [Outcome, Outcome] {
  const asItem = ([p, len, seed]: [number, number, number]): [number, Uint8Array] => [p, bytes(len, seed)];
  const toReal = ([p, v]: [number, Uint8Array]): unknown => (ordering === 'priority' ? [p, v] : v);
  switch (cmd.op) {
    case 'put': {
      const it = asItem(cmd.it);
      return [attempt(() => q.put(toReal(it), waitOpts(cmd.t))), model.putMany([it], false)];
    }
    case 'putMany': {
      const its = cmd.its.map(asItem);
      return [attempt(() => q.putMany(its.map(toReal), waitOpts(cmd.t)), true), model.putMany(its, true)];
    }
    case 'get': {
      const r = model.getMany(1);
      return [attempt(() => q.get(waitOpts(cmd.t))), 'ok' in r ? { ok: (r.ok as unknown[])[0] } : r];
    }
    case 'getMany':
      return [attempt(() => q.getMany(cmd.k, waitOpts(cmd.t))), model.getMany(cmd.k)];
    case 'taskDone':
      return [attempt(() => q.taskDone()), model.taskDone()];
    case 'join':
      return [attempt(() => q.join({ timeout: cmd.t })), model.unfinished === 0 ? { ok: undefined } : { error: 'TimeoutError' }];
    case 'maxsize':
      model.maxsize = cmd.m;
      return [attempt(() => { q.maxsize = cmd.m; }), { ok: undefined }];
    case 'shutdown':
      return [attempt(() => q.shutdown(cmd.immediate)), model.shutdown(cmd.immediate)];
    case 'sizes':
      return [
        { ok: [q.qsize(), q.empty(), q.full(), q.unfinishedTasks, q.isShutDown, q.maxsize] },
        { ok: [model.items.length, model.items.length === 0, model.full(), model.unfinished, model.shut, model.maxsize] },
      ];
  }
}

const makers: Record<Ordering, (maxsize: number, capacity: number) => Real> = {
  fifo: (maxsize, capacity) => new Queue({ maxsize, capacity, codec: 'bytes' }) as Real,
  lifo: (maxsize, capacity) => new LifoQueue({ maxsize, capacity, codec: 'bytes' }) as unknown as Real,
  priority: (maxsize, capacity) => new PriorityQueue({ maxsize, capacity, codec: 'bytes' }) as unknown as Real,
};

describe.each(['fifo', 'lifo', 'priority'] as const)("%s queue with the 'bytes' codec agrees with a byte-counting model", (ordering) => {
  it('small capacity (64..400 bytes): bytes-full, maxsize changes, timed waits', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1, max: 6 }), fc.integer({ min: 64, max: 400 }), commands(90), (maxsize, capacity, cmds) => {
        const q = makers[ordering](maxsize, capacity);
        const model = new BytesModel(ordering, maxsize, capacity);
        for (const cmd of cmds) {
          const [got, want] = run(q, ordering, cmd, model);
          expect(got).toEqual(want);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('capacity above the initial 64 KiB (the data area grows, capped, while records wrap)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 70_000, max: 140_000 }), commands(30_000), (capacity, cmds) => {
        const q = makers[ordering](0, capacity);
        const model = new BytesModel(ordering, 0, capacity);
        for (const cmd of cmds) {
          const [got, want] = run(q, ordering, cmd, model);
          expect(got).toEqual(want);
        }
      }),
      { numRuns: 40 },
    );
  });
});
