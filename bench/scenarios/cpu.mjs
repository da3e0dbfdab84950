/**
 * Scenario 3: CPU-bound speedup. The same items, each a kernel run calibrated to about
 * 10 us, 100 us, 1 ms and 10 ms on this machine, processed:
 *   (a) on one thread through a LocalQueue (put all, then get and compute each),
 *   (b) by WorkerPool.map with 1..N threads (N = available cores),
 *   (c) by piscina.run (one task per item, all submitted at once) with the same threads.
 * One sample = one batch of items (about 50 ms of single-thread work); every contender's
 * results are summed and checked against the single-thread sum. Reported: items/s,
 * speedup over (a) and the ratio to piscina.run with as many threads, in the same run.
 * A last row set, "trivial", sends TRIVIAL_ITEMS items that do almost no work (one kernel step): what is
 * measured there is the cost of dispatch alone (the pool issue's "trivial items through map
 * vs piscina.run").
 */
import os from 'node:os';
import { Piscina } from 'piscina';
import { calibrate, kernel } from '../lib/kernel.mjs';
import { measure } from '../lib/measure.mjs';
import { throughputSummary } from '../lib/stats.mjs';
import { ratio, renderTable, si } from '../lib/table.mjs';
import { writeChart } from '../lib/charts.mjs';
import { interleave } from '../lib/rounds.mjs';
import { within } from '../lib/threads.mjs';

const HANDLER = new URL('../workers/kernel-handler.mjs', import.meta.url);
const GRAINS_US = [10, 100, 1000, 10_000];
/** Grain 0: items with almost no work (one kernel step), a fixed number of them per sample. */
const TRIVIAL = 0;
const TRIVIAL_ITEMS = 20_000;

function makeItems(grainUs, itersPerUs, batchMs) {
  if (grainUs === TRIVIAL) return Array.from({ length: TRIVIAL_ITEMS }, (_, i) => ({ seed: i + 1, iters: 1 }));
  const iters = Math.max(1, Math.round(grainUs * itersPerUs));
  const n = Math.max(8, Math.round((batchMs * 1000) / grainUs));
  return Array.from({ length: n }, (_, i) => ({ seed: i + 1, iters }));
}

function singleThread(lib) {
  return (items) => {
    const q = new lib.LocalQueue();
    for (const item of items) q.putNowait(item);
    let sum = 0;
    while (!q.empty()) {
      const item = q.getNowait();
      sum = (sum + kernel(item.seed, item.iters)) | 0;
    }
    return sum;
  };
}

