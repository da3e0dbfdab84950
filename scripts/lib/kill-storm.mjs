// Threads killed at any instant (issue 6, item 3). Worker threads churn items through one
// queue (get/put, getMany/putMany, timed, nowait and async-view loops) while the main thread
// churns too through the async view, and workers are terminate()d at random instants,
// thousands of times, often inside a queue operation. After each kill the main thread calls
// q.recoverThread(threadId) (what WorkerPool does) and starts a replacement.
//
// Checked after every kill: the survivors keep working (each live worker and the main
// thread make progress: no deadlock, no lost wake-up). Checked after every round, once
// every worker is dead: the lock is free; every value drained is one that was put, never
// twice; qsize() equals what could be drained; at most MAX_IN_HANDS items per killed
// worker are missing (taken, not yet put back: the pool's redelivery concern); and the
// unfinished count exceeds qsize() by at most the missing items (taken, not yet done).
// A priority queue circulates [v % 5, v] pairs: its drain must also come out in priority
// order, each value with its own priority.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { AsyncLifoQueue, AsyncPriorityQueue, AsyncQueue, LifoQueue, PriorityQueue, Queue, QueueEmpty, QueueFull } from '../../dist/index.js';
import { startWorker } from './threads.mjs';

export const MAX_IN_HANDS = 4;
const MODES = ['single', 'many', 'timed', 'nowait', 'async'];
const LOCK_WORD = 0; // src/shared/layout.ts W.LOCK
const DIRTY_WORD = 15; // W.DIRTY: a priority heap left mid-change (rebuilt by the next operation)
const SLEEPER_WORDS = { getters: 17, putters: 33, joiners: 49 }; // W.*_WAITING

const trace = process.env.KILL_STORM_TRACE ? (...a) => console.log('[trace]', ...a) : () => {};
const heartbeat = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Rejects if `promise` has not settled within `ms` (so that no await of the storm can hang silently). */
function within(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function until(predicate, ms, what) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(1);
  }
}

/**
 * The main thread's party: the async view, get -> taskDone -> put, with short timeouts so
 * that it can stop at the end of a round (`stopped()`). It starts holding `held` (the items
 * that did not fit yet: more items than maxsize circulate, so putters wait too) and resolves
 * with what it still holds once stopped. (It cannot rely on winning a slot on a full queue
 * while worker threads churn: see the fairness note in the report.) It bumps progress[0]
 * after each put and writes what it is doing to phases[0].
 *
 * It is also the workload's release valve. With more items than maxsize in circulation,
 * every party can end up holding items and waiting to put them into a full queue: then no
 * party can move, whatever the queue does (Python's queue.Queue stalls the same way). That
 * state is reachable: at a round's start the main party holds the overflow, the workers each
 * take one item and the main party refills the slots they freed. So when its put times out
 * on a full queue, the main party takes an item instead of trying again, which frees a slot
 * for a waiting worker (workers block without a limit).
 */
export async function runMainParty({ aq, held, toItem = (v) => v, fromItem = (v) => v, progress, phases, stopped }) {
  let valve = false;
  while (!stopped()) {
    // Operations that can finish at once resolve in microtasks: yield so timers run.
    await new Promise((r) => setImmediate(r));
    Atomics.store(phases, 0, held.length > 0 && !valve ? held.length : -1);
    if (held.length > 0 && !valve) {
      try {
        await aq.put(toItem(held[0]), { timeout: 5 });
        held.shift();
        Atomics.add(progress, 0, 1);
      } catch (error) {
        // By code, not class: a caller may pass a view from another copy of the library (src/ in a test).
        if (error?.code !== 'ERR_QUEUE_FULL') throw error;
        valve = true;
      }
      continue;
    }
    valve = false;
    try {
      held.push(fromItem(await aq.get({ timeout: 5 })));
      aq.taskDone();
    } catch (error) {
      if (error?.code !== 'ERR_QUEUE_EMPTY') throw error;
    }
  }
  return held;
}

