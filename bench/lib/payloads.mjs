/**
 * The items every contender moves. Each producer builds the same pool of items with
 * these functions (outside the timed window) and cycles through it, so conveyor and
 * postMessage carry identical values. Every item has an integer key the consumer reads
 * back (which also keeps the consumer from skipping the decode) for an exactly-once
 * checksum.
 */

export const PAYLOADS = {
  number: {
    label: 'small number',
    /** Distinct items per producer pool. */
    pool: 1024,
    make: (j) => j,
    key: (item) => item,
  },
  object: {
    label: '~100-byte object',
    pool: 1024,
    make: (j) => ({
      id: j,
      sku: `SKU-${String(j).padStart(6, '0')}`,
      name: 'widget, blue',
      qty: (j % 7) + 1,
      price: 12.5 + (j % 100),
      tags: ['alpha', 'beta'],
      active: j % 2 === 0,
    }),
    key: (item) => item.id,
  },
  bytes64k: {
    label: '64 KiB Uint8Array',
    pool: 16,
    make: (j) => {
      const a = new Uint8Array(64 * 1024);
      for (let i = 0; i < a.length; i += 4096) a[i] = (i >> 12) ^ j;
      a[0] = j & 0xff;
      a[a.length - 1] = j >> 8;
      return a;
    },
    key: (item) => item[0] | (item[item.length - 1] << 8),
  },
};

/** The pool of items a producer cycles through. */
export function makePool(kind) {
  const p = PAYLOADS[kind];
  return Array.from({ length: p.pool }, (_, j) => p.make(j));
}

/**
 * The items a producer sends in one round: producer `index` of `producers` sends
 * `perRound / producers` items, indexes continuing where the other producers' share ends.
 * Returns the pool indexes, so the checksum of a round is known in advance.
 */
export function shareIndexes(kind, perRound, producers, index) {
  const pool = PAYLOADS[kind].pool;
  const share = perRound / producers;
  return Array.from({ length: share }, (_, t) => (index * share + t) % pool);
}

/** Sum of the keys of every item of one round (all producers). */
export function roundChecksum(kind, perRound, producers) {
  let sum = 0;
  for (let p = 0; p < producers; p++) for (const j of shareIndexes(kind, perRound, producers, p)) sum += j;
  return sum;
}
