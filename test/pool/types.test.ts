import { describe, expect, expectTypeOf, it } from 'vitest';
import { WorkerPool, type HandlerItem, type HandlerResult } from '../../src/index.js';
import { handler } from './helpers.js';

// These are checked by `tsc --noEmit` (part of npm test); the runtime part checks WorkerPool.of.
type Square = typeof import('../fixtures/typed-handler.js');

describe('a pool typed from its handler module', () => {
  it('HandlerItem and HandlerResult read the default export (the result awaited)', () => {
    expectTypeOf<HandlerItem<Square>>().toEqualTypeOf<number>();
    expectTypeOf<HandlerResult<Square>>().toEqualTypeOf<number>();
    expectTypeOf<HandlerItem<{ default: (s: string) => boolean }>>().toEqualTypeOf<string>();
    expectTypeOf<HandlerResult<{ default: (s: string) => boolean }>>().toEqualTypeOf<boolean>();
    expectTypeOf<HandlerItem<{ notDefault: () => void }>>().toBeNever();
  });

  it('WorkerPool.of<typeof import(...)> types run() and map() without writing In and Out', async () => {
    const pool = WorkerPool.of<Square>({ worker: handler('pool-square.mjs'), threads: 1 });
    try {
      expectTypeOf(pool).toEqualTypeOf<WorkerPool<number, number>>();
      expectTypeOf(pool.run).parameter(0).toEqualTypeOf<number>();
      // @ts-expect-error a string is not the handler's item type
      void pool.run('7').catch(() => undefined);
      const n = await pool.run(7);
      expectTypeOf(n).toEqualTypeOf<number>();
      expect(n).toBe(49);
    } finally {
      await pool.destroy();
    }
  });
});
