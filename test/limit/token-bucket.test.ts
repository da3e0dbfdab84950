import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/limit/token-bucket.js';
import { startWorker } from '../helpers/threads.js';

const secondsSince = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

describe('TokenBucket', () => {
  it('gives a full burst at once, then refuses until tokens come back', async () => {
    const bucket = new TokenBucket({ rate: 1, burst: 3 });   // one token per second: no refill during the test
    expect(bucket.available()).toBe(3);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
    expect(bucket.available()).toBe(0);
    const fast = new TokenBucket({ rate: 50, burst: 1 });
    expect(fast.tryTake()).toBe(true);
    const t0 = process.hrtime.bigint();
    await fast.take();                          // the next token comes 20 ms after the first
    expect(secondsSince(t0)).toBeGreaterThanOrEqual(0.015);
  });

  it('take() in the main thread holds the rate: 25 tokens at 100/s with burst 5 take >= 0.2 s', async () => {
    const bucket = new TokenBucket({ rate: 100, burst: 5 });
    const t0 = process.hrtime.bigint();
    await Promise.all(Array.from({ length: 25 }, () => bucket.take()));
    expect(secondsSince(t0)).toBeGreaterThanOrEqual(0.19);
    expect(secondsSince(t0)).toBeLessThan(5);
  });

  it('take(n) takes n tokens at once; n above the burst is a RangeError', async () => {
    const bucket = new TokenBucket({ rate: 1, burst: 4 });
    await bucket.take(4);
    expect(bucket.tryTake()).toBe(false);
    expect(() => bucket.tryTake(5)).toThrow(RangeError);
    expect(() => bucket.tryTake(0)).toThrow(/integer from 1 to the burst \(4\)/);
  });

  it('an aborted take() rejects with the reason and takes nothing', async () => {
    const bucket = new TokenBucket({ rate: 1, burst: 1 });
    expect(bucket.tryTake()).toBe(true);
    const controller = new AbortController();
    const pending = bucket.take(1, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    await expect(bucket.take(1, { signal: AbortSignal.abort(new Error('already')) })).rejects.toThrow('already');
    const fresh = new TokenBucket({ rate: 1, burst: 1 });
    await expect(fresh.take(1, { signal: AbortSignal.abort(new Error('x')) })).rejects.toThrow('x');
    expect(fresh.available()).toBe(1);        // the aborted call took no token
  });

  it('validates its options and handles', () => {
    expect(() => new TokenBucket({ rate: 0 })).toThrow(/rate must be/);
    expect(() => new TokenBucket({ rate: 10, burst: 1.5 })).toThrow(/burst must be an integer/);
    expect(() => TokenBucket.from({ kind: 'conveyor.token-bucket', memory: new SharedArrayBuffer(32) })).toThrow(/magic/);
    expect(() => TokenBucket.from({} as never)).toThrow(/token bucket handle/);
    const b = TokenBucket.from(new TokenBucket({ rate: 8, burst: 2 }).handle);
    expect([b.rate, b.burst]).toEqual([8, 2]);
  });

  it('a worker started long after the main thread is on the same clock (Bun and Deno restart process.hrtime per thread)', async () => {
    // There each thread's hrtime counts from that thread's start (its performance.now()):
    // the worker, started at least 2 s after this thread, would be at least 2 s behind.
    const up = performance.now();
    if (up < 2_000) await new Promise((resolve) => setTimeout(resolve, 2_000 - up));
    const bucket = new TokenBucket({ rate: 1, burst: 1 });
    expect(bucket.tryTake()).toBe(true);   // the next token is due in 1 s
    const { available, waitedMs } = await startWorker<{ available: number; waitedMs: number }>('limit-bucket-late.mjs', { bucket: bucket.handle }).result;
    expect(available).toBe(0);             // a clock 2 s behind would see the token due in 3 s: negative
    expect(waitedMs).toBeLessThan(1_500);  // at most the 1 s interval (plus scheduling), not 3 s
    expect(bucket.tryTake()).toBe(false);  // the worker's take is due back 1 s after it, on this thread's clock too
  });

  it('N worker threads together respect one limit (shared state)', async () => {
    const rate = 200;
    const burst = 10;
    const perWorker = 30;
    const workers = 4;
    const bucket = new TokenBucket({ rate, burst });
    const go = new SharedArrayBuffer(4);
    const runs = Array.from({ length: workers }, () => startWorker<number[]>('limit-bucket-taker.mjs', { bucket: bucket.handle, go, count: perWorker }));
    await Promise.all(runs.map((r) => r.ready));
    const t0 = performance.timeOrigin + performance.now(); // the fixture's clock
    Atomics.store(new Int32Array(go), 0, 1);
    Atomics.notify(new Int32Array(go), 0);
    const results = await Promise.all(runs.map((r) => r.result));
    await Promise.all(runs.map((r) => r.worker.terminate()));

    const times = results.flat().map((t) => (t - t0) / 1e3).sort((a, b) => a - b);
    expect(times).toHaveLength(workers * perWorker);
    // Separate buckets per thread would finish in (30 - 10) / 200 = 0.1 s; one shared
    // bucket needs (120 - 10) / 200 = 0.55 s.
    expect(times[times.length - 1]).toBeGreaterThanOrEqual((workers * perWorker - burst) / rate - 0.005);
    // In every window [t_i, t_j]: at most burst + rate * (t_j - t_i) takes, plus one per
    // worker: a take is timestamped a little after it happened, and each worker has at
    // most one take between its compare-and-swap and its timestamp.
    for (let i = 0; i < times.length; i++) {
      for (let j = i; j < times.length; j++) {
        expect(j - i + 1).toBeLessThanOrEqual(burst + rate * (times[j] - times[i]) + workers);
      }
    }
  });
});
