#!/usr/bin/env node
/**
 * A bare hand-off for profiling: one producer worker puts N items into a conveyor Queue,
 * one consumer worker gets them; prints items/s. Profile both threads with:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile/handoff.mjs
 *   node bench/profile/top.mjs /tmp/prof
 *
 * Environment: N (items, default 1e6), KIND (number | object), MODE (single | batch),
 * CODEC (default), MAXSIZE (1024), LIB (module to import, default ../../dist/index.js:
 * point it at a patched copy to measure a change).
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { makePool, PAYLOADS } from '../lib/payloads.mjs';

const { Queue } = await import(process.env.LIB ? new URL(process.env.LIB, `file://${process.cwd()}/`).href : '../../dist/index.js');
const N = Number(process.env.N ?? 1e6);
const KIND = process.env.KIND ?? 'number';
const MODE = process.env.MODE ?? 'single';
const BATCH = 64;

if (isMainThread) {
  const q = new Queue({ maxsize: Number(process.env.MAXSIZE ?? 1024), codec: process.env.CODEC ?? 'default' });
  const workers = ['consumer', 'producer'].map((role) => new Worker(new URL(import.meta.url), { workerData: { role, handle: q.handle } }));
  workers[0].on('message', (m) => {
    console.log(`${KIND} ${MODE}: ${Math.round(N / (m.ms / 1000)).toLocaleString('en')} items/s (consumer ${m.ms.toFixed(0)} ms, checksum ${m.sum})`);
    for (const w of workers) void w.terminate();
  });
} else {
  const q = Queue.from(workerData.handle);
  const pool = makePool(KIND);
  const key = PAYLOADS[KIND].key;
  const mask = pool.length - 1;
  const batches = [];
  for (let i = 0; i < pool.length; i += BATCH) batches.push(pool.slice(i, i + BATCH));
  const t = performance.now();
  if (workerData.role === 'producer') {
    if (MODE === 'single') for (let i = 0; i < N; i++) q.put(pool[i & mask]);
    else for (let i = 0; i < N / BATCH; i++) q.putMany(batches[i % batches.length]);
  } else {
    let sum = 0;
    if (MODE === 'single') for (let i = 0; i < N; i++) sum += key(q.get());
    else for (let i = 0; i < N;) { const xs = q.getMany(BATCH); for (const x of xs) sum += key(x); i += xs.length; }
    parentPort.postMessage({ ms: performance.now() - t, sum });
  }
}
