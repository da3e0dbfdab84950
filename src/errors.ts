/**
 * Public error classes. Each has a stable `code` so callers can branch without
 * `instanceof` across realms or bundles (e.g. an error re-created on another thread).
 */

/** Raised by a non-blocking or timed `get` when no item is available (Python: `queue.Empty`). */
export class QueueEmpty extends Error {
  readonly code = 'ERR_QUEUE_EMPTY' as const;
  constructor(message = 'the queue is empty') {
    super(message);
    this.name = 'QueueEmpty';
  }
}

/** Raised by a non-blocking or timed `put` when the queue has no room (Python: `queue.Full`). */
export class QueueFull extends Error {
  readonly code = 'ERR_QUEUE_FULL' as const;
  /** For `putMany`: how many items of the batch were inserted before the queue stayed full. */
  inserted = 0;
  constructor(message = 'the queue is full') {
    super(message);
    this.name = 'QueueFull';
  }
}

/** Raised by `put` after `shutdown()`, and by `get` once a shut-down queue is drained (Python: `queue.ShutDown`). */
export class QueueShutDown extends Error {
  readonly code = 'ERR_QUEUE_SHUT_DOWN' as const;
  /** For `putMany`: how many items of the batch were inserted before the shutdown was seen. */
  inserted = 0;
  constructor(message = 'the queue has been shut down') {
    super(message);
    this.name = 'QueueShutDown';
  }
}

/** Sets how many items of a batch went in before a putMany stopped with this error. */
export function withInserted<E extends QueueFull | QueueShutDown>(error: E, inserted: number): E {
  error.inserted = inserted;
  return error;
}

/** A value the queue's codec cannot encode (or bytes it cannot decode). The queue is unchanged. */
export class QueueCodecError extends TypeError {
  readonly code = 'ERR_QUEUE_CODEC' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueueCodecError';
  }
}

/** A handle that is not a conveyor queue handle, or one from an incompatible layout version. */
export class QueueHandleError extends TypeError {
  readonly code = 'ERR_QUEUE_HANDLE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'QueueHandleError';
  }
}

/** Shared memory that fails a consistency check (e.g. a record length outside the buffer). */
export class QueueCorruptError extends Error {
  readonly code = 'ERR_QUEUE_CORRUPT' as const;
  constructor(message: string) {
    super(message);
    this.name = 'QueueCorruptError';
  }
}

/**
 * The main thread gave up waiting for a queue's lock: another thread has held it far longer
 * than any queue operation takes, so it has almost surely died inside one. The main thread
 * must get back to its event loop to receive that thread's 'exit' event and call
 * recoverThread(); until then this call changed nothing and may be retried.
 */
export class QueueLockedError extends Error {
  readonly code = 'ERR_QUEUE_LOCKED' as const;
  constructor(readonly holderThreadId: number, waitedMs: number) {
    super(`the queue's lock has been held by thread ${holderThreadId} for ${Math.round(waitedMs)} ms: if that thread was terminated, call queue.recoverThread(${holderThreadId}) from its 'exit' handler (WorkerPool does this); nothing was changed, retry after that`);
    this.name = 'QueueLockedError';
  }
}

/** The exact message CPython uses, kept so ported code and docs read the same. */
const TASK_DONE_TOO_MANY = 'taskDone() called too many times';

/** Python's ValueError from task_done(), as a RangeError with a stable code. */
export function taskDoneTooManyError(): RangeError {
  return Object.assign(new RangeError(TASK_DONE_TOO_MANY), { code: 'ERR_TASK_DONE_TOO_MANY' as const });
}
export const NEGATIVE_TIMEOUT = "'timeout' must be a non-negative number";

/**
 * A wrong argument or option: TypeError (wrong type) or RangeError (outside the accepted
 * range) with Node's own codes, so that callers can test `err.code` as they do for Node's APIs.
 * The message names the argument and what it accepts.
 */
export function argTypeError(message: string): TypeError & { code: 'ERR_INVALID_ARG_TYPE' } {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_TYPE' as const });
}

export function argRangeError(message: string): RangeError & { code: 'ERR_OUT_OF_RANGE' } {
  return Object.assign(new RangeError(message), { code: 'ERR_OUT_OF_RANGE' as const });
}
