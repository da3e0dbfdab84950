import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { validateHandle, type QueueHandle } from '../shared/handle.js';

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
   * Bound of the input queue (backpressure), 1 to 2**24, in records: run() puts one item per
   * record, map() up to 64 consecutive items per record. map() also keeps at most
   * 2 * maxsize items between its source and its output. Default 2048. Ignored with `input`.
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
  if (typeof value !== 'number') throw new TypeError(`${name} must be an integer from ${min} to ${max}, got ${typeof value}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw Object.assign(new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`), { code: 'ERR_OUT_OF_RANGE' });
  }
  return value;
}

/** Resolves `worker` to a file: URL string and checks that the file exists. */
function resolveWorkerUrl(worker: unknown): string {
  let path: string;
  if (worker instanceof URL) {
    if (worker.protocol !== 'file:') throw new TypeError(`worker must be a file: URL or a path, got a ${worker.protocol} URL`);
    path = fileURLToPath(worker);
  } else if (typeof worker === 'string' && worker.length > 0) {
    path = worker.startsWith('file:') ? fileURLToPath(worker) : isAbsolute(worker) ? worker : resolve(worker);
  } else {
    throw new TypeError(`worker must be a file URL or a path to the handler module, got ${worker === '' ? 'an empty string' : typeof worker}`);
  }
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw Object.assign(new TypeError(`worker: no module file at ${path} (give a file URL, e.g. new URL('./handler.mjs', import.meta.url), or an absolute path)`), { code: 'ERR_POOL_WORKER_NOT_FOUND' });
  }
  return pathToFileURL(path).href;
}

export function resolvePoolOptions(options: unknown): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`WorkerPool options must be an object with at least { worker }, got ${options === null ? 'null' : typeof options}`);
  }
  const o = options as Record<string, unknown>;
  const worker = resolveWorkerUrl(o.worker);
  const threads = integerIn('threads', o.threads, 1, MAX_THREADS, Math.min(availableParallelism(), MAX_THREADS));
  const concurrency = integerIn('concurrency', o.concurrency, 1, MAX_CONCURRENCY, 1);
  const maxsize = integerIn('maxsize', o.maxsize, 1, MAX_MAXSIZE, DEFAULT_MAXSIZE);
  const retries = integerIn('retries', o.retries, 0, MAX_RETRIES, 1);

  let input: QueueHandle | undefined;
  if (o.input !== undefined) {
    if (typeof o.input !== 'object' || o.input === null || !('handle' in o.input)) {
      throw new TypeError('input must be a queue (an AsyncQueue, a Queue or another pool\'s output): something with a .handle');
    }
    input = validateHandle((o.input as QueueSource).handle);
    if (input.ordering !== 'fifo') throw new TypeError(`input must be a FIFO queue (AsyncQueue or Queue), got a ${input.ordering} queue`);
  }

  const services: Record<string, object> = {};
  if (o.services !== undefined) {
    if (typeof o.services !== 'object' || o.services === null || Array.isArray(o.services)) {
      throw new TypeError('services must be an object mapping names to objects, e.g. { logger: console }');
    }
    for (const [name, value] of Object.entries(o.services)) {
      if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
        throw new TypeError(`services.${name} must be an object (its methods are called from handlers), got ${value === null ? 'null' : typeof value}`);
      }
      services[name] = value as object;
    }
  }

  let piscina: PiscinaPassThrough = {};
  if (o.piscina !== undefined) {
    if (typeof o.piscina !== 'object' || o.piscina === null) throw new TypeError(`piscina must be an object of piscina options, got ${typeof o.piscina}`);
    for (const key of RESERVED_PISCINA) {
      if (key in o.piscina) {
        throw new TypeError(`piscina.${key} is set by the pool (one consumer per thread): use the pool's threads/concurrency/maxsize options instead`);
      }
    }
    piscina = o.piscina as PiscinaPassThrough;
  }
  return { worker, threads, concurrency, maxsize, retries, input, services, piscina };
}
