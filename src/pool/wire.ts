/**
 * What travels on a pool's queues. Every record on a pool-managed queue is an envelope
 *   [id, OK, item]             one item (or one result)
 *   [id, FAILED, error]        one failed item: payload is a SerializedError
 *   [id, BATCH, values, st]    items id, id+1, ... id+values.length-1 in one record; `st` is
 *                              null when all are OK, else per item OK/FAILED (FAILED: the value
 *                              is a SerializedError)
 * - id: a number the main thread gave the item (positive), so a result finds its caller; items
 *   read from a plain queue that no pool feeds get a negative id made up by the worker.
 * - BATCH records carry a run of consecutive ids: one lock, one codec call and one wake-up per
 *   up to 64 items instead of per item, which is what makes fine-grained items cheap.
 * The same envelope is the input of one stage and the output of the previous one, so ids
 * survive a whole pipeline and a failure passes through later stages untouched. Envelopes are
 * plain arrays, so the default codec packs them with msgpack unless an item needs v8.
 */
export const OK = 0;
export const FAILED = 1;
export const BATCH = 2;

export type Envelope =
  | [id: number, status: typeof OK | typeof FAILED, payload: unknown]
  | [id: number, status: typeof BATCH, values: unknown[], statuses: number[] | null];

/** Number of items in a record. */
export function itemCount(env: Envelope): number {
  return env[1] === BATCH ? env[2].length : 1;
}

/** An error as it crosses threads: enough to rebuild name, message, stack, code and cause. */
export interface SerializedError {
  readonly $error: true;
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
  cause?: unknown;
  /** Set when the handler threw something that is not an Error (a string, a number...). */
  thrown?: unknown;
  /** Other own enumerable properties that survive cloning. */
  props?: Record<string, unknown>;
}

const MAX_CAUSE_DEPTH = 8;

function isCloneablePlain(value: unknown): boolean {
  const t = typeof value;
  return value === null || t === 'string' || t === 'number' || t === 'boolean' || t === 'undefined';
}

/** Turns anything a handler threw into plain data (never throws itself). */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) {
    return { $error: true, name: 'Error', message: safeString(error), thrown: isCloneablePlain(error) ? error : safeString(error) };
  }
  const out: SerializedError = { $error: true, name: safeString(error.name), message: safeString(error.message) };
  if (typeof error.stack === 'string') out.stack = error.stack;
  const code = (error as { code?: unknown }).code;
  if (code !== undefined && isCloneablePlain(code)) out.code = code;
  if ('cause' in error) {
    const cause = error.cause;
    if (cause instanceof Error && depth < MAX_CAUSE_DEPTH) out.cause = serializeError(cause, depth + 1);
    else if (isCloneablePlain(cause)) out.cause = cause;
    else out.cause = safeString(cause);
  }
  for (const key of Object.keys(error)) {
    if (key === 'code' || key === 'cause' || key === 'name' || key === 'message' || key === 'stack') continue;
    const v = (error as unknown as Record<string, unknown>)[key];
    if (isCloneablePlain(v)) (out.props ??= {})[key] = v;
  }
  return out;
}

const CONSTRUCTORS: Record<string, ErrorConstructor> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
};

function isSerializedError(value: unknown): value is SerializedError {
  return typeof value === 'object' && value !== null && (value as { $error?: unknown }).$error === true;
}

/** Rebuilds an Error on this side: same name, message, stack (the worker's), code, cause. */
export function deserializeError(data: unknown): unknown {
  if (!isSerializedError(data)) return data;
  if (data.thrown !== undefined) return data.thrown;
  const Ctor = CONSTRUCTORS[data.name] ?? Error;
  const error = new Ctor(data.message);
  if (error.name !== data.name) {
    Object.defineProperty(error, 'name', { value: data.name, writable: true, configurable: true, enumerable: false });
  }
  if (data.stack !== undefined) {
    Object.defineProperty(error, 'stack', { value: data.stack, writable: true, configurable: true, enumerable: false });
  }
  if (data.code !== undefined) (error as Error & { code?: unknown }).code = data.code;
  if ('cause' in data) {
    Object.defineProperty(error, 'cause', { value: deserializeError(data.cause), writable: true, configurable: true, enumerable: false });
  }
  if (data.props) Object.assign(error, data.props);
  return error;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
