#!/usr/bin/env bash
# The whole benchmark on a GPU host, in one command (docs/benchmarks.md, "On a GPU host"):
#   scripts/gpu-bench.sh [out-root]            (default bench/results)
# Needs Node >= 20.19 and the repository's dependencies installed (npm ci). Writes, under out-root:
#   h100-host-mix/<date>-<host>/       real lanes: every policy, each device alone, the raw pools,
#                                      3 rounds, with the simulator's twin of the run
#   decision-cost-e2e/<date>-<host>/   the whole placement decision, 64 devices, 1,000 queued jobs
#   h100-fit/<date>-<host>/            the device model against the measured lanes (simulated)
#   overhead/<date>-<host>/            the REST hot path against a bare Fastify route (mlp_tiny, JSON and
#                                      binary; the worker-thread hop is what a many-core host changes)
#   gpu-bench-<date>-<host>.md         what ran, the devices found, and where each report is
# and runs the test suite with WebGPU required (the suite asserts behaviour, not a host's hardware;
# its log is kept gzipped next to the summary).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-bench/results}"
ROUNDS="${GPU_BENCH_ROUNDS:-3}"
DATE="$(date -u +%Y-%m-%d)"
HOST="$(hostname | tr -c 'A-Za-z0-9_.@+-\n' '_')"
SUMMARY="$OUT/gpu-bench-$DATE-$HOST.md"
mkdir -p "$OUT"

npm run build
[ -f models/mlp_large/1/model.onnx ] || npm run models

{
  echo "# GPU host benchmark, $DATE on $HOST"
  echo
  echo "Command: \`scripts/gpu-bench.sh $*\` (rounds: $ROUNDS)."
  echo
  echo "## Host"
  echo
  echo '```'
  uname -a
  nproc
  (command -v nvidia-smi >/dev/null && nvidia-smi -L) || echo "nvidia-smi: not found"
  node -e "console.log('node', process.version)"
  echo '```'
  echo
  echo "## Reports"
  echo
} > "$SUMMARY"

run() {
  local what="$1"; shift
  local started=$SECONDS
  if report="$("$@" | tail -n 1)"; then
    echo "- $what: [$report]($report) ($((SECONDS - started)) s)" >> "$SUMMARY"
  else
    echo "- $what: FAILED (exit $?) after $((SECONDS - started)) s: \`$*\`" >> "$SUMMARY"
  fi
}

run "H100 mix, real lanes" node dist/bench/run.js bench/scenarios/h100-host-mix.yaml --target inproc --rounds "$ROUNDS" --out "$OUT"
run "decision cost, end to end" node dist/bench/decision-cost-e2e.js "$OUT"
run "device model vs measured lanes (simulated)" node dist/bench/h100-fit.js "$OUT"
run "REST overhead against a bare Fastify route" node dist/bench/overhead/overhead.bench.js --model mlp_tiny --batch 1 --requests 3000 --out "$OUT/overhead/$DATE-$HOST"

echo >> "$SUMMARY"
echo "## Tests" >> "$SUMMARY"
if REQUIRE_WEBGPU=1 node test/run-tests.js all > "$OUT/gpu-bench-$DATE-$HOST-tests.log" 2>&1; then status=passed; else status=FAILED; fi
echo >> "$SUMMARY"
echo "\`REQUIRE_WEBGPU=1 node test/run-tests.js all\`: $status; counts:" >> "$SUMMARY"
echo '```' >> "$SUMMARY"
grep -E '^ℹ (tests|pass|fail|skipped)' "$OUT/gpu-bench-$DATE-$HOST-tests.log" >> "$SUMMARY" || true
echo '```' >> "$SUMMARY"
gzip -f "$OUT/gpu-bench-$DATE-$HOST-tests.log"
echo "$SUMMARY"
