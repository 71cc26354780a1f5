#!/bin/sh
# Spending progress (支出进度) at national shape: PROJECTS projects (default
# 1,000,000) over 31 provinces x 10 counties, each given one assignment from
# one of 9 fund sources x 7 years of allocations and paid by DISB disbursements
# (default 2), built by bulk SQL. Times `fund progress` by source and by year
# for the nation (the service: three grouped queries and the idle-funds query)
# and, beside it, the plain-SQL floor: the same grouped sums in the sqlite3
# shell. Each runs RUNS times (default 3); prints every run and the median.
# Usage: bench/fund_progress.sh [BUILD_DIR] [PROJECTS] [RUNS] [DISB]
set -eu
BUILD=${1:-build}
PROJECTS=${2:-1000000}
RUNS=${3:-3}
DISB=${4:-2}
DB=$(mktemp -d)/bench.db
"$BUILD/fupin" --db "$DB" params list >/dev/null   # creates the schema
sqlite3 "$DB" <<SQL
PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
BEGIN;
WITH RECURSIVE p(i) AS (SELECT 11 UNION ALL SELECT i+1 FROM p WHERE i < 41)
INSERT INTO areas SELECT CAST(i AS TEXT), '省'||i, 1, NULL FROM p;
INSERT INTO areas SELECT code||'01', code||'市', 2, code FROM areas WHERE level = 1;
WITH RECURSIVE c(i) AS (SELECT 21 UNION ALL SELECT i+1 FROM c WHERE i < 30)
INSERT INTO areas SELECT a.code||i, a.code||'县'||i, 3, a.code FROM areas a, c WHERE a.level = 2;
CREATE TEMP TABLE counties AS SELECT row_number() OVER (ORDER BY code) - 1 AS n, code FROM areas WHERE level = 3;
WITH RECURSIVE y(n) AS (SELECT 2014 UNION ALL SELECT n+1 FROM y WHERE n < 2020)
INSERT INTO fund_allocations (document_no, date, year, source, area_code, amount_fen, recorded_by, recorded_at)
SELECT '文'||c.code||f.code||y.n, y.n||'-02-15', y.n, f.code, c.code, 100000000000, 'bench', 0
FROM counties c, fund_sources f, y;
WITH RECURSIVE p(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM p WHERE i < $PROJECTS)
INSERT INTO projects (id, name, kind, level, area_code, start_year, end_year, implementer, status, created_at, updated_at)
SELECT i, '项目'||i, CASE i % 4 WHEN 0 THEN 'industry' WHEN 1 THEN 'water' WHEN 2 THEN 'road' ELSE 'photovoltaic' END,
  'county', (SELECT code FROM counties WHERE n = i % 310), 2014 + i % 7, 2014 + i % 7, '单位',
  CASE WHEN i % 5 = 0 THEN 'under_way' ELSE 'completed' END, 0, 0 FROM p;
INSERT INTO fund_assignments (allocation_id, project_id, date, amount_fen, recorded_by, recorded_at)
SELECT a.id, p.id, p.start_year||'-03-05', 1000000 + (p.id % 100) * 10000, 'bench', 0
FROM projects p JOIN fund_allocations a ON a.area_code = p.area_code AND a.year = p.start_year
  AND a.source = (SELECT code FROM fund_sources WHERE position = 1 + p.id % 9);
WITH RECURSIVE d(k) AS (SELECT 1 UNION ALL SELECT k+1 FROM d WHERE k < $DISB)
INSERT INTO fund_disbursements (project_id, allocation_id, date, amount_fen, payee, purpose, recorded_by, recorded_at)
SELECT g.project_id, g.allocation_id, '2020-06-01', g.amount_fen / ($DISB + 1), '收款单位', '工程款', 'bench', 0
FROM fund_assignments g, d;
COMMIT;
ANALYZE;
SQL
echo "projects $PROJECTS, assignments $(sqlite3 "$DB" 'SELECT count(*) FROM fund_assignments'), disbursements $(sqlite3 "$DB" 'SELECT count(*) FROM fund_disbursements'), database $(du -h "$DB" | cut -f1)"
t() {
  echo "$*" | sed "s|$BUILD/fupin --db $DB|fupin|; s|sqlite3 $DB|sqlite3|"
  times=""
  for i in $(seq "$RUNS"); do
    /usr/bin/time -v -o "$DB.time" "$@" >/dev/null
    w=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$DB.time" | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DB.time")
    echo "  run $i: ${w} s wall, peak RSS $((rss / 1024)) MiB"
    times="$times $w"
  done
  echo "median $(echo $times | tr ' ' '\n' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }') s"
}
t "$BUILD/fupin" --db "$DB" fund progress --by source --json
t "$BUILD/fupin" --db "$DB" fund progress --by year --json
# The floor: the same three grouped sums by source, and the idle funds, in plain SQL.
t sqlite3 "$DB" "SELECT a.source, sum(a.amount_fen) FROM fund_allocations a GROUP BY 1;
 SELECT a.source, sum(g.amount_fen) FROM fund_assignments g JOIN fund_allocations a ON a.id = g.allocation_id GROUP BY 1;
 SELECT a.source, sum(d.amount_fen) FROM fund_disbursements d JOIN fund_allocations a ON a.id = d.allocation_id GROUP BY 1;
 SELECT count(*) FROM projects p JOIN (SELECT project_id, sum(amount_fen) s FROM fund_assignments GROUP BY 1) g ON g.project_id = p.id
  LEFT JOIN (SELECT project_id, sum(amount_fen) s FROM fund_disbursements GROUP BY 1) d ON d.project_id = p.id
  WHERE p.status = 'completed' AND g.s > COALESCE(d.s, 0);"
rm -rf "$(dirname "$DB")"
