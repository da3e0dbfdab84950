import { isMainThread } from 'node:worker_threads';
import { WaiterList, type Queued, type WaiterOwner } from './waiter.js';

/**
 * A pending Atomics.waitAsync does not keep a thread alive. On the main thread that is what
 * we want (a get nothing will satisfy does not hold the process open), but in a worker the
 * item usually comes from another thread: while a condition of a worker has waiters, a timer
 * that never fires keeps the worker's event loop running.
 */
const KEEP_ALIVE_MS = 2 ** 30;
const noop = (): void => {};

/**
 * How a condition sleeps on shared memory: the condition sequence word and the count of
 * registered sleepers in the queue header (src/shared/layout.ts), and `holds()`, a cheap
 * test of whether the condition is true right now (used to pass on a wake-up, below).
 */
export interface SharedWord {
  h: Int32Array;
  word: number;
  waitingWord: number;
  holds: () => boolean;
}

/**
 * The waiters of one thread on one condition (not empty, not full, all done), served in
 * FIFO order: CPython's `_getters` deque plus `_wakeup_next`, and for a shared queue the
 * futex protocol of src/queue/core.ts done with Atomics.waitAsync.
 *
 * Serving: `serve()` tries the first waiter's operation, again and again while they
 * finish, until one cannot (then it waits) or the list is empty. It runs from a microtask
 * after a state change made in this thread (`kick()`), and when the pending waitAsync
 * resolves (another thread changed state). A waiter is thus never "woken but not yet
 * run": it is served (item taken, promise resolved) or still waiting, so a waiter that
 * gives up never holds a wake-up another one needed. LocalQueue uses the same class with
 * `shared` null: there every state change happens in this thread and kicks.
 *
 * Shared waiting, with at most ONE pending Atomics.waitAsync per condition however many
 * local waiters there are:
 * - `registered`: this condition counts 1 in the header's *_WAITING word. It registers
 *   before it waits and unregisters as soon as its list is empty (the last waiter was
 *   served or gave up), so an idle thread never makes notifiers call Atomics.notify.
 *   Each registration is matched by exactly one Atomics.sub.
 * - `armed`: a waitAsync is pending. There is no way to cancel one, so when the list
 *   empties the pending wait stays (unregistered) and is reused by the next waiter. While
 *   registered, every state change after our last failed attempt notifies, and the
 *   pending wait is in the notify list, so reusing it only needs the check waitAsync
 *   itself would make: after registering, the word is read again and compared with the
 *   value read before the failed attempt; if it moved, retry at once instead of waiting.
 *   A stale pending wait keeps the queue's header alive until the next notify on its
 *   word (a shutdown notifies every word): one per condition per thread at most.
 * - An unregistered pending wait can still be picked by an Atomics.notify(word, 1) meant
 *   for a registered sleeper of another thread. When such a wake-up arrives and nobody
 *   here needs it, it is passed on (notify 1) if the condition holds and someone else is
 *   registered, so no item (or free slot) stays unclaimed while another thread sleeps.
 *
 * A pending waitAsync does not keep a Node.js process alive (checked on Node 20): a get()
 * that nothing will ever satisfy behaves like any other forever-pending promise.
 */
export class Condition implements WaiterOwner {
  private readonly list = new WaiterList();
  private scheduled = false;
  private registered = false;
  private armed = false;
  private keepAlive: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly shared: SharedWord | null) {}

  /** Local waiters (for diagnostics and tests). */
  get waiting(): number {
    return this.list.length;
  }

  /**
   * Adds a waiter. `seq` is the condition word read before the caller's own failed
   * attempt (any number for a local queue), or undefined when the caller did not try
   * (there were waiters ahead of it): then a serve pass is scheduled.
   */
  add(waiter: Queued, seq: number | undefined): void {
    const first = this.list.head === null;
    this.list.push(waiter);
    if (!first || seq === undefined) this.kick();
    else if (this.shared !== null && !this.block(seq)) this.kick();
  }

  /** Unlinks a waiter that gave up. If it was first, the next one gets its turn. */
  remove(waiter: Queued): void {
    const wasHead = this.list.unlink(waiter);
    if (this.list.head === null) this.idle();
    else if (wasHead) this.kick();
  }

  /** Schedules a serve pass (after a state change made in this thread). */
  kick(): void {
    if (this.scheduled || this.list.head === null) return;
    this.scheduled = true;
    queueMicrotask(this.serve);
  }

  /** Serves waiters in order until one must wait; waits (shared) or stops (local) then. */
  private readonly serve = (): void => {
    this.scheduled = false;
    const shared = this.shared;
    for (;;) {
      const w = this.list.head;
      if (w === null) {
        this.idle();
        return;
      }
      const seq = shared === null ? 0 : Atomics.load(shared.h, shared.word);
      if (w.serve()) {
        if (w.inList) this.list.unlink(w);
        continue;
      }
      if (shared === null || this.block(seq)) return;
    }
  };

  /**
   * Makes sure a wake-up will come once the word moves from `seq`. Returns false when it
   * has already moved (the caller retries at once).
   */
  private block(seq: number): boolean {
    const s = this.shared as SharedWord;
    if (!this.registered) {
      Atomics.add(s.h, s.waitingWord, 1);
      this.registered = true;
      if (!isMainThread) this.keepAlive = setInterval(noop, KEEP_ALIVE_MS);
    }
    if (this.armed) return Atomics.load(s.h, s.word) === seq;
    const result = Atomics.waitAsync(s.h, s.word, seq);
    if (!result.async) return false;
    this.armed = true;
    void result.value.then(this.onWake);
    return true;
  }

  private readonly onWake = (outcome: string): void => {
    this.armed = false;
    if (this.list.head !== null) {
      this.serve();
      return;
    }
    // Nobody here needed this wake-up (we were not registered when it came, or the list
    // emptied since): hand it to another sleeper if there is something for it.
    const s = this.shared as SharedWord;
    if (outcome === 'ok' && s.holds() && Atomics.load(s.h, s.waitingWord) > 0) Atomics.notify(s.h, s.word, 1);
  };

  private idle(): void {
    if (!this.registered) return;
    const s = this.shared as SharedWord;
    Atomics.sub(s.h, s.waitingWord, 1);
    this.registered = false;
    if (this.keepAlive !== undefined) clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }
}
