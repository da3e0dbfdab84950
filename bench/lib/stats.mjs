/**
 * Order statistics over timing samples. tinybench gives the samples (sorted, in ms);
 * these helpers turn them into what the tables print: medians and interquartile spreads,
 * in the unit of the scenario (items per second or microseconds).
 */

/** Linear-interpolated quantile q (0..1) of an ascending array. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Summary of latency samples in ms, reported in microseconds. */
export function latencySummary(samplesMs) {
  const s = Float64Array.from(samplesMs).sort();
  const us = (q) => quantile(s, q) * 1000;
  return {
    samples: s.length,
    median: us(0.5),
    p25: us(0.25),
    p75: us(0.75),
    p99: us(0.99),
    min: s[0] * 1000,
    max: s[s.length - 1] * 1000,
  };
}

/**
 * Summary of batch durations (ms per batch of `items`) as throughput in items/s.
 * The throughput quartiles come from the duration quartiles (a slow batch is a low rate).
 */
export function throughputSummary(samplesMs, items) {
  const s = Float64Array.from(samplesMs).sort();
  const rate = (ms) => items / (ms / 1000);
  return {
    samples: s.length,
    itemsPerSample: items,
    median: rate(quantile(s, 0.5)),
    p25: rate(quantile(s, 0.75)),
    p75: rate(quantile(s, 0.25)),
    min: rate(s[s.length - 1]),
    max: rate(s[0]),
  };
}
