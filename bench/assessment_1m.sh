#!/bin/sh
# Builds a synthetic registry of about PERSONS persons (default 1,000,000; 4 per household)
# by bulk SQL, then times `assess households`, `report incidence` and `report measures`.
# Each command runs RUNS times (default 3); prints every run's wall time, CPU and
# peak RSS (from /usr/bin/time -v) and the median wall time. With a binary whose
# `report measures` reads the columnar copy of the facts, also the measures from
# the tables (--facts off) and with the copy built first.
# ONLY=households times only `assess households`.
# Usage: bench/assessment_1m.sh [BUILD_DIR] [PERSONS] [RUNS]
set -eu
BUILD=${1:-build}
PERSONS=${2:-1000000}
RUNS=${3:-3}
HH=$((PERSONS / 4))
DB=$(mktemp -d)/bench.db
"$BUILD/fupin" --db "$DB" params list >/dev/null   # creates the schema
sqlite3 "$DB" <<SQL
PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
BEGIN;
INSERT INTO areas VALUES ('43','湖南省',1,NULL),('4304','衡阳市',2,'43'),('430424','衡东县',3,'4304');
WITH RECURSIVE t(i) AS (SELECT 100 UNION ALL SELECT i+1 FROM t WHERE i < 119)
INSERT INTO areas SELECT '430424'||i, '镇'||i, 4, '430424' FROM t;
WITH RECURSIVE v(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM v WHERE i < 999)
INSERT INTO areas SELECT '430424'||(100 + i % 20)||(200 + i / 20), '村'||i, 5, '430424'||(100 + i % 20) FROM v;
WITH RECURSIVE y(n) AS (SELECT 2014 UNION ALL SELECT n+1 FROM y WHERE n < 2020)
INSERT INTO area_years (area_code, year, rural_population) SELECT code, n, 1500 FROM areas, y WHERE level = 5;
WITH RECURSIVE h(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM h WHERE i < $HH)
INSERT INTO households (id, number, village_code, identified_year, attribute, main_cause, created_at, updated_at)
SELECT i, 'H'||i, '430424'||(100 + (i % 1000) % 20)||(200 + (i % 1000) / 20), 2014, 'general', 'illness', 0, 0 FROM h;
INSERT INTO household_events (household_id, kind, year, date, actor, recorded_at)
SELECT id, 'identified', 2014, '2014-01-01', 'bench', 0 FROM households;
INSERT INTO household_events (household_id, kind, year, date, actor, recorded_at)
SELECT id, 'exited', 2014 + id % 7, (2014 + id % 7)||'-11-01', 'bench', 0 FROM households WHERE id % 10 < 9;
WITH RECURSIVE p(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM p WHERE i < $PERSONS)
INSERT INTO persons (id, id_number_enc, id_number_index, id_number_masked, name, sex, birth_date, created_at, updated_at)
SELECT i, zeroblob(16), printf('B%017d', i), '430424********0000', '人'||i, 'male', (1950 + i % 65)||'-05-05', 0, 0 FROM p;
INSERT INTO memberships (person_id, household_id, relation, start_date)
SELECT id, (id - 1) / 4 + 1, CASE WHEN id % 4 = 1 THEN 'head' ELSE 'other' END, '2014-01-01' FROM persons;
INSERT INTO household_years (household_id, year, members, wage_income, food_secure, clothing_secure, housing_safe, drinking_water_safe, updated_at)
SELECT id, 2019, 4, 1000000 + (id % 50) * 40000, 1, 1, id % 13 != 0, 1, 0 FROM households;
INSERT INTO person_years (person_id, year, school_status, medical_insured, updated_at)
SELECT id, 2019, 'enrolled', id % 97 != 0, 0 FROM persons;
COMMIT;
SQL
echo "persons $PERSONS, households $HH, database $(du -h "$DB" | cut -f1)"
t() {
  echo "$*" | sed "s|$BUILD/fupin --db $DB|fupin|"
  times=""
  for i in $(seq "$RUNS"); do
    /usr/bin/time -v -o "$DB.time" "$@" >/dev/null
    w=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$DB.time" | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DB.time")
    cpu=$(sed -n 's/.*User time (seconds): //p' "$DB.time")
    sys=$(sed -n 's/.*System time (seconds): //p' "$DB.time")
    echo "  run $i: ${w} s wall, ${cpu} s user, ${sys} s sys, peak RSS $((rss / 1024)) MiB"
    times="$times $w"
  done
  echo "median $(echo $times | tr ' ' '\n' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }') s"
}
t "$BUILD/fupin" --db "$DB" assess households --year 2019 --area 430424 --json
if [ "${ONLY:-}" != households ]; then
t "$BUILD/fupin" --db "$DB" report incidence --area 430424 --from 2014 --to 2020 --json
t "$BUILD/fupin" --db "$DB" report measures --area 430424 --year 2019 --json
# A binary whose `report measures` reads the columnar copy of the facts (issue 25): the line above
# read it (building it first on the first run); now from the tables, then building it each run.
help=$("$BUILD/fupin" report measures --help)
case "$help" in *--facts*)
  t "$BUILD/fupin" --db "$DB" report measures --area 430424 --year 2019 --json --facts off
  t sh -c "rm -f '$DB.facts' && exec '$BUILD/fupin' --db '$DB' report measures --area 430424 --year 2019 --json"
  ;;
esac
t "$BUILD/fupin" --db "$DB" assess county 430424 --year 2019 --json
fi
rm -rf "$(dirname "$DB")"
