/**
 * Errors the pool itself raises (a handler's own errors are rebuilt as they were thrown).
 * Each has a stable `code`.
 */

/** An item whose worker died while holding it, once the retries are used up. */
export class WorkerDiedError extends Error {
  readonly code = 'ERR_POOL_WORKER_DIED' as const;
  /** How many times the item was handed to a thread. */
  readonly attempts: number;
  constructor(message: string, attempts: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkerDiedError';
    this.attempts = attempts;
  }
}

/** run()/map() after close() or destroy(), or an item still pending when destroy() ran. */
export class PoolClosedError extends Error {
  readonly code: 'ERR_POOL_CLOSED' | 'ERR_POOL_DESTROYED';
  constructor(message: string, code: 'ERR_POOL_CLOSED' | 'ERR_POOL_DESTROYED' = 'ERR_POOL_CLOSED') {
    super(message);
    this.name = 'PoolClosedError';
    this.code = code;
  }
}

/** The handler module could not be loaded in a worker (bad path, syntax error, no default export). */
export class WorkerLoadError extends Error {
  readonly code = 'ERR_POOL_WORKER_LOAD' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkerLoadError';
  }
}
