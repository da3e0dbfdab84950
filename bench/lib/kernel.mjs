/**
 * The CPU-bound work of scenarios 3 and 4: a pure-JS integer kernel (xorshift32 steps
 * folded into a checksum). No allocation, no I/O, the same cost on every thread, and a
 * result that depends on every step (so nothing can be skipped). One item is
 * { seed, iters }; `iters` is calibrated at start-up so that an item takes a chosen time.
 */
export function kernel(seed, iters) {
  let x = (seed | 0) || 0x9e3779b9;
  let acc = 0;
  for (let i = 0; i < iters; i++) {
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
