// gather + join, the asyncio docs example: a queue of jobs, three workers, `join()` to wait
// until every job is done, then stop the workers and gather them. Part 1 is the asyncio
// program itself on one thread (LocalQueue, I/O-like work: sleeps); part 2 moves CPU-bound
// jobs to three worker threads with the same shape.
//
// Python original (asyncio docs, "Queues"):
//   for _ in range(20): queue.put_nowait(random.uniform(0.05, 1.0))
//   tasks = [asyncio.create_task(worker(f'worker-{i}', queue)) for i in range(3)]
//   await queue.join()
//   for task in tasks: task.cancel()
//   await asyncio.gather(*tasks, return_exceptions=True)
import { AsyncQueue, LocalQueue, QueueShutDown } from 'conveyor-queue';
import { QUICK, startWorker, sleep, since } from './lib/common.mjs';

// ---- part 1: one thread, sleeping workers (the asyncio program, line for line) ----
async function worker(name, queue, log) {
  for (;;) {
    let sleepFor;
    try {
      sleepFor = await queue.get();
    } catch (error) {
      if (error instanceof QueueShutDown) return;   // instead of task.cancel(): shutdown() ends the loop
      throw error;
    }
    await sleep(sleepFor);
    queue.taskDone();
    log.push(`${name} has slept for ${sleepFor} ms`);
  }
}

const local = new LocalQueue();
let totalSleep = 0;
for (let i = 0; i < 20; i++) {
  const ms = 5 + ((i * 37) % 11) * (QUICK ? 2 : 10);   // deterministic "random" durations
  totalSleep += ms;
  local.putNowait(ms);
}
const log = [];
let start = performance.now();
const tasks = [0, 1, 2].map((i) => worker(`worker-${i}`, local, log));
await local.join();
const wall1 = since(start);
local.shutdown();
await Promise.all(tasks);                                  // asyncio.gather
console.log(log.slice(0, 3).join('\n') + `\n... (${log.length} lines)`);
console.log(`part 1: 3 workers slept in parallel for ${wall1} ms; total expected sleep time ${totalSleep} ms`);

// ---- part 2: CPU-bound jobs on three worker threads ----
const jobs = new AsyncQueue();
const numbers = Array.from({ length: QUICK ? 24 : 60 }, (_, i) => 50_000 + i * 2_000);
start = performance.now();
const threads = [0, 1, 2].map((i) => startWorker('primes', { jobs: jobs.handle, name: `thread-${i}` }));
await jobs.putMany(numbers);
await jobs.join();
const wall2 = since(start);
jobs.shutdown();
const counts = await Promise.all(threads.map((t) => t.result));   // gather
console.log(`part 2: ${counts.map((c) => `${c.name} did ${c.count}`).join(', ')} in ${wall2} ms`);
const done = counts.reduce((sum, c) => sum + c.count, 0);
if (log.length !== 20 || done !== numbers.length) throw new Error('a job was lost');
console.log(`summary: gather-join ok: 20 sleeps on one thread, ${done} CPU jobs on 3 threads`);
