import { QueueShutDown } from '../errors.js';
import { PoolClosedError, WorkerDiedError } from './errors.js';
import type { AsyncQueue } from '../async/async-queue.js';
import type { Culprit } from './slots.js';
import { BATCH, OK, deserializeError, itemCount, type Envelope } from './wire.js';
import { C } from './slots.js';

/**
 * Called once per item with its result (ok) or error (!ok). One function serves a whole
 * chunk of items; `tag` tells them apart (no closure or outcome object per item).
 */
export type Settle = (ok: boolean, value: unknown, tag: number) => void;

interface Entry {
  item: unknown;
  /** How many times the item was put on the input (1 + redeliveries). */
  attempts: number;
  settle: Settle;
  tag: number;
}

/** Result records are pumped from the output this many at a time. */
const PUMP_BATCH = 256;
/** Most items per BATCH record. */
const MAX_RECORD_ITEMS = 64;
/** About this much work per record, once the item time is known. */
const RECORD_MS = 0.5;
/** Items per record before any result has been measured. */
const FIRST_RECORD_ITEMS = 16;
/** The item time is re-estimated over windows of this length. */
const RATE_WINDOW_MS = 20;
/** Items at least this long (ms, measured) let the pump poll instead of wait: see pump(). */
const POLL_ITEM_MS = 0.05;
/** The pump's polling period in that mode (ms). */
const POLL_MS = 2;
/** Idle-sweep period after a worker death (see sweep()). */
const SWEEP_MS = 40;

/**
 * The main-thread bookkeeping of a chain of pools (one pool, or a pipeline): it gives each
 * item an id, keeps the item until its result arrives (so it can be redelivered), puts
 * envelopes on the head's input and pumps result envelopes from the tail's output to
 * whoever waits for them (run's promise, a map's reorder buffer).
 *
 * Delivery is exactly-once to callers: a result for an id that is no longer pending (a
 * duplicate after a redelivery, a map that was abandoned) is dropped. Handlers run
 * at least once per item, and more than once only after a worker death.
 */
export class Dispatcher {
  private nextId = 1;
  readonly pending = new Map<number, Entry>();
  /** putMany calls in progress (items not yet in the queue). */
  private putting = 0;
  private pumping = false;
  private sweeping = false;
  private suspect = false;
  private closed: Error | null = null;
  /** polls: pauses the pump made instead of waiting on the output (see pump()); for tests. */
  readonly counters = { submitted: 0, done: 0, failed: 0, redelivered: 0, diedFailed: 0, putItems: 0, polls: 0 };
  private idleWaiters: (() => void)[] = [];
  /** Estimated milliseconds of one item on one thread (0: not measured yet). */
  private itemMs = 0;
  private rateSince = performance.now();
  private rateItems = 0;

  constructor(
    private readonly input: AsyncQueue<Envelope>,
    private readonly output: AsyncQueue<Envelope>,
    private readonly retries: number,
    /** Threads of the first stage: records are sized so that each gets several. */
    private readonly threads: number,
    /** True when no stage of the chain holds or queues anything (for the sweep). */
    private readonly chainIdle: () => boolean,
    private readonly onProgress: (delivered: number) => void,
    /** Control words of the pool whose consumers put on `output` (C.RESULTS, see pump()). */
    private readonly resultsCtl: Int32Array,
  ) {}

  get isIdle(): boolean {
    return this.pending.size === 0 && this.putting === 0;
  }

