#!/usr/bin/env bash
# Smoke run of conveyor under Bun and Deno (a few minutes, not the stress set):
#   1. the README quick start, run as written (the package imports itself by the name in
#      package.json, resolved to dist/ by self-reference);
#   2. the queue, async, cross-thread, codec, limit and pool test files that apply, run
#      unchanged by vitest under the runtime (scripts/ci/vitest.runtimes.config.ts), which
#      includes test/examples/examples.test.ts: every example (the WorkerPool ones too) run
#      by the runtime with the summary-line checks of the Node suite.
# Usage: BUN=/path/to/bun DENO=/path/to/deno scripts/ci/smoke-runtimes.sh
# Both are required. Uses the build in dist/ (builds only if it is missing). Exits non-zero
# on any failure. What differs per runtime: docs/runtimes.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

: "${BUN:?set BUN to the path of the bun binary}"
: "${DENO:?set DENO to the path of the deno binary}"
export DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1 NO_COLOR=1

if [ ! -f dist/index.js ] || [ ! -f dist/workers/consumer.js ]; then
  echo "dist/ is missing: npm run build"
  npm run build --silent
fi

config=scripts/ci/vitest.runtimes.config.ts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; rm -f .quickstart-smoke-$$-*.mjs' EXIT
failures=()
summary=()
started_all=$SECONDS

# How many tests the config leaves out by name for a runtime (scripts/ci/known-differences.mjs).
expected_skips() {
  node --input-type=module -e '
    const { knownDifferences } = await import("./scripts/ci/known-differences.mjs");
    console.log(Object.keys(knownDifferences[process.argv[1]]).length);
  ' "$1"
}

smoke() {
  local id=$1; shift
  local -a run=("$@")          # how this runtime runs a script: bun <file> / deno run -A <file>
  local version
  case $id in
    bun) version="Bun $("$BUN" --version)"; vitest=("$BUN" --bun node_modules/vitest/vitest.mjs) ;;
    deno) version="$("$DENO" --version | head -1)"; vitest=("$DENO" run -A node_modules/vitest/vitest.mjs) ;;
  esac
  local t0=$SECONDS
  echo
  echo "=== $version ($id: ${run[0]})"

  # 1. README quick start.
  local qs=".quickstart-smoke-$$-$id.mjs" name out
  echo "--- [$id] README quick start: ${run[*]} $qs"
  if name=$("${run[@]}" scripts/ci/extract-quickstart.mjs "$qs") \
     && out=$(timeout 60 "${run[@]}" "$qs" 2>&1) \
     && [ "$(printf '%s' "$out" | tr -d '\r' | sed -e 's/[[:space:]]*$//')" = "sum of squares: 333833500" ]; then
    echo "quick start ok (package \"$name\" by self-reference): $out"
    summary+=("$version: README quick start ok")
  else
    echo "quick start FAILED; output:"; printf '%s\n' "${out:-}"
    failures+=("$version: README quick start")
  fi
  rm -f "$qs"

  # 2 + 3. Test files and examples under vitest in this runtime.
  local json="$tmp/$id.json"
  echo "--- [$id] ${vitest[*]} run --config $config"
  if CONVEYOR_SMOKE_RUNTIME=$id timeout 600 "${vitest[@]}" run --config "$config" \
       --reporter=default --reporter=json --outputFile.json="$json"; then
    vitest_ok=1
  else
    vitest_ok=0
  fi
  local counts
  counts=$(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(r.numTotalTestSuites !== undefined ? [r.numPassedTests, r.numFailedTests, r.numPendingTests + r.numTodoTests, r.testResults.length].join(" ") : "0 0 0 0");
  ' "$json" 2>/dev/null || echo "0 0 0 0")
  read -r passed failed skipped nfiles <<<"$counts"
  local want_skips
  want_skips=$(expected_skips "$id")
  echo "[$id] vitest: $nfiles files, $passed passed, $failed failed, $skipped left out by name (expected $want_skips)"
  if [ "$vitest_ok" = 1 ] && [ "$failed" = 0 ] && [ "$passed" -gt 0 ] && [ "$skipped" = "$want_skips" ]; then
    summary+=("$version: $nfiles test files, $passed tests passed, $skipped left out (docs/runtimes.md)")
  else
    failures+=("$version: vitest ($passed passed, $failed failed, $skipped skipped, expected $want_skips skipped)")
  fi
  echo "[$id] done in $((SECONDS - t0)) s"
}

smoke bun "$BUN"
smoke deno "$DENO" run -A

echo
echo "=== runtime smoke: $((SECONDS - started_all)) s"
for line in "${summary[@]}"; do echo "ok: $line"; done
if [ ${#failures[@]} -gt 0 ]; then
  for line in "${failures[@]}"; do echo "FAILED: $line"; done
  exit 1
fi
