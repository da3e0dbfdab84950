/**
 * The CPU-bound work of scenarios 3 and 4: a pure-JS integer kernel (xorshift32 steps
 * folded into a checksum). No allocation, no I/O, the same cost on every thread, and a
 * result that depends on every step (so nothing can be skipped). One item is
 * { seed, iters }; `iters` is calibrated at start-up so that an item takes a chosen time.
 */
export function kernel(seed, iters) {
  // Both `| 0`s keep every value int32. Without them, 0x9e3779b9 (above 2**31) made `x` a
  // double wherever V8 inlined this function into a caller (a one-line handler is enough),
  // and the same work ran 3x slower there than where it was compiled alone: worker threads
  // and the main thread ran different machine code for identical items. Results are
  // bit-identical (shifts convert to int32 anyway).
  const n = iters | 0;
  let x = (seed | 0) || (0x9e3779b9 | 0);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    acc = (acc + (x & 0xffff)) | 0;
  }
  return acc;
}

/** Kernel iterations per microsecond on this thread (median of a few timed runs, after warm-up). */
export function calibrate() {
  const probe = 2_000_000;
  for (let i = 0; i < 5; i++) kernel(i + 1, probe);
  const rates = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    kernel(i + 7, probe);
    rates.push(probe / ((performance.now() - t) * 1000));
  }
  rates.sort((a, b) => a - b);
  return rates[3];
}
