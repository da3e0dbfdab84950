import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, type Format } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/index.js';

/**
 * An app bundled with esbuild, conveyor-queue and its dependencies inside the bundle, starts a
 * pool (README "Bundling"): the app, 'conveyor-queue/worker' (passed as consumerWorker) and
 * piscina's thread entry (worker.js next to the bundle) are emitted into a temporary directory
 * that has no node_modules when the app runs. Bundles the package's dist/ (npm test builds it).
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const piscinaWorker = join(dirname(createRequire(import.meta.url).resolve('piscina')), 'worker.js');
const run = promisify(execFile);

const appSource = `
import { WorkerPool } from 'conveyor-queue';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
const dir = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
const main = async () => {
  let pool;
  try {
    pool = new WorkerPool({
      worker: join(dir, 'handler.mjs'),
      threads: 2,
      consumerWorker: process.env.CONSUMER ? join(dir, process.env.CONSUMER) : undefined,
    });
  } catch (error) {
    console.log(JSON.stringify({ code: error.code, message: error.message }));
    return;
  }
  pool.on('error', (error) => console.log(JSON.stringify({ code: error.code, message: error.message })));
  const results = [];
  for await (const r of pool.map([1, 2, 3, 4, 5, 6, 7, 8])) results.push(r);
  await pool.close();
  console.log(JSON.stringify({ results }));
};
main().catch((error) => console.log(JSON.stringify({ rejected: error.code })));
`;

// An ESM bundle of CommonJS dependencies (piscina) needs require and __dirname: the usual banner.
const esmBanner = [
  "import { createRequire as __conveyorCreateRequire } from 'node:module';",
  "import { fileURLToPath as __conveyorFileURLToPath } from 'node:url';",
  "import { dirname as __conveyorDirname } from 'node:path';",
  'const require = __conveyorCreateRequire(import.meta.url);',
  'const __filename = __conveyorFileURLToPath(import.meta.url);',
  'const __dirname = __conveyorDirname(__filename);',
].join('\n');

let dir: string;
const out = (format: Format): string => join(dir, `out-${format}`);
const ext = (format: Format): string => (format === 'esm' ? '.mjs' : '.cjs');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'conveyor-bundle-'));
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'node_modules'));
  // The app's dependency on conveyor-queue: this repository (its dist/ and its node_modules).
  symlinkSync(root, join(dir, 'node_modules', 'conveyor-queue'), 'junction');
  writeFileSync(join(dir, 'src', 'app.mjs'), appSource);
  for (const format of ['esm', 'cjs'] as const) {
    await build({
      absWorkingDir: dir,
      entryPoints: { app: 'src/app.mjs', consumer: 'conveyor-queue/worker' },
      bundle: true,
      platform: 'node',
      target: 'node20',
      format,
      outdir: out(format),
      outExtension: { '.js': ext(format) },
      banner: format === 'esm' ? { js: esmBanner } : undefined,
      logLevel: 'silent',
    });
    // piscina's own thread entry, which it loads as worker.js next to its (bundled) code. CommonJS
    // whatever the app's format; @napi-rs/nice is an optional native module piscina may go without.
    await build({
      absWorkingDir: dir,
      entryPoints: { worker: piscinaWorker },
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outdir: out(format),
      external: ['@napi-rs/nice'],
      logLevel: 'silent',
    });
    writeFileSync(join(out(format), 'handler.mjs'), 'export default (n) => n * n;\n');
  }
  // The bundles must not need node_modules at run time.
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the app of one bundle; its stdout lines, parsed (JSON: results, errors, a rejection). */
async function runApp(format: Format, env: Record<string, string>, outDir = out(format)): Promise<unknown[]> {
  const { stdout } = await run(process.execPath, [join(outDir, `app${ext(format)}`)], {
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown);
}

describe('a pool in an app bundled with esbuild', () => {
  for (const format of ['esm', 'cjs'] as const) {
    it(`${format} output: with consumerWorker the pool runs the handler`, async () => {
      expect(await runApp(format, { CONSUMER: `consumer${ext(format)}` })).toEqual([{ results: [1, 4, 9, 16, 25, 36, 49, 64] }]);
    });

    it(`${format} output: without consumerWorker the error has a code and says what to do`, async () => {
      const [result] = (await runApp(format, {})) as { code: string; message: string }[];
      expect(result.code).toBe('ERR_POOL_CONSUMER_NOT_FOUND');
      expect(result.message).toMatch(/consumerWorker/);
      expect(result.message).toMatch(/external/);
      expect(result.message).toMatch(/conveyor-queue\/worker/);
    });
  }

  it("without piscina's worker.js next to the bundle the pool's error says so", async () => {
    const copy = join(dir, 'out-cjs-no-piscina-worker');
    cpSync(out('cjs'), copy, { recursive: true, filter: (path) => !path.endsWith('worker.js') });
    const lines = (await runApp('cjs', { CONSUMER: 'consumer.cjs' }, copy)) as { code?: string; message?: string; rejected?: string }[];
    expect(lines[0]).toMatchObject({ code: 'ERR_POOL_PISCINA_WORKER_NOT_FOUND', message: expect.stringMatching(/worker\.js next to\s+the bundle/) });
    expect(lines.at(-1)).toEqual({ rejected: 'ERR_POOL_NO_THREADS' });
  });
});

describe('WorkerPool option consumerWorker', () => {
  const handler = new URL('../fixtures/pool-square.mjs', import.meta.url);

  it('a missing file is refused up front with ERR_POOL_CONSUMER_NOT_FOUND', () => {
    const missing = join(tmpdir(), 'conveyor-no-such-consumer.js');
    expect(() => new WorkerPool({ worker: handler, consumerWorker: missing })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_POOL_CONSUMER_NOT_FOUND', message: expect.stringContaining(missing) }),
    );
  });

  it('must be a file URL or a path', () => {
    expect(() => new WorkerPool({ worker: handler, consumerWorker: new URL('https://example.com/consumer.js') })).toThrow(/consumerWorker must be a file: URL/);
    expect(() => new WorkerPool({ worker: handler, consumerWorker: 42 as unknown as string })).toThrow(/consumerWorker must be a file URL or a path/);
  });

  it('the packaged consumer, passed explicitly (as a file URL), runs the handler', async () => {
    const pool = new WorkerPool<number, number>({ worker: handler, threads: 1, consumerWorker: new URL('../../dist/workers/consumer.js', import.meta.url) });
    try {
      expect(await Promise.all([2, 3].map((n) => pool.run(n)))).toEqual([4, 9]);
    } finally {
      await pool.destroy();
    }
  });
});
