// Setup file of scripts/ci/vitest.runtimes.config.ts: fails every test file that does not run
// under the runtime the smoke script asked for (CONVEYOR_SMOKE_RUNTIME), e.g. if vitest
// forked Node instead of the runtime it was started with.
const expected = process.env.CONVEYOR_SMOKE_RUNTIME;
const actual = process.versions.bun !== undefined ? 'bun' : 'Deno' in globalThis ? 'deno' : 'node';
if (expected === undefined) throw new Error('set CONVEYOR_SMOKE_RUNTIME (bun, deno or node) to run this config');
if (actual !== expected) throw new Error(`test file runs under ${actual} (${process.execPath}), expected ${expected}`);
