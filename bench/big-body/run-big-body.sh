#!/usr/bin/env bash
# The big-body comparison as one prepared command (e.g. for a re-measurement on a quiet host):
# builds the original baseline (c52e805, before any of issue 10's event-loop work) and main before
# the streaming body parser (d747c2b) into a work folder, builds this checkout, and runs the
# bench with the three lanes alternating. Usage:
#   bash bench/big-body/run-big-body.sh [out-dir]     (ROUNDS=3, SECONDS_PER_LANE=30, WORK=<dir> to reuse builds)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/big-body-XXXXXX")}
out=${1:-$root/bench/results/big-body/$(date -u +%F)-$(hostname)}

build_commit() {
  local name=$1 commit=$2 dir=$work/$1
  if [ ! -f "$dir/dist/apps/server/src/main.js" ]; then
    mkdir -p "$dir"
    git -C "$root" archive "$commit" | tar -x -C "$dir"
    ln -sfn "$(readlink -f "$root/node_modules")" "$dir/node_modules"
    (cd "$dir" && npx tsc -p tsconfig.build.json && npx tsc-alias -p tsconfig.build.json)
  fi
}

build_commit baseline c52e805
build_commit before d747c2b
(cd "$root" && npm run build && { [ -d models/dtype_echo ] || npm run models; })
echo "load average before the run: $(cat /proc/loadavg)"
node "$root/dist/bench/big-body/big-body.bench.js" \
  --lane "baseline=$work/baseline/dist" --lane "before=$work/before/dist" \
  --rounds "${ROUNDS:-3}" --seconds "${SECONDS_PER_LANE:-30}" --out "$out"
