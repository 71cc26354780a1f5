#!/usr/bin/env bash
# The server's indicators and measures (issue 25, session 11), over HTTP on a real server:
#
#   bench/indicators_server.sh FUPIN DB [RUNS] [AREA...]
#
# Starts `FUPIN --db DB serve`, logs in, and for each AREA (default: the province and county of the
# first household, and the nation) times RUNS requests of each of
#   GET /reports/indicators?area=AREA&year=2019&from=2014   and   GET /reports/measures?area=AREA&year=2019
# printing for each request its wall time (curl's time_total) and the server's CPU for it (user +
# system, from /proc/PID/stat), then the medians, and the server's peak RSS (VmHWM) at the end.
# When FUPIN's serve knows --facts (reads the columnar copy), DB.facts is removed first, so the
# first request of the first area builds it: that request is printed apart as "first".
# DB gets a user (bench-indicators); use a copy. Needs curl, jq (scripts/setup.sh).
set -euo pipefail
FUPIN=${1:?usage: bench/indicators_server.sh FUPIN DB [RUNS] [AREA...]}
DB=${2:?usage: bench/indicators_server.sh FUPIN DB [RUNS] [AREA...]}
RUNS=${3:-3}
shift $(($# < 3 ? $# : 3))
PASSWORD='bench-Passw0rd-1'
"$FUPIN" --db "$DB" user add bench-indicators --role administrator <<<"$PASSWORD" >/dev/null 2>&1 || true
if [ $# -gt 0 ]; then
  AREAS=("$@")
else
  VILLAGE=$(sqlite3 "$DB" "SELECT village_code FROM households ORDER BY id LIMIT 1")
  AREAS=("${VILLAGE:0:2}" "${VILLAGE:0:6}" nation)
fi
HELP=$("$FUPIN" serve --help)
COPY=no
if [[ "$HELP" == *--facts* ]]; then COPY=yes; rm -f "$DB.facts"; fi
WORK=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
"$FUPIN" --db "$DB" serve --listen "127.0.0.1:$PORT" >"$WORK/serve.out" 2>"$WORK/serve.err" &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
BASE="http://127.0.0.1:$PORT/api/v1"
TOKEN=$(curl -sf -H 'Content-Type: application/json' -d "{\"name\":\"bench-indicators\",\"password\":\"$PASSWORD\"}" \
  "$BASE/sessions" | jq -r .token)
AUTH="Authorization: Bearer $TOKEN"
TICKS=$(getconf CLK_TCK)
cpu() { awk -v t="$TICKS" '{ print ($14 + $15) / t }' "/proc/$PID/stat"; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# One request: "WALL CPU" in seconds; the body goes to $WORK/body.
timed() {
  local before after wall
  before=$(cpu)
  wall=$(curl -sf -o "$WORK/body" -w '%{time_total}' -H "$AUTH" "$BASE$1")
  after=$(cpu)
  echo "$wall $(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.2f", b - a }')"
}
echo "server: $FUPIN (reads the copy: $COPY), database $DB, $RUNS runs"
echo "| request | wall (s) | server CPU (s) |"
echo "|---|---|---|"
first=yes
for area in "${AREAS[@]}"; do
  for what in indicators measures; do
    q="/reports/$what?area=$area&year=2019"
    [ "$what" = indicators ] && q="$q&from=2014"
    if [ "$first" = yes ] && [ "$COPY" = yes ]; then
      read -r w c < <(timed "$q")
      echo "| $what $area, first (builds the copy) | $w | $c |"
    fi
    first=no
    walls="" cpus=""
    for _ in $(seq "$RUNS"); do
      read -r w c < <(timed "$q")
      walls="$walls $w"
      cpus="$cpus $c"
    done
    echo "| $what $area (median of $RUNS: $walls) | $(echo "$walls" | median) | $(echo "$cpus" | median) |"
    jq -c '{households: (.measures.households // .households), p0: (.measures.fgt.p0 // .fgt.p0)}' "$WORK/body" >&2
  done
done
echo "server peak RSS: $(awk '/VmHWM/ { printf "%d MiB", $2 / 1024 }' "/proc/$PID/status")"
