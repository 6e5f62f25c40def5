#!/usr/bin/env bash
# Builds better-sqlite3's native addon for a second Node version, beside the one npm ci built,
#   bash scripts/build-sqlite-abi.sh <node-dir>     (a Node install: bin/node and include/node)
# into .native/better-sqlite3/abi-<NODE_MODULE_VERSION>/better_sqlite3.node, where the jobs store
# looks first (libs/jobs/src/sqlite/sqlite-native-binding.ts). CI uses it to run the suite on
# Node 20 and Node 24 from one node_modules. Compiles from the package's bundled SQLite sources
# with node-gyp (no download): needs python3, make and a C++ compiler.
set -euo pipefail
cd "$(dirname "$0")/.."
nodedir="$(cd "${1:?usage: build-sqlite-abi.sh <node-dir>}" && pwd)"
node="$nodedir/bin/node"
abi="$("$node" -p process.versions.modules)"
out=".native/better-sqlite3/abi-$abi"
if [ -f "$out/better_sqlite3.node" ]; then
  echo "better-sqlite3 for ABI $abi already built: $out"
  exit 0
fi
gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r node_modules/better-sqlite3/. "$work/"
rm -rf "$work/build"
(cd "$work" && "$node" "$gyp" rebuild --release --nodedir="$nodedir" --jobs="$(nproc)" >"$work.log" 2>&1) || { tail -40 "$work.log"; exit 1; }
mkdir -p "$out"
cp "$work/build/Release/better_sqlite3.node" "$out/"
echo "built better-sqlite3 $("$node" -p "require('./node_modules/better-sqlite3/package.json').version") for Node $("$node" -v) (ABI $abi): $out"
