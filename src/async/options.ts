import { checkTimeout } from '../queue/core.js';
import { checkOptionsObject } from '../queue/options.js';
import type { WaitLimits } from './waiter.js';
import { argTypeError } from '../errors.js';

/** Options of the async put/get/putMany/getMany. */
export interface AsyncWaitOptions {
  /** Gives up when aborted: the call rejects with `signal.reason` and changes nothing. */
  signal?: AbortSignal;
  /** Milliseconds to wait at most; then QueueEmpty (gets) or QueueFull (puts). 0: try once. */
  timeout?: number;
}
export type AsyncPutOptions = AsyncWaitOptions;
export type AsyncGetOptions = AsyncWaitOptions;

/** Options of the async join(). */
export interface AsyncJoinOptions {
  signal?: AbortSignal;
  /** Milliseconds to wait at most; then a DOMException named 'TimeoutError'. */
  timeout?: number;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  if (value instanceof AbortSignal) return true;
  // An AbortSignal from another realm (vm context) passes this duck-typed test.
  const v = value as Partial<AbortSignal> | null;
  return typeof v === 'object' && v !== null && typeof v.aborted === 'boolean'
    && typeof v.addEventListener === 'function' && typeof v.removeEventListener === 'function';
}

/** An optional AbortSignal option: undefined, or a signal (TypeError ERR_INVALID_ARG_TYPE otherwise). */
export function checkSignal(value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!isAbortSignal(value)) {
    throw argTypeError(`signal must be an AbortSignal (e.g. new AbortController().signal or AbortSignal.timeout(ms)), got ${value === null ? 'null' : typeof value}`);
  }
  return value;
}

/** No signal, no timeout: what a call without options waits with (shared; never modified). */
export const NO_LIMITS: Readonly<WaitLimits> = Object.freeze({ signal: undefined, timeout: undefined });

/** Validates { signal, timeout } the way the sync view validates its options. */
export function parseWaitOptions(options: unknown): WaitLimits {
  if (options === undefined) return NO_LIMITS;
  const o = checkOptionsObject(options, 'options');
  return { signal: checkSignal(o.signal), timeout: checkTimeout(o.timeout) };
}
