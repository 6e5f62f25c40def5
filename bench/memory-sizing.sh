#!/usr/bin/env bash
# RSS of the server process after all models loaded, for a set of models and CPU workers.
cd "$(dirname "$0")/.."   # the repository root, after npm run build and npm run models
run() {
  local models=$1 workers=$2 port=$3
  SWITCHYARD_HOST=127.0.0.1 SWITCHYARD_PORT=$port SWITCHYARD_GRPC_PORT=0 SWITCHYARD_MODELS=$models SWITCHYARD_CPU_WORKERS=$workers \
  SWITCHYARD_CALIBRATION=skip SWITCHYARD_DISABLED_DEVICES=gpu:0 SWITCHYARD_TELEMETRY_INTERVAL_MS=0 SWITCHYARD_LOG_LEVEL=warn \
  SWITCHYARD_DATA_DIR=$(mktemp -d) SWITCHYARD_PROFILES_DIR=$(mktemp -d) SWITCHYARD_MODEL_REPOSITORY=$PWD/models \
  node dist/apps/server/src/main.js >/dev/null 2>&1 &
  local pid=$!
  for i in $(seq 1 300); do curl -sf localhost:$port/v2/health/ready >/dev/null && break; sleep 0.2; done
  sleep 2
  echo "models=$models cpu_workers=$workers rss_kib=$(awk '/VmRSS/{print $2}' /proc/$pid/status)"
  kill $pid; wait $pid 2>/dev/null
}
for models in mlp_tiny mlp_tiny,mlp_small,mlp_large,cnn_small,dtype_echo; do
  for w in 1 2; do run $models $w 18931; done
done
