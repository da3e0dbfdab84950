#!/usr/bin/env bash
# Checks the package a user installs: packs this repository (npm pack runs prepack, a clean build),
# installs the tarball into a scratch project outside the repository (its dependencies come from
# the npm registry) and there
#   1. runs an ESM consumer (import 'conveyor-queue'): a Queue round trip and a small WorkerPool,
#   2. runs a CommonJS consumer (require('conveyor-queue')) doing the same,
#   3. type-checks a TypeScript consumer with tsc (the newest pinned and the oldest supported), moduleResolution node16, nodenext and bundler,
#      without skipLibCheck (the package's .d.ts files are checked too),
#   4. runs publint and @arethetypeswrong/cli (attw) on the tarball, failing on errors.
# Run from the repository root after `npm ci`: bash scripts/ci/pack-check.sh
# Needs only node/npm and the npm registry. Tool versions are pinned below (all run on Node 20).
set -euo pipefail

TYPESCRIPT_VERSION=5.9.3
# The oldest TypeScript the public .d.ts must type-check with (no skipLibCheck), installed under an alias.
TYPESCRIPT_OLDEST_VERSION=5.4.5
TYPES_NODE_VERSION=20.19.25
PUBLINT_VERSION=0.3.25
ATTW_VERSION=0.18.5

start=$SECONDS
root=$(pwd)
if [ ! -f "$root/package.json" ] || [ "$(node -p "require('./package.json').name")" != conveyor-queue ]; then
  echo "pack-check: run me from the conveyor-queue repository root (got $root)" >&2
  exit 2
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/conveyor-pack-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
step() { printf '\n== pack-check: %s (%ss)\n' "$1" "$((SECONDS - start))"; }

step "npm pack (prepack builds dist/ from scratch)"
if ! npm pack --pack-destination "$work" > "$work/pack.log" 2>&1; then
  cat "$work/pack.log" >&2
  echo "pack-check: npm pack failed" >&2
  exit 1