/**
 * options: ordering ('fifo' | 'lifo' | 'priority'), kills (total), workers (alive at once), items (in
 * circulation), maxsize, killsPerRound, maxDelayMs (a worker lives 0..maxDelayMs before its kill).
 * Returns figures and `problems` (empty when every check held).
 */
export async function runKillStorm({ ordering = 'fifo', kills = 1000, workers = 3, items = 16, maxsize = 12, killsPerRound = 6, maxDelayMs = 3, log = () => {} }) {
  const [Sync, Async] = { fifo: [Queue, AsyncQueue], lifo: [LifoQueue, AsyncLifoQueue], priority: [PriorityQueue, AsyncPriorityQueue] }[ordering];
  const q = new Sync({ maxsize });
  const aq = Async.from(q.handle);
  // Items are ids; a priority queue holds them as [id % 5, id] pairs.
  const priority = ordering === 'priority';
  const toItem = (v) => (priority ? [v % 5, v] : v);
  const fromItem = (item) => (priority ? item[1] : item);
  const h = new Int32Array(q.handle.header);
  const problems = [];
  const progress = new Int32Array(new SharedArrayBuffer(4 * 1024));
  // Per slot, what its party is doing (for the diagnosis of a stall): -1 getting, n >= 0 putting n held items.
  const phases = new Int32Array(new SharedArrayBuffer(4 * 1024));
  let nextSlot = 0;
  let nextId = 0;
  const issue = (n) => Array.from({ length: n }, () => nextId++);
  // More items than maxsize circulate, so putters wait too. Of each round's items, what
  // does not fit yet is put by the main party (async: the main thread never blocks).
  let pending = issue(items);
  let circulating = items;

  const watchdog = new Worker(new URL('../workers/watchdog.mjs', import.meta.url), { workerData: { header: q.handle.header, beat: heartbeat.buffer } });
  watchdog.unref();
  // Beats while the main thread's event loop runs; the watchdog reports if it stops.
  const beating = setInterval(() => Atomics.add(heartbeat, 0, 1), 10);
  const stats = { ordering, terminateRetries: 0, retriedWhileRunning: 0, kills: 0, lockHeldAtKill: 0, rounds: 0, roundsLeftDirty: 0, lostInHands: 0, maxLostPerRound: 0, modes: {}, seconds: 0 };
  const started = performance.now();

  let stopMain = false;
  const mainParty = (held) => runMainParty({ aq, held, toItem, fromItem, progress, phases, stopped: () => stopMain });

  const live = new Set();
  const spawn = () => {
    const mode = MODES[Math.floor(Math.random() * MODES.length)];
    const slot = 1 + (nextSlot++ % (progress.length - 1)); // slot 0 is the main party's
    Atomics.store(progress, slot, 0);
    Atomics.store(phases, slot, -1);
    const run = startWorker('churn.mjs', { handle: q.handle, ordering, mode, progress: progress.buffer, phases: phases.buffer, slot, maxInHands: MAX_IN_HANDS });
    // threadId must be read while the thread runs: in the 'exit' handler it is already -1.
    const w = { ...run, mode, slot, id: run.worker.threadId, isReady: false, exited: once(run.worker, 'exit') };
    run.ready.then(() => { w.isReady = true; });
    run.result.catch((error) => {
      if (!w.killed) {
        problems.push(`a ${mode} worker failed: ${error.message}`);
        trace('worker failed', mode, error);
      }
    });
    live.add(w);
    return w;
  };
  const kill = async (w) => {
    w.killed = true;
    live.delete(w);
    const { id } = w;
    try {
      const ended = Promise.all([w.worker.terminate(), w.exited]);
      // A terminate() can be lost (seen on Node 22, 24, 26): the thread runs on. Ask again (docs/runtimes.md).
      for (let again = 0; again < 5; again++) {
        if ((await Promise.race([ended.then(() => 'ended'), sleep(1000)])) === 'ended') break;
        stats.terminateRetries++;
        const before = Atomics.load(progress, w.slot);
        await sleep(50);
        stats.retriedWhileRunning += Atomics.load(progress, w.slot) !== before ? 1 : 0;
        void w.worker.terminate();
      }
      await within(ended, 30_000, `a ${w.mode} worker (threadId ${id}) to exit after terminate()`);
    } catch (error) {
      // Is the thread still running its loop (the termination never reached it) or stuck?
      const before = Atomics.load(progress, w.slot);
      await sleep(200);
      const moved = Atomics.load(progress, w.slot) - before;
      throw new Error(`${error.message}; in 200 ms since, it made ${moved} more cycles; its phase ${Atomics.load(phases, w.slot)}; lock word ${Atomics.load(h, LOCK_WORD)}; qsize ${q.qsize()}`);
    }
    if (q.recoverThread(id)) stats.lockHeldAtKill++;
    stats.kills++;
    stats.modes[w.mode] = (stats.modes[w.mode] ?? 0) + 1;
  };
  /**
   * No deadlock: the parties as a whole move on within a generous bound. (Not each party:
   * a waiter can lose every race for a slot to threads that free and refill it, see the
   * fairness note in the report; that is starvation, not a deadlock.)
   */
  const progressTotal = () => {
    let t = 0;
    for (const w of live) t += Atomics.load(progress, w.slot);
    return t + Atomics.load(progress, 0);
  };
  const survivorsProgress = async (what) => {
    const parties = [...live];
    const before = parties.map((w) => Atomics.load(progress, w.slot));
    const main0 = Atomics.load(progress, 0);
    const moved = () => Atomics.load(progress, 0) !== main0 || parties.some((w, i) => !w.killed && Atomics.load(progress, w.slot) !== before[i]);
    try {
      await until(moved, 30_000, `the survivors to make progress ${what}`);
    } catch (error) {
      const words = Object.fromEntries(Object.entries(SLEEPER_WORDS).map(([k, word]) => [k, Atomics.load(h, word)]));
      const doing = (slot) => {
        const n = Atomics.load(phases, slot);
        return n < 0 ? 'getting' : `putting ${n}`;
      };
      const what = [`main: ${doing(0)}`, ...parties.map((w) => `${w.mode}: ${doing(w.slot)}`)];
      throw new Error(`${error.message}: qsize ${q.qsize()} (maxsize ${maxsize}), unfinished ${q.unfinishedTasks}, lock word ${Atomics.load(h, LOCK_WORD)}, sleepers ${JSON.stringify(words)}, main waiting ${JSON.stringify(aq.waiting)}, parties ${JSON.stringify(what)}`);
    }
    return progressTotal();
  };

  // The main party only runs while no kill is in flight: a thread killed while holding the
  // lock blocks the main thread's next locked call until recoverThread runs, and the main
  // thread cannot run the 'exit' handler that would call it while blocked (the main-thread
  // lock bug in the report). So: stop the party, kill, recover, restart the party.
  let held = [];
  let main = Promise.resolve(held);
  const startMain = () => {
    stopMain = false;
    main = mainParty(held);
  };
  const stopMainParty = async () => {
    stopMain = true;
    held = await within(main, 30_000, "the main party to stop");
  };

  while (stats.kills < kills && problems.length === 0) {
    stats.rounds++;
    held = pending;
    startMain();
    for (let i = 0; i < workers; i++) spawn();
    let killedThisRound = 0;
    for (let k = 0; k < killsPerRound && stats.kills < kills; k++) {
      const candidates = [...live].filter((w) => w.isReady);
      if (candidates.length === 0) {
        await within(Promise.race([...live].map((w) => w.ready)), 30_000, `one of ${live.size} new workers to start`);
        k--;
        continue;
      }
      const victim = candidates[Math.floor(Math.random() * candidates.length)];
      await sleep(Math.random() * maxDelayMs);
      await stopMainParty();
      trace('kill', victim.mode);
      await kill(victim);
      trace('killed', stats.kills);
      killedThisRound++;
      // Keep the survivors fed: items lost in dead hands are replaced by fresh ones.
      if (q.qsize() < 2 && circulating < items + MAX_IN_HANDS * killsPerRound) {
        held.push(...issue(2));
        circulating += 2;
      }
      startMain();
      spawn();
      await survivorsProgress(`after kill ${stats.kills}`);
      trace('progress ok');
    }
    await survivorsProgress('at the end of the round');
    trace('end of round progress ok');
    await stopMainParty();
    trace('main stopped');
    // Everyone dies.
    for (const w of [...live]) {
      trace('kill at end', w.mode, w.isReady);
      await kill(w);
      killedThisRound++;
    }
    trace('all killed');
    const mainHeld = held;

    // ---- checks on the quiet queue ----
    if (Atomics.load(h, LOCK_WORD) !== 0) {
      problems.push(`round ${stats.rounds}: the lock is still held (word ${Atomics.load(h, LOCK_WORD)}) after recovering every dead thread`);
      break;
    }
    if (Atomics.load(h, DIRTY_WORD) !== 0) stats.roundsLeftDirty++;
    const queued = q.qsize();
    const unfinished = q.unfinishedTasks;
    const seen = new Set();
    let lastPriority = -Infinity;
    for (;;) {
      let v;
      try {
        v = q.getNowait();
      } catch (error) {
        if (error instanceof QueueEmpty) break;
        problems.push(`round ${stats.rounds}: draining threw ${error.name}: ${error.message}`);
        break;
      }
      if (priority) {
        const p = Array.isArray(v) ? v[0] : undefined;
        v = Array.isArray(v) ? v[1] : undefined;
        if (p !== v % 5) problems.push(`round ${stats.rounds}: value ${String(v)} came with priority ${String(p)}`);
        else if (p < lastPriority) problems.push(`round ${stats.rounds}: priority ${p} drained after ${lastPriority}`);
        lastPriority = p;
      }
      if (!Number.isInteger(v) || v < 0 || v >= nextId || mainHeld.includes(v)) problems.push(`round ${stats.rounds}: corrupt value ${String(v)}`);
      else if (seen.has(v)) problems.push(`round ${stats.rounds}: value ${v} drained twice`);
      seen.add(v);
    }
    const lost = circulating - seen.size - mainHeld.length;
    if (seen.size !== queued) problems.push(`round ${stats.rounds}: qsize() said ${queued} but ${seen.size} items could be drained`);
    if (lost < 0 || lost > MAX_IN_HANDS * killedThisRound) problems.push(`round ${stats.rounds}: ${lost} items missing, more than ${MAX_IN_HANDS} per killed worker (${killedThisRound})`);
    // The main party marks an item done as soon as it takes it, so what it holds is done.
    const pendingDone = unfinished - queued;
    if (pendingDone < 0 || pendingDone > Math.max(0, lost)) {
      problems.push(`round ${stats.rounds}: unfinishedTasks ${unfinished} with ${queued} queued: ${pendingDone} taken-not-done, but only ${lost} items are missing`);
    }
    stats.lostInHands += Math.max(0, lost);
    stats.maxLostPerRound = Math.max(stats.maxLostPerRound, lost);
    // Task accounting still works: mark everything done, join returns at once.
    for (let i = 0; i < unfinished; i++) q.taskDone();
    try {
      q.join({ timeout: 0 });
    } catch (error) {
      problems.push(`round ${stats.rounds}: join after marking everything done: ${error.message}`);
    }
    // Refill for the next round: the survivors' items plus fresh ones.
    pending = [...seen, ...mainHeld];
    pending.push(...issue(items - pending.length));
    circulating = items;
    log(stats);
  }
  stats.seconds = (performance.now() - started) / 1000;
  stats.leakedSleepers = Object.fromEntries(Object.entries(SLEEPER_WORDS).map(([k, word]) => [k, Atomics.load(h, word)]));
  for (const w of [...live]) await kill(w);
  clearInterval(beating);
  await watchdog.terminate();
  return { ...stats, problems, ok: problems.length === 0 };
}
