#!/usr/bin/env bash
# Installs Mesa's lavapipe (software Vulkan) from Debian bookworm-backports, so that
# onnxruntime-node's WebGPU execution provider (Dawn) finds a Vulkan adapter on a host
# without a GPU. Bookworm's own Mesa 22 is refused by Dawn; backports carries a newer one.
# Idempotent; needs root. Skips when a newer lavapipe is already installed.
set -euo pipefail
if ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 && dpkg -s mesa-vulkan-drivers 2>/dev/null | grep -q '^Version: \(2[3-9]\|[3-9]\)'; then
  echo "lavapipe already installed: $(dpkg -s mesa-vulkan-drivers | sed -n 's/^Version: //p')"
  exit 0
fi
. /etc/os-release
if [ "${VERSION_CODENAME:-}" != "bookworm" ]; then
  echo "not Debian bookworm (${VERSION_CODENAME:-unknown}): installing mesa-vulkan-drivers from the default suite"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mesa-vulkan-drivers libvulkan1
  exit 0
fi
list=/etc/apt/sources.list.d/bookworm-backports.sources
if [ ! -f "$list" ]; then
  cat > "$list" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1
echo "installed mesa-vulkan-drivers $(dpkg -s mesa-vulkan-drivers | sed -n 's/^Version: //p')"
