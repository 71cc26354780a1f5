#!/usr/bin/env bash
# A/B of two `fupin serve` binaries on one database, in the same minutes
# (docs/PERFORMANCE.md, "Event-driven server"):
#   bench/server_ab.sh OLD_BINARY NEW_BINARY DB [RUNS]
# For each binary and run: wrk 16 connections 20 s on /api/v1/health and on
# GET /api/v1/households/{random id} with a logged-in token; prints requests/s,
# p50, p99 and the server's CPU seconds. Then, on the new binary only: 256
# connections for 60 s (errors, RSS at start and end) and 1,000 connections.
# Needs wrk, jq, curl, sqlite3 (scripts/setup.sh).
set -euo pipefail
OLD=$1 NEW=$2 DB=$3 RUNS=${4:-3}
PASSWORD='bench-Passw0rd-1'
"$NEW" --db "$DB" user add bench --role administrator <<<"$PASSWORD" >/dev/null 2>&1 || true
MAX_HH=$(sqlite3 "$DB" "SELECT max(id) FROM households")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"; [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null || true' EXIT
cat >"$WORK/households.lua" <<LUA
math.randomseed(7)
request = function() return wrk.format("GET", "/api/v1/households/" .. math.random(1, $MAX_HH)) end
LUA
start() {  # binary
  PORT=$((20000 + RANDOM % 20000))
  "$1" --db "$DB" serve --listen "127.0.0.1:$PORT" >"$WORK/serve.out" 2>/dev/null &
  PID=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
  TOKEN=$(curl -sf -H 'Content-Type: application/json' -d "{\"name\":\"bench\",\"password\":\"$PASSWORD\"}" \
    "http://127.0.0.1:$PORT/api/v1/sessions" | jq -r .token)
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""; }
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$PID/stat"; }
rss() { awk '/VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$PID/status"; }
run() {  # label connections seconds target
  local before after; before=$(cpu)
  local args=("http://127.0.0.1:$PORT$4"); [[ $4 == *.lua ]] && args=(-s "$4" "http://127.0.0.1:$PORT")
  wrk -t2 -c"$2" -d"$3"s --latency -H "Authorization: Bearer $TOKEN" "${args[@]}" >"$WORK/wrk" 2>&1
  after=$(cpu)
  printf '%s | %s req/s | p50 %s | p99 %s | %s s CPU | %s\n' "$1" \
    "$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$WORK/wrk")" "$(awk '$1 == "50%" { print $2 }' "$WORK/wrk")" \
    "$(awk '$1 == "99%" { print $2 }' "$WORK/wrk")" "$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.1f", a - b }')" \
    "$(grep -E 'Non-2xx|Socket errors' "$WORK/wrk" | tr -s ' ' | tr '\n' ' ' || true)"
}
for r in $(seq "$RUNS"); do
  for b in "$OLD" "$NEW"; do
    start "$b"
    run "run $r $(basename "$b") /health" 16 20 /api/v1/health
    run "run $r $(basename "$b") /households/{id}" 16 20 "$WORK/households.lua"
    stop
  done
done
start "$NEW"
echo "new: RSS at start $(rss) MiB"
# The server's memory every 10 s through the 60 s at 256 connections: flat once its caches are warm.
( for _ in $(seq 6); do sleep 10; printf '%s ' "$(rss)"; done > "$WORK/rss" ) &
SAMPLER=$!
run "new 256 connections 60 s /households/{id}" 256 60 "$WORK/households.lua"
wait "$SAMPLER" || true
echo "new: RSS every 10 s during the run: $(cat "$WORK/rss")MiB; at the end $(rss) MiB"
run "new 1000 connections 20 s /households/{id}" 1000 20 "$WORK/households.lua"
echo "new: RSS after 1000 connections $(rss) MiB"
stop
