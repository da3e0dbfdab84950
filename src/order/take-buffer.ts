/**
 * Where a take (QueueCore.takeSome, through an ordering's pop) copies records: small ones packed into a thread-local scratch buffer
 * (no allocation per item; the view decodes straight from it), large ones into arrays
 * of their own (one copy of a 64 MiB item, not two).
 */
export class TakeBuffer {
  scratch = new Uint8Array(16 * 1024);
  n = 0;
  readonly starts: number[] = [];
  readonly lengths: number[] = [];
  readonly priorities: number[] = [];
  readonly owned: (Uint8Array | undefined)[] = [];

  /** The bytes of record i: a view of scratch (valid until the next take) or an owned array. */
  bytes(i: number): Uint8Array {
    return this.owned[i] ?? this.scratch.subarray(this.starts[i], this.starts[i] + this.lengths[i]);
  }

  /** A private copy of record i (for codecs that may keep a view of their input). */
  ownBytes(i: number): Uint8Array {
    return this.owned[i] ?? this.scratch.slice(this.starts[i], this.starts[i] + this.lengths[i]);
  }

  /** Drops references to large arrays and a scratch buffer that grew large. */
  release(): void {
    for (let i = 0; i < this.n; i++) this.owned[i] = undefined;
    if (this.scratch.length > 1024 * 1024) this.scratch = new Uint8Array(16 * 1024);
    this.n = 0;
  }
}
