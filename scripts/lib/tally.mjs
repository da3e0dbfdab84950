// Exactly-once bookkeeping shared by the reliability scripts' producers and consumers.
//
// Item values are numbers `producer * STRIDE + i` (i = 0, 1, ... in the producer's put
// order). Every consumer marks the item's bit in one shared bitmap with Atomics.or, so a
// duplicate is caught at the instant the second copy arrives (the bit was already set),
// and a lost item shows as a clear bit at the end: an exact check, not a checksum.
// Consumers also keep count, sum and an XOR of a hash of each value (order-independent)
// and check per-producer FIFO order (each consumer sees a producer's items in increasing i).

/** i < STRIDE: up to 16.7 M items per producer, up to 127 producers in an int32-safe value. */
export const STRIDE = 2 ** 24;

export function itemValue(producer, i) {
  return producer * STRIDE + i;
}

/** A 32-bit mix of a value (order-independent XOR checksum; catches swaps a sum misses). */
export function mix(v) {
  let x = Math.imul(v ^ (v >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** The shared part: one bit per item, laid out producer after producer. */
export function makeBitmap(perProducer) {
  const total = perProducer.reduce((a, b) => a + b, 0);
  const offsets = [];
  let at = 0;
  for (const n of perProducer) {
    offsets.push(at);
    at += n;
  }
  return { bits: new SharedArrayBuffer(Math.ceil(total / 32) * 4 + 4), offsets, perProducer, total };
}

/** What one consumer saw. */
export class Tally {
  constructor(bitmap, checkOrder = true) {
    this.bits = new Int32Array(bitmap.bits);
    this.offsets = bitmap.offsets;
    this.perProducer = bitmap.perProducer;
    this.checkOrder = checkOrder;
    this.last = new Array(bitmap.perProducer.length).fill(-1);
    this.count = 0;
    this.sum = 0;
    this.xor = 0;
    this.duplicates = 0;
    this.foreign = 0;
    this.orderViolations = 0;
  }

  see(v) {
    this.count++;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      this.foreign++;
      return;
    }
    const p = Math.floor(v / STRIDE);
    const i = v - p * STRIDE;
    if (p >= this.perProducer.length || i >= this.perProducer[p]) {
      this.foreign++;
      return;
    }
    this.sum += v;
    this.xor = (this.xor ^ mix(v)) >>> 0;
    const bit = this.offsets[p] + i;
    const mask = 1 << (bit & 31);
    if ((Atomics.or(this.bits, bit >>> 5, mask) & mask) !== 0) this.duplicates++;
    if (this.checkOrder) {
      if (i <= this.last[p]) this.orderViolations++;
      this.last[p] = i;
    }
  }

  result() {
    const { count, sum, xor, duplicates, foreign, orderViolations } = this;
    return { count, sum, xor, duplicates, foreign, orderViolations };
  }
}

/** Expected count, sum and XOR for the whole run. */
export function expected(perProducer) {
  let count = 0;
  let sum = 0;
  let xor = 0;
  perProducer.forEach((n, p) => {
    count += n;
    sum += p * STRIDE * n + (n * (n - 1)) / 2;
    for (let i = 0; i < n; i++) xor = (xor ^ mix(itemValue(p, i))) >>> 0;
  });
  return { count, sum, xor };
}

/** Items whose bit is clear (lost), counted over the whole bitmap. */
export function missing(bitmap) {
  const bits = new Int32Array(bitmap.bits);
  let lost = 0;
  for (let b = 0; b < bitmap.total; b++) if ((bits[b >>> 5] & (1 << (b & 31))) === 0) lost++;
  return lost;
}

/** Adds up consumer results and compares them with what was put. Returns { ok, problems, ... }. */
export function verify(bitmap, results) {
  const want = expected(bitmap.perProducer);
  const got = { count: 0, sum: 0, xor: 0, duplicates: 0, foreign: 0, orderViolations: 0 };
  for (const r of results) {
    got.count += r.count;
    got.sum += r.sum;
    got.xor = (got.xor ^ r.xor) >>> 0;
    got.duplicates += r.duplicates;
    got.foreign += r.foreign;
    got.orderViolations += r.orderViolations;
  }
  const lost = missing(bitmap);
  const problems = [];
  if (got.count !== want.count) problems.push(`count ${got.count}, expected ${want.count}`);
  if (got.sum !== want.sum) problems.push(`sum ${got.sum}, expected ${want.sum}`);
  if (got.xor !== want.xor) problems.push(`xor checksum ${got.xor}, expected ${want.xor}`);
  if (got.duplicates) problems.push(`${got.duplicates} duplicates`);
  if (got.foreign) problems.push(`${got.foreign} values that were never put (corrupt)`);
  if (lost) problems.push(`${lost} items lost`);
  if (got.orderViolations) problems.push(`${got.orderViolations} per-producer order violations`);
  return { ok: problems.length === 0, problems, got, want, lost };
}
