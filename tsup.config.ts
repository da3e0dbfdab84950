import { defineConfig } from 'tsup';

// ESM first, plus a CommonJS build and .d.ts/.d.cts types. The worker entry points
// are separate bundles because worker_threads load them by file path.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'workers/consumer': 'workers/consumer.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  // No clean: several builds may run at once during development; CI builds in a fresh clone.
  clean: false,
  target: 'node20',
  platform: 'node',
  splitting: false,
  shims: true,
  keepNames: true,
});
