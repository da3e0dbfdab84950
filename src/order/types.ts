/**
 * An ordering decides where an item's bytes live and which item comes out next.
 * The queue core (src/queue/core.ts) calls every method with the lock held and the
 * committed state loaded into a QueueState, after it has checked shutdown, maxsize and
 * the capacity bound. An ordering changes only that QueueState (committed by the core
 * afterwards) and data bytes the committed state does not look at, so a thread killed
 * mid-operation leaves the queue as it was (see src/shared/layout.ts). COUNT is kept
 * by the core: `s.count` is the number of records before the call.
 */
export interface OrderingStore {
  /** Bytes a record with `payloadBytes` of item takes from the capacity. */
  recordBytes(payloadBytes: number): number;
  /** Inserts one record. The core guarantees s.used + recordBytes(len) <= capacity. */
  push(payload: Uint8Array, priority: number): void;
  /** Payload length of the next record (s.count > 0). Throws QueueCorruptError on a bad length. */
  peekLength(): number;
  /**
   * Removes the next record and copies its payload to `out` at `at`. Returns the payload
   * length; a priority ordering leaves the record's priority in `lastPriority`.
   */
  pop(out: Uint8Array, at: number): number;
  lastPriority: number;
  /** Drops every record (shutdown(immediate)). */
  clear(): void;
}
