import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { validateHandle, type QueueHandle } from '../shared/handle.js';
import { argTypeError, argRangeError } from '../errors.js';

/** Anything that carries a queue handle: an AsyncQueue, a Queue, another pool's `output`. */
export interface QueueSource {
  readonly handle: QueueHandle;
}

/** Options passed through to piscina (the pool sets the thread counts, filename and timeouts itself). */
export interface PiscinaPassThrough {
  resourceLimits?: {
    maxOldGenerationSizeMb?: number;
    maxYoungGenerationSizeMb?: number;
    codeRangeSizeMb?: number;
    stackSizeMb?: number;
  };
  env?: Record<string, string>;
  execArgv?: string[];
  argv?: string[];
  name?: string;
  niceIncrement?: number;
  trackUnmanagedFds?: boolean;
  workerData?: unknown;
}

export interface WorkerPoolOptions {
  /** Module whose default export is the handler `(item, ctx) => result | Promise<result>`: a file URL or a path. */
  worker: URL | string;
  /** Worker threads, 1 to 1024. Default: os.availableParallelism(). */
  threads?: number;
  /** Items in flight per thread (for async handlers), 1 to 10000. Default 1. */
  concurrency?: number;
  /**
   * Bound of the input (and output) queue (backpressure), 0 to 2**24, in records: run() puts
   * one item per record, map() up to 64 consecutive items per record. map() also keeps at most
   * 2 * maxsize items between its source and its output. 0 is unbounded, as for a queue: run()
   * never waits for room, and map() reads its source through a window of its own
   * (2 * threads * concurrency items, at least 64). Default 2048. Ignored with `input`.
   */
  maxsize?: number;
  /** Redeliveries of an item whose worker died while holding it, 0 to 100. Default 1. */
  retries?: number;
  /** Consume an existing FIFO queue instead of a new one, e.g. another pool's `output`. */
  input?: QueueSource;
  /** Main-thread objects that handlers call as `ctx.services.name.method(...)` (through comlink; always async). */
  services?: Record<string, object>;
  /** Passed to piscina. */
  piscina?: PiscinaPassThrough;
  /**
   * The pool's own consumer worker, a file URL or a path: the file `conveyor-queue/worker`
   * resolves to, or what your bundler emitted for that entry. Needed only when conveyor-queue
   * is bundled into your app (the pool then cannot find the file next to itself); by default
   * the pool loads the one in its package (dist/workers/consumer.js). See README "Bundling".
   */
  consumerWorker?: URL | string;
}

export interface ResolvedOptions {
  worker: string;
  threads: number;
  concurrency: number;
  maxsize: number;
  retries: number;
  input: QueueHandle | undefined;
  services: Record<string, object>;
  piscina: PiscinaPassThrough;
  /** Absolute path of the consumer worker given by `consumerWorker`, or undefined for the packaged one. */
  consumerWorker: string | undefined;
}

const DEFAULT_MAXSIZE = 2048;
const MAX_THREADS = 1024;
const MAX_CONCURRENCY = 10_000;
const MAX_MAXSIZE = 2 ** 24;
const MAX_RETRIES = 100;
/** piscina options the pool owns: passing them would break the one-consumer-per-thread model. */
const RESERVED_PISCINA = ['filename', 'minThreads', 'maxThreads', 'concurrentTasksPerWorker', 'idleTimeout', 'maxQueue', 'atomics'];

