/**
 * Scenario 5 child process (run with --expose-gc, one contender per process so that
 * peak RSS belongs to that contender alone). Fills one container with `count` small
 * items, measures memory while they sit there, drains it and checks every item came
 * back once. Prints one JSON line.
 *
 * argv: <contender> <payload> <count>
 *   contender: queue (conveyor Queue, default codec, unbounded), local (LocalQueue),
 *              array (a plain JS array: the in-process floor), port (messages queued on
 *              a MessagePort that nobody reads yet)
 *   payload:   number (i) | object ({ v: i, name: 'item' })
 */
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';

const [contender, payload, countArg] = process.argv.slice(2);
const count = Number(countArg);
const make = payload === 'number' ? (i) => i : (i) => ({ v: i, name: 'item' });
const key = payload === 'number' ? (x) => x : (x) => x.v;

function settle() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

let put;
let take;
let shared = () => ({ allocated: 0 });
if (contender === 'queue') {
  const { Queue } = await import('../../dist/index.js');
  const q = new Queue();
  put = (x) => q.put(x);
  take = () => q.get();
  shared = () => ({ allocated: q.handle.data.byteLength + q.handle.header.byteLength });
} else if (contender === 'local') {
  const { LocalQueue } = await import('../../dist/index.js');
  const q = new LocalQueue();
  put = (x) => q.putNowait(x);
  take = () => q.getNowait();
} else if (contender === 'array') {
  const a = [];
  let head = 0;
  put = (x) => a.push(x);
  take = () => a[head++];
} else if (contender === 'port') {
  const { port1, port2 } = new MessageChannel();
  put = (x) => port1.postMessage(x);
  take = () => receiveMessageOnPort(port2).message;
} else {
  throw new Error(`unknown contender ${contender}`);
}

// Peak RSS is sampled here: getrusage's maxrss would include the parent's RSS, which a
// forked child inherits on Linux.
let peakRss = 0;
const sample = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
};
const before = settle();
sample();
let t = performance.now();
for (let i = 0; i < count; i++) {
  put(make(i));
  if ((i & 0xffff) === 0) sample();
}
const fillMs = performance.now() - t;
sample();
const full = settle();
const sharedFull = shared();
t = performance.now();
let sum = 0;
for (let i = 0; i < count; i++) {
  sum += key(take());
  if ((i & 0xffff) === 0) sample();
}
const drainMs = performance.now() - t;
sample();
const expected = (count * (count - 1)) / 2;
process.stdout.write(`${JSON.stringify({
  contender, payload, count, fillMs, drainMs, before, full, shared: sharedFull,
  peakRss, ok: sum === expected,
})}\n`);
