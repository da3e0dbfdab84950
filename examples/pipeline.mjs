// A multi-stage data pipeline: parse -> analyze -> format, each stage a WorkerPool of its own
// (the CPU-heavy middle stage gets 2 threads). Items go from stage to stage through shared
// queues, worker to worker, never through the main thread; the main thread only feeds the
// first stage and reads the last, in input order.
//
// Python original (asyncio):
//   async def stage(fn, inq, outq):
//       while True:
//           item = await inq.get(); await outq.put(fn(item)); inq.task_done()
//   q1, q2, q3 = asyncio.Queue(), asyncio.Queue(), asyncio.Queue()
//   tasks = [create_task(stage(parse, q0, q1)), create_task(stage(analyze, q1, q2)), ...]
import { pipeline } from 'conveyor-queue';
import { QUICK, since } from './lib/common.mjs';

const stage = (name) => new URL(`./workers/stage-${name}.mjs`, import.meta.url);
const pipe = pipeline(
  { worker: stage('parse'), threads: 1 },
  { worker: stage('analyze'), threads: 2 },
  { worker: stage('format'), threads: 1 },
);

const cities = ['Oslo', 'Lisbon', 'Nairobi', 'Lima', 'Osaka', 'Reykjavik', 'Perth'];
const rows = QUICK ? 200 : 3_000;
function* csvLines() {                       // a lazy source: read only as fast as results are consumed
  for (let id = 0; id < rows; id++) {
    const base = 5 + (id % cities.length) * 3;
    const temps = Array.from({ length: 200 }, (_, k) => (base + 8 * Math.sin((k + id) / 9) + ((k * 31 + id) % 7) - 3).toFixed(1));
    yield `${id},${cities[id % cities.length]},${temps.join(' ')}`;
  }
}

const start = performance.now();
let count = 0;
let inOrder = true;
for await (const { id, line } of pipe.map(csvLines())) {
  if (id !== count) inOrder = false;
  if (count < 5) console.log(line);
  count++;
}
const wall = since(start);
const stats = pipe.stats();
await pipe.close();
console.log(`  ... ${count} records through 3 stages in ${wall} ms, in input order: ${inOrder}`);
console.log(`stage threads: ${stats.map((s, i) => `${['parse', 'analyze', 'format'][i]}=${s.perThread.map((t) => t.done).join('+')}`).join('  ')}`);
if (count !== rows || !inOrder) throw new Error('records lost or out of order');
console.log(`summary: pipeline ok: ${count} records, 3 stages, in order`);
