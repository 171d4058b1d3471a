#!/usr/bin/env bash
# Renders the app's main screens offscreen into docs/screenshots/ against a real local server:
# a demo community, a worker's tablet, and a second device of the same worker that changed one
# household's address first (so the tablet's edit of it becomes a conflict for the supervisor).
# Usage: scripts/screenshots.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=docs/screenshots
server_bin=$build/syncserver/syncserver
ctl=$build/shared/surveyctl/surveyctl
tmp=$(mktemp -d)
trap 'kill $server_pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
export QT_QPA_PLATFORM=offscreen

"$server_bin" init --db "$tmp/server.db" >/dev/null
"$server_bin" demo --db "$tmp/server.db" --households 240 --seed 7 >/dev/null 2>&1
# The demo keeps its generated passwords in a 0600 file beside the database: "user role grids password".
password_of() { awk -v u="$1" '$1 == u {print $NF}' "$tmp/server.db.accounts.txt"; }
worker=worker01
password=$(password_of worker01)
[ -n "$password" ] || { echo "no worker01 in the demo accounts" >&2; exit 1; }

"$server_bin" serve --db "$tmp/server.db" --listen 127.0.0.1:0 > "$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$tmp/server.log" && break; sleep 0.1; done
url=$(grep -o "http://127.0.0.1:[0-9]*" "$tmp/server.log" | head -1)

# The worker's other device: signed in and synced now; it changes one household's address after the
# tablet's first sync, so the tablet's own edit of that address becomes a conflict a supervisor reviews.
echo "$password" | "$ctl" --db "$tmp/other.db" login --server "$url" --user "$worker" >/dev/null
"$ctl" --db "$tmp/other.db" sync >/dev/null
household=$("$ctl" --db "$tmp/other.db" list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["uuid"])')
# Meanwhile the supervisor reassigns another of the worker's households to grid G03 (worker02's), so
# the list shows it as moved away.
moved=$("$ctl" --db "$tmp/other.db" list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[1]["uuid"])')
password_of supervisor | "$ctl" --db "$tmp/mover.db" login --server "$url" --user supervisor >/dev/null
"$ctl" --db "$tmp/mover.db" sync >/dev/null
other="$ctl --db $tmp/other.db household set $household address=玉泉家园3号楼2单元301室 >/dev/null && $ctl --db $tmp/other.db sync >/dev/null"
other="$other && $ctl --db $tmp/mover.db household set $moved grid=G03 >/dev/null && $ctl --db $tmp/mover.db sync >/dev/null"

mkdir -p "$out"
"$build/mobile/anju_screenshot_tour" --db "$tmp/tablet.db" --server "$url" --user "$worker" \
    --password "$password" --conflict-household "$household" --other-device "$other" --moved-household "$moved" --out "$out"
# The supervisor sees the conflict the tablet's edit raised and the edit of the moved household passed to
# the community, then the dashboard; the auditor the log.
"$build/mobile/anju_screenshot_tour" --mode supervisor --db "$tmp/supervisor.db" --server "$url" --user supervisor \
    --password "$(password_of supervisor)" --out "$tmp/extra"
"$build/mobile/anju_screenshot_tour" --mode auditor --db "$tmp/auditor.db" --server "$url" --user auditor \
    --password "$(password_of auditor)" --out "$tmp/extra"
# A worker whose tablet's date went ten days back (a flat battery): the sync says so, the bar keeps it.
"$build/mobile/anju_screenshot_tour" --mode clock --clock-offset-ms -864000000 --db "$tmp/behind.db" --server "$url" \
    --user worker02 --password "$(password_of worker02)" --out "$tmp/extra"
cp "$tmp"/extra/1[0-9]-*.png "$out"/
echo "screenshots in $out"
