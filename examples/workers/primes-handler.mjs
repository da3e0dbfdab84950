// A WorkerPool handler: counts the primes below n (CPU work).
import { countPrimes } from '../lib/common.mjs';

export default function primesBelow(n) {
  return countPrimes(n);
}
