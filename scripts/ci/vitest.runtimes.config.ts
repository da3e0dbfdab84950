import { defineConfig } from 'vitest/config';
import { knownDifferences } from './known-differences.mjs';

/**
 * The Bun/Deno smoke (scripts/ci/smoke-runtimes.sh): the queue, async, codec, limit and pool
 * test files that apply to any runtime, run unchanged by vitest under that runtime
 * (`bun --bun node_modules/vitest/vitest.mjs run --config <this>`,
 * `deno run -A node_modules/vitest/vitest.mjs run --config <this>`). Test files run in
 * forks of the runtime itself; scripts/ci/runtime-guard.ts checks that in each of them.
 * test/examples/examples.test.ts runs every example with process.execPath, the runtime.
 *
 * Left out: the reliability and kill storms (test/reliability, test/queue/kill,
 * test/pool/kill-storm), worker deaths (test/pool/death: its out-of-memory case needs
 * resourceLimits, which Bun 1.4.5 ignores and which leaves a piscina task pending forever
 * on Deno 2.9.6), crash recovery (test/queue/priority-crash) and the benches.
 * See docs/runtimes.md.
 */
const files = [
  'test/queue/semantics.test.ts',
  'test/queue/threads.test.ts',
  'test/queue/storage.test.ts',
  'test/queue/packed.test.ts',
  'test/queue/model.test.ts',
  'test/queue/corruption.test.ts',
  'test/async/behaviour.test.ts',
  'test/async/async-queue.test.ts',
  'test/async/local-queue.test.ts',
  'test/async/cross-thread.test.ts',
  'test/codec/codecs.test.ts',
  'test/codec/runs.test.ts',
  'test/codec/structures.test.ts',
  'test/limit/token-bucket.test.ts',
  'test/limit/watermark.test.ts',
  'test/pool/run-map.test.ts',
  'test/pool/lifecycle.test.ts',
  'test/examples/examples.test.ts',
];

const runtime: keyof typeof knownDifferences = process.versions.bun !== undefined ? 'bun' : 'Deno' in globalThis ? 'deno' : 'node';

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Left out by exact name: see known-differences.mjs. */
const leftOut = Object.keys(knownDifferences[runtime]);

export default defineConfig({
  test: {
    include: files,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
    setupFiles: ['scripts/ci/runtime-guard.ts'],
    testNamePattern: leftOut.length > 0 ? new RegExp(`^(?!.*(?:${leftOut.map(escape).join('|')})$)`) : undefined,
  },
});
