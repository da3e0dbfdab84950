// Threads killed at any instant, thousands of times (issue 6, item 3). Usage:
//   node scripts/kill-storm.mjs [--kills 3000] [--workers 3] [--ordering fifo|lifo|priority|both|all]
// (both: fifo and lifo; all, the default: fifo, lifo and priority)
// See scripts/lib/kill-storm.mjs for what is checked. Exits 1 on any failed check.
import { runKillStorm } from './lib/kill-storm.mjs';
import { parseArgs } from './lib/threads.mjs';

const args = parseArgs(process.argv.slice(2), { kills: 3000, workers: 3, items: 16, maxsize: 12, killsPerRound: 6, maxDelayMs: 3, ordering: 'all' });
const orderings = { both: ['fifo', 'lifo'], all: ['fifo', 'lifo', 'priority'] }[args.ordering] ?? [args.ordering];
let failed = false;
for (const ordering of orderings) {
  let lastLog = 0;
  const r = await runKillStorm({
    ...args,
    ordering,
    log: (s) => {
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        console.log(`  ${ordering}: ${s.kills} kills, ${s.rounds} rounds, lock held at ${s.lockHeldAtKill} kills`);
      }
    },
  });
  console.log(`${ordering}: ${r.kills} kills in ${r.rounds} rounds, ${r.seconds.toFixed(1)} s; the killed thread held the lock ${r.lockHeldAtKill} times (${((100 * r.lockHeldAtKill) / r.kills).toFixed(1)}%); rounds that ended with a priority heap left mid-change (rebuilt) ${r.roundsLeftDirty}; items lost in dead hands ${r.lostInHands} (max ${r.maxLostPerRound}/round); kills by mode ${JSON.stringify(r.modes)}; sleeper registrations left by dead waiters ${JSON.stringify(r.leakedSleepers)}; terminate() asked again ${r.terminateRetries} times (the thread still running at ${r.retriedWhileRunning})`);
  console.log(r.ok ? `${ordering}: OK: no deadlock, no corrupt or duplicated item, qsize = drained, unfinished consistent` : `${ordering}: FAIL:\n  ${r.problems.join('\n  ')}`);
  if (!r.ok) failed = true;
}
process.exitCode = failed ? 1 : 0;
