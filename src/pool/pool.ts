import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { Piscina } from 'piscina';
import { AsyncQueue } from '../async/async-queue.js';
import { argTypeError, QueueShutDown } from '../errors.js';
import { checkSignal } from '../async/options.js';
import { checkOptionsObject } from '../queue/options.js';
import type { QueueHandle } from '../shared/handle.js';
import { Dispatcher } from './dispatcher.js';
import { PoolClosedError, WorkerLoadError } from './errors.js';
import { mapThrough, type MapOptions } from './map.js';
import { resolvePoolOptions, type ResolvedOptions, type WorkerPoolOptions } from './options.js';
import type { ConsumerControl, ConsumerEnd, ConsumerTask, ThreadInfo } from './protocol.js';
import { C, R, controlWords, createPoolMemory, culpritOf, held as heldBy, heldCount, region } from './slots.js';
import { BATCH, deserializeError, OK, type Envelope } from './wire.js';
import { untilTerminated } from './terminate.js';

/** Most records a consumer takes at once (the size of its in-flight table). */
const MAX_RECORDS = 64;
/** Most items a consumer takes at once (records carry up to 64 items each). */
const MAX_TAKE_ITEMS = 512;
/** How long destroy() lets handlers react to ctx.signal before it terminates the threads. */
const DESTROY_GRACE_MS = 100;
/** Message prefix by which a failure to load the handler module is recognised. */
const LOAD_FAILURE = 'conveyor: cannot load the worker module';

export interface ThreadStats {
  threadIndex: number;
  done: number;
  failed: number;
  inFlight: number;
  /** Times this thread index got a new worker after its worker died. */
  restarts: number;
}

/**
 * The item type of a handler module, given as `typeof import('./handler.js')`: the first
 * parameter of its default export.
 */
export type HandlerItem<M> = M extends { default: (item: infer I, ...rest: never[]) => unknown } ? I : never;
/** The result type of a handler module: what its default export returns, awaited. */
export type HandlerResult<M> = M extends { default: (...args: never[]) => infer R } ? Awaited<R> : never;

/** Options of run(). */
export interface RunOptions {
  /** Rejects with `signal.reason` when aborted; the result, if it still comes, is ignored. */
  signal?: AbortSignal;
}

export interface PoolStats {
  state: PoolState;
  threads: number;
  /** Items in the input queue. */
  queued: number;
  /** Items taken by a thread whose result is not on the output yet. */
  inFlight: number;
  /** Items put through run()/map() (counted at the head of a pipeline). */
  submitted: number;
  /** Items whose handler returned (all threads, all workers they ever had). */
  done: number;
  /** Items whose handler threw. */
  failed: number;
  /** Failures from an earlier stage passed on untouched. */
  passed: number;
  /** Items put back on the input after their worker died. */
  redelivered: number;
  /** Items failed with WorkerDiedError after the retries were used up. */
  diedFailed: number;
  /** Items of a plain `input` queue that died with their thread (reported by an 'error' event too). */
  lost: number;
  /** Worker threads that died and were replaced. */
  workerExits: number;
  perThread: ThreadStats[];
  /** Items finished per second since the previous stats() call (or since the pool started). */
  itemsPerSecond: number;
}

export type PoolState = 'open' | 'closing' | 'closed' | 'destroyed';

export interface WorkerExitInfo {
  threadIndex: number;
  /** Why the worker ended: piscina's error ("worker exited with code: 1", an out-of-memory error...). */
  error: unknown;
  /** Ids of the items it held (see slots.ts). */
  held: number[];
}

/** An item that destroy() found queued or in flight. `item` is the value given to run()/map() when known. */
export interface ReportedItem {
  id: number;
  item: unknown;
}

export interface DestroyReport {
  queued: ReportedItem[];
  inFlight: ReportedItem[];
}

export interface PoolEvents {
  progress: [{ delivered: number; done: number; failed: number; pending: number }];
  error: [Error];
  workerExit: [WorkerExitInfo];
}

