#!/usr/bin/env bash
# The first overview read after a change (issue 25), over HTTP on a real server:
#
#   bench/overview_after_change.sh FUPIN DB [RUNS] [COUNTY]
#
# Each run adds a household identified this year to a village of COUNTY (default: the county of
# the first household) through POST /api/v1/households, then at once reads, each timed by curl
# (time_total, ms):
#   - after:  GET /reports/overview of the village, its township and county (and the nation),
#             GET /reports/incidence of the county 2014-2020 (read from the village counts);
#   - before: what the overview page asked for before the counts, on the same server: the
#             households-list totals (4 headline, poor and exited per year 2014-2020, poor and all
#             per township), summed, for the county.
# Checks that the county's `registered` grew by one each time. Prints medians as a Markdown table
# (the write's own time included). DB is changed (households added): use a copy.
# Needs curl, jq (scripts/setup.sh).
set -euo pipefail
FUPIN=${1:?usage: bench/overview_after_change.sh FUPIN DB [RUNS] [COUNTY]}
DB=${2:?usage: bench/overview_after_change.sh FUPIN DB [RUNS] [COUNTY]}
RUNS=${3:-5}
PASSWORD='bench-Passw0rd-1'
"$FUPIN" --db "$DB" user add overview-bench --role administrator <<<"$PASSWORD" >/dev/null 2>&1 || true
VILLAGE=$(sqlite3 "$DB" "SELECT village_code FROM households ORDER BY id LIMIT 1")
COUNTY=${4:-${VILLAGE:0:6}}
VILLAGE=$(sqlite3 "$DB" "SELECT village_code FROM households WHERE village_code LIKE '$COUNTY%' ORDER BY id LIMIT 1")
TOWN=${VILLAGE:0:9}
YEAR=$(date -u +%Y)
WORK=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
"$FUPIN" --db "$DB" serve --listen "127.0.0.1:$PORT" >"$WORK/serve.out" 2>&1 &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
BASE="http://127.0.0.1:$PORT/api/v1"
TOKEN=$(curl -sf -H 'Content-Type: application/json' -d "{\"name\":\"overview-bench\",\"password\":\"$PASSWORD\"}" \
  "$BASE/sessions" | jq -r .token)
AUTH="Authorization: Bearer $TOKEN"
ms() { curl -sf -o /dev/null -w '%{time_total}' -H "$AUTH" "$BASE$1" | awk '{ printf "%.1f", $1 * 1000 }'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
TOWNS=$(curl -sf -H "$AUTH" "$BASE/areas/$COUNTY" | jq -r '.children | to_entries[] | .value[] | .code' | head -60)
declare -A T
registered() { curl -sf -H "$AUTH" "$BASE/reports/overview?area=$COUNTY&from=2020&to=2020" | jq .registered; }
BEFORE=$(registered)
for run in $(seq "$RUNS"); do
  T[write]+=" $(curl -sf -o /dev/null -w '%{time_total}' -H "$AUTH" -H 'Content-Type: application/json' \
    -d "{\"number\":\"OVB-$$-$run\",\"village_code\":\"$VILLAGE\",\"identified_year\":$YEAR}" "$BASE/households" |
    awk '{ printf "%.1f", $1 * 1000 }')"
  T[county]+=" $(ms "/reports/overview?area=$COUNTY&from=2014&to=2020")"
  T[town]+=" $(ms "/reports/overview?area=$TOWN&from=2014&to=2020")"
  T[village]+=" $(ms "/reports/overview?area=$VILLAGE&from=2014&to=2020")"
  T[nation]+=" $(ms "/reports/overview?from=2014&to=2020")"
  T[incidence]+=" $(ms "/reports/incidence?area=$COUNTY&from=2014&to=2020")"
  sum=0
  for q in "" "&status=poor" "&status=exited" "&status=removed"; do
    sum=$(awk -v a="$sum" -v b="$(ms "/households?area=$COUNTY&limit=1$q")" 'BEGIN { print a + b }')
  done
  for y in 2014 2015 2016 2017 2018 2019 2020; do
    for s in poor exited; do
      sum=$(awk -v a="$sum" -v b="$(ms "/households?area=$COUNTY&limit=1&status=$s&year=$y")" 'BEGIN { print a + b }')
    done
  done
  for t in $TOWNS; do
    for q in "" "&status=poor"; do
      sum=$(awk -v a="$sum" -v b="$(ms "/households?area=$t&limit=1$q")" 'BEGIN { print a + b }')
    done
  done
  T[old]+=" $sum"
done
AFTER=$(registered)
[ "$AFTER" -eq $((BEFORE + RUNS)) ] || { echo "overview_after_change: registered $BEFORE -> $AFTER after $RUNS adds" >&2; exit 1; }
echo "| read right after a change (median of $RUNS, ms) | value |"
echo "|---|---|"
echo "| the change: POST /households | $(echo "${T[write]}" | median) |"
echo "| overview of county $COUNTY (GET /reports/overview) | $(echo "${T[county]}" | median) |"
echo "| overview of township $TOWN | $(echo "${T[town]}" | median) |"
echo "| overview of village $VILLAGE | $(echo "${T[village]}" | median) |"
echo "| overview of the nation | $(echo "${T[nation]}" | median) |"
echo "| incidence 2014-2020 of county $COUNTY | $(echo "${T[incidence]}" | median) |"
echo "| before: the $((18 + 2 * $(echo "$TOWNS" | wc -w))) households-list totals the page asked for, county $COUNTY, summed | $(echo "${T[old]}" | median) |"