fi
tgz=$(ls "$work"/conveyor-queue-*.tgz)
tarball=$(basename "$tgz")
mkdir -p "$work/unpacked"
tar -xzf "$tgz" -C "$work/unpacked"
read -r size unpacked files < <(node -e '
  const { readdirSync, statSync } = require("node:fs");
  const files = readdirSync(process.argv[2], { recursive: true }).map((f) => statSync(`${process.argv[2]}/${f}`)).filter((s) => s.isFile());
  console.log(statSync(process.argv[1]).size, files.reduce((n, s) => n + s.size, 0), files.length);
' "$tgz" "$work/unpacked/package")
echo "$tarball: $((size / 1000)) kB packed, $((unpacked / 1000)) kB unpacked, $files files"
tar -tzf "$tgz" | sed 's/^/  /'
if tar -tzf "$tgz" | grep -qE '\.map$|consumer\.cjs$'; then
  echo "pack-check: the tarball holds source maps or dist/workers/consumer.cjs (stale dist/?)" >&2
  exit 1
fi

step "scratch project: npm install the tarball and the pinned tools"
app="$work/app"
mkdir -p "$app"
cd "$app"
cat > package.json <<'JSON'
{ "name": "conveyor-pack-check", "private": true, "type": "module" }
JSON
npm install --no-audit --no-fund --loglevel=error "$tgz" \
  "typescript@$TYPESCRIPT_VERSION" "typescript-oldest@npm:typescript@$TYPESCRIPT_OLDEST_VERSION" "@types/node@$TYPES_NODE_VERSION" \
  "publint@$PUBLINT_VERSION" "@arethetypeswrong/cli@$ATTW_VERSION"

cat > handler.mjs <<'JS'
export default function square(n) { return n * n; }
JS
cat > handler.cjs <<'JS'
module.exports = function square(n) { return n * n; };
JS

# What both consumers check, run on the library object each one loaded (import or require).
cat > exercise.cjs <<'JS'
const assert = require('node:assert/strict');

module.exports = async function exercise({ AsyncQueue, Queue, QueueEmpty, WorkerPool }, worker, label) {
  const items = [{ id: 1, tags: ['a', 'b'] }, 'two', 3, [4, { five: 5 }], null];
  const q = new Queue({ maxsize: 8 });
  for (const item of items) q.put(item);
  assert.deepEqual(items.map(() => q.get()), items);
  assert.throws(() => q.getNowait(), QueueEmpty);
  const aq = new AsyncQueue();
  await aq.put({ hello: 'world' });
  assert.deepEqual(await aq.get(), { hello: 'world' });

  const pool = new WorkerPool({ worker, threads: 2 });
  const inputs = Array.from({ length: 100 }, (_, i) => i);
  const results = [];
  for await (const r of pool.map(inputs)) results.push(r);
  assert.equal(await pool.run(12), 144);
  await pool.close();
  assert.deepEqual(results, inputs.map((n) => n * n));
  console.log(`${label} consumer ok: ${items.length} items through a Queue, ${results.length + 1} results from a 2-thread WorkerPool`);
};
JS

step "1. ESM consumer"
cat > consumer.mjs <<'JS'
import assert from 'node:assert/strict';
import * as conveyor from 'conveyor-queue';
import exercise from './exercise.cjs';

const resolved = import.meta.resolve('conveyor-queue');
assert.match(resolved, /\/node_modules\/conveyor-queue\/dist\/index\.js$/, resolved);
assert.match(import.meta.resolve('conveyor-queue/worker'), /\/node_modules\/conveyor-queue\/dist\/workers\/consumer\.js$/);
await exercise(conveyor, new URL('./handler.mjs', import.meta.url), 'ESM');
JS
node consumer.mjs

step "2. CommonJS consumer"
cat > consumer.cjs <<'JS'
const assert = require('node:assert/strict');
const { join } = require('node:path');
const exercise = require('./exercise.cjs');

assert.match(require.resolve('conveyor-queue'), /[\\/]node_modules[\\/]conveyor-queue[\\/]dist[\\/]index\.cjs$/);
exercise(require('conveyor-queue'), join(__dirname, 'handler.cjs'), 'CommonJS').catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
JS
node consumer.cjs

step "3. TypeScript consumer (tsc $TYPESCRIPT_VERSION and $TYPESCRIPT_OLDEST_VERSION, no skipLibCheck)"
mkdir -p ts
# ESM (the scratch package is "type": "module") and, for node16/nodenext, a CommonJS .cts file.
cat > ts/esm.ts <<'TS'
import { AsyncQueue, Queue, QueueShutDown, WorkerPool, type PoolStats, type WorkerPoolOptions } from 'conveyor-queue';

const q = new Queue<{ id: number }>({ maxsize: 4 });
q.put({ id: 1 });
const item: { id: number } = q.get();
const aq = AsyncQueue.from<number>(new AsyncQueue<number>().handle);
const next: Promise<number> = aq.get();
const options: WorkerPoolOptions = { worker: new URL('../handler.mjs', import.meta.url), threads: 2, consumerWorker: '/path/to/consumer.js' };
const pool = new WorkerPool<number, number>(options);
const squared: Promise<number> = pool.run(3);
const stats: PoolStats = pool.stats();
const isShutDown = (e: unknown): boolean => e instanceof QueueShutDown && e.code === 'ERR_QUEUE_SHUT_DOWN';
export { item, next, squared, stats, isShutDown };
TS
cat > ts/cjs.cts <<'TS'
import { Queue, WorkerPool } from 'conveyor-queue';

const q = new Queue<string>();
q.put('x');
const s: string = q.get();
const pool = new WorkerPool<number, number>({ worker: __dirname + '/../handler.cjs', threads: 1 });
const r: Promise<number> = pool.run(2);
export { s, r };
TS
tsconfig() { # module, moduleResolution, files...
  local module=$1 resolution=$2; shift 2
  local list; list=$(printf '"%s",' "$@"); list=${list%,}
  cat > "ts/tsconfig.$resolution.json" <<JSON
{
  "compilerOptions": {
    "module": "$module", "moduleResolution": "$resolution", "target": "ES2022",
    "strict": true, "noEmit": true, "skipLibCheck": false, "types": ["node"]
  },
  "files": [$list]
}
JSON
}
tsconfig node16 node16 esm.ts cjs.cts
tsconfig nodenext nodenext esm.ts cjs.cts
tsconfig esnext bundler esm.ts
for resolution in node16 nodenext bundler; do
  ./node_modules/.bin/tsc -p "ts/tsconfig.$resolution.json"
  echo "tsc $TYPESCRIPT_VERSION moduleResolution $resolution: ok"
  node node_modules/typescript-oldest/bin/tsc -p "ts/tsconfig.$resolution.json"
  echo "tsc $TYPESCRIPT_OLDEST_VERSION moduleResolution $resolution: ok"
done

step "4. publint $PUBLINT_VERSION and attw $ATTW_VERSION"
./node_modules/.bin/publint "$work/unpacked/package" --pack false
# The root entry under every resolution mode attw knows (node10 included).
./node_modules/.bin/attw "$tgz" --exclude-entrypoints ./worker
# conveyor-queue/worker is a file for the pool's threads and for bundlers (an ESM file, by path or
# as a bundle entry), never require()d: node10 cannot see subpath exports, and its "ESM from a
# require" is what it is.
./node_modules/.bin/attw "$tgz" --entrypoints ./worker --profile node16 --ignore-rules cjs-resolves-to-esm

step "done"
echo "pack-check: OK: $tarball ($((size / 1000)) kB packed, $((unpacked / 1000)) kB unpacked, $files files): ESM and CommonJS consumers, tsc $TYPESCRIPT_OLDEST_VERSION and $TYPESCRIPT_VERSION node16/nodenext/bundler, publint, attw, in $((SECONDS - start)) s"
