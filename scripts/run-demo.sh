#!/usr/bin/env bash
# The newcomer's run command: installs, builds, starts the sync server on a fresh SQLite file
# holding the demo community (玉泉营农场社区), prints the accounts, and opens the tablet app
# signed out against it. Ctrl-C (or closing the app) stops the server.
# Environment: ANJU_PORT — the server's port on 127.0.0.1 (default 8080);
#              ANJU_DEMO_HOUSEHOLDS — size of the demo community (default 1800).
set -euo pipefail
cd "$(dirname "$0")/.."

port="${ANJU_PORT:-8080}"
households="${ANJU_DEMO_HOUSEHOLDS:-1800}"
if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
  echo "ANJU_PORT=$port 不是有效端口 / is not a valid port (1-65535)" >&2
  exit 2
fi

bash scripts/install-deps.sh
bash scripts/build.sh

server=build/syncserver/syncserver
app=build/mobile/anju
demo=build/demo
db="$demo/server.db"
tablet="$demo/tablet.db"
mkdir -p "$demo"
# A fresh server and a fresh tablet: an old tablet file would push its records to the new server.
rm -f "$db" "$db-wal" "$db-shm" "$db.signing-key.pem" "$db.accounts.txt" \
      "$tablet" "$tablet-wal" "$tablet-shm" "$tablet.key" "$demo/server.log"

"$server" init --db "$db"
"$server" demo --db "$db" --households "$households"

"$server" serve --db "$db" --listen "127.0.0.1:$port" >"$demo/server.log" 2>&1 &
server_pid=$!
stop_server() {
  kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  echo "服务器已停止 / server stopped"
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# Wait until the server listens (or has died, e.g. because the port is taken).
for _ in $(seq 1 100); do
  grep -q "listening on" "$demo/server.log" 2>/dev/null && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "服务器启动失败 / the server did not start (port $port taken? set ANJU_PORT):" >&2
    cat "$demo/server.log" >&2
    exit 1
  fi
  sleep 0.1
done
if ! grep -q "listening on" "$demo/server.log"; then
  echo "服务器 10 秒内未开始监听 / the server did not start listening within 10 s:" >&2
  cat "$demo/server.log" >&2
  exit 1
fi

url="http://127.0.0.1:$port"
echo
echo "== 同步服务器 / sync server: $url   (日志 / log: $demo/server.log)"
echo "== 账号 / accounts (also in $db.accounts.txt):"
grep -v '^#' "$db.accounts.txt"
echo

if [ ! -x "$app" ]; then
  echo "平板应用尚未构建($app 不存在),服务器在前台运行,按 Ctrl-C 停止。"
  echo "The tablet app is not built ($app is missing); the server runs in the foreground, press Ctrl-C to stop."
  echo "A headless device meanwhile: build/shared/surveyctl/surveyctl --db /tmp/t.db login --server $url --user worker01"
  wait "$server_pid"
elif [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "没有图形显示(未设置 DISPLAY 或 WAYLAND_DISPLAY),不启动平板应用;服务器继续运行,按 Ctrl-C 停止。"
  echo "No display (neither DISPLAY nor WAYLAND_DISPLAY is set): the app is not started; the server keeps running, press Ctrl-C to stop."
  echo "On a desktop: $app --server $url --db $tablet"
  wait "$server_pid"
else
  echo "== 启动平板应用 / starting the app: $app --server $url --db $tablet"
  status=0
  "$app" --server "$url" --db "$tablet" || status=$?
  echo "平板应用已退出 / the app exited (status $status)"
  exit "$status"
fi
