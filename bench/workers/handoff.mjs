/**
 * Scenario 1 worker: one producer or one consumer of a hand-off, over a conveyor Queue
 * or over MessagePorts. The driver starts rounds through the control block; in a round
 * the producers send `perRound` items in total and the consumers take all of them.
 *
 * Producers (both mechanisms) wait for a round with Atomics.wait, then send their share.
 * Queue consumers claim items (a CAS on CLAIM, at most one batch at a time) before they
 * get them, so two consumers of one queue never wait for an item of the next round.
 * Port consumers run on their event loop; each one knows its exact share per round
 * (producers deal messages to consumers round-robin), so both kinds report consumed
 * items with one atomic add per batch / per round, not per item.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Queue } from '../../dist/index.js';
import { C, reportConsumed, waitForRound } from '../lib/control.mjs';
import { makePool, PAYLOADS, shareIndexes } from '../lib/payloads.mjs';

const { role, mech, mode, kind, codec, perRound, producers, consumers, index, batch, handle, ports } = workerData;
const ctrl = new Int32Array(workerData.ctrl);
const key = PAYLOADS[kind].key;

/** A producer's messages for one round: single items, or arrays of `batch` items. */
function producerMessages() {
  const pool = makePool(kind);
  const items = shareIndexes(kind, perRound, producers, index).map((j) => pool[j]);
  if (mode === 'single') return items;
  const out = [];
  for (let i = 0; i < items.length; i += batch) out.push(items.slice(i, i + batch));
  return out;
}

/** How many items port consumer `c` receives per round: producers deal messages round-robin. */
function portQuota(c) {
  const share = perRound / producers;
  const sizes = mode === 'single' ? new Array(share).fill(1) : [];
  if (mode === 'batch') for (let i = 0; i < share; i += batch) sizes.push(Math.min(batch, share - i));
  let quota = 0;
  for (let m = 0; m < sizes.length; m++) if (m % consumers === c) quota += sizes[m];
  return quota * producers;
}

function finish(totals) {
  parentPort.postMessage({ done: true, ...totals });
}

if (role === 'producer') {
  const messages = producerMessages();
  const q = mech === 'queue' ? Queue.from(handle) : null;
  parentPort.postMessage({ ready: true });
  let seen = 0;
  let sent = 0;
  while (waitForRound(ctrl, seen)) {
    seen++;
    if (mech === 'queue') {
      if (mode === 'single') for (let i = 0; i < messages.length; i++) q.put(messages[i]);
      else for (let i = 0; i < messages.length; i++) q.putMany(messages[i]);
    } else {
      const n = ports.length;
      for (let i = 0; i < messages.length; i++) ports[i % n].postMessage(messages[i]);
    }
    sent += messages.length;
  }
  finish({ sent });
} else if (mech === 'queue') {
  const q = Queue.from(handle);
  const claimSize = batch;
  parentPort.postMessage({ ready: true });
  let seen = 0;
  let count = 0;
  let sum = 0;
  while (waitForRound(ctrl, seen)) {
    seen++;
    const end = seen * perRound;
    for (;;) {
      // Claim up to one batch of this round's items.
      let c = Atomics.load(ctrl, C.CLAIM);
      let want = 0;
      while (c < end) {
        want = Math.min(claimSize, end - c);
        const prev = Atomics.compareExchange(ctrl, C.CLAIM, c, c + want);
        if (prev === c) break;
        c = prev;
        want = 0;
      }
      if (want === 0) break;
      const claimed = want;
      if (mode === 'single') {
        for (; want > 0; want--) sum += key(q.get());
      } else {
        while (want > 0) {
          const items = q.getMany(want);
          for (let i = 0; i < items.length; i++) sum += key(items[i]);
          want -= items.length;
        }
      }
      count += claimed;
      reportConsumed(ctrl, claimed, perRound);
    }
  }
  finish({ count, sum });
} else {
  const quota = portQuota(index);
  let count = 0;
  let sum = 0;
  let nextReport = quota;
  const onMessage = mode === 'single'
    ? (m) => {
        sum += key(m);
        if (++count === nextReport) {
          nextReport += quota;
          reportConsumed(ctrl, quota, perRound);
        }
      }
    : (m) => {
        for (let i = 0; i < m.length; i++) sum += key(m[i]);
        count += m.length;
        if (count === nextReport) {
          nextReport += quota;
          reportConsumed(ctrl, quota, perRound);
        }
      };
  for (const port of ports) port.on('message', onMessage);
  parentPort.on('message', (m) => {
    if (m === 'stop') {
      for (const port of ports) port.close();
      finish({ count, sum });
    }
  });
  parentPort.postMessage({ ready: true });
}
