/**
 * Scenario 1: hand-off throughput (items/s) between threads.
 *
 * Topologies: 1 producer -> 1 consumer (two worker threads) and 2 producers -> 2
 * consumers (four worker threads, one shared queue; for postMessage each producer has
 * a MessageChannel to each consumer and deals messages round-robin). The main thread
 * only starts rounds and waits; it does no hand-off work.
 *
 * One tinybench sample = one round: `perRound` items go from the producers to the
 * consumers (timed from the start signal until the last item is consumed). Contenders:
 *   postMessage       one message per item (structured clone, copied, no transfer list)
 *   postMessage batch one message per `batch` items (an array)
 *   Queue put/get     conveyor, one item per call, per codec
 *   Queue putMany/getMany  conveyor, `batch` items per call, per codec
 *   LocalQueue / AsyncQueue on one thread: the in-thread reference (async put/get).
 * Every contender moves the same items (bench/lib/payloads.mjs) and the consumers
 * check an exactly-once checksum after the run.
 */
import { MessageChannel } from 'node:worker_threads';
import { createControl, runRound, stopAll } from '../lib/control.mjs';
import { measure } from '../lib/measure.mjs';
import { makePool, PAYLOADS, roundChecksum, shareIndexes } from '../lib/payloads.mjs';
import { throughputSummary } from '../lib/stats.mjs';
import { ratio, renderTable, si } from '../lib/table.mjs';
import { startWorker, within } from '../lib/threads.mjs';
import { writeChart } from '../lib/charts.mjs';
import { interleave } from '../lib/rounds.mjs';

const TOPOLOGIES = [
  { id: '1x1', label: '1 producer -> 1 consumer', producers: 1, consumers: 1 },
  { id: '2x2', label: '2 producers -> 2 consumers', producers: 2, consumers: 2 },
];

/** Per payload: items per round, batch size, queue maxsize, codecs that apply. */
function payloadPlans(quick) {
  return [
    { kind: 'number', perRound: quick ? 5000 : 20000, batch: 64, maxsize: 1024, codecs: quick ? ['default'] : ['default', 'structured', 'json'] },
    { kind: 'object', perRound: quick ? 5000 : 20000, batch: 64, maxsize: 1024, codecs: quick ? ['default'] : ['default', 'structured', 'json'] },
    { kind: 'bytes64k', perRound: quick ? 128 : 512, batch: 8, maxsize: 64, codecs: quick ? ['bytes'] : ['bytes', 'default', 'structured'] },
  ];
}

function contenders(plan) {
  const list = [
    { mech: 'port', mode: 'single', codec: '-', label: 'postMessage' },
    { mech: 'port', mode: 'batch', codec: '-', label: `postMessage batch ${plan.batch}` },
  ];
  for (const codec of plan.codecs) {
    list.push({ mech: 'queue', mode: 'single', codec, label: 'Queue put/get' });
    list.push({ mech: 'queue', mode: 'batch', codec, label: `Queue putMany/getMany ${plan.batch}` });
  }
  return list;
}

