/**
 * An ordering decides where an item's bytes live and which item comes out next.
 * The queue core (src/queue/core.ts) calls every method with the lock held, after
 * it has checked shutdown, maxsize and the capacity bound; an ordering only moves
 * bytes and keeps its own words (HEAD, TAIL, DATA_SIZE, USED_BYTES) consistent.
 */
export interface OrderingStore {
  /** Bytes a record with `payloadBytes` of item takes from the capacity. */
  recordBytes(payloadBytes: number): number;
  /** Inserts one record. The core guarantees USED_BYTES + recordBytes(len) <= capacity. */
  push(payload: Uint8Array, priority: number): void;
  /** Payload length of the next record (COUNT > 0 guaranteed). Throws QueueCorruptError on a bad length. */
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
