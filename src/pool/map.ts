import type { Dispatcher, Settle } from './dispatcher.js';
import { argTypeError } from '../errors.js';

export interface MapOptions {
  /** Yield results in input order (default true), or as soon as each is done. */
  ordered?: boolean;
  /**
   * Stops the map when aborted: the loop throws `signal.reason` at its next step, the source is
   * read no further, and the results of items already sent are ignored. Items a thread has
   * already taken still run to the end (ctx.signal fires only on destroy()).
   */
  signal?: AbortSignal;
}

/** Most items taken from a sync source per put (one lock acquisition, at most one wake-up). */
const CHUNK = 1024;

type AnyIterator = Iterator<unknown> | AsyncIterator<unknown>;

function iteratorOf(source: unknown): { it: AnyIterator; sync: boolean } {
  if ((source !== null && typeof source === 'object') || typeof source === 'function') {
    const s = source as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
    const asyncIt = s[Symbol.asyncIterator];
    if (typeof asyncIt === 'function') return { it: asyncIt.call(s), sync: false };
    const syncIt = s[Symbol.iterator];
    if (typeof syncIt === 'function') return { it: syncIt.call(s), sync: true };
  }
  throw argTypeError(`map() source must be an Iterable or an AsyncIterable, got ${source === null ? 'null' : typeof source}`);
}

/** Slot states of the result ring. */
const EMPTY = 0;
const OK = 1;
const FAILED = 2;

/**
 * Runs every item of `source` through the chain and yields the results: in input order
 * (a reorder buffer) or in completion order. At most `window` items are between "read
 * from the source" and "yielded" at any time, so memory is bounded however long the source
 * is; the input queue's bound adds backpressure on top. Results wait in a ring of `window`
 * slots: ordered, item k's result goes to slot k % window (no two live items share a slot);
 * unordered, results are appended in arrival order. A failed item throws at its place in
 * the output; leaving the loop early stops reading the source, and the results of items
 * already sent are dropped when they arrive.
 */
export async function* mapThrough(
  dispatcher: Dispatcher,
  source: unknown,
  ordered: boolean,
  window: number,
  gate: () => Error | null,
  signal?: AbortSignal,
): AsyncGenerator<unknown, void, undefined> {
  if (signal?.aborted) throw signal.reason;
  const { it, sync } = iteratorOf(source);
  // The source is read again only when this much room is free: big puts, few wake-ups.
  const refill = Math.max(1, Math.min(CHUNK, Math.floor(window / 4)));
  const state = new Uint8Array(window);
  const values: unknown[] = new Array<unknown>(window).fill(undefined);
  let arrivedTail = 0; // unordered: next slot to fill
  let arrivedHead = 0; // unordered: next slot to yield
  let submitted = 0;
  let yielded = 0;
  let feederDone = false;
  let sourceError: { error: unknown } | null = null;
  let stop = false;
  let wakeConsumer: (() => void) | null = null;
  let wakeFeeder: (() => void) | null = null;
  const notifyConsumer = (): void => {
    const w = wakeConsumer;
    wakeConsumer = null;
    w?.();
  };
  const notifyFeeder = (): void => {
    const w = wakeFeeder;
    wakeFeeder = null;
    w?.();
  };
  /** Ids of the chunks not yet fully yielded, oldest first: forgotten if the loop ends early. */
  const chunks: { end: number; ids: number[] }[] = [];

  const settle: Settle = (ok, value, index) => {
    const slot = ordered ? index % window : arrivedTail++ % window;
    state[slot] = ok ? OK : FAILED;
    values[slot] = value;
    notifyConsumer();
  };

  const feed = async (): Promise<void> => {
    let exhausted = false;
    try {
      while (!stop) {
        while (!stop && submitted - yielded > window - refill) await new Promise<void>((r) => (wakeFeeder = r));
        if (stop) break;
        const closed = gate();
        if (closed) throw closed;
        const room = Math.min(CHUNK, window - (submitted - yielded));
        const chunk: unknown[] = [];
        let broke: { error: unknown } | null = null;
        if (sync) {
          try {
            while (chunk.length < room) {
              const r = (it as Iterator<unknown>).next();
              if (r.done) {
                exhausted = true;
                break;
              }
              chunk.push(r.value);
            }
          } catch (error) {
            // The items read before the source threw still run and are yielded first.
            broke = { error };
            exhausted = true;
          }
        } else {
          const r = await it.next();
          if (r.done) exhausted = true;
          else chunk.push(r.value);
        }
        if (chunk.length > 0 && !stop) {
          const base = submitted;
          submitted += chunk.length;
          const { ids, queued } = dispatcher.submit(chunk, settle, base);
          if (ids.length > 0) chunks.push({ end: submitted, ids });
          await queued;
        }
        if (broke) throw broke.error;
        if (exhausted) break;
      }
    } catch (error) {
      sourceError = { error };
    } finally {
      feederDone = true;
      if (!exhausted) {
        try {
          void it.return?.();
        } catch {
          // a source whose return() throws: nothing more to do with it
        }
      }
      notifyConsumer();
    }
  };

  let aborted: { reason: unknown } | null = null;
  const onAbort = (): void => {
    aborted = { reason: signal?.reason };
    stop = true;
    notifyFeeder();
    notifyConsumer();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const feeding = feed();
  try {
    for (;;) {
      if (aborted) throw (aborted as { reason: unknown }).reason;
      const slot = ordered ? yielded % window : arrivedHead % window;
      const s = ordered || arrivedHead < arrivedTail ? state[slot] : EMPTY;
      if (s !== EMPTY) {
        const value = values[slot];
        state[slot] = EMPTY;
        values[slot] = undefined;
        if (!ordered) arrivedHead++;
        yielded++;
        while (chunks.length > 0 && chunks[0].end <= yielded) chunks.shift();
        if (submitted - yielded <= window - refill) notifyFeeder();
        if (s === FAILED) throw value;
        yield value;
        continue;
      }
      if (feederDone && yielded === submitted) {
        if (sourceError) throw (sourceError as { error: unknown }).error;
        return;
      }
      await new Promise<void>((r) => (wakeConsumer = r));
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stop = true;
    notifyFeeder();
    for (const chunk of chunks) dispatcher.forget(chunk.ids);
    // A sync source is closed (its return() called) before the loop that broke goes on; an
    // async source may be stuck in next(), so it is closed whenever that settles.
    if (sync) await feeding;
  }
}
