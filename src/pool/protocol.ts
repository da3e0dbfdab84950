import type { MessagePort } from 'node:worker_threads';
import type { QueueHandle } from '../shared/handle.js';

/**
 * The one long task a pool gives each thread (through piscina.run). Everything in it is
 * structured-cloneable; the two ports are transferred.
 */
export interface ConsumerTask {
  /** file: URL of the user's handler module (its default export is the handler). */
  readonly handler: string;
  readonly input: QueueHandle;
  /** True when the input holds envelopes (a pool's own input or another pool's output). */
  readonly inputEnveloped: boolean;
  readonly output: QueueHandle;
  /** The pool's control words and per-thread regions (src/pool/slots.ts). */
  readonly memory: SharedArrayBuffer;
  /** The thread index: which region this consumer writes. Stable across worker replacements. */
  readonly region: number;
  readonly slots: number;
  readonly threads: number;
  readonly concurrency: number;
  /** Most items per take (a take is also limited to `slots` records). */
  readonly maxBatch: number;
  /** comlink: the main thread exposes the `services` object on the other end. */
  readonly servicesPort: MessagePort;
  /** comlink: the consumer exposes its ConsumerControl on this end. */
  readonly controlPort: MessagePort;
}

/** What a consumer answers over comlink (main thread -> worker control calls). */
export interface ConsumerControl {
  /** Fires ctx.signal in the worker (destroy). */
  abort(reason: string): void;
  /** Live facts only the worker knows. */
  info(): ThreadInfo;
}

export interface ThreadInfo {
  threadIndex: number;
  threadId: number;
  heapUsed: number;
  /** Whether the handler module was loaded and the loop is running. */
  running: boolean;
}

/** How a consumer task ended when it ended normally. */
export type ConsumerEnd = 'drained' | 'stopped';

/** The second argument of a handler: `export default function (item, ctx: HandlerContext) { ... }`. */
export interface HandlerContext {
  /** 0 .. threads-1; a replacement thread keeps the index of the one it replaces. */
  readonly threadIndex: number;
  /** Fires when the pool is destroyed: stop long work early. */
  readonly signal: AbortSignal;
  /** The pool's `services`, as comlink proxies: every method call returns a promise. */
  readonly services: Record<string, unknown>;
}
