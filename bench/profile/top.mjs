#!/usr/bin/env node
/**
 * Prints where the CPU time went in .cpuprofile files (self time per function), one
 * table per thread. Usage: node bench/profile/top.mjs DIR [rows]
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const [dir, rowsArg] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node bench/profile/top.mjs DIR [rows]');
  process.exit(2);
}
const rows = Number(rowsArg ?? 20);
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfTime = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const n = nodes.get(profile.samples[i]);
    const dt = profile.timeDeltas[i] ?? 0;
    const { functionName, url, lineNumber } = n.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
    selfTime.set(key, (selfTime.get(key) ?? 0) + dt);
    total += dt;
  }
  console.log(`\n${file}: ${(total / 1000).toFixed(0)} ms sampled`);
  for (const [key, t] of [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    console.log(`${((100 * t) / total).toFixed(1).padStart(6)}%  ${key}`);
  }
}
