#!/usr/bin/env node
/**
 * The headline ratios of one or more full bench runs, side by side, as a Markdown table:
 * one column per results file (for instance one run per Node line).
 *
 *   node bench/headline.mjs bench/results/2026-12-04-v20.20.2.json bench/results/2026-12-04-v26.12.1.json
 *
 * Every figure is read from the files as `npm run bench` wrote them (each ratio is against
 * a baseline measured in the same run); nothing is recomputed but the formatting.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bench/headline.mjs RESULTS.json [RESULTS.json ...]');
  process.exit(2);
}

const x = (v) => (v === undefined ? 'n/a' : `${v.toFixed(2)}x`);
const us = (v) => (v === undefined ? 'n/a' : `${v.toFixed(2)} µs`);

/** [label, function of the scenarios object -> formatted figure] */
const ROWS = [
  ['objects, 1 -> 1, put/get vs postMessage', (s) => x(handoff(s, 'object', 'single', 'default')?.vsPostMessage)],
  ['objects, 1 -> 1, putMany/getMany 64 vs postMessage', (s) => x(handoff(s, 'object', 'batch', 'default')?.vsPostMessage)],
  ['numbers, 1 -> 1, put/get vs postMessage', (s) => x(handoff(s, 'number', 'single', 'default')?.vsPostMessage)],
  ['numbers, 1 -> 1, putMany/getMany 64 vs postMessage', (s) => x(handoff(s, 'number', 'batch', 'default')?.vsPostMessage)],
  ['64 KiB arrays, 1 -> 1, bytes codec put/get vs postMessage', (s) => x(handoff(s, 'bytes64k', 'single', 'bytes')?.vsPostMessage)],
  ['ping-pong median, spinning peer, object', (s) => us(pingpong(s, 'object', 0)?.median)],
  ['ping-pong median, spinning peer, number', (s) => us(pingpong(s, 'number', 0)?.median)],
  ['ping-pong, peer parked (500 µs gap), object, vs MessagePort', (s) => x(pingpong(s, 'object', 500)?.vsMessagePort)],
  ['ping-pong, peer parked (500 µs gap), number, vs MessagePort', (s) => x(pingpong(s, 'number', 500)?.vsMessagePort)],
  ['CPU 10 µs items, 2 threads, vs one thread', (s) => x(cpu(s, 10, 'pool')?.speedup)],
  ['CPU 100 µs items, 2 threads, vs one thread', (s) => x(cpu(s, 100, 'pool')?.speedup)],
  ['CPU 1 ms items, 2 threads, vs one thread', (s) => x(cpu(s, 1000, 'pool')?.speedup)],
  ['CPU 1 ms items, piscina 2 threads, vs one thread', (s) => x(cpu(s, 1000, 'piscina')?.speedup)],
  ['trivial items, map, 2 threads, vs piscina.run', (s) => x(cpu(s, 0, 'pool')?.vsPiscina)],
  ['pipeline, chained pools, vs one thread', (s) => x(s.pipeline?.rows?.find((r) => r.mechanism === 'chained')?.speedup)],
];

function handoff(s, payload, mode, codec) {
  return s.handoff?.rows?.find((r) => r.topology === '1x1' && r.payload === payload && r.mode === mode && r.mechanism === 'queue' && r.codec === codec);
}
function pingpong(s, payload, gapUs) {
  return s.pingpong?.rows?.find((r) => r.payload === payload && r.gapUs === gapUs && r.mechanism === 'queue');
}
function cpu(s, grainUs, mechanism) {
  return s.cpu?.rows?.find((r) => r.grainUs === grainUs && r.threads === 2 && r.mechanism === mechanism);
}

const runs = files.map((f) => ({ file: f, ...JSON.parse(readFileSync(f, 'utf8')) }));
const head = runs.map((r) => `Node ${r.meta.node.replace(/^v/, '')}`);
console.log(`| figure | ${head.join(' | ')} |`);
console.log(`|---|${runs.map(() => '---').join('|')}|`);
for (const [label, get] of ROWS) console.log(`| ${label} | ${runs.map((r) => get(r.scenarios)).join(' | ')} |`);
console.log(`| commit; load average at start | ${runs.map((r) => `${r.meta.commit ?? '?'}; ${r.meta.loadAverageAtStart.toFixed(2)}`).join(' | ')} |`);
console.log(`\nFrom: ${runs.map((r) => path.relative(process.cwd(), r.file)).join(', ')}`);
