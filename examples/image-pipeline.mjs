// An image-processing pipeline: download -> process -> save, with the CPU-bound middle
// (make an RGBA image, blur, resize, encode as PNG with pngjs) on worker threads. It shows a
// live progress line and a statistics table, then runs the same pipeline on one thread
// and compares wall times (and checks that both wrote the same bytes).
//
// Python original (asyncio + a process pool for the CPU part):
//   async def download(q_out):  for url in urls: await q_out.put(await fetch(url))
//   async def process(q_in, q_out, pool):
//       while True: img = await q_in.get(); await q_out.put(await loop.run_in_executor(pool, blur_resize_encode, img))
//   async def save(q_in):  while True: png = await q_in.get(); write(png); bar.update(1)
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerPool } from 'conveyor-queue';
import { QUICK, sleep } from './lib/common.mjs';
import { processImage } from './lib/image.mjs';

const COUNT = QUICK ? 8 : 40;
const [WIDTH, HEIGHT] = QUICK ? [240, 180] : [480, 360];
const THREADS = Math.max(2, availableParallelism());
const STEPS = ['generate', 'blur', 'resize', 'encode'];

/** Stage 1, "download": an async source with a little latency per image. */
async function* download() {
  for (let seed = 0; seed < COUNT; seed++) {
    await sleep(1);
    yield { seed, width: WIDTH, height: HEIGHT, scale: 0.5 };
  }
}

/** Stage 3, "save": writes the PNG and keeps what the statistics need. */
function saver(dir, label) {
  const stats = { bytes: 0, ms: [0, 0, 0, 0], perThread: new Map(), hashes: new Map(), done: 0 };
  const started = performance.now();
  const tty = process.stdout.isTTY;
  let shownQuarter = 0;
  return {
    stats,
    async save({ seed, png: bytes, ms, thread }) {
      const png = new Uint8Array(bytes);   // a Uint8Array, or the ArrayBuffer a worker sent
      await writeFile(join(dir, `${label}-${String(seed).padStart(3, '0')}.png`), png);
      stats.bytes += png.byteLength;
      ms.forEach((m, i) => (stats.ms[i] += m));
      stats.perThread.set(thread, (stats.perThread.get(thread) ?? 0) + 1);
      stats.hashes.set(seed, createHash('sha256').update(png).digest('hex'));
      stats.done++;
      const rate = (stats.done / (performance.now() - started)) * 1000;
      const width = 30;
      const filled = Math.round((stats.done / COUNT) * width);
      const line = `${label.padEnd(13)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${stats.done}/${COUNT} images  ${rate.toFixed(1)} img/s`;
      if (tty) {
        process.stdout.write(`\r${line}${stats.done === COUNT ? '\n' : ''}`);   // a live progress line
      } else if (Math.floor((stats.done / COUNT) * 4) > shownQuarter) {
        shownQuarter = Math.floor((stats.done / COUNT) * 4);                 // logs and CI: every 25%
        console.log(line);
      }
    },
  };
}

const dir = await mkdtemp(join(tmpdir(), 'conveyor-images-'));

// ---- on worker threads: the pool processes images as the downloads arrive ----
const pool = new WorkerPool({ worker: new URL('./workers/image-handler.mjs', import.meta.url), threads: THREADS, maxsize: 16 });
let start = performance.now();
let cpu = process.cpuUsage();
const threaded = saver(dir, `${THREADS} threads`);
for await (const result of pool.map(download(), { ordered: false })) await threaded.save(result);
await pool.close();
const threadedMs = performance.now() - start;
const threadedCpu = process.cpuUsage(cpu);

// ---- the same pipeline on the main thread only ----
start = performance.now();
cpu = process.cpuUsage();
const single = saver(dir, '1 thread');
for await (const job of download()) await single.save({ ...processImage(job), thread: 0 });
const singleMs = performance.now() - start;
const singleCpu = process.cpuUsage(cpu);
await rm(dir, { recursive: true, force: true });

// ---- statistics ----
const row = (cells) => console.log(cells.map((c, i) => (i === 0 ? String(c).padEnd(20) : String(c).padStart(14))).join(''));
console.log(`\n${COUNT} images of ${WIDTH}x${HEIGHT}, blurred, resized to ${WIDTH / 2}x${HEIGHT / 2}, encoded as PNG`);
row(['', `${THREADS} threads`, '1 thread']);
for (const [i, step] of STEPS.entries()) {
  row([`${step} (ms/image)`, (threaded.stats.ms[i] / COUNT).toFixed(2), (single.stats.ms[i] / COUNT).toFixed(2)]);
}
row(['images per thread', [...threaded.stats.perThread.values()].join('+'), COUNT]);
row(['PNG bytes written', threaded.stats.bytes, single.stats.bytes]);
row(['wall time (ms)', threadedMs.toFixed(0), singleMs.toFixed(0)]);
row(['images per second', ((COUNT / threadedMs) * 1000).toFixed(1), ((COUNT / singleMs) * 1000).toFixed(1)]);
// CPU time of the whole process (all threads) / wall time: how many cores it really got.
const cores = (usage, ms) => ((usage.user + usage.system) / 1000 / ms).toFixed(2);
row(['CPU cores used', cores(threadedCpu, threadedMs), cores(singleCpu, singleMs)]);
const speedup = singleMs / threadedMs;
console.log(`speed-up with ${THREADS} threads: ${speedup.toFixed(2)}x (on ${availableParallelism()} cores)`);
if (Number(cores(threadedCpu, threadedMs)) < THREADS * 0.75) {
  console.log('(the threads got less CPU than they could use: other programs are busy on this machine)');
}

const same = [...single.stats.hashes].every(([seed, hash]) => threaded.stats.hashes.get(seed) === hash);
if (threaded.stats.done !== COUNT || single.stats.done !== COUNT || !same) throw new Error('images missing or different');
console.log(`summary: image-pipeline ok: ${COUNT} images, identical PNGs, ${speedup.toFixed(2)}x`);
