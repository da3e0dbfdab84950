import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkerPool } from '../../src/index.js';
import { fixture } from '../helpers/threads.js';

/** A handler fixture's file URL (handler fixtures are plain .mjs modules in test/fixtures). */
export function handler(name: string): URL {
  return new URL(`file://${fixture(name)}`);
}

/** A fresh marker path for "do this only once, across threads" fixtures. */
export function marker(): string {
  return join(mkdtempSync(join(tmpdir(), 'conveyor-pool-')), 'marker');
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

export function range(n: number, from = 0): number[] {
  return Array.from({ length: n }, (_, i) => from + i);
}

/** Waits until every thread of the pool has loaded its handler (asked over comlink). */
export async function allRunning(pool: WorkerPool<never, unknown> | WorkerPool): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const info = await (pool as WorkerPool).threadInfo();
    if (info.length === (pool as WorkerPool).threads && info.every((t) => t.running)) return;
    if (Date.now() > deadline) throw new Error('timed out waiting for every thread to run its handler');
    await new Promise((r) => setTimeout(r, 5));
  }
}