/** Runs one cross-thread contender and returns its samples (ms per round). */
async function runThreaded(lib, budget, topo, plan, c) {
  const { producers, consumers } = topo;
  const { kind, perRound, batch, maxsize } = plan;
  const ctrl = createControl();
  const common = { mech: c.mech, mode: c.mode, kind, codec: c.codec, perRound, producers, consumers, batch, ctrl: ctrl.buffer };
  const workers = [];
  if (c.mech === 'queue') {
    const q = new lib.Queue({ maxsize, codec: c.codec });
    for (let p = 0; p < producers; p++) workers.push(startWorker('handoff.mjs', { ...common, role: 'producer', index: p, handle: q.handle }));
    for (let k = 0; k < consumers; k++) workers.push(startWorker('handoff.mjs', { ...common, role: 'consumer', index: k, handle: q.handle }));
  } else {
    const toConsumer = Array.from({ length: consumers }, () => []);
    const fromProducer = [];
    for (let p = 0; p < producers; p++) {
      const ports = [];
      for (let k = 0; k < consumers; k++) {
        const ch = new MessageChannel();
        ports.push(ch.port1);
        toConsumer[k].push(ch.port2);
      }
      fromProducer.push(ports);
    }
    for (let p = 0; p < producers; p++) {
      workers.push(startWorker('handoff.mjs', { ...common, role: 'producer', index: p, ports: fromProducer[p] }, fromProducer[p]));
    }
    for (let k = 0; k < consumers; k++) {
      workers.push(startWorker('handoff.mjs', { ...common, role: 'consumer', index: k, ports: toConsumer[k] }, toConsumer[k]));
    }
  }
  try {
    await within(Promise.all(workers.map((w) => w.ready)), 30_000, 'worker start-up');
    let round = 0;
    const samples = await measure(c.label, () => {
      round++;
      runRound(ctrl, round, perRound);
    }, budget);
    stopAll(ctrl);
    if (c.mech === 'port') for (const w of workers.slice(producers)) w.worker.postMessage('stop');
    const results = await within(Promise.all(workers.map((w) => w.done)), 30_000, 'worker shutdown');
    const got = results.slice(producers);
    const count = got.reduce((a, r) => a + r.count, 0);
    const sum = got.reduce((a, r) => a + r.sum, 0);
    if (count !== round * perRound || sum !== round * roundChecksum(kind, perRound, producers)) {
      throw new Error(`${c.label}: exactly-once check failed: ${count} items (expected ${round * perRound}), checksum ${sum} (expected ${round * roundChecksum(kind, perRound, producers)})`);
    }
    return samples;
  } finally {
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}

/** The in-thread reference: an async producer and an async consumer on the main thread. */
async function runInThread(budget, plan, c, makeQueue) {
  const { kind, perRound, batch } = plan;
  const pool = makePool(kind);
  const items = shareIndexes(kind, perRound, 1, 0).map((j) => pool[j]);
  const batches = [];
  for (let i = 0; i < items.length; i += batch) batches.push(items.slice(i, i + batch));
  const key = PAYLOADS[kind].key;
  const checksum = roundChecksum(kind, perRound, 1);
  const q = makeQueue();
  let failures = 0;
  const samples = await measure(c.label, async () => {
    let sum = 0;
    const producer = async () => {
      if (c.mode === 'single') for (const item of items) await q.put(item);
      else for (const b of batches) await q.putMany(b);
    };
    const consumer = async () => {
      let left = perRound;
      if (c.mode === 'single') {
        for (; left > 0; left--) sum += key(await q.get());
      } else {
        while (left > 0) {
          const got = await q.getMany(Math.min(batch, left));
          for (const item of got) sum += key(item);
          left -= got.length;
        }
      }
    };
    await Promise.all([producer(), consumer()]);
    if (sum !== checksum) failures++;
  }, budget);
  if (failures) throw new Error(`${c.label}: checksum failed in ${failures} rounds`);
  return samples;
}

export default {
  id: 'handoff',
  title: 'Scenario 1: hand-off throughput between threads (items/s)',
  async run(ctx) {
    const { lib, budget, progress, quick } = ctx;
    const plans = payloadPlans(quick);
    const jobs = [];
    for (const topo of TOPOLOGIES) {
      for (const plan of plans) for (const c of contenders(plan)) jobs.push({ topo, plan, c, kind: 'threads' });
    }
    const inThread = [];
    if (typeof lib.LocalQueue === 'function') inThread.push({ name: 'LocalQueue', make: (plan) => new lib.LocalQueue({ maxsize: plan.maxsize }) });
    if (typeof lib.AsyncQueue === 'function') inThread.push({ name: 'AsyncQueue', make: (plan, codec) => new lib.AsyncQueue({ maxsize: plan.maxsize, codec }) });
    const notes = [];
    if (inThread.length < 2) {
      const missing = ['LocalQueue', 'AsyncQueue'].filter((n) => typeof lib[n] !== 'function');
      notes.push(`in-thread reference rows skipped: ${missing.join(' and ')} not exported by dist/index.js yet`);
    }
    for (const plan of plans) {
      for (const ref of inThread) {
        const codecs = ref.name === 'LocalQueue' ? ['-'] : [plan.codecs[0]];
        for (const codec of codecs) {
          for (const mode of ['single', 'batch']) {
            const label = `${ref.name} (1 thread) ${mode === 'single' ? 'put/get' : `putMany/getMany ${plan.batch}`}`;
            jobs.push({ topo: { id: '1thread', label: 'in one thread', producers: 1, consumers: 1 }, plan, c: { mech: ref.name, mode, codec, label }, kind: 'inThread', ref });
          }
        }
      }
    }
    for (const n of notes) progress.note(`  note: ${n}`);

    const rounds = quick ? 1 : 3;
    const measured = await interleave(jobs, rounds, budget, (job, b) => (job.kind === 'threads'
      ? runThreaded(lib, b, job.topo, job.plan, job.c)
      : runInThread(b, job.plan, job.c, () => job.ref.make(job.plan, job.c.codec))),
    progress, 'handoff', ({ topo, plan, c }) => `${topo.id} ${plan.kind} ${c.label}${c.codec !== '-' ? ` [${c.codec}]` : ''}`);
    const rows = measured.map(({ job: { topo, plan, c }, samples, error }) => ({
      topology: topo.id, topologyLabel: topo.label, payload: plan.kind, payloadLabel: PAYLOADS[plan.kind].label,
      mechanism: c.mech, mode: c.mode, codec: c.codec, contender: c.label,
      perRound: plan.perRound, batch: plan.batch, maxsize: plan.maxsize, error,
      ...(error ? {} : throughputSummary(samples, plan.perRound)),
    }));
    addRatios(rows);
    return { rows, notes, tables: tables(rows), charts: [{ file: 'handoff.svg', write: (path) => chart(path, rows) }] };
  },
};

/** Ratios vs postMessage (one message per item) and vs postMessage batches, same topology and payload. */
function addRatios(rows) {
  for (const r of rows) {
    // The in-thread rows are a reference for what one thread does alone, not a contender.
    if (r.topology === '1thread') continue;
    const base = (mode) => rows.find((b) => b.mechanism === 'port' && b.mode === mode && b.payload === r.payload
      && b.topology === r.topology);
    const single = base('single');
    const batch = base('batch');
    if (r.median && single?.median) r.vsPostMessage = r.median / single.median;
    if (r.median && batch?.median && r.mode === 'batch') r.vsPostMessageBatch = r.median / batch.median;
  }
}

function tables(rows) {
  const out = [];
  const groups = [...new Set(rows.map((r) => r.topology))];
  for (const g of groups) {
    const rs = rows.filter((r) => r.topology === g);
    const body = rs.map((r) => [
      PAYLOADS[r.payload].label, r.contender, r.codec,
      r.error ? 'ERROR' : si(r.median), r.error ? '' : `${si(r.p25)}-${si(r.p75)}`,
      ratio(r.vsPostMessage), ratio(r.vsPostMessageBatch),
    ]);
    const headers = ['payload', 'contender', 'codec', 'items/s', 'p25-p75', 'vs postMessage', 'vs pm batch'];
    if (g === '1thread') {
      headers.length = 5;
      for (const row of body) row.length = 5;
    }
    out.push(renderTable(
      g === '1thread'
        ? 'Reference, producer and consumer as async functions on the main thread: items/s, median of rounds (p25-p75)'
        : `${rs[0].topologyLabel} (worker threads): items/s, median of rounds (p25-p75); ratios vs postMessage in the same run`,
      headers, body, ['l', 'l', 'l'],
    ));
  }
  return out;
}

function chart(path, rows) {
  // Cross-thread rows only: the in-thread reference moves items by reference and would
  // only stretch the scales.
  const values = rows.filter((r) => r.median && r.topology !== '1thread').map((r) => ({
    where: r.topologyLabel,
    payload: r.payloadLabel,
    contender: `${r.contender}${r.codec !== '-' ? ` [${r.codec}]` : ''}`,
    family: r.mechanism === 'port' ? 'postMessage' : `conveyor Queue, ${r.mode === 'batch' ? 'batches' : 'one item per call'}`,
    rate: r.median,
  }));
  return writeChart(path, {
    title: { text: 'Hand-off throughput between worker threads (median items/s, higher is better)', anchor: 'start' },
    data: { values },
    facet: {
      row: { field: 'payload', type: 'nominal', title: null, sort: Object.values(PAYLOADS).map((p) => p.label), header: { labelAngle: 0, labelAlign: 'left', labelFontSize: 12, labelFontWeight: 'bold' } },
      column: { field: 'where', type: 'nominal', title: null, header: { labelFontSize: 12, labelFontWeight: 'bold' } },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
    spec: {
      width: 300,
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'contender', type: 'nominal', sort: null, title: null, axis: { labelLimit: 320 } },
        x: { field: 'rate', type: 'quantitative', title: 'items/s', axis: { format: '~s' } },
        color: {
          field: 'family', type: 'nominal', title: null,
          scale: { domain: ['postMessage', 'conveyor Queue, one item per call', 'conveyor Queue, batches'], range: ['#9e9e9e', '#f28e2b', '#4e79a7'] },
          legend: { orient: 'bottom', labelLimit: 400 },
        },
      },
    },
  });
}
