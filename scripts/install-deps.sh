#!/usr/bin/env bash
# Installs Anju's build and test dependencies from Debian 12 packages (needs root).
# Usage: scripts/install-deps.sh [--app]   (--app adds the Qt packages for the tablet app)
set -euo pipefail
packages=(cmake ninja-build g++ pkg-config catch2 nlohmann-json3-dev libcpp-httplib-dev libcli11-dev
          libcurl4-openssl-dev libsqlite3-dev sqlite3 libssl-dev zlib1g-dev libzstd-dev python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