  /**
   * Registers the items (ids returned at once) and puts their envelopes on the input;
   * `queued` resolves when they are all in the queue (backpressure). Items that cannot
   * be put are settled as failed.
   */
  submit(items: readonly unknown[], settle: Settle, firstTag: number): { ids: number[]; queued: Promise<void> } {
    if (this.closed) {
      for (let i = 0; i < items.length; i++) settle(false, this.closed, firstTag + i);
      return { ids: [], queued: Promise.resolve() };
    }
    const n = items.length;
    const ids: number[] = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const id = this.nextId++;
      this.pending.set(id, { item: items[i], attempts: 1, settle, tag: firstTag + i });
      ids[i] = id;
    }
    const size = this.recordSize(n);
    const envs: Envelope[] = [];
    for (let i = 0; i < n; i += size) {
      envs.push(size === 1 ? [ids[i], OK, items[i]] : [ids[i], BATCH, items.slice(i, i + size), null]);
    }
    this.counters.submitted += n;
    this.ensurePump();
    return { ids, queued: this.put(envs) };
  }

  private async put(envs: Envelope[]): Promise<void> {
    this.putting++;
    let items = 0;
    for (const env of envs) items += itemCount(env);
    try {
      await this.input.putMany(envs);
      this.counters.putItems += items;
    } catch (error) {
      // Nothing after `inserted` went in (an item the codec refuses fails the whole call first).
      const inserted = error instanceof QueueShutDown ? error.inserted : 0;
      const reason = error instanceof QueueShutDown ? (this.closed ?? new PoolClosedError('the pool input was shut down before this item could be queued')) : error;
      for (let i = inserted; i < envs.length; i++) {
        const count = itemCount(envs[i]);
        for (let k = 0; k < count; k++) this.fail(envs[i][0] + k, reason);
      }
    } finally {
      this.putting--;
      this.checkIdle();
    }
  }

  private fail(id: number, error: unknown): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    this.counters.failed++;
    entry.settle(false, error, entry.tag);
  }

  /** Waits until consumers signal that their input ran dry, results arrive, or POLL_MS pass. */
  private async pause(): Promise<void> {
    const ctl = this.resultsCtl;
    this.counters.polls++;
    // Registered before the check: a consumer that puts after the check sees the flag (both sides use Atomics).
    Atomics.store(ctl, C.RESULTS_WAITING, 1);
    try {
      const seq = Atomics.load(ctl, C.RESULTS);
      if (this.output.qsize() > 0) return;
      const waited = Atomics.waitAsync(ctl, C.RESULTS, seq, POLL_MS);
      if (waited.async) await waited.value;
    } finally {
      Atomics.store(ctl, C.RESULTS_WAITING, 0);
    }
  }

  /** Drops interest in these ids (an abandoned map): their results will be ignored. */
  forget(ids: Iterable<number>): void {
    for (const id of ids) this.pending.delete(id);
    this.checkIdle();
  }

  private ensurePump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    void this.pump();
  }

  /**
   * Moves results from the output to their callers. It normally waits on the output (the
   * async view: Atomics.waitAsync), so every put of results by a worker wakes the main
   * thread, and the worker pays for that wake-up inside its put (about 30 us on the 2-core
   * machine, per take). With coarse items and many in flight (a map over CPU-bound work),
   * no caller needs each result at once: the pump then pauses up to POLL_MS on the pool's
   * C.RESULTS word instead, which consumers bump only once their input has run dry, so
   * the bulk of a batch is collected every POLL_MS without costing workers anything and
   * its last results still arrive at once. With 2 * threads items or fewer in flight, and
   * for run() of a few items, it always waits on the output.
   */
  private async pump(): Promise<void> {
    try {
      while (this.pending.size > 0) {
        let envs: Envelope[];
        try {
          if (this.itemMs >= POLL_ITEM_MS && this.pending.size > 2 * this.threads && this.output.qsize() === 0) await this.pause();
          envs = await this.output.getMany(PUMP_BATCH);
        } catch (error) {
          // Shut down under us, or bytes the codec cannot read: nothing more will arrive.
          this.failAll(error instanceof QueueShutDown ? (this.closed ?? new PoolClosedError('the pool output was shut down with items still pending')) : error);
          return;
        }
        this.deliverAll(envs);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Hands result envelopes to their callers. */
  deliverAll(envs: readonly Envelope[]): void {
    let delivered = 0;
    for (const env of envs) {
      if (env[1] === BATCH) {
        const [first, , values, statuses] = env;
        for (let k = 0; k < values.length; k++) {
          if (this.deliver(first + k, statuses === null || statuses[k] === OK, values[k])) delivered++;
        }
      } else if (this.deliver(env[0], env[1] === OK, env[2])) {
        delivered++;
      }
    }
    if (delivered > 0) {
      this.measure(delivered);
      this.onProgress(delivered);
    }
    this.checkIdle();
  }

  /**
   * Items per record for a chunk of n: consecutive ids share a BATCH record so that fine
   * items cost one queue operation per record, not per item; but a record is one unit of
   * work for one thread, so it is kept to about RECORD_MS of work (from the measured rate)
   * and to a quarter of the chunk's share per thread, so every thread gets several.
   */
  private recordSize(n: number): number {
    const byShare = Math.floor(n / (4 * this.threads));
    const byTime = this.itemMs > 0 ? Math.floor(RECORD_MS / this.itemMs) : FIRST_RECORD_ITEMS;
    return Math.max(1, Math.min(MAX_RECORD_ITEMS, byShare, byTime));
  }

  /** Updates the estimate of one item's time on one thread from the rate of results. */
  private measure(delivered: number): void {
    const now = performance.now();
    this.rateItems += delivered;
    const elapsed = now - this.rateSince;
    if (elapsed < RATE_WINDOW_MS) return;
    if (this.rateItems > 0) {
      const itemMs = (elapsed * this.threads) / this.rateItems;
      this.itemMs = this.itemMs > 0 ? (this.itemMs + itemMs) / 2 : itemMs;
    }
    this.rateSince = now;
    this.rateItems = 0;
  }

  private deliver(id: number, ok: boolean, payload: unknown): boolean {
    const entry = this.pending.get(id);
    if (!entry) return false; // duplicate after a redelivery, or abandoned
    this.pending.delete(id);
    if (ok) {
      this.counters.done++;
      entry.settle(true, payload, entry.tag);
    } else {
      this.counters.failed++;
      entry.settle(false, deserializeError(payload), entry.tag);
    }
    return true;
  }

  /**
   * Items a dead worker held: put again (up to `retries` times), else failed with
   * WorkerDiedError. Returns the ids this dispatcher does not know (plain-input items,
   * or results already delivered).
   */
  redeliver(ids: readonly number[], reason: unknown, culprit: Culprit = { kind: 'all' }): number[] {
    const unknown: number[] = [];
    const again: Envelope[] = [];
    for (const id of ids) {
      const entry = this.pending.get(id);
      if (!entry) {
        unknown.push(id);
        continue;
      }
      const charged = culprit.kind === 'all' || (culprit.kind === 'one' && culprit.id === id);
      if (!charged && !this.closed) {
        // It was only waiting in the dead thread's batch: back it goes, retries untouched.
        this.counters.redelivered++;
        again.push([id, OK, entry.item]);
        continue;
      }
      if (entry.attempts > this.retries || this.closed) {
        const why = reason instanceof Error ? reason.message : String(reason);
        this.counters.diedFailed++;
        this.fail(id, new WorkerDiedError(
          `the worker thread died while handling this item, ${entry.attempts} time(s) (retries: ${this.retries}): ${why}`,
          entry.attempts, { cause: reason },
        ));
        continue;
      }
      entry.attempts++;
      this.counters.redelivered++;
      again.push([id, OK, entry.item]);
    }
    if (again.length > 0) void this.put(again);
    return unknown;
  }

  /**
   * After a worker died in the instant between a take and its record of it (its TAKING flag
   * was set, src/pool/slots.ts), what it took is named nowhere. When the whole chain has been
   * idle for three sweeps in a row while ids are still pending, those ids can only be such
   * lost items: redeliver them (a false positive costs a duplicate run, never a lost result).
   */
  noteLostTake(): void {
    this.suspect = true;
    if (this.sweeping) return;
    this.sweeping = true;
    void this.sweep();
  }

  private async sweep(): Promise<void> {
    let idleStreak = 0;
    try {
      while (this.suspect && this.pending.size > 0 && !this.closed) {
        await new Promise((r) => setTimeout(r, SWEEP_MS));
        if (this.putting === 0 && this.chainIdle()) idleStreak++;
        else idleStreak = 0;
        if (idleStreak >= 3) {
          this.suspect = false;
          // Not charged: a lost item never ran (a false positive only costs a duplicate run).
          this.redeliver([...this.pending.keys()], new Error('the item was lost with a worker thread that died while taking it'), { kind: 'none' });
        }
      }
    } finally {
      this.sweeping = false;
    }
  }

  /** Resolves when nothing is pending and no put is in progress. */
  idle(): Promise<void> {
    if (this.isIdle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private checkIdle(): void {
    if (!this.isIdle || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters.splice(0);
    for (const w of waiters) w();
  }

  /** Rejects everything pending with `error` and refuses new items. Returns what was pending. */
  close(error: Error): Map<number, unknown> {
    this.closed = error;
    const items = new Map<number, unknown>();
    for (const [id, entry] of this.pending) items.set(id, entry.item);
    this.failAll(error);
    return items;
  }

  itemOf(id: number): unknown {
    return this.pending.get(id)?.item;
  }

  private failAll(error: unknown): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    this.counters.failed += entries.length;
    for (const entry of entries) entry.settle(false, error, entry.tag);
    this.checkIdle();
  }
}
