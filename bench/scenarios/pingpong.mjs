/**
 * Scenario 2: round-trip latency of a ping-pong (median and p99, microseconds).
 *
 * A pinger sends an item, the ponger sends it back, the pinger waits for it: one sample
 * is one round trip, timed by tinybench inside the pinger's thread. Rows:
 *   Queue sync views, two workers      two conveyor Queues, default codec
 *   MessagePort, two workers           event-loop 'message' handlers
 *   MessagePort polled, two workers    both sides busy-poll receiveMessageOnPort
 *   AsyncQueue on main <-> worker      the async view awaited on the main thread, a sync view in the worker
 * each back to back (a waiting side is still spinning when the next item comes) and with
 * a gap before every ping (the waiting side has parked: Atomics.wait or an idle event loop).
 */
import { MessageChannel } from 'node:worker_threads';
import { createControl, stopAll } from '../lib/control.mjs';
import { measure } from '../lib/measure.mjs';
import { makePool, PAYLOADS } from '../lib/payloads.mjs';
import { latencySummary } from '../lib/stats.mjs';
import { ratio, renderTable, us } from '../lib/table.mjs';
import { startWorker, within } from '../lib/threads.mjs';

const GAP_US = 500;

/**
 * tinybench's time budget counts the timed windows only; with a gap before every round trip
 * the wall time would be far longer, so gap rows run a fixed number of round trips instead.
 */
function budgetFor(budget, gapUs, quick) {
  return gapUs > 0 ? { ...budget, time: 1, iterations: quick ? 100 : 2000, warmupTime: 1, warmupIterations: quick ? 20 : 50 } : budget;
}

async function runWorkers(lib, budget, kind, mech, gapUs) {
  const ctrl = createControl();
  const common = { mech, kind, gapUs, budget, ctrl: ctrl.buffer };
  let ponger;
  let pinger;
  if (mech === 'queue') {
    const ping = new lib.Queue();
    const pong = new lib.Queue();
    ponger = startWorker('pingpong.mjs', { ...common, role: 'ponger', ping: ping.handle, pong: pong.handle });
    pinger = startWorker('pingpong.mjs', { ...common, role: 'pinger', ping: ping.handle, pong: pong.handle });
  } else {
    const ch = new MessageChannel();
    ponger = startWorker('pingpong.mjs', { ...common, role: 'ponger', port: ch.port2 }, [ch.port2]);
    pinger = startWorker('pingpong.mjs', { ...common, role: 'pinger', port: ch.port1 }, [ch.port1]);
  }
  try {
    await within(Promise.all([ponger.ready, pinger.ready]), 30_000, 'worker start-up');
    const result = await within(pinger.done, 120_000, 'ping-pong');
    stopAll(ctrl);
    if (mech === 'port') ponger.worker.postMessage('stop');
    const echo = await within(ponger.done, 30_000, 'ponger shutdown');
    if (!result.ok || echo.echoed !== result.sent) {
      throw new Error(`exactly-once check failed: sent ${result.sent}, echoed ${echo.echoed}, checksum ${result.ok ? 'ok' : 'wrong'}`);
    }
    return latencySummary(result.samples);
  } finally {
    await Promise.all([ponger.worker.terminate(), pinger.worker.terminate()]);
  }
}

