/**
 * The scenario 3 handler, one file for both pools: WorkerPool and piscina each call its
 * default export with one item and use the return value.
 */
import { kernel } from '../lib/kernel.mjs';

export default function handler(item) {
  return kernel(item.seed, item.iters);
}
