import type { TakeBuffer } from './take-buffer.js';
/**
 * An ordering decides where an item's bytes live and which item comes out next.
 * The queue core (src/queue/core.ts) calls every method with the lock held and the
 * committed state loaded into a QueueState, after it has checked shutdown, maxsize and
 * the capacity bound. An ordering changes that QueueState (committed by the core
 * afterwards) and data bytes the committed state does not look at, so a thread killed
 * mid-operation leaves the queue as it was (see src/shared/layout.ts). The priority heap
 * also changes memory the committed state looks at, and makes that safe with begin() and
 * afterCommit() (src/order/priority.ts). COUNT is kept by the core: `s.count` is the
 * number of records before the call.
 *
 * Every locked operation that commits is: s.load(), begin(), changes, s.commit(),
 * afterCommit(). If it throws before afterCommit(), afterCommit() is not called.
 */
export interface OrderingStore {
  /**
   * Called right after s.load(), before anything else, by every operation that may commit.
   * Priority: rebuilds the heap if the last lock holder died mid-operation (throws
   * QueueCorruptError if that cannot be done). FIFO and LIFO: nothing.
   */
  begin(): void;
  /** Called right after a successful s.commit(). Priority: finishes the operation's in-place changes. */
  afterCommit(): void;
  /** Bytes a record with `payloadBytes` of item takes from the capacity. */
  recordBytes(payloadBytes: number): number;
  /** Inserts one record. The core guarantees s.used + recordBytes(len) <= capacity. */
  push(payload: Uint8Array, priority: number): void;
  /** Payload length of the next record (s.count > 0). Throws QueueCorruptError on a bad length. */
  peekLength(): number;
  /**
   * Removes the next record and copies its payload (`len` bytes: what peekLength() returned
   * just before, in the same lock hold, which also synced the views and checked the record)
   * to `out` at `at`. A priority ordering leaves the record's priority in `lastPriority`.
   */
  pop(out: Uint8Array, at: number, len: number): void;
  lastPriority: number;
  /**
   * Optional: removes up to `max` records from the front, stopping before one whose payload is
   * longer than `maxLen`, and copies them into `out.scratch` from offset 0 in one or two
   * copies (record headers included), setting out.starts/lengths/priorities/owned for each.
   * Returns how many (s.count is the core's to lower). Same checks as peekLength/pop.
   */
  takeRun?(max: number, maxLen: number, out: TakeBuffer): number;
  /** Drops every record (shutdown(immediate)); begin() is not called first. */
  clear(): void;
}