/** The async view awaited on the main thread, against a sync-view ponger in a worker. */
async function runAsyncMain(lib, budget, kind, gapUs) {
  const ctrl = createControl();
  const ping = new lib.AsyncQueue();
  const pong = new lib.AsyncQueue();
  const ponger = startWorker('pingpong.mjs', { mech: 'queue', kind, gapUs, budget, ctrl: ctrl.buffer, role: 'ponger', ping: ping.handle, pong: pong.handle });
  const key = PAYLOADS[kind].key;
  const pool = makePool(kind);
  let i = 0;
  let sum = 0;
  let sent = 0;
  try {
    await within(ponger.ready, 30_000, 'worker start-up');
    // The same untimed gap as in the workers: this thread sleeps, the ponger spins out and parks.
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    const hooks = gapUs > 0 ? { beforeEach: () => { Atomics.wait(sleeper, 0, 0, gapUs / 1000); } } : {};
    const samples = await measure('ping-pong AsyncQueue', async () => {
      const item = pool[i];
      i = (i + 1) % pool.length;
      sent++;
      await ping.put(item);
      sum += key(await pong.get());
    }, budget, hooks);
    ping.shutdown();
    await within(ponger.done, 30_000, 'ponger shutdown');
    // Exactly-once: the echoes are the items sent, in order (as in the worker pingers, the
    // expected sum is worked out here, outside the timed window).
    let expected = 0;
    for (let k = 0; k < sent; k++) expected += key(pool[k % pool.length]);
    if (sum !== expected) throw new Error('exactly-once check failed: checksum differs');
    return latencySummary(samples);
  } finally {
    await ponger.worker.terminate();
  }
}

export default {
  id: 'pingpong',
  title: 'Scenario 2: ping-pong round-trip latency (microseconds)',
  async run(ctx) {
    const { lib, budget, progress, quick } = ctx;
    const kinds = quick ? ['object'] : ['object', 'number'];
    const mechs = [
      { mech: 'queue', label: 'Queue sync views, 2 workers' },
      { mech: 'port', label: 'MessagePort, 2 workers' },
      { mech: 'port-poll', label: 'MessagePort polled, 2 workers' },
    ];
    if (typeof lib.AsyncQueue === 'function') mechs.push({ mech: 'async-main', label: 'AsyncQueue on main <-> Queue in worker' });
    const notes = typeof lib.AsyncQueue === 'function' ? [] : ['AsyncQueue row skipped: AsyncQueue is not exported by dist/index.js yet'];
    for (const n of notes) progress.note(`  note: ${n}`);
    const jobs = [];
    for (const kind of kinds) for (const gap of [0, GAP_US]) for (const m of mechs) jobs.push({ kind, gap, ...m });
    const rows = [];
    for (let j = 0; j < jobs.length; j++) {
      const { kind, gap, mech, label } = jobs[j];
      const waitLabel = gap ? `peer parked (${gap} us gap)` : 'back to back';
      progress.step('pingpong', j, jobs.length, `${kind} ${label}, ${waitLabel}`);
      let summary;
      let error;
      try {
        const b = budgetFor(budget, gap, quick);
        summary = mech === 'async-main' ? await runAsyncMain(lib, b, kind, gap) : await runWorkers(lib, b, kind, mech, gap);
      } catch (err) {
        error = err.message;
        progress.note(`  error: ${kind} ${label} ${waitLabel}: ${err.message}`);
      }
      rows.push({ payload: kind, payloadLabel: PAYLOADS[kind].label, mechanism: mech, contender: label, gapUs: gap, waiting: waitLabel, error, ...summary });
    }
    for (const r of rows) {
      const base = rows.find((b) => b.mechanism === 'port' && b.payload === r.payload && b.gapUs === r.gapUs);
      if (base?.median && r.median) r.vsMessagePort = base.median / r.median;
    }
    const table = renderTable(
      'Round trip, median and p99 of single round trips (p25-p75); "vs MessagePort" = MessagePort median / this median (higher is better)',
      ['payload', 'contender', 'waiting side', 'median', 'p25-p75', 'p99', 'samples', 'vs MessagePort'],
      rows.map((r) => [PAYLOADS[r.payload].label, r.contender, r.waiting, r.error ? 'ERROR' : us(r.median),
        r.error ? '' : `${us(r.p25)}-${us(r.p75)}`, r.error ? '' : us(r.p99), r.samples ?? '', ratio(r.vsMessagePort)]),
      ['l', 'l', 'l'],
    );
    return { rows, notes, tables: [table] };
  },
};
