import { F, S, STATE_BLOCKS, W } from './layout.js';

/**
 * One thread's working copy of a queue's lock-protected state. With the lock held, an
 * operation load()s the committed block, changes these fields, and commit()s: the new
 * values go to the inactive block and ACTIVE (the commit counter) advances with one
 * store. If the operation fails before commit(), the shared state is untouched (the next
 * load() starts over; a priority heap's in-place changes are undone by its begin()).
 */
export class QueueState {
  count = 0;
  unfinished = 0;
  used = 0;
  dataSize = 0;
  head = 0;
  tail = 0;
  nextSeq = 0;
  private readonly f: Float64Array;

  constructor(private readonly h: Int32Array) {
    this.f = new Float64Array(h.buffer);
  }

  /** Reads the committed state. Lock held. */
  load(): void {
    const { h } = this;
    const b = STATE_BLOCKS[h[W.ACTIVE] & 1];
    this.count = h[b + S.COUNT];
    this.unfinished = h[b + S.UNFINISHED];
    this.used = h[b + S.USED_BYTES];
    this.dataSize = h[b + S.DATA_SIZE];
    this.head = h[b + S.HEAD];
    this.tail = h[b + S.TAIL];
    this.nextSeq = this.f[F.NEXT_SEQ];
  }

  /**
   * Publishes this state: writes the inactive block, then advances ACTIVE (the commit
   * point; the store wraps 2**31 to -2**31, and & 1 keeps alternating). Lock held.
   */
  commit(): void {
    const { h } = this;
    const next = (h[W.ACTIVE] + 1) | 0;
    const b = STATE_BLOCKS[next & 1];
    // COUNT and UNFINISHED are read without the lock (qsize, join), hence Atomics.
    Atomics.store(h, b + S.COUNT, this.count);
    Atomics.store(h, b + S.UNFINISHED, this.unfinished);
    h[b + S.USED_BYTES] = this.used;
    h[b + S.DATA_SIZE] = this.dataSize;
    h[b + S.HEAD] = this.head;
    h[b + S.TAIL] = this.tail;
    this.f[F.NEXT_SEQ] = this.nextSeq;
    Atomics.store(h, W.ACTIVE, next);
  }
}

/** A lock-free snapshot of one committed Int32 field (COUNT or UNFINISHED). */
export function readCommitted(h: Int32Array, field: number): number {
  return Atomics.load(h, STATE_BLOCKS[Atomics.load(h, W.ACTIVE) & 1] + field);
}
