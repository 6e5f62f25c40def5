#!/usr/bin/env bash
# Runs the compiled suite as a fresh Debian machine with only Node would: no WebGPU adapter
# (lavapipe hidden from the Vulkan loader), no chromium and no redis-server on PATH. The tests
# that need them must be reported as skipped, with the reason, and everything else must pass.
#   bash scripts/test-bare-host.sh [unit|e2e|all] [path-substring...]   (after npm run build && npm run models)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
IFS=: read -ra dirs <<< "$PATH"
for d in "${dirs[@]}"; do
  [ -d "$d" ] || continue
  for f in "$d"/*; do
    name=${f##*/}
    case "$name" in chromium*|redis-*) continue ;; esac
    [ -e "$bin/$name" ] || ln -s "$f" "$bin/$name"
  done
done
export -n REQUIRE_WEBGPU REQUIRE_BROWSER REQUIRE_REDIS
PATH="$bin" VK_ICD_FILENAMES=/nonexistent/vk_icd.json exec node test/run-tests.js "${@:-all}"
