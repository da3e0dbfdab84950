import { defineConfig, type Options } from 'tsup';

// The library: ESM first, plus a CommonJS build and .d.ts/.d.cts types.
// The pool's consumer worker: one ESM file, dist/workers/consumer.js, loaded by file path by
// the pool's threads whether the app imports or requires the library (the CommonJS build
// finds it through tsup's import.meta.url shim), and exported as 'conveyor-queue/worker' for
// bundlers. No CommonJS copy of it: nothing would load it.
//
// `npm pack`/`npm publish` build through the prepack script, which empties dist/ first (so
// nothing stale ships) and builds without source maps: the output is unminified and keeps its
// names, so a stack trace into dist/ reads well as is, while maps with embedded sources were
// 1.27 MB of a 2.0 MB package (maps without sources would point at src/ files the package
// does not ship). `npm run build` keeps maps for local debugging and does not clean: several
// builds may run at once during development.
const pack = process.env.npm_lifecycle_event === 'prepack';

const common: Options = {
  dts: true,
  sourcemap: !pack,
  clean: false,
  target: 'node20',
  platform: 'node',
  splitting: false,
  shims: true,
  keepNames: true,
};

export default defineConfig([
  { ...common, entry: { index: 'src/index.ts' }, format: ['esm', 'cjs'] },
  { ...common, entry: { 'workers/consumer': 'workers/consumer.ts' }, format: ['esm'] },
]);
