/**
 * One pending async call (a get, put or join that could not finish at once), and the
 * FIFO list of such calls per condition: the analog of asyncio.Queue's `_getters` /
 * `_putters` deques of futures.
 *
 * A waiter does not retry by itself: its condition (src/async/condition.ts) calls
 * `attempt()` on the first waiter whenever the state may have changed, so waiters are
 * served strictly in the order they started waiting, and a waiter that gives up
 * (abort, timeout) is simply unlinked: nothing was taken or inserted on its behalf.
 */

/** Timer delays above this are not representable by setTimeout (it would fire at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface WaitLimits {
  signal: AbortSignal | undefined;
  /** Milliseconds; undefined for no limit. */
  timeout: number | undefined;
}

/** A waiter as its list sees it, whatever it resolves with. */
export interface Queued {
  prev: Queued | null;
  next: Queued | null;
  inList: boolean;
  /** Tries the operation once: true when finished (resolved or rejected), false to keep waiting. */
  serve(): boolean;
}

/** What a waiter's list must do when the waiter gives up (see Condition.remove). */
export interface WaiterOwner {
  remove(waiter: Queued): void;
}

export class Waiter<R> implements Queued {
  /** Links of the intrusive list the waiter is in (null when not in a list). */
  prev: Queued | null = null;
  next: Queued | null = null;
  inList = false;
  /** True once resolved or rejected: later attempts, aborts and timeouts do nothing. */
  settled = false;
  readonly promise: Promise<R>;
  private resolveFn!: (value: R) => void;
  private rejectFn!: (reason: unknown) => void;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private signal: AbortSignal | undefined;
  private onAbort: (() => void) | undefined;

  /**
   * `attempt` tries the operation once for this waiter: it returns true when the waiter
   * is finished (it called resolve or reject), false when it must keep waiting.
   */
  constructor(private readonly attempt: (self: Waiter<R>) => boolean) {
    this.promise = new Promise<R>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
  }

  /**
   * Starts the give-up triggers: the signal's abort and the timeout. Either one unlinks
   * the waiter from `owner` and rejects (with signal.reason, or with `timeoutError()`).
   */
  limit(limits: WaitLimits, owner: WaiterOwner, timeoutError: () => Error): void {
    const { signal, timeout } = limits;
    if (signal !== undefined) {
      this.signal = signal;
      this.onAbort = () => this.giveUp(owner, signal.reason);
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    if (timeout !== undefined && timeout <= MAX_TIMER_MS) {
      this.timer = setTimeout(() => this.giveUp(owner, timeoutError()), timeout);
    }
  }

  serve(): boolean {
    return this.attempt(this);
  }

  resolve(value: R): void {
    if (this.settled) return;
    this.finish();
    this.resolveFn(value);
  }

  reject(reason: unknown): void {
    if (this.settled) return;
    this.finish();
    this.rejectFn(reason);
  }

  private giveUp(owner: WaiterOwner, reason: unknown): void {
    if (this.settled) return;
    if (this.inList) owner.remove(this);
    this.reject(reason);
  }

  private finish(): void {
    this.settled = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.signal !== undefined) this.signal.removeEventListener('abort', this.onAbort as () => void);
    this.timer = undefined;
    this.signal = undefined;
    this.onAbort = undefined;
  }
}

/** A doubly linked FIFO of waiters: O(1) append, take-first and unlink-anywhere (for aborts). */
export class WaiterList {
  head: Queued | null = null;
  tail: Queued | null = null;
  length = 0;

  push(w: Queued): void {
    w.prev = this.tail;
    w.next = null;
    if (this.tail === null) this.head = w;
    else this.tail.next = w;
    this.tail = w;
    w.inList = true;
    this.length++;
  }

  /** Unlinks `w` (which must be in this list); returns whether it was the first. */
  unlink(w: Queued): boolean {
    const wasHead = this.head === w;
    if (w.prev === null) this.head = w.next;
    else w.prev.next = w.next;
    if (w.next === null) this.tail = w.prev;
    else w.next.prev = w.prev;
    w.prev = w.next = null;
    w.inList = false;
    this.length--;
    return wasHead;
  }
}