function integerIn(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw argTypeError(`${name} must be an integer from ${min} to ${max}, got ${typeof value}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw argRangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** The path a file URL or a path (absolute, or relative to the working directory) names; `name` is the option's. */
function filePath(name: string, value: unknown, what: string): string {
  if (value instanceof URL) {
    if (value.protocol !== 'file:') throw argTypeError(`${name} must be a file: URL or a path, got a ${value.protocol} URL`);
    return fileURLToPath(value);
  }
  if (typeof value === 'string' && value.length > 0) {
    return value.startsWith('file:') ? fileURLToPath(value) : isAbsolute(value) ? value : resolve(value);
  }
  throw argTypeError(`${name} must be a file URL or a path to ${what}, got ${value === '' ? 'an empty string' : typeof value}`);
}

const isFile = (path: string): boolean => existsSync(path) && statSync(path).isFile();

/** Resolves `worker` to a file: URL string and checks that the file exists. */
function resolveWorkerUrl(worker: unknown): string {
  const path = filePath('worker', worker, 'the handler module');
  if (!isFile(path)) {
    throw Object.assign(argTypeError(`worker: no module file at ${path} (give a file URL, e.g. new URL('./handler.mjs', import.meta.url), or an absolute path)`), { code: 'ERR_POOL_WORKER_NOT_FOUND' });
  }
  return pathToFileURL(path).href;
}

/** Resolves `consumerWorker` to an absolute path and checks that the file exists. */
function resolveConsumerWorker(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const path = filePath('consumerWorker', value, "conveyor-queue's consumer worker");
  if (!isFile(path)) {
    throw Object.assign(argTypeError(
      `consumerWorker: no file at ${path}: give the path of conveyor-queue's consumer worker, the file 'conveyor-queue/worker' resolves to `
      + '(node_modules/conveyor-queue/dist/workers/consumer.js) or the file your bundler emitted for that entry point',
    ), { code: 'ERR_POOL_CONSUMER_NOT_FOUND' });
  }
  return path;
}

export function resolvePoolOptions(options: unknown): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw argTypeError(`WorkerPool options must be an object with at least { worker }, got ${options === null ? 'null' : typeof options}`);
  }
  const o = options as Record<string, unknown>;
  const worker = resolveWorkerUrl(o.worker);
  const threads = integerIn('threads', o.threads, 1, MAX_THREADS, Math.min(availableParallelism(), MAX_THREADS));
  const concurrency = integerIn('concurrency', o.concurrency, 1, MAX_CONCURRENCY, 1);
  const maxsize = integerIn('maxsize', o.maxsize, 0, MAX_MAXSIZE, DEFAULT_MAXSIZE);
  const retries = integerIn('retries', o.retries, 0, MAX_RETRIES, 1);

  let input: QueueHandle | undefined;
  if (o.input !== undefined) {
    if (typeof o.input !== 'object' || o.input === null || !('handle' in o.input)) {
      throw argTypeError('input must be a queue (an AsyncQueue, a Queue or another pool\'s output): something with a .handle');
    }
    input = validateHandle((o.input as QueueSource).handle);
    if (input.ordering !== 'fifo') throw argTypeError(`input must be a FIFO queue (AsyncQueue or Queue), got a ${input.ordering} queue`);
  }

  const services: Record<string, object> = {};
  if (o.services !== undefined) {
    if (typeof o.services !== 'object' || o.services === null || Array.isArray(o.services)) {
      throw argTypeError('services must be an object mapping names to objects, e.g. { logger: console }');
    }
    for (const [name, value] of Object.entries(o.services)) {
      if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
        throw argTypeError(`services.${name} must be an object (its methods are called from handlers), got ${value === null ? 'null' : typeof value}`);
      }
      services[name] = value as object;
    }
  }

  let piscina: PiscinaPassThrough = {};
  if (o.piscina !== undefined) {
    if (typeof o.piscina !== 'object' || o.piscina === null) throw argTypeError(`piscina must be an object of piscina options, got ${typeof o.piscina}`);
    for (const key of RESERVED_PISCINA) {
      if (key in o.piscina) {
        throw argTypeError(`piscina.${key} is set by the pool (one consumer per thread): use the pool's threads/concurrency/maxsize options instead`);
      }
    }
    piscina = o.piscina as PiscinaPassThrough;
  }
  const consumerWorker = resolveConsumerWorker(o.consumerWorker);
  return { worker, threads, concurrency, maxsize, retries, input, services, piscina, consumerWorker };
}
