/**
 * The pool's consumer: the one long piscina task that runs on each worker thread.
 *
 * It takes envelopes from the shared input queue, runs the user's handler on each and puts
 * result envelopes on the shared output queue; items never pass through a MessagePort.
 *  - concurrency 1: batches taken with the blocking view (getMany), handlers run back to back,
 *    no event-loop turn per item for a sync handler (an async handler is awaited in place).
 *    The loop yields to the event loop every YIELD_EVERY_MS while busy, so comlink control
 *    calls and ctx.services replies are still delivered; once idle for IDLE_POLL_MS it waits
 *    with the async view, so an idle thread sleeps (no polling) with its event loop free.
 *  - concurrency > 1: up to `concurrency` handler calls in flight; it waits with the async view
 *    (AsyncQueue) for "an item arrived" or "a call finished", whichever comes first.
 * Records are taken in batches of about TAKE_MS of work (BATCH records carry up to 64 items,
 * see src/pool/wire.ts). Before running them it writes their ids in its region of the pool
 * memory and clears them after their results are on the output queue (src/pool/slots.ts), so
 * the main thread can redeliver them if this thread dies.
 */
import { threadId } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { Queue } from '../src/queue/queue.js';
import { QueueEmpty, QueueShutDown } from '../src/errors.js';
import { AsyncQueue } from '../src/async/async-queue.js';
import { C, R, controlWords, region } from '../src/pool/slots.js';
import { BATCH, FAILED, OK, itemCount, serializeError, type Envelope } from '../src/pool/wire.js';
import type { ConsumerControl, ConsumerEnd, ConsumerTask, HandlerContext } from '../src/pool/protocol.js';

/**
 * How long a serial consumer's take blocks in Atomics.wait (the quickest wake-up) before it
 * goes on waiting with the async view (an idle thread then sleeps, its event loop free).
 */
const IDLE_POLL_MS = 25;
/** A take holds about this much work once the item time is known (balance across threads). */
const TAKE_MS = 2;
/** A busy loop yields to the event loop at least this often. */
const YIELD_EVERY_MS = 20;

type Handler = (item: unknown, ctx: HandlerContext) => unknown;

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

export default async function consume(task: ConsumerTask): Promise<ConsumerEnd> {
  const abort = new AbortController();
  let running = false;
  const control: ConsumerControl = {
    abort(reason: string) {
      abort.abort(new DOMException(reason, 'AbortError'));
    },
    info() {
      return { threadIndex: task.region, threadId, heapUsed: process.memoryUsage().heapUsed, running };
    },
  };
  Comlink.expose(control, task.controlPort);
  const services = Comlink.wrap<Record<string, unknown>>(task.servicesPort);
  try {
    const handler = await loadHandler(task.handler);
    const ctx: HandlerContext = Object.freeze({ threadIndex: task.region, signal: abort.signal, services: services as unknown as Record<string, unknown> });
    running = true;
    const loop = new ConsumerLoop(task, handler, ctx);
    return task.concurrency > 1 ? await loop.runConcurrent() : await loop.runSerial();
  } finally {
    running = false;
    services[Comlink.releaseProxy]();
    task.servicesPort.close();
    task.controlPort.close();
  }
}

