import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { untilTerminated } from '../../src/pool/terminate.js';

/**
 * A stand-in for a Worker whose first terminate() is lost (what Node 22 does now and then,
 * see src/pool/terminate.ts): it exits on the `exitOn`-th call. Node's real threads cannot
 * be made to lose a terminate() on demand.
 */
function thread(exitOn: number): { worker: Worker; exited: Promise<void>; calls: () => number } {
  let calls = 0;
  let exit!: () => void;
  const exited = new Promise<void>((resolve) => (exit = resolve));
  const fake = {
    threadId: 7,
    terminate(): Promise<number> {
      calls++;
      if (calls >= exitOn) {
        fake.threadId = -1;
        exit();
      }
      return exited.then(() => 1);
    },
  };
  return { worker: fake as unknown as Worker, exited, calls: () => calls };
}

describe('untilTerminated: a lost terminate() is asked again', () => {
  it('asks again, only threads that have not exited, until everything ended', async () => {
    const lost = thread(3); // exits on the third terminate()
    const fine = thread(1);
    void lost.worker.terminate();
    void fine.worker.terminate();
    const asked = await untilTerminated(Promise.all([lost.exited, fine.exited]), [lost.worker, fine.worker], 20);
    expect(asked).toBe(2);
    expect(lost.calls()).toBe(3);
    expect(fine.calls()).toBe(1); // already exited: never asked again
  });

  it('asks nothing when the threads exit in time, and passes a rejection on', async () => {
    const fine = thread(1);
    void fine.worker.terminate();
    expect(await untilTerminated(fine.exited, [fine.worker], 20)).toBe(0);
    await expect(untilTerminated(Promise.reject(new Error('boom')), [], 20)).rejects.toThrow('boom');
  });
});
