/**
 * Scenario 2 worker: one side of a ping-pong. The pinger runs tinybench here, in its
 * own thread, so every sample is exactly one round trip (send, then wait for the echo)
 * with no main-thread hop in the timed window. The ponger echoes every item back.
 *
 * mech:
 *   queue      two conveyor Queues (ping, pong), sync views; a waiting get spins briefly
 *              (the library's own spin) and then parks in Atomics.wait.
 *   port       a MessagePort pair; both sides wait on their event loop (the usual way).
 *   port-poll  a MessagePort pair; both sides busy-poll receiveMessageOnPort (the
 *              closest MessagePort analog of a spinning peer; it never parks).
 * gapUs > 0: before each timed round trip (untimed, tinybench beforeEach) the pinger
 * sleeps that long, so the ponger has given up spinning and is parked when the ping comes.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { Queue, QueueShutDown } from '../../dist/index.js';
import { measure } from '../lib/measure.mjs';
import { makePool, PAYLOADS } from '../lib/payloads.mjs';
import { C } from '../lib/control.mjs';

const { role, mech, kind, gapUs, budget, ping, pong, port } = workerData;
const ctrl = new Int32Array(workerData.ctrl);
const key = PAYLOADS[kind].key;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

if (role === 'ponger') {
  if (mech === 'queue') {
    const qin = Queue.from(ping);
    const qout = Queue.from(pong);
    parentPort.postMessage({ ready: true });
    let echoed = 0;
    try {
      for (;;) {
        qout.put(qin.get());
        echoed++;
      }
    } catch (err) {
      if (!(err instanceof QueueShutDown)) throw err;
    }
    parentPort.postMessage({ done: true, echoed });
  } else if (mech === 'port') {
    let echoed = 0;
    port.on('message', (m) => {
      port.postMessage(m);
      echoed++;
    });
    parentPort.on('message', () => {
      port.close();
      parentPort.postMessage({ done: true, echoed });
    });
    parentPort.postMessage({ ready: true });
  } else {
    parentPort.postMessage({ ready: true });
    let echoed = 0;
    while (Atomics.load(ctrl, C.STOP) === 0) {
      const m = receiveMessageOnPort(port);
      if (m !== undefined) {
        port.postMessage(m.message);
        echoed++;
      }
    }
    parentPort.postMessage({ done: true, echoed });
  }
} else {
  const pool = makePool(kind);
  let i = 0;
  let sum = 0;
  let sent = 0;
  const next = () => {
    const item = pool[i];
    i = (i + 1) % pool.length;
    sent++;
    return item;
  };
  const hooks = gapUs > 0 ? { beforeEach: () => { Atomics.wait(sleeper, 0, 0, gapUs / 1000); } } : {};
  let fn;
  let qping;
  if (mech === 'queue') {
    qping = Queue.from(ping);
    const qpong = Queue.from(pong);
    fn = () => {
      qping.put(next());
      sum += key(qpong.get());
    };
  } else if (mech === 'port') {
    let resolve;
    port.on('message', (m) => {
      sum += key(m);
      resolve();
    });
    fn = async () => {
      await new Promise((res) => {
        resolve = res;
        port.postMessage(next());
      });
    };
  } else {
    fn = () => {
      port.postMessage(next());
      let m;
      while ((m = receiveMessageOnPort(port)) === undefined);
      sum += key(m.message);
    };
  }
  parentPort.postMessage({ ready: true });
  const samples = await measure(`ping-pong ${mech}`, fn, budget, hooks);
  // Exactly-once: the echoes are the items sent, in order (sum of their keys).
  let expected = 0;
  for (let k = 0; k < sent; k++) expected += key(pool[k % pool.length]);
  if (mech === 'queue') qping.shutdown();
  if (mech !== 'queue') port.close();
  parentPort.postMessage({ done: true, samples: Float64Array.from(samples), sent, ok: expected === sum });
}