/** Loads the user's module; a failure says so with a prefix the pool recognises (it stops the pool). */
async function loadHandler(url: string): Promise<Handler> {
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (error) {
    throw new Error(`conveyor: cannot load the worker module ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof mod.default !== 'function') {
    throw new Error(`conveyor: cannot load the worker module ${url}: its default export must be the handler function, got ${typeof mod.default}`);
  }
  return mod.default as Handler;
}

/** One item in the concurrent loop: where its result goes. */
interface Job {
  id: number;
  value: unknown;
  /** FAILED items of an earlier stage are passed on, not run. */
  status: number;
  entry: number;
}

class ConsumerLoop {
  private readonly input: Queue<unknown>;
  private readonly output: Queue<Envelope>;
  /** The async view of the same input, for the concurrent loop's waits. */
  private readonly asyncInput: AsyncQueue<unknown>;
  private readonly ctl: Int32Array;
  private readonly reg: Float64Array;
  /** Ids for items of a plain (non-envelope) input: negative, unique per consumer run. */
  private anonymous = Math.floor(Math.random() * 2 ** 20) * 2 ** 12;
  private done = 0;
  private failed = 0;
  private passed = 0;

  constructor(
    private readonly task: ConsumerTask,
    private readonly handler: Handler,
    private readonly ctx: HandlerContext,
  ) {
    this.input = Queue.from(task.input);
    this.output = Queue.from(task.output);
    this.asyncInput = AsyncQueue.from(task.input);
    this.ctl = controlWords(task.memory);
    this.reg = region(task.memory, task.region, task.slots);
    // A replacement worker starts from a clean slate (the main thread has read the old values).
    this.reg[R.CURRENT] = task.concurrency > 1 ? Number.POSITIVE_INFINITY : Number.NaN;
    this.reg[R.TAKING] = 0;
    this.reg[R.THREAD] = threadId;
  }

  private stopped(): boolean {
    return Atomics.load(this.ctl, C.STOP) !== 0;
  }

  /** A taken record as an envelope; a plain item gets a fresh negative id. */
  private envelope(taken: unknown): Envelope {
    if (this.task.inputEnveloped) return taken as Envelope;
    this.anonymous += 1;
    return [-(this.anonymous * 4096 + this.task.region + 1), OK, taken];
  }

  /** Records entry k of the in-flight table (slots.ts). */
  private hold(k: number, env: Envelope): void {
    const count = itemCount(env);
    this.reg[R.IDS + 2 * k] = env[0];
    this.reg[R.IDS + 2 * k + 1] = count;
    this.reg[R.TAKEN] += count;
  }

  /**
   * Wakes the main thread's result pump if it is polling (src/pool/dispatcher.ts, pump) and
   * this stage's input has run dry, so the last results of a batch are not left waiting for
   * the next poll. While there is input left the pump is not woken per put: that wake-up
   * costs the putting thread tens of microseconds.
   */
  private signalResults(): void {
    if (Atomics.load(this.ctl, C.RESULTS_WAITING) !== 0 && this.input.qsize() === 0) {
      Atomics.add(this.ctl, C.RESULTS, 1);
      Atomics.notify(this.ctl, C.RESULTS);
    }
  }

  /** Counters are published before the results: whoever sees a result also sees it counted. */
  private publishCounts(): void {
    const { reg } = this;
    reg[R.DONE] += this.done;
    reg[R.FAILED] += this.failed;
    reg[R.PASSED] += this.passed;
    this.done = this.failed = this.passed = 0;
  }

  /** Items in the last record taken (records carry 1 to 64 items). */
  private recordItems = 1;
  /** Measured milliseconds per item in this thread (0 until measured). */
  private itemMs = 0;

  /**
   * How many records to take: about a fair share of the queue, so deep queues go in batches,
   * but about maxBatch items at most, so one thread never sits on a long run of work.
   */
  private batchSize(): number {
    const share = Math.floor(this.input.qsize() / (2 * this.task.threads));
    // At most maxBatch items, and about TAKE_MS of work once the item time is known.
    const items = this.itemMs > 0 ? Math.min(this.task.maxBatch, Math.floor(TAKE_MS / this.itemMs)) : this.task.maxBatch;
    const cap = Math.max(1, Math.min(this.task.slots, Math.floor(items / this.recordItems)));
    return Math.max(1, Math.min(cap, share));
  }

  /** Runs one item in place (awaiting an async handler): the result envelope parts. */
  private async runOne(value: unknown): Promise<[status: number, payload: unknown]> {
    try {
      let result = this.handler(value, this.ctx);
      if (isThenable(result)) result = await result;
      this.done++;
      return [OK, result];
    } catch (error) {
      this.failed++;
      return [FAILED, serializeError(error)];
    }
  }

  /** Records taken with the blocking view, or undefined when none came within IDLE_POLL_MS. */
  private takeBatch(): unknown[] | undefined {
    try {
      return this.input.getMany(this.batchSize(), { timeout: IDLE_POLL_MS });
    } catch (error) {
      if (error instanceof QueueEmpty) return undefined;
      throw error;
    }
  }

  /**
   * Waits for one record with the async view: it, or null once `signal` fires or the pool is
   * stopped. Rejects with QueueShutDown when the input is shut down and empty. A record taken
   * before the abort is returned, never dropped.
   */
  private async takeWhenIdle(signal: AbortSignal): Promise<{ value: unknown } | null> {
    if (this.stopped() || signal.aborted) return null;
    try {
      return { value: await this.asyncInput.get({ signal }) };
    } catch (error) {
      if (signal.aborted && error === signal.reason) return null;
      throw error;
    }
  }

  async runSerial(): Promise<ConsumerEnd> {
    const { reg, handler, ctx } = this;
    let lastYield = performance.now();
    for (;;) {
      if (this.stopped()) return 'stopped';
      let taken: unknown[] | undefined;
      try {
        reg[R.TAKING] = 1;
        taken = this.takeBatch();
        if (taken === undefined) {
          // Idle for IDLE_POLL_MS: wait with the async view until an item comes, the input is
          // shut down or the pool is destroyed, so the thread sleeps with its event loop free
          // (comlink calls, timers a handler started) instead of waking every few ms to poll.
          const item = await this.takeWhenIdle(ctx.signal);
          lastYield = performance.now();
          if (item !== null) taken = [item.value];
        }
      } catch (error) {
        reg[R.TAKING] = 0;
        if (error instanceof QueueShutDown) return 'drained';
        throw error;
      }
      if (taken === undefined) {
        reg[R.TAKING] = 0;
        continue; // destroyed: the loop's first check returns
      }
      const n = taken.length;
      const records = new Array<Envelope>(n);
      for (let i = 0; i < n; i++) {
        records[i] = this.envelope(taken[i]);
        this.hold(i, records[i]);
      }
      reg[R.HELD] = n; // publish: from here on the main thread can name what we hold
      reg[R.TAKING] = 0;
      this.recordItems = itemCount(records[n - 1]);
      const started = performance.now();
      let items = 0;
      for (let i = 0; i < n; i++) {
        const env = records[i];
        if (env[1] === BATCH) {
          const values = env[2];
          const statuses = env[3];
          const out = new Array<unknown>(values.length);
          let outStatuses: number[] | null = null;
          for (let k = 0; k < values.length; k++) {
            if (statuses !== null && statuses[k] !== OK) {
              (outStatuses ??= new Array<number>(values.length).fill(OK))[k] = FAILED;
              out[k] = values[k];
              this.passed++;
              continue;
            }
            // The sync fast path: no promise, no await, unless the handler returns one.
            reg[R.CURRENT] = env[0] + k;
            try {
              let result = handler(values[k], ctx);
              if (isThenable(result)) result = await result;
              out[k] = result;
              this.done++;
            } catch (error) {
              (outStatuses ??= new Array<number>(values.length).fill(OK))[k] = FAILED;
              out[k] = serializeError(error);
              this.failed++;
            }
            reg[R.CURRENT] = Number.NaN;
          }
          records[i] = [env[0], BATCH, out, outStatuses];
          items += values.length;
        } else if (env[1] === OK) {
          reg[R.CURRENT] = env[0];
          const [status, payload] = await this.runOne(env[2]);
          reg[R.CURRENT] = Number.NaN;
          records[i] = [env[0], status as typeof OK, payload];
          items++;
        } else {
          this.passed++; // a failure from an earlier stage goes on unchanged
        }
        if (this.stopped()) return 'stopped'; // destroy: what is held stays listed
      }
      if (items > 0) {
        const itemMs = (performance.now() - started) / items;
        this.itemMs = this.itemMs > 0 ? (this.itemMs * 3 + itemMs) / 4 : itemMs;
      }
      this.publishCounts();
      if (!this.putResults(records)) return 'stopped';
      this.signalResults();
      reg[R.HELD] = 0;
      for (let i = 0; i < n; i++) this.input.taskDone();
      const now = performance.now();
      if (now - lastYield > YIELD_EVERY_MS) {
        await yieldToLoop();
        lastYield = performance.now();
      }
    }
  }

  async runConcurrent(): Promise<ConsumerEnd> {
    const { reg, task } = this;
    const entries = task.slots;
    // Every entry starts free (NaN); HELD covers the whole table.
    for (let k = 0; k < entries; k++) reg[R.IDS + 2 * k] = Number.NaN;
    reg[R.HELD] = entries;
    const freeEntries: number[] = [];
    for (let k = entries - 1; k >= 0; k--) freeEntries.push(k);
    /** Items of an entry whose results are not yet on the output. */
    const remaining = new Array<number>(entries).fill(0);
    const backlog: Job[] = [];
    let backlogHead = 0;
    let active = 0;
    const finished: Envelope[] = [];
    const finishedEntries: number[] = [];
    let wake: (() => void) | null = null;
    let lastYield = performance.now();

    const settle = (entry: number, env: Envelope): void => {
      finished.push(env);
      finishedEntries.push(entry);
      active--;
      if (wake) {
        const w = wake;
        wake = null;
        w();
      }
    };
    const start = (job: Job): void => {
      active++;
      if (job.status !== OK) {
        this.passed++;
        settle(job.entry, [job.id, FAILED, job.value]);
        return;
      }
      try {
        const result = this.handler(job.value, this.ctx);
        if (!isThenable(result)) {
          this.done++;
          settle(job.entry, [job.id, OK, result]);
          return;
        }
        result.then(
          (value) => {
            this.done++;
            settle(job.entry, [job.id, OK, value]);
          },
          (error: unknown) => {
            this.failed++;
            settle(job.entry, [job.id, FAILED, serializeError(error)]);
          },
        );
      } catch (error) {
        this.failed++;
        settle(job.entry, [job.id, FAILED, serializeError(error)]);
      }
    };
    const completion = (): Promise<void> => new Promise<void>((resolve) => {
      wake = resolve;
    });

    let shut = false;
    for (;;) {
      if (this.stopped()) return 'stopped';
      if (finished.length > 0) {
        const batch = finished.splice(0);
        const done = finishedEntries.splice(0);
        this.publishCounts();
        if (!this.putResults(batch)) return 'stopped';
        this.signalResults();
        for (const entry of done) {
          if (--remaining[entry] > 0) continue;
          reg[R.IDS + 2 * entry] = Number.NaN; // every result of this record is out
          freeEntries.push(entry);
          this.input.taskDone();
        }
      }
      // Start what the backlog holds, up to `concurrency` at once.
      while (active < task.concurrency && backlogHead < backlog.length) {
        const job = backlog[backlogHead];
        backlog[backlogHead++] = undefined as unknown as Job;
        start(job);
      }
      if (backlogHead === backlog.length && backlogHead > 0) {
        backlog.length = 0;
        backlogHead = 0;
      }
      if (active >= task.concurrency || backlogHead < backlog.length) {
        await completion();
        continue;
      }
      if (shut) {
        if (active === 0 && finished.length === 0) return 'drained';
        await completion();
        continue;
      }
      // Room for more: take one record (it may hold many items) when a table entry is free.
      if (freeEntries.length === 0) {
        await completion();
        continue;
      }
      reg[R.TAKING] = 1; // until the record is in the table: a death meanwhile may lose it
      let record: { value: unknown } | null = null;
      try {
        record = { value: this.asyncInput.getNowait() };
      } catch (error) {
        if (error instanceof QueueShutDown) shut = true;
        else if (!(error instanceof QueueEmpty)) throw error;
      }
      if (record === null && !shut && finished.length === 0) {
        // Wait with the async view: for an item, or, while calls are running, for one to end;
        // destroy (ctx.signal) ends the wait too. No polling: an idle thread just sleeps.
        const stopWaiting = new AbortController();
        const onDestroy = (): void => stopWaiting.abort();
        if (this.ctx.signal.aborted) stopWaiting.abort();
        else this.ctx.signal.addEventListener('abort', onDestroy, { once: true });
        const got = this.takeWhenIdle(stopWaiting.signal).catch((error: unknown) => {
          if (!(error instanceof QueueShutDown)) throw error;
          shut = true;
          return null;
        });
        if (active > 0) {
          const first = await Promise.race([got, completion().then(() => 'completion' as const)]);
          if (first === 'completion') stopWaiting.abort();
        }
        record = await got; // an item taken before the abort is kept: aborting never drops one
        this.ctx.signal.removeEventListener('abort', onDestroy);
        lastYield = performance.now();
      }
      if (record === null) {
        reg[R.TAKING] = 0;
        continue;
      }
      const env = this.envelope(record.value);
      const entry = freeEntries.pop() as number;
      this.hold(entry, env);
      reg[R.TAKING] = 0;
      remaining[entry] = itemCount(env);
      if (env[1] === BATCH) {
        const statuses = env[3];
        env[2].forEach((value, k) => backlog.push({ id: env[0] + k, value, status: statuses === null ? OK : statuses[k], entry }));
      } else {
        backlog.push({ id: env[0], value: env[2], status: env[1], entry });
      }
      const now = performance.now();
      if (now - lastYield > YIELD_EVERY_MS) {
        await yieldToLoop();
        lastYield = performance.now();
      }
    }
  }

  /**
   * Puts result envelopes on the output (blocking while it is full: that is backpressure).
   * A result the codec cannot encode fails that item only. Returns false if the output was
   * shut down under us (destroy).
   */
  private putResults(batch: Envelope[]): boolean {
    let items = 0;
    for (const env of batch) items += itemCount(env);
    // Counted before the put, like the other counters (a statistic, never used for control).
    this.reg[R.PUT] += items;
    try {
      this.output.putMany(batch);
      return true;
    } catch (error) {
      if (error instanceof QueueShutDown) return false;
      if (!(error instanceof TypeError) && !(error instanceof RangeError)) throw error;
    }
    // Some result cannot be encoded: find it, item by item.
    for (const env of batch) {
      const singles: Envelope[] = env[1] === BATCH
        ? env[2].map((v, k): Envelope => [env[0] + k, env[3] !== null && env[3][k] !== OK ? FAILED : OK, v])
        : [env];
      for (const one of singles) {
        try {
          this.output.put(one);
        } catch (error) {
          if (error instanceof QueueShutDown) return false;
          const cause = serializeError(error);
          this.output.put([one[0], FAILED, { ...cause, message: `the handler's result cannot be sent back: ${cause.message}` }]);
        }
      }
    }
    return true;
  }
}
