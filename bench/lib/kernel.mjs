/**
 * The CPU-bound work of scenarios 3 and 4: a pure-JS integer kernel (xorshift32 steps
 * folded into a checksum). No allocation, no I/O, the same cost on every thread, and a
 * result that depends on every step (so nothing can be skipped). One item is
 * { seed, iters }; `iters` is calibrated at start-up so that an item takes a chosen time.
 */
export function kernel(seed, iters) {
  // This must run at the same speed in every thread, wherever it is called from. V8 inlines
  // small functions into their callers, and an inlined loop's speed then depends on the
  // caller: inlined into a pool's dispatch loop (piscina's onMessage, our consumer), this
  // loop ran 2-2.5x slower than on the main thread, depending on which items the worker
  // had seen before (bench/profile/kernel-jit.mjs shows it: 10 ms vs 22-25 ms per item).
  // Unrolled 8 times, the function's bytecode (525 bytes) is above V8's inlining limit
  // (460), so every thread runs it compiled on its own. Two more traps avoided: constants
  // above 2**31 (kept int32 with `| 0`, else `x` becomes a double) and `a || b` on ints.
  // Results are bit-identical to the plain loop `for (i = 0; i < iters; i++) step()`.
  let x = seed | 0;
  if (x === 0) x = 0x9e3779b9 | 0;
  let acc = 0;
  // The 0-7 leftover steps come first: their loop then runs (and leaves type feedback for
  // its compare) before the long loop below is compiled on the stack (OSR). With the
  // leftover loop after it, code compiled during the first call had no feedback there and
  // deoptimized at its end; on Node 20 a worker could stay in that loop, one deopt per item
  // (seen with --trace-deopt: 819 in 10 s on one of two pool threads). Same steps, same result.
  let i = iters | 0;
  for (let r = i & 7; r > 0; r--) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; acc = (acc + (x & 0xffff)) | 0;
  }
  i -= i & 7;
  for (; i > 0; i -= 8) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; acc = (acc + (x & 0xffff)) | 0;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; acc = (acc + (x & 0xffff)) | 0;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; acc = (acc + (x & 0xffff)) | 0;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; acc = (acc + (x & 0xffff)) | 0;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; acc = (acc + (x & 0xffff)) | 0;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; acc = (acc + (x & 0xffff)) | 0;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; acc = (acc + (x & 0xffff)) | 0;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; acc = (acc + (x & 0xffff)) | 0;
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
