// Timeouts on get and put: `timeout` (ms) rejects with QueueEmpty / QueueFull like
// queue.Queue; an AbortSignal (AbortSignal.timeout(ms), or your own controller) rejects with
// its reason, like asyncio.wait_for. An aborted or timed-out get never loses an item.
//
// Python original (asyncio):
//   try:
//       item = await asyncio.wait_for(q.get(), timeout=0.1)
//   except TimeoutError:
//       print('nothing arrived in 100 ms')
//   # queue.Queue: q.get(timeout=0.1) -> queue.Empty, q.put(x, timeout=0.1) -> queue.Full
import { AsyncQueue, QueueEmpty, QueueFull } from 'conveyor-queue';
import { QUICK, startWorker, since } from './lib/common.mjs';

const wait = QUICK ? 50 : 200;
const queue = new AsyncQueue({ maxsize: 1 });
const outcomes = [];

async function attempt(label, fn) {
  const start = performance.now();
  try {
    const value = await fn();
    outcomes.push(`${label}: got ${JSON.stringify(value)} after ${since(start)} ms`);
  } catch (error) {
    outcomes.push(`${label}: ${error.name} after ${since(start)} ms`);
    return error;
  }
}

// 1. get with timeout on an empty queue -> QueueEmpty (queue.Queue's get(timeout=...))
const e1 = await attempt(`get({ timeout: ${wait} })`, () => queue.get({ timeout: wait }));
// 2. get with AbortSignal.timeout -> DOMException TimeoutError (asyncio.wait_for)
// Careful: Node's AbortSignal.timeout() timer does not keep the process alive, and neither
// does a waiting get(); with nothing else going on (no server, no worker, no timer) Node
// would exit in the middle of this await with code 13. Real programs have something
// running; this one holds an interval while it waits.
const alive = setInterval(() => {}, 60_000);
const e2 = await attempt(`get({ signal: AbortSignal.timeout(${wait}) })`, () => queue.get({ signal: AbortSignal.timeout(wait) }));
clearInterval(alive);
// 3. put with timeout on a full queue -> QueueFull
queue.putNowait('occupies the only slot');
const e3 = await attempt(`put(x, { timeout: ${wait} }) when full`, () => queue.put('x', { timeout: wait }));
// 4. cancellation by hand: an AbortController, like task.cancel()
const controller = new AbortController();
setTimeout(() => controller.abort(new Error('cancelled by the user')), wait / 2);
const e4 = await attempt('put(x, { signal }) aborted', () => queue.put('x', { signal: controller.signal }));
// the item queued before is still there: a timed-out or aborted call changes nothing
const kept = queue.getNowait();
// 5. an item from another thread that arrives in time: the get succeeds
const late = startWorker('late-producer', { queue: queue.handle, item: 'hello from a worker', delayMs: wait / 2 });
await attempt(`get({ timeout: 5000 }) while a worker puts after ${wait / 2} ms`, () => queue.get({ timeout: 5_000 }));
const { emptyError } = await late.result;

for (const line of outcomes) console.log(line);
console.log(`still queued after the failed put: "${kept}"; the worker's own get({ timeout: 20 }) threw ${emptyError}`);
const ok = e1 instanceof QueueEmpty && e2?.name === 'TimeoutError' && e3 instanceof QueueFull
  && e4?.message === 'cancelled by the user' && kept === 'occupies the only slot' && emptyError === 'QueueEmpty';
if (!ok) throw new Error('unexpected outcome');
console.log('summary: timeouts ok: QueueEmpty, TimeoutError, QueueFull, abort, and a get served in time');
