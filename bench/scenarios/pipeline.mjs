/**
 * Scenario 4: a three-stage pipeline, parse -> transform -> aggregate, over the same JSON
 * lines (bench/lib/pipeline-work.mjs; the transform is the calibrated kernel, ~50 us):
 *   one thread           parse, transform and aggregate each line in a loop
 *   chained pools        WorkerPool(parse, 1 thread) -> WorkerPool(transform, N threads, input:
 *                        the first pool's output): records go worker to worker through a shared
 *                        queue; the main thread aggregates what comes out of map()
 *   one pool, fused      one WorkerPool (N threads) whose handler parses and transforms
 * One sample = all lines of a batch; the per-user totals must equal the single-thread totals.
 * The contenders alternate in passes (interleave), as in the other scenarios.
 */
import os from 'node:os';
import { calibrate } from '../lib/kernel.mjs';
import { measure } from '../lib/measure.mjs';
import { aggregate, fingerprint, makeLines, newTotals, parse, transform } from '../lib/pipeline-work.mjs';
import { throughputSummary } from '../lib/stats.mjs';
import { ratio, renderTable, si } from '../lib/table.mjs';
import { interleave } from '../lib/rounds.mjs';
import { within } from '../lib/threads.mjs';

const W = (name) => new URL(`../workers/${name}`, import.meta.url);
const TRANSFORM_US = 50;

export default {
  id: 'pipeline',
  title: 'Scenario 4: three-stage pipeline (parse -> transform -> aggregate)',
  async run(ctx) {
    const { lib, budget, progress, quick } = ctx;
    if (typeof lib.WorkerPool !== 'function') return { skipped: 'WorkerPool not exported by dist/index.js yet' };
    const cores = os.availableParallelism();
    const itersPerUs = calibrate();
    const lines = makeLines(quick ? 400 : 1000, Math.round(TRANSFORM_US * itersPerUs));
    const runBudget = quick ? budget : { ...budget, iterations: 6, time: 600 };
    const single = () => {
      const totals = newTotals();
      for (const line of lines) aggregate(totals, transform(parse(line)));
      return fingerprint(totals);
    };
    const expected = single();
    const contenders = [
      { id: 'single', label: 'one thread' },
      { id: 'chained', label: `chained pools: parse (1 thread) -> transform (${cores} threads)` },
      { id: 'fused', label: `one pool, parse+transform (${cores} threads)` },
    ];
    // Every contender's pools are made once and kept for the whole scenario (idle pool
    // threads sleep), so the passes can alternate between contenders (interleave()).
    const engines = new Map();
    const engineFor = (c) => {
      if (engines.has(c.id)) return engines.get(c.id);
      let engine;
      if (c.id === 'single') engine = { run: single, last: null };
      else {
        // A chain is closed through its last pool (closing it closes every stage).
        let last;
        if (c.id === 'chained') {
          const first = new lib.WorkerPool({ worker: W('pipeline-parse.mjs'), threads: 1 });
          last = new lib.WorkerPool({ worker: W('pipeline-transform.mjs'), threads: cores, input: first.output });
        } else {
          last = new lib.WorkerPool({ worker: W('pipeline-fused.mjs'), threads: cores });
        }
        engine = {
          last,
          run: async () => {
            const totals = newTotals();
            for await (const r of last.map(lines)) aggregate(totals, r);
            return fingerprint(totals);
          },
        };
      }
      engines.set(c.id, engine);
      return engine;
    };
    let measured;
    try {
      measured = await interleave(contenders, quick ? 1 : 2, runBudget, async (c, b) => {
        const { run } = engineFor(c);
        let bad = 0;
        const fn = c.id === 'single' ? () => { if (run() !== expected) bad++; } : async () => { if ((await within(run(), 60_000, `${c.label} batch`)) !== expected) bad++; };
        const samples = await measure(c.label, fn, b);
        if (bad) throw new Error(`totals differ from the single-thread totals in ${bad} samples`);
        return samples;
      }, progress, 'pipeline', (c) => c.label);
    } finally {
      for (const { last } of engines.values()) {
        if (last !== null) await within(last.close(), 30_000, 'pipeline close()').catch((err) => progress.note(`  error: ${err.message}`));
      }
    }
    const rows = measured.map(({ job: c, samples, error }) => ({ contender: c.label, mechanism: c.id, lines: lines.length, error, ...(error ? {} : throughputSummary(samples, lines.length)) }));
    const base = rows.find((r) => r.mechanism === 'single');
    for (const r of rows) if (base?.median && r.median) r.speedup = r.median / base.median;
    const table = renderTable(
      `lines/s, median of batches of ${lines.length} lines (p25-p75); transform ~${TRANSFORM_US} us per line; speedup over one thread`,
      ['contender', 'lines/s', 'p25-p75', 'speedup'],
      rows.map((r) => [r.contender, r.error ? 'ERROR' : si(r.median), r.error ? '' : `${si(r.p25)}-${si(r.p75)}`, ratio(r.speedup)]),
    );
    return { rows, tables: [table], notes: [`transform kernel: ${Math.round(TRANSFORM_US * itersPerUs)} iterations (~${TRANSFORM_US} us)`] };
  },
};
