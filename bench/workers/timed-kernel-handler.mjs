/**
 * The scenario 3 kernel, returning when it ran: [result, start, end] in ms since the epoch
 * (performance.timeOrigin + now(), comparable across threads). For bench/profile/pool-gaps.mjs.
 */
import { kernel } from '../lib/kernel.mjs';

export default function handler(item) {
  const start = performance.timeOrigin + performance.now();
  const result = kernel(item.seed, item.iters);
  return [result, start, performance.timeOrigin + performance.now()];
}
