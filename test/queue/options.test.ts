import { describe, expect, it } from 'vitest';
import { AsyncQueue, Queue, TokenBucket, Watermark, WorkerPool } from '../../src/index.js';

/** Wrong arguments throw TypeError / RangeError with Node's codes, on queues as on the pool. */
describe('argument errors carry a code', () => {
  const cases: [string, () => unknown, ErrorConstructor, string][] = [
    ['Queue maxsize of the wrong type', () => new Queue({ maxsize: '5' as never }), TypeError, 'ERR_INVALID_ARG_TYPE'],
    ['Queue capacity out of range', () => new Queue({ capacity: 1 }), RangeError, 'ERR_OUT_OF_RANGE'],
    ['Queue options not an object', () => new Queue(7 as never), TypeError, 'ERR_INVALID_ARG_TYPE'],
    ['an unknown codec name', () => new Queue({ codec: 'xml' as never }), RangeError, 'ERR_OUT_OF_RANGE'],
    ['getMany(0)', () => new Queue().getMany(0), RangeError, 'ERR_OUT_OF_RANGE'],
    ['a timeout of the wrong type', () => new Queue().get({ timeout: '1' as never }), TypeError, 'ERR_INVALID_ARG_TYPE'],
    ['a negative timeout', () => new Queue().get({ timeout: -1 }), RangeError, 'ERR_OUT_OF_RANGE'],
    ['a signal that is not an AbortSignal', () => new AsyncQueue().get({ signal: {} as never }), TypeError, 'ERR_INVALID_ARG_TYPE'],
    ['Watermark low >= high', () => new Watermark({ high: 2, low: 2 }), RangeError, 'ERR_OUT_OF_RANGE'],
    ['TokenBucket rate 0', () => new TokenBucket({ rate: 0 }), RangeError, 'ERR_OUT_OF_RANGE'],
    ['WorkerPool threads of the wrong type', () => new WorkerPool({ worker: new URL(import.meta.url), threads: '2' as never }), TypeError, 'ERR_INVALID_ARG_TYPE'],
    ['WorkerPool threads out of range', () => new WorkerPool({ worker: new URL(import.meta.url), threads: 0 }), RangeError, 'ERR_OUT_OF_RANGE'],
  ];
  it.each(cases)('%s', async (_what, call, type, code) => {
    let error: unknown;
    try {
      await call();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(type);
    expect((error as { code?: string }).code).toBe(code);
  });
});
