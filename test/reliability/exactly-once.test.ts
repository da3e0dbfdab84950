import { describe, expect, it } from 'vitest';
// The short version of scripts/exactly-once.mjs (10 M items per run, `npm run stress`).
// @ts-expect-error plain .mjs script module, no types
import { runExactlyOnce } from '../../scripts/lib/exactly-once.mjs';
// @ts-expect-error plain .mjs script module, no types
import { itemValue, makeBitmap, Tally, verify } from '../../scripts/lib/tally.mjs';

interface Verdict { ok: boolean; problems: string[]; lost: number; got: { count: number } }

describe('exactly-once at scale (short version of npm run stress)', () => {
  it('1,000,000 items through a maxsize-16 FIFO: 2 worker producers + 2 worker consumers + the main thread as async producer and consumer', async () => {
    const r = (await runExactlyOnce({ items: 1_000_000, producers: 2, consumers: 2, maxsize: 16, batch: 8, asyncParty: true })) as Verdict & { perConsumer: number[] };
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.got.count).toBe(1_000_000);
    // The main thread's async consumer really took part.
    expect(r.perConsumer).toHaveLength(3);
    expect(r.perConsumer[2]).toBeGreaterThan(0);
  });

  it('the checker catches a duplicate, a loss, a foreign value and a reordering', () => {
    const bitmap = makeBitmap([3, 3]);
    const t = new Tally(bitmap, true);
    // Producer 0: items 0, 2, 1 (1 after 2: reordered), producer 1: items 0, 0 (duplicate), 2 never seen (lost),
    // plus a value no producer put.
    for (const v of [itemValue(0, 0), itemValue(0, 2), itemValue(0, 1), itemValue(1, 0), itemValue(1, 0), itemValue(1, 1), 7.5]) t.see(v);
    const v = verify(bitmap, [t.result()]) as Verdict;
    expect(v.ok).toBe(false);
    expect(v.lost).toBe(1);
    expect(v.problems.join('\n')).toMatch(/1 duplicates/);
    expect(v.problems.join('\n')).toMatch(/1 values that were never put/);
    expect(v.problems.join('\n')).toMatch(/2 per-producer order violations/) // the reordering and the duplicate;
    const fresh = makeBitmap([3, 3]);
    const c2 = new Tally(fresh, true);
    for (let p = 0; p < 2; p++) for (let i = 0; i < 3; i++) c2.see(itemValue(p, i));
    expect((verify(fresh, [c2.result()]) as Verdict).ok).toBe(true);
  });
});
