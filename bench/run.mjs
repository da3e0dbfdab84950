#!/usr/bin/env node
/**
 * conveyor bench suite. `npm run bench` builds the library and runs every scenario;
 * `npm run bench -- --quick` is the smoke run CI uses (same rows, few samples).
 *
 * Options:
 *   --quick             short run (< 1 minute); results go to bench/results/quick/
 *   --only=a,b          run only these scenarios (ids: handoff, pingpong, cpu, pipeline, memory);
 *                       the JSON file name then ends with the ids
 *   --out=DIR           where to write the JSON and the charts (default bench/results)
 *
 * Every scenario is a module in bench/scenarios/ exporting { id, title, run(ctx) } that
 * returns { rows, tables, notes, charts }; this file only sequences them, prints the
 * tables and writes the results.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { PROFILES } from './lib/profile.mjs';
import { Progress } from './lib/progress.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SCENARIOS = ['handoff', 'pingpong', 'cpu', 'pipeline', 'memory'];

function parseArgs(argv) {
  const args = { quick: false, only: null, out: null };
  for (const a of argv) {
    if (a === '--quick') args.quick = true;
    else if (a.startsWith('--only=')) args.only = a.slice(7).split(',').filter(Boolean);
    else if (a.startsWith('--out=')) args.out = path.resolve(a.slice(6));
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run bench [-- --quick] [--only=handoff,pingpong,cpu,pipeline,memory] [--out=DIR]');
      process.exit(0);
    } else {
      console.error(`unknown option ${a} (try --help)`);
      process.exit(2);
    }
  }
  for (const id of args.only ?? []) {
    if (!SCENARIOS.includes(id)) {
      console.error(`unknown scenario '${id}': choose from ${SCENARIOS.join(', ')}`);
      process.exit(2);
    }
  }
  return args;
}

/** The runtime measured: Bun and Deno report a Node.js version of their own in process.version. */
function runtimeName() {
  if (process.versions.bun) return `bun ${process.versions.bun}`;
  if (process.versions.deno) return `deno ${process.versions.deno}`;
  return `node ${process.version}`;
}

function machine() {
  let commit = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch { /* not a git checkout */ }
  const cpus = os.cpus();
  return {
    runtime: runtimeName(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memory: os.totalmem(),
    commit,
  };
}

/**
 * Cross-thread numbers mean little on a machine that is busy with other work (spinning
 * waiters lose their core, wake-ups queue behind other processes): say so up front.
 */
function warnIfBusy(cores) {
  const [one] = os.loadavg();
  if (one > cores * 0.5) {
    console.log(`warning: load average ${one.toFixed(2)} on ${cores} cores: other processes are busy, cross-thread figures will be noisy and low`);
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const profile = args.quick ? PROFILES.quick : PROFILES.full;
  const outDir = args.out ?? path.join(here, 'results', ...(args.quick ? ['quick'] : []));
  const progress = new Progress();
  let lib;
  try {
    lib = await import('../dist/index.js');
  } catch (err) {
    console.error(`cannot load the built library (dist/index.js): ${err.message}\nrun \`npm run build\` first (npm run bench does it for you)`);
    process.exit(1);
  }
  const meta = { date: new Date().toISOString(), profile: profile.name, ...machine(), loadAverageAtStart: os.loadavg()[0] };
  console.log(`conveyor bench (${profile.name}): ${meta.runtime}${process.versions.bun ? '' : ` (V8 ${meta.v8})`}, ${meta.cores} cores (${meta.cpu}), ${meta.platform}${meta.commit ? `, commit ${meta.commit}` : ''}`);
  warnIfBusy(meta.cores);
  const ids = args.only ?? SCENARIOS;
  const results = {};
  let failed = false;
  await mkdir(outDir, { recursive: true });
  for (const id of ids) {
    const scenario = (await import(`./scenarios/${id}.mjs`)).default;
    progress.note(`\n${scenario.title}`);
    const started = performance.now();
    let res;
    try {
      res = await scenario.run({ lib, budget: profile, quick: args.quick, progress, root: path.dirname(here) });
    } catch (err) {
      progress.clear();
      console.error(`  scenario ${id} failed: ${err.stack ?? err}`);
      failed = true;
      results[id] = { title: scenario.title, error: String(err.message ?? err) };
      continue;
    }
    progress.clear();
    if (res.skipped) {
      console.log(`  skipped: ${res.skipped}`);
      results[id] = { title: scenario.title, skipped: res.skipped };
      continue;
    }
    for (const n of res.notes ?? []) console.log(`  note: ${n}`);
    for (const t of res.tables ?? []) console.log(`\n${t}`);
    if ((res.rows ?? []).some((r) => r.error)) failed = true;
    const charts = [];
    for (const c of res.charts ?? []) {
      try {
        charts.push(path.relative(path.dirname(here), await c.write(path.join(outDir, c.file))));
      } catch (err) {
        console.error(`  chart ${c.file} failed: ${err.message}`);
      }
    }
    if (charts.length) console.log(`\n  chart: ${charts.join(', ')}`);
    results[id] = { title: scenario.title, seconds: (performance.now() - started) / 1000, notes: res.notes ?? [], rows: res.rows, extra: res.extra };
  }
  meta.loadAverageAtEnd = os.loadavg()[0];
  const day = meta.date.slice(0, 10);
  // A partial run (--only) gets its own file, so it never replaces a full run's results.
  const suffix = args.only ? `-${ids.join('-')}` : '';
  const file = path.join(outDir, `${day}-${meta.runtime.startsWith('node ') ? process.version : meta.runtime.replace(' ', '-')}${suffix}.json`);
  await writeFile(file, `${JSON.stringify({ meta, scenarios: results }, null, 2)}\n`);
  console.log(`\nresults: ${path.relative(process.cwd(), file)} (${progress.elapsed()}; load average ${meta.loadAverageAtStart.toFixed(2)} at start, ${meta.loadAverageAtEnd.toFixed(2)} at end)`);
  if (failed) {
    console.error('some rows failed (see above)');
    process.exitCode = 1;
  }
}

await main();
// A contender that hung (and failed its row) may leave threads behind: do not wait for them.
process.exit(process.exitCode ?? 0);