interface Consumer {
  region: number;
  servicesPort: MessagePort;
  controlPort: MessagePort;
  control: Comlink.Remote<ConsumerControl>;
  /** Rejecters of control calls in flight: settled by the pool when the worker exits (comlink #601). */
  calls: Set<(error: unknown) => void>;
  ended: boolean;
}

/** Pools whose output queue feeds another pool, by the output's header buffer. */
const outputsOwners = new WeakMap<SharedArrayBuffer, WorkerPool>();

/**
 * This module's file URL, or undefined where import.meta is empty: when an app bundler turns
 * the ESM build into CommonJS (esbuild --format=cjs). tsup's CommonJS build shims
 * import.meta.url from __filename. (No __filename here: tsup would then shim it into the ESM
 * build with a fileURLToPath(import.meta.url) that throws at load in such a bundle.)
 */
function ownUrl(): string | undefined {
  const url = (import.meta as { url?: unknown }).url;
  return typeof url === 'string' ? url : undefined;
}

/**
 * The consumer worker's file: the `consumerWorker` option, else the package's own
 * dist/workers/consumer.js next to this module (dist/index.js or .cjs; ../../dist/ from src/pool/
 * when the tests run the sources).
 */
function consumerFile(explicit: string | undefined): string {
  if (explicit !== undefined) return explicit;
  const base = ownUrl();
  const looked: string[] = [];
  if (base !== undefined) {
    for (const rel of ['./workers/consumer.js', '../workers/consumer.js', '../../dist/workers/consumer.js']) {
      const path = fileURLToPath(new URL(rel, base));
      if (existsSync(path)) return path;
      looked.push(path);
    }
  }
  throw Object.assign(new Error(
    `conveyor-queue: the pool's consumer worker (dist/workers/consumer.js of the package, exported as 'conveyor-queue/worker') `
    + `is not next to the library${looked.length > 0 ? ` (looked for ${looked[0]})` : ''}. This happens when conveyor-queue is bundled `
    + 'into an app: either mark conveyor-queue as external in the bundler (it then loads from node_modules), or pass '
    + "the WorkerPool option consumerWorker: the output of 'conveyor-queue/worker' as an extra entry point of your bundle, "
    + "or the file it resolves to in node_modules (see the README's \"Bundling\"). In a clone of the conveyor repository, run npm run build.",
  ), { code: 'ERR_POOL_CONSUMER_NOT_FOUND' });
}

/**
 * piscina starts each thread from its own entry file, worker.js next to piscina's code. When an
 * app bundler put piscina into the app's bundle, that file is missing and every thread fails
 * with a bare MODULE_NOT_FOUND: say what to do instead.
 */
