// The async view under abort storms (issue 6, item 6). Usage:
//   node scripts/abort-storm.mjs [--gets 1000000] [--items 300000] [--concurrency 500]
// See scripts/lib/abort-storm.mjs. Exits 1 on a lost, duplicated or reordered item or a leaked waiter.
import { runAbortStorm } from './lib/abort-storm.mjs';
import { parseArgs } from './lib/threads.mjs';

const args = parseArgs(process.argv.slice(2), { gets: 1_000_000, items: 300_000, concurrency: 500, maxsize: 256 });
const mb = (b) => `${(b / 2 ** 20).toFixed(2)} MiB`;
const r = await runAbortStorm({
  ...args,
  log: (k, m) => console.log(`  ${String(k).padStart(8)} gets: heap ${mb(m.heapUsed)}, rss ${mb(m.rss)}`),
});
console.log(`abort storm: ${r.gets.toLocaleString('en-US')} gets (${r.getsPerSecond.toFixed(0)}/s, ${r.stormSeconds.toFixed(1)} s) while a worker put ${r.items.toLocaleString('en-US')} items; outcomes ${JSON.stringify(r.outcomes)}`);
console.log(`memory after GC, steady part: heap ${mb(r.heapFirst)} -> ${mb(r.heapLast)} (slope ${(r.heapSlopePer100k / 1024).toFixed(1)} KiB per 100k gets), rss ${mb(r.rssFirst)} -> ${mb(r.rssLast)} (slope ${(r.rssSlopePer100k / 1024).toFixed(1)} KiB per 100k gets)`);
console.log(r.ok ? 'OK: every item exactly once and in order, no waiter or sleeper registration left' : `FAIL: ${r.problems.join('; ')}`);
process.exitCode = r.ok ? 0 : 1;
