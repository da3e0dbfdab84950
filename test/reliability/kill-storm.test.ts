import { describe, expect, it } from 'vitest';
// The short version of scripts/kill-storm.mjs (3000 kills per ordering by default).
// @ts-expect-error plain .mjs script module, no types
import { runKillStorm } from '../../scripts/lib/kill-storm.mjs';

interface StormResult { ok: boolean; problems: string[]; kills: number; lockHeldAtKill: number; roundsLeftDirty: number; modes: Record<string, number> }

/**
 * Worker threads churning through get/put, getMany/putMany, timed, nowait and async-view
 * loops are terminated at random instants (the main thread churns through the async view
 * between kills). After each kill and recoverThread(), the survivors keep working; after
 * each round the lock is free, no value is corrupt or duplicated, qsize() equals what can be
 * drained, and the unfinished count is off by at most the items that died in a thread's hands.
 * A priority queue's drain must also come out in priority order, each value with its priority.
 */
describe.each(['fifo', 'lifo', 'priority'] as const)('%s queue: threads killed at any instant (short kill storm)', (ordering) => {
  it('100 kills: no deadlock, no corrupt or duplicated item, counts consistent', async () => {
    const r = (await runKillStorm({ ordering, kills: 100, workers: 3, items: 16, maxsize: 12, killsPerRound: 6 })) as StormResult;
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.kills).toBeGreaterThanOrEqual(100);
    // Every kind of party was killed at least once.
    expect(Object.keys(r.modes).sort()).toEqual(['async', 'many', 'nowait', 'single', 'timed']);
    console.log(`${ordering}: ${r.kills} kills, the lock was held by the killed thread ${r.lockHeldAtKill} times${ordering === 'priority' ? `; ${r.roundsLeftDirty} rounds ended with the heap left mid-change` : ''}`);
  });
});
