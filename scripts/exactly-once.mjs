// Exactly-once at scale (issue 6, item 2). Usage:
//   node scripts/exactly-once.mjs [--items 10000000] [--maxsize 16] [--batch 8] [--only cores|over|async]
// Runs three configurations, each moving --items items through one bounded FIFO queue:
//   cores  producers = consumers = number of cores (worker threads)
//   over   2x cores + 1 producers and as many consumers: more threads than cores
//   async  cores producers and consumers, plus the main thread as an async producer and consumer
// Prints throughput and the verdict; exits 1 on any lost, duplicated, corrupt or reordered item.
import os from 'node:os';
import { runExactlyOnce } from './lib/exactly-once.mjs';
import { parseArgs } from './lib/threads.mjs';

const args = parseArgs(process.argv.slice(2), { items: 10_000_000, maxsize: 16, batch: 8, only: '', ordering: 'fifo' });
const cores = os.availableParallelism();
const configs = [
  { name: 'cores', producers: cores, consumers: cores, asyncParty: false },
  { name: 'over', producers: 2 * cores + 1, consumers: 2 * cores + 1, asyncParty: false },
  { name: 'async', producers: cores, consumers: cores, asyncParty: true },
].filter((c) => !args.only || c.name === args.only);

console.log(`exactly-once: ${args.items.toLocaleString('en-US')} items per run, ${args.ordering} queue maxsize ${args.maxsize}, batch ${args.batch}, ${cores} cores, node ${process.version}`);
let failed = false;
for (const c of configs) {
  const r = await runExactlyOnce({ ...c, items: args.items, maxsize: args.maxsize, batch: args.batch, ordering: args.ordering });
  const parties = `${c.producers}P+${c.consumers}C${c.asyncParty ? ' + main-thread async P+C' : ''}`;
  const rate = `${(r.itemsPerSecond / 1e6).toFixed(2)} M items/s`;
  console.log(`${c.name.padEnd(6)} ${parties.padEnd(32)} ${r.seconds.toFixed(1).padStart(6)} s  ${rate.padStart(16)}  ${r.ok ? 'OK: every item exactly once' + (args.ordering === 'fifo' ? ', per-producer FIFO kept' : '') : 'FAIL: ' + r.problems.join('; ')}`);
  if (!r.ok) failed = true;
}
process.exitCode = failed ? 1 : 0;