function explainStartError(error: Error): Error {
  const code = (error as { code?: unknown }).code;
  if (code !== 'MODULE_NOT_FOUND' || !/[\\/]worker\.js'/.test(error.message)) return error;
  return Object.assign(new Error(
    `conveyor-queue: piscina could not start a worker thread (${error.message}). piscina loads its thread entry from `
    + "worker.js next to its own code: when it is bundled into an app, emit piscina's dist/worker.js as worker.js next to "
    + "the bundle (see the README's \"Bundling\"), or mark conveyor-queue as external in the bundler.",
    { cause: error },
  ), { code: 'ERR_POOL_PISCINA_WORKER_NOT_FOUND' });
}

/**
 * N worker threads (hosted by piscina, one long consumer task each) that take items straight
 * from a shared queue, run the handler module's default export and put results on an output
 * queue. See docs/design.md ("WorkerPool") and docs/api.md for the model; the pieces are:
 *   src/pool/dispatcher.ts  ids, pending items, result pump, redelivery (main thread)
 *   src/pool/map.ts         map(): ordered/unordered with a bounded window
 *   src/pool/slots.ts       shared "in flight" tables and control word
 *   workers/consumer.ts     the loop that runs in each thread
 */
export class WorkerPool<In = unknown, Out = unknown> extends EventEmitter<PoolEvents> {
  /**
   * A pool typed from its handler module, so the types are written once, in the handler:
   * `WorkerPool.of<typeof import('./score.js')>({ worker: new URL('./score.js', import.meta.url) })`
   * is a `WorkerPool<string, number>` for `export default (text: string): number => ...`.
   * (The type names the module; the `worker` option still says which file runs.)
   */
  static of<M>(options: WorkerPoolOptions): WorkerPool<HandlerItem<M>, HandlerResult<M>> {
    return new WorkerPool<HandlerItem<M>, HandlerResult<M>>(options);
  }

  readonly threads: number;
  private readonly opts: ResolvedOptions;
  private readonly piscina: Piscina;
  private readonly memory: SharedArrayBuffer;
  private readonly slots: number;
  /** Main-thread views of the two queues: async, never blocking. */
  private readonly inputQ: AsyncQueue<Envelope>;
  private readonly outputQ: AsyncQueue<Envelope>;
  /** Whether the input holds envelopes (own queue or another pool's output) or plain items. */
  private readonly enveloped: boolean;
  private readonly ownsInput: boolean;
  private upstream: WorkerPool | undefined;
  private downstream: WorkerPool | undefined;
  private dispatcherInstance: Dispatcher | undefined;
  private readonly consumers: (Consumer | undefined)[];
  private readonly restarts: number[];
  private workerExits = 0;
  private lostUnknown = 0;
  private stateValue: PoolState = 'open';
  private closing: Promise<void> | undefined;
  private destroying: Promise<DestroyReport> | undefined;
  private endWaiters: (() => void)[] = [];
  private lastSample = { at: performance.now(), finished: 0 };

  constructor(options: WorkerPoolOptions) {
    super();
    this.opts = resolvePoolOptions(options);
    this.threads = this.opts.threads;
    const { threads, concurrency, maxsize } = this.opts;
    this.slots = Math.max(MAX_RECORDS, concurrency);

    let inputHandle: QueueHandle;
    if (this.opts.input) {
      inputHandle = this.opts.input;
      const upstream = outputsOwners.get(inputHandle.header);
      if (upstream) {
        if (upstream.downstream) throw new TypeError('input: this pool output already feeds another pool');
        if (upstream.dispatcherInstance) throw new TypeError('input: this pool output is already read by run()/map() of its pool');
        this.upstream = upstream;
      }
      this.enveloped = upstream !== undefined;
      this.ownsInput = false;
    } else {
      inputHandle = new AsyncQueue({ maxsize }).handle;
      this.enveloped = true;
      this.ownsInput = true;
    }
    this.inputQ = AsyncQueue.from<Envelope>(inputHandle);
    this.outputQ = new AsyncQueue<Envelope>({ maxsize });
    outputsOwners.set(this.outputQ.handle.header, this);
    if (this.upstream) this.upstream.downstream = this;

    this.memory = createPoolMemory(threads, this.slots);
    this.restarts = new Array<number>(threads).fill(0);
    this.consumers = new Array<Consumer | undefined>(threads).fill(undefined);
    this.piscina = new Piscina({
      ...this.opts.piscina,
      filename: consumerFile(this.opts.consumerWorker),
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Infinity,
      concurrentTasksPerWorker: 1,
      // Our consumer tasks never end between items, so piscina's between-task wait is moot;
      // 'disabled' keeps piscina from parking a worker in Atomics.wait after a consumer returns.
      atomics: 'disabled',
    });
    // piscina emits 'error' for worker errors outside a task; without a listener it would throw.
    this.piscina.on('error', (error: Error) => this.emitError(explainStartError(error)));
    // A thread that dies before its consumer task reached it fails no task: watch piscina's own
    // removals too (piscina decides on a replacement in the same synchronous step, hence the microtask).
    this.piscina.on('workerDestroy', () => queueMicrotask(() => {
      if (this.stateValue === 'open') this.checkThreadCount();
    }));
    for (let r = 0; r < threads; r++) this.startConsumer(r);
  }

  get state(): PoolState {
    return this.stateValue;
  }

  /**
   * The queue the threads take from. A pool's own input holds envelopes `[id, status, item]`
   * that run()/map() put; a plain queue given as `input` holds your items as they are.
   */
  get input(): AsyncQueue<unknown> {
    return this.inputQ as AsyncQueue<unknown>;
  }

  /**
   * The queue the threads put results on, as envelopes `[id, status, result]`: pass it as
   * another pool's `input` to chain stages, or read it with results().
   */
  get output(): AsyncQueue<Envelope> {
    return this.outputQ;
  }

  // ---- threads ----------------------------------------------------------------

  private startConsumer(r: number): void {
    const services = new MessageChannel();
    const control = new MessageChannel();
    Comlink.expose(this.opts.services, services.port1);
    const consumer: Consumer = {
      region: r,
      servicesPort: services.port1,
      controlPort: control.port1,
      control: Comlink.wrap<ConsumerControl>(control.port1),
      calls: new Set(),
      ended: false,
    };
    this.consumers[r] = consumer;
    const task: ConsumerTask = {
      handler: this.opts.worker,
      input: this.inputQ.handle,
      inputEnveloped: this.enveloped,
      output: this.outputQ.handle,
      memory: this.memory,
      region: r,
      slots: this.slots,
      threads: this.threads,
      concurrency: this.opts.concurrency,
      maxBatch: MAX_TAKE_ITEMS,
      servicesPort: services.port2,
      controlPort: control.port2,
    };
    this.piscina.run(task, { transferList: [services.port2, control.port2] as never }).then(
      (end: ConsumerEnd) => this.onConsumerEnd(consumer, end),
      (error: unknown) => this.onConsumerFailed(consumer, error),
    );
  }

  /**
   * Settles what the pool owes a consumer that ended. `died`: its worker is gone, so close our
   * ends of its ports now. A consumer that returned closed its ends itself; ours then close
   * once the messages it sent before (e.g. a last services call) have been delivered.
   */
  private releaseConsumer(c: Consumer, why: unknown, died: boolean): void {
    c.ended = true;
    const error = Object.assign(new Error(`worker thread ${c.region} exited: ${why instanceof Error ? why.message : String(why)}`), { code: 'ERR_POOL_WORKER_EXITED', cause: why });
    for (const reject of c.calls) reject(error);
    c.calls.clear();
    if (died) {
      c.control[Comlink.releaseProxy]();
      c.servicesPort.close();
      c.controlPort.close();
    }
  }

  private onConsumerEnd(c: Consumer, end: ConsumerEnd): void {
    this.releaseConsumer(c, `its consumer ${end}`, false);
    this.checkAllEnded();
  }

  private onConsumerFailed(c: Consumer, error: unknown): void {
    this.releaseConsumer(c, error, true);
    const reg = region(this.memory, c.region, this.slots);
    // First of all: the worker may have been killed inside a queue operation, holding a
    // queue's lock. Release it before anything here (taskDone below) takes that lock.
    const deadThread = reg[R.THREAD];
    if (deadThread > 0) {
      this.inputQ.recoverThread(deadThread);
      this.outputQ.recoverThread(deadThread);
    }
    if (this.stateValue === 'destroyed') {
      this.checkAllEnded(); // destroy() reads the tables after every thread has ended
      return;
    }
    const { ids: held, records } = heldBy(reg);
    const message = error instanceof Error ? error.message : String(error);
    if (message.startsWith(LOAD_FAILURE)) {
      // Every thread would fail the same way: stop, fail what is pending, say why.
      const loadError = new WorkerLoadError(message, { cause: error });
      this.emitError(loadError);
      void this.destroyWith(loadError);
      return;
    }
    reg[R.HELD] = 0;
    this.workerExits++;
    this.restarts[c.region]++;
    this.emit('workerExit', { threadIndex: c.region, error, held });
    // The dead worker will never call taskDone for the records it held.
    for (let i = 0; i < records; i++) {
      try {
        this.inputQ.taskDone();
      } catch {
        break;
      }
    }
    const chain = this.head().dispatcherInstance;
    const unknown = chain && this.enveloped ? chain.redeliver(held, error, culpritOf(reg)) : held;
    if (reg[R.TAKING] !== 0) chain?.noteLostTake();
    reg[R.TAKING] = 0;
    const lost = unknown.filter((id) => id < 0 || !chain);
    if (lost.length > 0) {
      this.lostUnknown += lost.length;
      this.emitError(Object.assign(new Error(`${lost.length} item(s) of a plain input queue were lost with worker thread ${c.region} (${message}); only run()/map() items can be redelivered`), { code: 'ERR_POOL_ITEMS_LOST', ids: lost }));
    }
    // Keep the thread count: piscina replaces the dead worker, this runs a consumer on it.
    this.startConsumer(c.region);
    this.checkThreadCount();
  }

  /**
   * piscina replaces a dead worker only if it had finished starting: once a worker dies during
   * start-up, it never starts another (to avoid restart loops). Say so when the count drops;
   * with no thread left nothing would ever run, so fail what is pending instead of hanging.
   */
  private checkThreadCount(): void {
    const alive = this.piscina.threads.length;
    if (alive >= this.threads) return;
    const error = Object.assign(
      new Error(`the pool has ${alive} of ${this.threads} worker threads: a thread died while starting up, and piscina does not replace those`),
      { code: alive === 0 ? 'ERR_POOL_NO_THREADS' : 'ERR_POOL_THREADS_LOST' },
    );
    this.emitError(error);
    if (alive === 0) void this.destroyWith(error);
  }

  private checkAllEnded(): void {
    if (!this.consumers.every((c) => c === undefined || c.ended)) return;
    const waiters = this.endWaiters.splice(0);
    for (const w of waiters) w();
  }

  private allEnded(): Promise<void> {
    if (this.consumers.every((c) => c === undefined || c.ended)) return Promise.resolve();
    return new Promise((resolve) => this.endWaiters.push(resolve));
  }

  private emitError(error: Error): void {
    // An 'error' event without a listener would throw: report only to those who listen.
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  /** A control call to a live consumer; rejected by the pool if its worker exits first (comlink #601). */
  private call<T>(c: Consumer, fn: (control: Comlink.Remote<ConsumerControl>) => Promise<T>): Promise<T> {
    if (c.ended) return Promise.reject(Object.assign(new Error(`worker thread ${c.region} has exited`), { code: 'ERR_POOL_WORKER_EXITED' }));
    return new Promise<T>((resolve, reject) => {
      c.calls.add(reject);
      fn(c.control).then(resolve, reject).finally(() => c.calls.delete(reject));
    });
  }

  /** Live facts from each thread (heap, thread id), over comlink. */
  async threadInfo(): Promise<ThreadInfo[]> {
    const live = this.consumers.filter((c): c is Consumer => c !== undefined && !c.ended);
    return Promise.all(live.map((c) => this.call(c, (control) => control.info())));
  }

  // ---- chains -----------------------------------------------------------------

  private head(): WorkerPool {
    let p: WorkerPool = this;
    while (p.upstream) p = p.upstream;
    return p;
  }

  private chain(): WorkerPool[] {
    const pools: WorkerPool[] = [];
    for (let p: WorkerPool | undefined = this.head(); p; p = p.downstream) pools.push(p);
    return pools;
  }

  /** The dispatcher of the chain this pool ends; made on first use. */
  private dispatcher(): Dispatcher {
    if (this.downstream) throw new TypeError('this pool feeds another pool: call run()/map() on the last pool of the pipeline');
    const head = this.head();
    if (!head.enveloped) throw new TypeError('this pool reads a plain queue given as `input`: put items on that queue and read the results with results()');
    if (!head.dispatcherInstance) {
      const chain = this.chain();
      head.dispatcherInstance = new Dispatcher(head.inputQ, this.outputQ, head.opts.retries, head.threads, () => chain.every((p) => p.idleNow()), (delivered) => this.onProgress(delivered), controlWords(this.memory));
    }
    return head.dispatcherInstance;
  }

  private idleNow(): boolean {
    if (this.inputQ.qsize() > 0 || this.outputQ.qsize() > 0) return false;
    for (let r = 0; r < this.threads; r++) if (heldCount(region(this.memory, r, this.slots)) > 0) return false;
    return true;
  }

  private onProgress(delivered: number): void {
    if (this.listenerCount('progress') === 0) return;
    const d = this.head().dispatcherInstance;
    if (!d) return;
    this.emit('progress', { delivered, done: d.counters.done, failed: d.counters.failed, pending: d.pending.size });
  }

  private gate(): Error | null {
    for (const p of this.chain()) {
      if (p.stateValue === 'destroyed') return new PoolClosedError('the pool was destroyed', 'ERR_POOL_DESTROYED');
      if (p.stateValue !== 'open') return new PoolClosedError('the pool is closed: run()/map() after close()');
    }
    return null;
  }

  // ---- items ------------------------------------------------------------------

  /**
   * Runs one item; resolves with the handler's result or rejects with its error. With
   * `signal`, rejects with `signal.reason` once it is aborted and ignores the result; the
   * item is not taken back if a thread has it already (ctx.signal fires only on destroy()).
   */
  run(item: In, options?: RunOptions): Promise<Out> {
    let signal: AbortSignal | undefined;
    let dispatcher: Dispatcher;
    try {
      if (options !== undefined) signal = checkSignal(checkOptionsObject(options, 'run() options').signal);
      const closed = this.gate();
      if (closed) throw closed;
      if (signal?.aborted) throw signal.reason;
      dispatcher = this.dispatcher();
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<Out>((resolve, reject) => {
      if (signal === undefined) {
        void dispatcher.submit([item], (ok, value) => (ok ? resolve(value as Out) : reject(value)), 0).queued;
        return;
      }
      const s = signal;
      const onAbort = (): void => {
        dispatcher.forget(ids);
        reject(s.reason);
      };
      const { ids } = dispatcher.submit([item], (ok, value) => {
        s.removeEventListener('abort', onAbort);
        if (ok) resolve(value as Out);
        else reject(value);
      }, 0);
      // submit() can settle at once (a closed dispatcher): then ids is empty and nothing listens.
      if (ids.length > 0) s.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Runs every item of `source` (sync or async iterable, possibly endless) and yields the
   * results, in input order by default. Memory stays bounded: the source is read only as
   * fast as results are consumed (a window of about twice the input's maxsize).
   */
  map(source: Iterable<In> | AsyncIterable<In>, options?: MapOptions): AsyncIterable<Out> {
    if (options !== undefined && (typeof options !== 'object' || options === null)) throw argTypeError('map() options must be an object like { ordered: false }');
    const ordered = options?.ordered ?? true;
    if (typeof ordered !== 'boolean') throw argTypeError(`ordered must be a boolean, got ${typeof ordered}`);
    const signal = checkSignal(options?.signal);
    const closed = this.gate();
    if (closed) throw closed;
    const dispatcher = this.dispatcher();
    const head = this.head();
    const window = Math.max(2 * head.inputQ.maxsize, 2 * this.threads * this.opts.concurrency, 64);
    return mapThrough(dispatcher, source, ordered, window, () => this.gate(), signal) as AsyncIterable<Out>;
  }

  /**
   * For custom flows (items you put on `input` yourself, or a plain queue given as `input`):
   * yields results from the output in completion order and throws at a failed item. Do not
   * mix with run()/map() on the same pool.
   */
  async *results(): AsyncGenerator<Out, void, undefined> {
    if (this.downstream) throw new TypeError('this pool feeds another pool: read the results of the last pool');
    for (;;) {
      let envs: Envelope[];
      try {
        envs = await this.outputQ.getMany(256);
      } catch (error) {
        if (error instanceof QueueShutDown) return; // shut down and drained
        throw error;
      }
      for (const env of envs) {
        if (env[1] === BATCH) {
          for (let k = 0; k < env[2].length; k++) {
            if (env[3] !== null && env[3][k] !== OK) throw deserializeError(env[2][k]);
            yield env[2][k] as Out;
          }
        } else {
          if (env[1] !== OK) throw deserializeError(env[2]);
          yield env[2] as Out;
        }
      }
    }
  }

  // ---- stats ------------------------------------------------------------------

  stats(): PoolStats {
    const perThread: ThreadStats[] = [];
    let done = 0;
    let failed = 0;
    let passed = 0;
    let inFlight = 0;
    let taken = 0;
    for (let r = 0; r < this.threads; r++) {
      const reg = region(this.memory, r, this.slots);
      // The table names whole records until every result of one is on the output, and a
      // consumer clears an entry only after its put (so a death before the put redelivers
      // it): alone, it counts items whose results were just delivered. TAKEN - PUT (PUT is
      // counted before the put; TAKEN read first, so a take-and-put in between cannot make
      // it overcount) bounds it by the items actually without a result. After a death the
      // difference keeps the dead thread's lost items, but its table is cleared then.
      const held = Math.min(heldCount(reg), Math.max(0, reg[R.TAKEN] - reg[R.PUT]));
      perThread.push({ threadIndex: r, done: reg[R.DONE], failed: reg[R.FAILED], inFlight: held, restarts: this.restarts[r] });
      done += reg[R.DONE];
      failed += reg[R.FAILED];
      passed += reg[R.PASSED];
      inFlight += held;
      taken += reg[R.TAKEN];
    }
    const d = this.head().dispatcherInstance;
    // Items waiting in the input: put by the main thread (or the previous stage) minus taken.
    let queued: number;
    if (this.upstream) queued = this.upstream.itemsPut() - taken;
    else if (this.enveloped && d) queued = d.counters.putItems - taken;
    else queued = this.inputQ.qsize(); // a plain input holds one item per record
    queued = Math.max(0, queued);
    const now = performance.now();
    const finished = done + failed;
    const seconds = (now - this.lastSample.at) / 1000;
    const itemsPerSecond = seconds > 0 ? (finished - this.lastSample.finished) / seconds : 0;
    this.lastSample = { at: now, finished };
    return {
      state: this.stateValue,
      threads: this.threads,
      queued,
      inFlight,
      submitted: d?.counters.submitted ?? 0,
      done,
      failed,
      passed,
      redelivered: d?.counters.redelivered ?? 0,
      diedFailed: d?.counters.diedFailed ?? 0,
      lost: this.lostUnknown,
      workerExits: this.workerExits,
      perThread,
      itemsPerSecond,
    };
  }

  /** Ends piscina and its threads; a thread whose terminate() was lost is asked again (see untilTerminated). */
  private async destroyThreads(): Promise<void> {
    const threads = this.piscina.threads; // listed before destroy() forgets them
    await untilTerminated(this.piscina.destroy(), threads);
  }

  /** Items this pool's threads have put on its output. */
  private itemsPut(): number {
    let put = 0;
    for (let r = 0; r < this.threads; r++) put += region(this.memory, r, this.slots)[R.PUT];
    return put;
  }

  // ---- ending -----------------------------------------------------------------

  /**
   * Stops accepting items, lets everything already submitted or queued finish, then ends the
   * threads. On a pipeline, closes every stage, first to last. Shuts down the input queue.
   */
  close(): Promise<void> {
    const pools = this.chain();
    const head = pools[0];
    if (head.closing) return head.closing;
    for (const p of pools) if (p.stateValue === 'open') p.stateValue = 'closing';
    head.closing = (async () => {
      const d = head.dispatcherInstance;
      if (d) await d.idle();
      for (const p of pools) {
        if (p.stateValue === 'destroyed') continue;
        p.inputQ.shutdown(false);
        await p.allEnded();
        p.outputQ.shutdown(false);
        // Every consumer has returned: nothing is left for piscina to finish.
        await p.destroyThreads();
        if (p.stateValue === 'closing') p.stateValue = 'closed';
      }
    })();
    for (const p of pools) p.closing = head.closing;
    return head.closing;
  }

  /**
   * `await using pool = new WorkerPool(...)`: close() when the scope ends (explicit resource
   * management; TypeScript 5.2+, Node 20.4+). Use destroy() to stop without waiting for the work.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Stops now: fires ctx.signal in every worker, terminates the threads, rejects what is
   * pending with PoolClosedError (code 'ERR_POOL_DESTROYED') and returns what was queued or
   * in flight. On a pipeline, destroys every stage.
   */
  destroy(): Promise<DestroyReport> {
    return this.destroyWith(new PoolClosedError('the pool was destroyed before this item finished', 'ERR_POOL_DESTROYED'));
  }

  private destroyWith(reason: Error): Promise<DestroyReport> {
    const pools = this.chain();
    const head = pools[0];
    if (head.destroying) return head.destroying;
    head.destroying = (async () => {
      const d = head.dispatcherInstance;
      const report: DestroyReport = { queued: [], inFlight: [] };
      for (const p of pools) {
        p.stateValue = 'destroyed';
        Atomics.store(controlWords(p.memory), C.STOP, 1);
        for (const c of p.consumers) if (c && !c.ended) p.call(c, (control) => control.abort(reason.message)).catch(() => undefined);
      }
      // A short grace: consumers stop at the next item boundary, handlers see ctx.signal fire.
      let grace: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(pools.map((p) => p.allEnded())),
        new Promise<void>((resolve) => (grace = setTimeout(resolve, DESTROY_GRACE_MS))),
      ]);
      clearTimeout(grace);
      for (const p of pools) {
        // What is still queued is taken out and reported, not dropped.
        for (;;) {
          const envs = await takeNow(p.inputQ, 1024);
          if (envs.length === 0) break;
          for (const env of envs) {
            if (!p.enveloped) report.queued.push({ id: -1, item: env });
            else if (env[1] === BATCH) env[2].forEach((value, k) => report.queued.push({ id: env[0] + k, item: d?.itemOf(env[0] + k) ?? value }));
            else report.queued.push({ id: env[0], item: d?.itemOf(env[0]) ?? env[2] });
          }
        }
        p.inputQ.shutdown(true);
        // Results already on the output still reach their callers.
        if (d && p === pools[pools.length - 1]) {
          d.deliverAll(await takeNow(p.outputQ, 1 << 20));
        }
      }
      for (const p of pools) {
        await p.destroyThreads();
        await p.allEnded();
        for (let r = 0; r < p.threads; r++) {
          const reg = region(p.memory, r, p.slots);
          for (const id of heldBy(reg).ids) report.inFlight.push({ id, item: d?.itemOf(id) });
          reg[R.HELD] = 0;
        }
        p.outputQ.shutdown(true);
      }
      if (d) {
        // Items still on their way into the input (a put waiting for room) count as queued.
        const reported = new Set([...report.queued, ...report.inFlight].map((r) => r.id));
        for (const [id, item] of d.close(reason)) if (!reported.has(id)) report.queued.push({ id, item });
      }
      return report;
    })();
    for (const p of pools) p.destroying = head.destroying;
    return head.destroying;
  }
}

/** Up to `max` items available right now ([] when empty or shut down): never waits. */
async function takeNow<T>(queue: AsyncQueue<T>, max: number): Promise<T[]> {
  try {
    return await queue.getMany(max, { timeout: 0 });
  } catch {
    return []; // QueueEmpty, or QueueShutDown once drained
  }
}

