#!/usr/bin/env bash
# The peer benchmark: one seeded workload W (10,000 households, 50,000 people, two devices' edits)
# through raw SQLite, SQLite's session extension, PouchDB (in process and over loopback HTTP),
# Automerge and Anju, plus Anju's server merge at 1k/10k/100k households. Prints JSON and a table.
#
#   bash scripts/bench-peers.sh            # full run (about 30 min); writes the table into docs/benchmarks.md
#   bash scripts/bench-peers.sh --quick    # W of 1,000 households, 3 runs (a few minutes); docs untouched
#   bash scripts/bench-peers.sh --no-docs  # full run without touching docs/benchmarks.md
# Other options go to bench/peers/run_peers.py (--engines, --runs, --growth, --dir ...).
# Installs Debian's nodejs and npm when missing; the Node packages are installed here,
# with `npm ci` from bench/peers/node/package-lock.json, never at configure or build time.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
mode=()
docs=docs/benchmarks.md
extra=()
for arg in "$@"; do
  case "$arg" in
    --quick) mode=(--quick); docs= ;;
    --no-docs) docs= ;;
    *) extra+=("$arg") ;;
  esac
done
# Node.js and npm from Debian, only when missing (not in scripts/install-deps.sh: the tests do not
# need them, and a machine with another nodejs package that bundles npm conflicts with Debian's npm).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
(cd bench/peers/node && npm ci --no-audit --no-fund --loglevel=error)
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$BUILD_DIR" --target peer_bench
args=(--peer-bench "$BUILD_DIR/bench/peers/peer_bench" --out-dir "$BUILD_DIR/bench-peers" "${mode[@]}")
[ -n "$docs" ] && args+=(--write-docs "$docs")
nice python3 bench/peers/run_peers.py "${args[@]}" "${extra[@]}"
