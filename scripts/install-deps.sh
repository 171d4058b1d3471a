#!/usr/bin/env bash
# Installs Anju's build and test dependencies from Debian 12 packages (needs root).
# Usage: scripts/install-deps.sh
set -euo pipefail
packages=(cmake ninja-build g++ pkg-config catch2 nlohmann-json3-dev libcpp-httplib-dev libcli11-dev
          libcurl4-openssl-dev libsqlite3-dev sqlite3 libssl-dev zlib1g-dev libzstd-dev libzip-dev libcsv-dev libjemalloc-dev
          python3 openssl
          # the tablet app (Qt 6.4), its offscreen tests and Chinese fonts for its screenshots
          qt6-base-dev qt6-declarative-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-qpa-plugins
          qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
          qml6-module-qtquick-window qml6-module-qtqml-workerscript qml6-module-qtquick-templates
          qml6-module-qttest qml6-module-qtquick-dialogs qml6-module-qtqml qml6-module-qtqml-models
          qml6-module-qtquick-shapes qml6-module-qtcharts qt6-declarative-dev-tools fonts-noto-cjk)
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
