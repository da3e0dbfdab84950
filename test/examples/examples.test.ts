import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Runs every example in its short mode (CONVEYOR_EXAMPLE_QUICK=1) as a child process, the
 * way a user would (`node examples/run.mjs <name>`), against the built library in dist/
 * (`npm test` builds first). Each must exit 0 and print its summary line; the summary is
 * printed only after the example checked its own result (counts, checksums, order,
 * limits), so a wrong result fails here too.
 */
const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url));

const expected: Record<string, RegExp> = {
  'producer-consumer': /^summary: producer-consumer ok: 20 items, checksum 590000$/m,
  'many-producers': /^summary: many-producers ok: 3 producers, 6057 items$/m,
  'slow-pullers': /^summary: slow-pullers ok: pushed 40, pulled 40, queue peaked at \d+$/m,
  'gather-join': /^summary: gather-join ok: 20 sleeps on one thread, 24 CPU jobs on 3 threads$/m,
  sentinels: /^summary: sentinels ok: 30 items with sentinels, 30 with shutdown\(\)$/m,
  timeouts: /^summary: timeouts ok: QueueEmpty, TimeoutError, QueueFull, abort, and a get served in time$/m,
  'async-iteration': /^summary: async-iteration ok: \d+ words, sum 55$/m,
  bounded: /^summary: bounded ok: 40 items, peak [1-8] <= 8$/m,
  'priority-lifo': /^summary: priority-lifo ok: 7 jobs in priority order, stack order ok$/m,
  scraper: /^summary: scraper ok: 30 pages, 5 retries, max [1-4] concurrent$/m,
  pipeline: /^summary: pipeline ok: 200 records, 3 stages, in order$/m,
  'rate-limit': /^summary: rate-limit ok: 30 puts at <= 100\/s, 30 calls by 3 threads at <= 50\/s$/m,
  watermarks: /^summary: watermarks ok: 100 jobs, \d+ pauses, peak 32 <= 32$/m,
  'image-pipeline': /^summary: image-pipeline ok: 8 images, identical PNGs, [\d.]+x$/m,
};

function runExample(name: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['run.mjs', name], {
      cwd: examplesDir,
      env: { ...process.env, CONVEYOR_EXAMPLE_QUICK: '1' },
      timeout: 30_000,
    }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('examples', () => {
  it('every example in examples/ has an entry here (none goes untested)', () => {
    const files = readdirSync(examplesDir).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs').map((f) => f.slice(0, -4));
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });

  it('run.mjs without a name lists the examples; with an unknown name it fails', async () => {
    const list = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['run.mjs'], { cwd: examplesDir }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
    });
    for (const name of Object.keys(expected)) expect(list).toContain(`  ${name}\n`);
    expect((await runExample('no-such-example')).code).toBe(1);
  });

  for (const [name, summary] of Object.entries(expected)) {
    it.concurrent(`${name} runs in its short mode and prints its summary`, async () => {
      const { code, stdout, stderr } = await runExample(name);
      const output = `stdout:\n${stdout}\nstderr:\n${stderr}`;
      expect(code, output).toBe(0);
      expect(stderr, output).toBe('');
      expect(stdout).toMatch(summary);
    });
  }
});
