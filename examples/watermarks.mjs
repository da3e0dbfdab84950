// High/low watermark backpressure: a producer submits jobs to a WorkerPool, pauses when
// 32 are pending (high watermark) and resumes only when the pool is down to 8 (low
// watermark), so it works in bursts instead of stalling and waking at every result.
// `Watermark` is the library's small hysteresis gate: feed it the level, await ready().
//
// Python original (asyncio streams / a hand-rolled version):
//   if pending >= HIGH: paused = True; await resume.wait()    # like transport.pause_writing()
//   ... on each result: if paused and pending <= LOW: resume.set()   # resume_writing()
import { WorkerPool, Watermark } from 'conveyor-queue';
import { QUICK, since } from './lib/common.mjs';

const pool = new WorkerPool({ worker: new URL('./workers/primes-handler.mjs', import.meta.url), threads: 2 });
const mark = new Watermark({ high: 32, low: 8 });
const start = performance.now();
const log = [];
mark.on('high', (level) => log.push(`${String(since(start)).padStart(5)} ms  high (${level} pending): producer pauses`));
mark.on('low', (level) => log.push(`${String(since(start)).padStart(5)} ms  low  (${level} pending): producer resumes`));

const total = QUICK ? 100 : 600;
let pending = 0;
let peak = 0;
let sum = 0;
const finished = [];
for (let i = 0; i < total; i++) {
  await mark.ready();                        // the whole backpressure loop: wait while high
  pending++;
  peak = Math.max(peak, pending);
  mark.update(pending);
  finished.push(pool.run(30_000 + (i % 10) * 1_000).then((primes) => {
    sum += primes;
    mark.update(--pending);                  // one result back: the level drops
  }));
}
await Promise.all(finished);
await pool.close();

const highs = log.filter((l) => l.includes('high')).length;
for (const line of log.slice(0, 6)) console.log(line);
if (log.length > 6) console.log(`  ... ${log.length - 6} more events`);
console.log(`${total} jobs in ${since(start)} ms; producer paused ${highs} times; never more than ${peak} pending (high 32)`);
if (peak > mark.high || highs < 1 || pending !== 0) throw new Error('watermarks not respected');
console.log(`summary: watermarks ok: ${total} jobs, ${highs} pauses, peak ${peak} <= ${mark.high}`);
