// The async view under abort storms (issue 6, item 6): the main thread issues `gets` calls to
// AsyncQueue.get(), `concurrency` at a time, most of them giving up (short timeouts, signals
// aborted before the call, soon after it, or in the next microtask), while a worker thread
// keeps putting items. Checked: every item put is received exactly once and in order (a
// waiter that gives up takes nothing; one that is served keeps its item), no waiter or
// sleeper registration is left behind, and memory stays flat (heap and RSS sampled after a
// forced GC; the slope is reported per 100,000 gets).
import v8 from 'node:v8';
import vm from 'node:vm';
import { AsyncQueue, QueueEmpty, QueueShutDown } from '../../dist/index.js';
import { makeBitmap, Tally, verify } from './tally.mjs';
import { startWorker } from './threads.mjs';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

/** Least-squares slope of ys over xs. */
export function slope(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export async function runAbortStorm({ gets = 1_000_000, items = 300_000, concurrency = 500, maxsize = 256, samples = 20, log = () => {} }) {
  const q = new AsyncQueue({ maxsize });
  const bitmap = makeBitmap([items]);
  const tally = new Tally(bitmap, true);
  const producer = startWorker('producer.mjs', { handle: q.handle, count: items });
  await producer.ready;
  const outcomes = { item: 0, timeout: 0, aborted: 0, other: 0 };
  const abortReason = new Error('aborted by the storm');
  const memory = [];
  const sampleEvery = Math.max(1, Math.floor(gets / samples));
  const started = performance.now();

  const one = (k) => {
    let p;
    switch (k % 5) {
      case 0:
        p = q.get({ timeout: k % 3 }); // 0, 1 or 2 ms
        break;
      case 1: {
        const ac = new AbortController();
        p = q.get({ signal: ac.signal });
        setTimeout(() => ac.abort(abortReason), k % 2);
        break;
      }
      case 2: {
        const ac = new AbortController();
        p = q.get({ signal: ac.signal });
        queueMicrotask(() => ac.abort(abortReason));
        break;
      }
      case 3:
        p = q.get({ signal: AbortSignal.abort(abortReason) });
        break;
      default:
        p = q.get({ timeout: 20, signal: new AbortController().signal });
    }
    return p.then(
      (v) => {
        outcomes.item++;
        tally.see(v);
      },
      (error) => {
        if (error === abortReason) outcomes.aborted++;
        else if (error instanceof QueueEmpty) outcomes.timeout++;
        else {
          outcomes.other++;
          throw error;
        }
      },
    );
  };

  let issued = 0;
  const lane = async () => {
    while (issued < gets) {
      const k = issued++;
      await one(k);
      if (k % sampleEvery === 0) {
        gc();
        const m = process.memoryUsage();
        memory.push({ gets: k, heapUsed: m.heapUsed, rss: m.rss });
        log(k, m, outcomes);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const stormSeconds = (performance.now() - started) / 1000;

  // Whatever the storm did not take: drain it once the producer is done.
  await producer.result;
  q.shutdown();
  for (;;) {
    try {
      for (const v of await q.getMany(1024)) tally.see(v);
    } catch (error) {
      if (error instanceof QueueShutDown) break;
      throw error;
    }
  }
  await producer.worker.terminate();
  const check = verify(bitmap, [tally.result()]);
  const header = new Int32Array(q.handle.header);
  const sleepers = { getters: header[17], putters: header[33], joiners: header[49] };
  if (JSON.stringify(q.waiting) !== JSON.stringify({ getters: 0, putters: 0, joiners: 0 })) check.problems.push(`waiters left: ${JSON.stringify(q.waiting)}`);
  if (sleepers.getters !== 0 || sleepers.putters !== 0 || sleepers.joiners !== 0) check.problems.push(`sleeper registrations left: ${JSON.stringify(sleepers)}`);
  // Memory: discard the first quarter of the samples (warm-up), fit a line through the rest.
  const steady = memory.slice(Math.floor(memory.length / 4));
  const xs = steady.map((s) => s.gets / 100_000);
  const heapSlope = slope(xs, steady.map((s) => s.heapUsed));
  const rssSlope = slope(xs, steady.map((s) => s.rss));
  return {
    ...check,
    ok: check.problems.length === 0,
    gets,
    items,
    outcomes,
    stormSeconds,
    getsPerSecond: gets / stormSeconds,
    heapSlopePer100k: heapSlope,
    rssSlopePer100k: rssSlope,
    heapFirst: steady[0]?.heapUsed,
    heapLast: steady.at(-1)?.heapUsed,
    rssFirst: steady[0]?.rss,
    rssLast: steady.at(-1)?.rss,
  };
}