export default {
  id: 'cpu',
  title: 'Scenario 3: CPU-bound speedup over one thread (same items, same kernel)',
  async run(ctx) {
    const { lib, budget, progress, quick } = ctx;
    const missing = ['WorkerPool', 'LocalQueue'].filter((n) => typeof lib[n] !== 'function');
    if (missing.length) return { skipped: `${missing.join(' and ')} not exported by dist/index.js yet` };
    const cores = os.availableParallelism();
    const threadCounts = Array.from({ length: cores }, (_, i) => i + 1);
    const batchMs = quick ? 25 : 50;
    // Samples here are long (a batch of work), so few of them: the engines stay warm between
    // passes, so one short warm-up per measurement is enough.
    const cpuBudget = quick ? budget : { ...budget, iterations: 6, time: 600, warmupIterations: 1, warmupTime: 1 };
    progress.note('  calibrating the kernel...');
    const itersPerUs = calibrate();
    const grains = [...(quick ? GRAINS_US.slice(0, 3) : GRAINS_US), TRIVIAL];
    const notes = [`kernel: ${itersPerUs.toFixed(0)} iterations per microsecond on the main thread; ${batchMs} ms of single-thread work per sample`];

    const contenders = [{ id: 'single', label: 'one thread (LocalQueue)', threads: 1 }];
    for (const t of threadCounts) contenders.push({ id: 'pool', label: `WorkerPool.map, ${t} thread${t > 1 ? 's' : ''}`, threads: t });
    for (const t of threadCounts) contenders.push({ id: 'piscina', label: `piscina.run, ${t} thread${t > 1 ? 's' : ''}`, threads: t });

    // One instance per contender, made on first use and kept for every grain and pass.
    const engines = new Map();
    const engineFor = (c) => {
      let e = engines.get(c.label);
      if (e) return e;
      if (c.id === 'single') e = { work: singleThread(lib), close: async () => {} };
      else if (c.id === 'pool') {
        const pool = new lib.WorkerPool({ worker: HANDLER, threads: c.threads });
        e = {
          work: async (items) => {
            let sum = 0;
            for await (const r of pool.map(items)) sum = (sum + r) | 0;
            return sum;
          },
          close: () => within(pool.close(), 30_000, `${c.label} close()`),
        };
      } else {
        const piscina = new Piscina({ filename: HANDLER.href, minThreads: c.threads, maxThreads: c.threads, idleTimeout: 60_000 });
        e = {
          work: async (items) => {
            const results = await Promise.all(items.map((item) => piscina.run(item)));
            let sum = 0;
            for (const r of results) sum = (sum + r) | 0;
            return sum;
          },
          close: () => within(piscina.destroy(), 30_000, `${c.label} destroy()`),
        };
      }
      engines.set(c.label, e);
      return e;
    };
    const itemsFor = new Map(grains.map((g) => [g, makeItems(g, itersPerUs, batchMs)]));
    const expected = new Map(grains.map((g) => [g, singleThread(lib)(itemsFor.get(g))]));
    const jobs = [];
    for (const grainUs of grains) for (const c of contenders) jobs.push({ grainUs, c });
    let measured;
    try {
      measured = await interleave(jobs, quick ? 1 : 2, cpuBudget, async ({ grainUs, c }, b) => {
        const { work } = engineFor(c);
        const items = itemsFor.get(grainUs);
        const want = expected.get(grainUs);
        let bad = 0;
        // A batch that does not finish in a minute is a hang: fail the row instead of the run.
        const fn = c.id === 'single' ? () => { if (work(items) !== want) bad++; } : async () => { if ((await within(work(items), 60_000, `${c.label} batch`)) !== want) bad++; };
        const samples = await measure(c.label, fn, b);
        if (bad) throw new Error(`results differ from the single-thread results in ${bad} samples`);
        return samples;
      }, progress, 'cpu', ({ grainUs, c }) => `${grainLabel(grainUs)} items, ${c.label}`);
    } finally {
      for (const e of engines.values()) await e.close().catch((err) => progress.note(`  error: ${err.message}`));
    }
    const rows = measured.map(({ job: { grainUs, c }, samples, error }) => ({
      grainUs, contender: c.label, mechanism: c.id, threads: c.threads, items: itemsFor.get(grainUs).length,
      iters: itemsFor.get(grainUs)[0].iters, error, ...(error ? {} : throughputSummary(samples, itemsFor.get(grainUs).length)),
    }));
    for (const r of rows) {
      const base = rows.find((b) => b.mechanism === 'single' && b.grainUs === r.grainUs);
      if (base?.median && r.median) r.speedup = r.median / base.median;
      const piscina = rows.find((b) => b.mechanism === 'piscina' && b.grainUs === r.grainUs && b.threads === r.threads);
      if (r.mechanism !== 'single' && piscina?.median && r.median) r.vsPiscina = r.median / piscina.median;
    }
    const order = (g) => (g === TRIVIAL ? Infinity : g);
    const table = renderTable(
      `items/s, median of batches (p25-p75); speedup = items/s over one thread (LocalQueue), vs piscina = items/s over piscina.run with as many threads, both in the same run; "trivial" = ${TRIVIAL_ITEMS} items of one kernel step each`,
      ['grain', 'contender', 'items/s', 'p25-p75', 'speedup', 'vs piscina'],
      rows.sort((a, b) => order(a.grainUs) - order(b.grainUs)).map((r) => [grainLabel(r.grainUs), r.contender, r.error ? 'ERROR' : si(r.median), r.error ? '' : `${si(r.p25)}-${si(r.p75)}`, ratio(r.speedup), r.vsPiscina ? ratio(r.vsPiscina) : '']),
      ['l', 'l'],
    );
    return { rows, notes, tables: [table], extra: { itersPerUs, batchMs }, charts: [{ file: 'cpu-speedup.svg', write: (path) => chart(path, rows) }] };
  },
};

function grainLabel(us) {
  if (us === TRIVIAL) return 'trivial';
  return us >= 1000 ? `${us / 1000} ms` : `${us} us`;
}

function chart(path, rows) {
  const values = rows.filter((r) => r.speedup && r.mechanism !== 'single' && r.grainUs !== TRIVIAL).map((r) => ({
    grain: r.grainUs, contender: r.contender, speedup: r.speedup,
  }));
  return writeChart(path, {
    title: 'CPU-bound speedup over one thread (higher is better)',
    data: { values },
    width: 420,
    height: 260,
    layer: [
      {
        mark: { type: 'line', point: true, tooltip: true },
        encoding: {
          x: { field: 'grain', type: 'quantitative', scale: { type: 'log' }, title: 'work per item (microseconds, log scale)' },
          y: { field: 'speedup', type: 'quantitative', title: 'speedup (x one thread)' },
          color: { field: 'contender', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2, labelLimit: 300 } },
          strokeDash: { field: 'contender', type: 'nominal', legend: null },
        },
      },
      { data: { values: [{ y: 1 }] }, mark: { type: 'rule', color: '#999', strokeDash: [2, 2] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
    ],
  });
}
