import { describe, expect, it } from 'vitest';
// The short version of scripts/abort-storm.mjs (1,000,000 gets).
// @ts-expect-error plain .mjs script module, no types
import { runAbortStorm } from '../../scripts/lib/abort-storm.mjs';

interface StormResult { ok: boolean; problems: string[]; outcomes: { item: number; timeout: number; aborted: number; other: number } }

describe('the async view under an abort storm (short version)', () => {
  it('100,000 gets, most timing out or aborted, while a worker puts 30,000 items: every item exactly once and in order, no waiter left', async () => {
    const r = (await runAbortStorm({ gets: 100_000, items: 30_000, concurrency: 500, samples: 4 })) as StormResult;
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    // The storm really was one: all three ways of giving up happened, and items flowed during it.
    expect(r.outcomes.aborted).toBeGreaterThan(10_000);
    expect(r.outcomes.timeout).toBeGreaterThan(1_000);
    expect(r.outcomes.item).toBeGreaterThan(0);
    expect(r.outcomes.other).toBe(0);
  });
});
