#!/usr/bin/env bash
# 1,000 connections on GET /api/v1/households/{id}, with what explains a slow
# answer (docs/PERFORMANCE.md, "Household reads, session 14"):
#   bench/server_conn1000.sh BINARY DB LABEL [WRK_THREADS] [serve options...]
# 10 s warm-up at 16 connections, then 20 s at 1,000 (wrk -t WRK_THREADS,
# default 2). Prints requests/s, p50/p99, wrk's errors by kind (a "timeout"
# is an answer that came more than 2 s after wrk wrote its request), the
# server's CPU per request, the kernel's TCP counters over the run (nstat:
# listen overflows and drops, retransmits), the listen socket's accept queue
# sampled every 0.1 s (ss -ltn: Recv-Q waiting to be accepted, Send-Q the
# backlog) and how long it stayed non-empty, and the server's own time per
# request from its request log (header read to answer logged).
# Files in /tmp/fupin-conn1000/LABEL. Needs wrk, jq, curl, sqlite3, ss, nstat.
set -euo pipefail
BIN=$1 DB=$2 LABEL=$3 T=${4:-2}; shift 4 || shift $#
PASSWORD='bench-Passw0rd-1'
OUT=${TMPDIR:-/tmp}/fupin-conn1000/$LABEL; mkdir -p "$OUT"
"$BIN" --db "$DB" user add bench --role administrator <<<"$PASSWORD" >/dev/null 2>&1 || true
MAX_HH=$(sqlite3 "$DB" "SELECT max(id) FROM households")
cat >"$OUT/hh.lua" <<LUA
math.randomseed(7)
request = function() return wrk.format("GET", "/api/v1/households/" .. math.random(1, $MAX_HH)) end
done = function(s, lat, req)
  io.write(string.format("LUA max_latency_ms %.1f timeouts %d connect %d read %d write %d status %d\n",
    lat.max/1000, s.errors.timeout, s.errors.connect, s.errors.read, s.errors.write, s.errors.status))
end
LUA
PORT=$((20000 + RANDOM % 20000))
"$BIN" --db "$DB" serve --listen "127.0.0.1:$PORT" "$@" >"$OUT/serve.out" 2>"$OUT/serve.log" &
PID=$!
trap 'kill $PID 2>/dev/null || true; kill $SSP 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
TOKEN=$(curl -sf -H 'Content-Type: application/json' -d "{\"name\":\"bench\",\"password\":\"$PASSWORD\"}" \
  "http://127.0.0.1:$PORT/api/v1/sessions" | jq -r .token)
wrk -t2 -c16 -d10s -H "Authorization: Bearer $TOKEN" -s "$OUT/hh.lua" "http://127.0.0.1:$PORT" >"$OUT/warm" 2>&1
nstat -n >/dev/null 2>&1 || true; T0=$(date +%s.%N)
( while true; do ss -ltn "sport = :$PORT" | tail -n +2 | awk -v t=$(date +%s.%N) "{print \$2, \$3, t}"; sleep 0.1; done ) >"$OUT/ss" &
SSP=$!
L0=$(wc -l <"$OUT/serve.log")
CPU0=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$PID/stat")
LOAD=$(cut -d' ' -f1 /proc/loadavg)
wrk -t"$T" -c1000 -d20s --latency -H "Authorization: Bearer $TOKEN" -s "$OUT/hh.lua" "http://127.0.0.1:$PORT" >"$OUT/wrk" 2>&1
CPU1=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$PID/stat")
kill $SSP; nstat -z 2>/dev/null | grep -iE 'ListenOverflows|ListenDrops|TCPTimeouts|Retrans|SynRetrans|TCPReqQFull|TCPBacklogDrop' >"$OUT/nstat" || true
sleep 0.3
REQ=$(awk '/requests in/ {print $1}' "$OUT/wrk")
printf '%s t%s load %s | %s req/s | p50 %s p99 %s | %s | CPU/req %s ms | ss Recv-Q max %s (Send-Q %s)\n' "$LABEL" "$T" "$LOAD" \
  "$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$OUT/wrk")" "$(awk '$1=="50%"{print $2}' "$OUT/wrk")" "$(awk '$1=="99%"{print $2}' "$OUT/wrk")" \
  "$(grep LUA "$OUT/wrk" | cut -c5-)" "$(awk -v a="$CPU1" -v b="$CPU0" -v n="$REQ" 'BEGIN{printf "%.3f", (a-b)*1000/n}')" \
  "$(awk 'BEGIN{m=0}{if($1>m)m=$1}END{print m}' "$OUT/ss")" "$(head -1 "$OUT/ss" | cut -d' ' -f2)"
echo "  nstat: $(tr -s ' ' <"$OUT/nstat" | cut -d' ' -f1,2 | tr '\n' ' ')"
tail -n +"$((L0+1))" "$OUT/serve.log" | jq -r 'select(.route!=null) | .ms' 2>/dev/null | sort -n | awk '{a[NR]=$1} END {printf "  server ms (header in -> logged): n %d p50 %s p99 %s p99.9 %s max %s; >100ms %d >1000ms %d\n", NR, a[int(NR*.5)], a[int(NR*.99)], a[int(NR*.999)], a[NR], c100, c1000} {if($1>100)c100++; if($1>1000)c1000++}'
kill $PID; wait $PID 2>/dev/null || true
awk -v t0="$T0" '$1>0 {last=$3-t0} END {printf "  accept queue non-empty until %.1f s after the start\n", last}' "$OUT/ss"
