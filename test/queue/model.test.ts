import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LifoQueue, PriorityQueue, Queue, type CodecName } from '../../src/index.js';
import { attempt, QueueModel, type Ordering, type Outcome } from '../helpers/queue-model.js';

/**
 * Model-based test: random sequences of operations are applied to a real queue and to a
 * plain reference model; every result and every error must agree. Priorities are small
 * integers so that ties (which must come out FIFO) are frequent.
 */
type Real = Queue<unknown> | LifoQueue<unknown> | PriorityQueue<unknown>;

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

function run(real: Real, cmd: ReturnType<typeof commands> extends fc.Arbitrary<(infer C)[]> ? C : never, model: QueueModel): [Outcome, Outcome] {
  const q = real as Queue<unknown>;
  const pair = (item: unknown): [number, unknown] => (model.ordering === 'priority' ? (item as [number, unknown]) : [0, item]);
  switch (cmd.op) {
    case 'put':
      return [attempt(() => q.put(cmd.v, { block: false })), model.putMany([pair(cmd.v)], false)];
    case 'putMany':
      return [attempt(() => q.putMany(cmd.vs, { block: false }), true), model.putMany(cmd.vs.map(pair), true)];
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
        const model = new QueueModel(ordering, maxsize);
        for (const cmd of cmds) {
          const [got, want] = run(real, cmd, model);
          expect(got).toEqual(want);
        }
      }),
      { numRuns: 150 },
    );
  });
});
