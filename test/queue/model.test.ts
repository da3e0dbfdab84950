import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LifoQueue, PriorityQueue, Queue, type CodecName } from '../../src/index.js';

/**
 * Model-based test: random sequences of operations are applied to a real queue and to a
 * plain reference model; every result and every error must agree. Priorities are small
 * integers so that ties (which must come out FIFO) are frequent.
 */
type Ordering = 'fifo' | 'lifo' | 'priority';
type Outcome = { ok: unknown } | { error: string };

class Model {
  items: { p: number; seq: number; v: unknown }[] = [];
  unfinished = 0;
  shut = false;
  seq = 0;
  constructor(readonly ordering: Ordering, readonly maxsize: number) {}

  full(): boolean {
    return this.maxsize > 0 && this.items.length >= this.maxsize;
  }
  put(item: unknown): Outcome {
    if (this.shut) return { error: 'QueueShutDown' };
    if (this.full()) return { error: 'QueueFull' };
    const [p, v] = this.ordering === 'priority' ? (item as [number, unknown]) : [0, item];
    this.items.push({ p, seq: this.seq++, v });
    this.unfinished++;
    return { ok: undefined };
  }
  putMany(items: unknown[]): Outcome {
    let inserted = 0;
    for (const it of items) {
      const r = this.put(it);
      if ('error' in r) return { error: `${r.error}:${inserted}` };
      inserted++;
    }
    return { ok: undefined };
  }
  private takeOne(): unknown {
    let i: number;
    if (this.ordering === 'fifo') i = 0;
    else if (this.ordering === 'lifo') i = this.items.length - 1;
    else {
      i = 0;
      for (let j = 1; j < this.items.length; j++) {
        const a = this.items[j];
        const b = this.items[i];
        if (a.p < b.p || (a.p === b.p && a.seq < b.seq)) i = j;
      }
    }
    const [it] = this.items.splice(i, 1);
    return this.ordering === 'priority' ? [it.p, it.v] : it.v;
  }
  get(): Outcome {
    if (this.items.length === 0) return { error: this.shut ? 'QueueShutDown' : 'QueueEmpty' };
    return { ok: this.takeOne() };
  }
  getMany(max: number): Outcome {
    if (this.items.length === 0) return { error: this.shut ? 'QueueShutDown' : 'QueueEmpty' };
    const out: unknown[] = [];
    while (out.length < max && this.items.length > 0) out.push(this.takeOne());
    return { ok: out };
  }
  taskDone(): Outcome {
    if (this.unfinished <= 0) return { error: 'RangeError' };
    this.unfinished--;
    return { ok: undefined };
  }
  join(): Outcome {
    return this.unfinished === 0 ? { ok: undefined } : { error: 'TimeoutError' };
  }
  shutdown(immediate: boolean): Outcome {
    this.shut = true;
    if (immediate) {
      this.unfinished = Math.max(0, this.unfinished - this.items.length);
      this.items = [];
    }
    return { ok: undefined };
  }
}

type Real = Queue<unknown> | LifoQueue<unknown> | PriorityQueue<unknown>;

/** Runs one call; a batch put's error also reports how many items went in. */
function attempt(fn: () => unknown, batch = false): Outcome {
  try {
    return { ok: fn() };
  } catch (e) {
    const err = e as { name: string; inserted?: number };
    if (batch && (err.name === 'QueueFull' || err.name === 'QueueShutDown')) return { error: `${err.name}:${err.inserted}` };
    return { error: err.name };
  }
}

const value = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.string({ maxLength: 12 }),
  fc.record({ a: fc.integer(), b: fc.array(fc.boolean(), { maxLength: 3 }) }),
);

function commands(ordering: Ordering) {
  const item: fc.Arbitrary<unknown> = ordering === 'priority' ? fc.tuple(fc.integer({ min: 0, max: 3 }), value) : value;
  return fc.array(
    fc.oneof(
      { weight: 5, arbitrary: item.map((v) => ({ op: 'put' as const, v })) },
      { weight: 2, arbitrary: fc.array(item, { maxLength: 5 }).map((vs) => ({ op: 'putMany' as const, vs })) },
      { weight: 5, arbitrary: fc.constant({ op: 'get' as const }) },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 4 }).map((k) => ({ op: 'getMany' as const, k })) },
      { weight: 3, arbitrary: fc.constant({ op: 'taskDone' as const }) },
      { weight: 1, arbitrary: fc.constant({ op: 'join' as const }) },
      { weight: 1, arbitrary: fc.boolean().map((immediate) => ({ op: 'shutdown' as const, immediate })) },
      { weight: 1, arbitrary: fc.constant({ op: 'sizes' as const }) },
    ),
    { maxLength: 60 },
  );
}

function run(real: Real, cmd: ReturnType<typeof commands> extends fc.Arbitrary<(infer C)[]> ? C : never, model: Model): [Outcome, Outcome] {
  const q = real as Queue<unknown>;
  switch (cmd.op) {
    case 'put':
      return [attempt(() => q.put(cmd.v, { block: false })), model.put(cmd.v)];
    case 'putMany':
      return [attempt(() => q.putMany(cmd.vs, { block: false }), true), model.putMany(cmd.vs)];
    case 'get':
      return [attempt(() => q.get({ block: false })), model.get()];
    case 'getMany':
      return [attempt(() => q.getMany(cmd.k, { block: false })), model.getMany(cmd.k)];
    case 'taskDone':
      return [attempt(() => q.taskDone()), model.taskDone()];
    case 'join':
      return [attempt(() => q.join({ timeout: 0 })), model.join()];
    case 'shutdown':
      return [attempt(() => q.shutdown(cmd.immediate)), model.shutdown(cmd.immediate)];
    case 'sizes':
      return [
        { ok: [q.qsize(), q.empty(), q.full(), q.unfinishedTasks, q.isShutDown] },
        { ok: [model.items.length, model.items.length === 0, model.full(), model.unfinished, model.shut] },
      ];
  }
}

const makers: Record<Ordering, (maxsize: number, codec: CodecName) => Real> = {
  fifo: (maxsize, codec) => new Queue({ maxsize, codec }),
  lifo: (maxsize, codec) => new LifoQueue({ maxsize, codec }),
  priority: (maxsize, codec) => new PriorityQueue({ maxsize, codec }),
};

describe.each(['fifo', 'lifo', 'priority'] as const)('%s queue agrees with the reference model', (ordering) => {
  it.each(['default', 'json', 'structured'] as const)('codec %s', (codec) => {
    fc.assert(
      fc.property(fc.integer({ min: -1, max: 6 }), commands(ordering), (maxsize, cmds) => {
        const real = makers[ordering](maxsize, codec);
        const model = new Model(ordering, maxsize);
        for (const cmd of cmds) {
          const [got, want] = run(real, cmd, model);
          expect(got).toEqual(want);
        }
      }),
      { numRuns: 150 },
    );
  });
});
