import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { AsyncQueue, PriorityQueue, Queue, QueueCodecError, QueueHandleError } from '../../src/index.js';
import { fixture } from '../helpers/threads.js';

function detachedView(): Uint8Array {
  const ab = new ArrayBuffer(8);
  const view = new Uint8Array(ab);
  structuredClone(ab, { transfer: [ab] });
  return view;
}

/**
 * Regressions for the bugs the reliability work found (issue 6); each failed before its fix.
 */
describe('regressions found by the reliability work', () => {
  it('B1: a worker killed holding the lock does not deadlock a main thread that touches the queue before recoverThread', () => {
    // The script terminates churning workers while the main thread keeps using the async view until
    // 'exit'; a watchdog thread aborts the process when the main thread stays blocked for 20 s.
    const r = spawnSync(process.execPath, [fixture('reliability-lock-deadlock.mjs'), '80'], { encoding: 'utf8', timeout: 50_000 });
    expect(r.stderr).not.toMatch(/main stuck|deadlocked/);
    expect(r.stdout).toMatch(/no hang in 80 kills/);
  });

  it('B2: a priority handle with a truncated index is refused', () => {
    const q = new PriorityQueue<string>({ capacity: 4096 });
    const forged = { ...q.handle, index: new SharedArrayBuffer(64, { maxByteLength: 64 }) };
    expect(() => PriorityQueue.from(forged)).toThrow(QueueHandleError);
  });

  it("B3a: the 'bytes' codec refuses putMany([good, detached view]) with QueueCodecError, inserting nothing", () => {
    const q = new Queue<Uint8Array>({ codec: 'bytes' });
    expect(() => q.putMany([new Uint8Array([1, 2]), detachedView()])).toThrow(QueueCodecError);
    expect(q.qsize()).toBe(0); // today: 1, with unfinishedTasks 1
  });

  it("B3b: the 'default' codec refuses a detached view with QueueCodecError", () => {
    const q = new Queue();
    expect(() => q.put(detachedView())).toThrow(QueueCodecError);
  });

  it('B4: putMany refuses a non-iterable (a number, an array-like) with TypeError', async () => {
    const q = new Queue();
    expect(() => q.putMany(5 as never)).toThrow(TypeError);
    expect(() => q.putMany({ length: 2 } as never)).toThrow(TypeError);
    await expect(AsyncQueue.from(q.handle).putMany(5 as never)).rejects.toThrow(TypeError);
    expect(q.qsize()).toBe(0);
  });

  it('B6: a worker waiting in an async get stays alive until another thread puts', async () => {
    const q = new Queue<string>();
    const worker = new Worker(fixture('reliability-async-get-worker.mjs'), { workerData: { handle: q.handle } });
    const result = new Promise((resolve, reject) => {
      worker.on('message', (m: { type: string; value?: unknown }) => m.type === 'result' && resolve(m.value));
      worker.on('exit', (code) => reject(new Error(`worker exited with code ${code} while its get was pending`)));
    });
    await new Promise((r) => worker.once('message', r)); // ready
    await new Promise((r) => setTimeout(r, 300));
    q.put('hello');
    await expect(result).resolves.toBe('hello');
  });
});
