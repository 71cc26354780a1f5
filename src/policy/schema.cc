#include "policy/schema.h"

namespace fupin::policy {

std::vector<store::Migration> Migrations() {
  return {
      {400, "entitlements", R"sql(
-- One row per `fupin entitle` run: its scope, its totals and how many
-- entitlements it added, removed or changed against what was stored before.
CREATE TABLE entitlement_runs (
  id          {{pk}},
  year        INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  area_code   TEXT NOT NULL,               -- the area evaluated (any level)
  policy_id   TEXT NOT NULL DEFAULT '',    -- '' = every policy in force that year
  ref_date    TEXT NOT NULL,               -- YYYY-MM-DD: ages and statuses are taken on it
  persons     INTEGER NOT NULL,
  households  INTEGER NOT NULL,
  entitled    INTEGER NOT NULL,            -- entitlements stored by the run
  amount      INTEGER NOT NULL,            -- their total, fen
  added       INTEGER NOT NULL,
  removed     INTEGER NOT NULL,
  changed     INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  run_at      INTEGER NOT NULL
);

-- Who is owed what in a year: the latest run's result for each policy and
-- area. person_id is 0 for a household policy.
CREATE TABLE entitlements (
  year         INTEGER NOT NULL,
  policy_id    TEXT NOT NULL,
  household_id INTEGER NOT NULL REFERENCES households(id),
  person_id    INTEGER NOT NULL,
  village_code TEXT NOT NULL,
  amount       INTEGER NOT NULL,           -- fen per year
  reason       TEXT NOT NULL,              -- the explanation read out to the household
  clauses      TEXT NOT NULL,              -- JSON: the clauses and the facts they read
  run_id       INTEGER NOT NULL REFERENCES entitlement_runs(id),
  PRIMARY KEY (year, policy_id, household_id, person_id)
);
CREATE INDEX entitlements_village ON entitlements(year, village_code, policy_id);
CREATE INDEX entitlements_person ON entitlements(person_id, year);

-- What a run changed against the entitlements stored before it.
CREATE TABLE entitlement_changes (
  run_id       INTEGER NOT NULL REFERENCES entitlement_runs(id),
  policy_id    TEXT NOT NULL,
  household_id INTEGER NOT NULL,
  person_id    INTEGER NOT NULL,
  village_code TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('added', 'removed', 'changed')),
  old_amount   INTEGER,
  new_amount   INTEGER
);
CREATE INDEX entitlement_changes_run ON entitlement_changes(run_id);
)sql"},
      {401, "policy year parameters", R"sql(
-- The year parameters the shipped policies read (params.*), as assessment
-- parameters with their sources; an administrator changes them with
-- `fupin params set`. Only the 2020 class-A dibao standard is the article's.
INSERT INTO assessment_parameters (name, key, value, source, effective_from, set_by, set_at) VALUES
  ('dibao_standard_a', '2014', '2400', '示例值：文章只给出2020年A类4200元，往年按县里文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_b', '2014', '1800', '示例值：B类标准，文章未给出，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_c', '2014', '1200', '示例值：C类标准，文章未给出，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('destitute_standard', '2014', '3120', '示例值：特困人员基本生活标准按低保A类的1.3倍，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('medical_premium', '2014', '70', '城乡居民医保个人缴费标准（全国统一最低标准，示例值，按当年文件核对）；文章：县财政全额补贴', '2014-01-01', 'fupin 默认值', 0),
  ('pension_premium_min', '2014', '100', '城乡居民养老保险最低缴费档次100元，残疾贫困人口由政府代缴（示例值）', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_a', '2015', '2700', '示例值：文章只给出2020年A类4200元，往年按县里文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_b', '2015', '2100', '示例值：B类标准，文章未给出，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_c', '2015', '1500', '示例值：C类标准，文章未给出，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('destitute_standard', '2015', '3510', '示例值：特困人员基本生活标准按低保A类的1.3倍，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('medical_premium', '2015', '90', '城乡居民医保个人缴费标准（全国统一最低标准，示例值，按当年文件核对）；文章：县财政全额补贴', '2014-01-01', 'fupin 默认值', 0),
  ('pension_premium_min', '2015', '100', '城乡居民养老保险最低缴费档次100元，残疾贫困人口由政府代缴（示例值）', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_a', '2016', '3000', '示例值：文章只给出2020年A类4200元，往年按县里文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_b', '2016', '2400', '示例值：B类标准，文章未给出，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_c', '2016', '1800', '示例值：C类标准，文章未给出，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('destitute_standard', '2016', '3900', '示例值：特困人员基本生活标准按低保A类的1.3倍，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('medical_premium', '2016', '120', '城乡居民医保个人缴费标准（全国统一最低标准，示例值，按当年文件核对）；文章：县财政全额补贴', '2014-01-01', 'fupin 默认值', 0),
  ('pension_premium_min', '2016', '100', '城乡居民养老保险最低缴费档次100元，残疾贫困人口由政府代缴（示例值）', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_a', '2017', '3300', '示例值：文章只给出2020年A类4200元，往年按县里文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_b', '2017', '2700', '示例值：B类标准，文章未给出，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_c', '2017', '2100', '示例值：C类标准，文章未给出，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('destitute_standard', '2017', '4290', '示例值：特困人员基本生活标准按低保A类的1.3倍，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('medical_premium', '2017', '150', '城乡居民医保个人缴费标准（全国统一最低标准，示例值，按当年文件核对）；文章：县财政全额补贴', '2014-01-01', 'fupin 默认值', 0),
  ('pension_premium_min', '2017', '100', '城乡居民养老保险最低缴费档次100元，残疾贫困人口由政府代缴（示例值）', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_a', '2018', '3600', '示例值：文章只给出2020年A类4200元，往年按县里文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_b', '2018', '3000', '示例值：B类标准，文章未给出，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_c', '2018', '2400', '示例值：C类标准，文章未给出，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('destitute_standard', '2018', '4680', '示例值：特困人员基本生活标准按低保A类的1.3倍，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('medical_premium', '2018', '220', '城乡居民医保个人缴费标准（全国统一最低标准，示例值，按当年文件核对）；文章：县财政全额补贴', '2014-01-01', 'fupin 默认值', 0),
  ('pension_premium_min', '2018', '100', '城乡居民养老保险最低缴费档次100元，残疾贫困人口由政府代缴（示例值）', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_a', '2019', '3900', '示例值：文章只给出2020年A类4200元，往年按县里文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_b', '2019', '3300', '示例值：B类标准，文章未给出，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_c', '2019', '2700', '示例值：C类标准，文章未给出，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('destitute_standard', '2019', '5070', '示例值：特困人员基本生活标准按低保A类的1.3倍，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('medical_premium', '2019', '250', '城乡居民医保个人缴费标准（全国统一最低标准，示例值，按当年文件核对）；文章：县财政全额补贴', '2014-01-01', 'fupin 默认值', 0),
  ('pension_premium_min', '2019', '100', '城乡居民养老保险最低缴费档次100元，残疾贫困人口由政府代缴（示例值）', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_a', '2020', '4200', '衡东县农村低保A类标准（文章：4200元/人·年，“两线合一”）', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_b', '2020', '3600', '示例值：B类标准，文章未给出，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('dibao_standard_c', '2020', '3000', '示例值：C类标准，文章未给出，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('destitute_standard', '2020', '5460', '示例值：特困人员基本生活标准按低保A类的1.3倍，按县民政局文件核对', '2014-01-01', 'fupin 默认值', 0),
  ('medical_premium', '2020', '280', '城乡居民医保个人缴费标准（全国统一最低标准，示例值，按当年文件核对）；文章：县财政全额补贴', '2014-01-01', 'fupin 默认值', 0),
  ('pension_premium_min', '2020', '100', '城乡居民养老保险最低缴费档次100元，残疾贫困人口由政府代缴（示例值）', '2014-01-01', 'fupin 默认值', 0);
)sql"},
      {402, "rosters", R"sql(
-- What sector departments delivered (花名册), one import per file. A new
-- import for the same department, policy and year replaces the earlier one.
CREATE TABLE roster_imports (
  id          {{pk}},
  department  TEXT NOT NULL,
  policy_id   TEXT NOT NULL,
  year        INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  file_name   TEXT NOT NULL,
  row_count   INTEGER NOT NULL,
  unknown     INTEGER NOT NULL,            -- ID numbers the registry does not hold
  amount      INTEGER NOT NULL,            -- fen
  actor       TEXT NOT NULL,
  imported_at INTEGER NOT NULL
);
CREATE INDEX roster_imports_key ON roster_imports(year, policy_id, department);

CREATE TABLE roster_entries (
  import_id        INTEGER NOT NULL REFERENCES roster_imports(id),
  year             INTEGER NOT NULL,
  policy_id        TEXT NOT NULL,
  row_number       INTEGER NOT NULL,       -- in the file, header = 1
  person_id        INTEGER REFERENCES persons(id),  -- NULL: unknown to the registry
  -- The ID number as the department wrote it: encrypted, with its masked
  -- form and the area its first six digits name (for unknown numbers).
  id_number_enc    {{blob}} NOT NULL,
  id_number_masked TEXT NOT NULL,
  id_area          TEXT NOT NULL,
  amount           INTEGER NOT NULL,       -- fen
  date             TEXT NOT NULL           -- YYYY-MM-DD
);
CREATE INDEX roster_entries_year ON roster_entries(year, policy_id, person_id);
CREATE INDEX roster_entries_import ON roster_entries(import_id);
)sql"},
      {403, "roster entry areas", R"sql(
-- The village (or township) the department wrote beside a row, optional: it
-- places rows whose ID number the registry does not hold (non-registered
-- students of a whole-population roster) below the county, where the ID
-- number's first six digits cannot. Registry persons are placed by their
-- household's village whatever this says.
ALTER TABLE roster_entries ADD COLUMN area_code TEXT;
-- A row is named by its import and its row in the file (key rotation
-- rewrites rows one by one by this key).
DROP INDEX roster_entries_import;
CREATE UNIQUE INDEX roster_entries_row ON roster_entries(import_id, row_number);
)sql"},
      // Migration 401's seeded parameters: set_by in Chinese (as migration 203).
      {404, "policy: the seeded parameters' set_by in Chinese", R"sql(
UPDATE assessment_parameters SET set_by = '系统默认值'
WHERE set_by = 'fupin 默认值' AND set_at = 0
  AND name IN ('dibao_standard_a', 'dibao_standard_b', 'dibao_standard_c', 'destitute_standard', 'medical_premium',
               'pension_premium_min');
)sql"},
      // A re-run of `fupin entitle` writes only the rows that changed (issue 25).
      {405, "entitlement digests", R"sql(
-- A digest (XXH3-64) of the row's village, amount, reason and clauses and of
-- the reference date of the run that computed it; 0 for rows stored before this
-- migration, which the next run rewrites. A run leaves rows whose digest it
-- computes again as they are (their run_id names the run that wrote them).
ALTER TABLE entitlements ADD COLUMN digest INTEGER NOT NULL DEFAULT 0;
)sql"},
      // A re-run with nothing changed need not read the stored rows (issue 25).
      {406, "entitlement sums", R"sql(
-- For each year, policy and area a run covered: how many rows it left stored
-- for that policy in that area and a digest of them (their keys and digests in
-- key order). Only `fupin entitle` writes entitlements and these sums; a run
-- that writes rows of a policy deletes the sums of every area that overlaps
-- its own. A run whose rows of a policy have the same sum as stored (and the
-- table the same count) leaves them without reading them.
CREATE TABLE entitlement_sums (
  year      INTEGER NOT NULL,
  policy_id TEXT NOT NULL,
  area_code TEXT NOT NULL,
  rows      INTEGER NOT NULL,
  digest    INTEGER NOT NULL,
  PRIMARY KEY (year, policy_id, area_code)
);
)sql"},
      // A first run of `fupin entitle` wrote 1.5 M copies of a few hundred texts (issue 25).
      {407, "entitlement explanations", R"sql(
-- The explanations of entitlements, each text once: the reason read out to the
-- household and the clauses JSON (the clauses and the facts they read). A
-- year's rows share a few hundred of them (rows with the same policy, facts and
-- amount have the same texts). digest is what `fupin entitle` finds a text by
-- (the digest of the values the texts are written from, with the format's
-- version); NULL for the texts this migration moved out of the rows. Texts no
-- row refers to any more are kept (they name no one: the row named the person).
CREATE TABLE entitlement_explanations (
  id      {{pk}},
  digest  INTEGER UNIQUE,
  reason  TEXT NOT NULL,
  clauses TEXT NOT NULL
);
INSERT INTO entitlement_explanations (reason, clauses)
  SELECT DISTINCT reason, clauses FROM entitlements ORDER BY reason, clauses;
-- The row's explanation: entitlement_explanations.id.
ALTER TABLE entitlements ADD COLUMN explanation INTEGER NOT NULL DEFAULT 0;
UPDATE entitlements SET explanation = x.id FROM entitlement_explanations x
  WHERE x.reason = entitlements.reason AND x.clauses = entitlements.clauses;
ALTER TABLE entitlements DROP COLUMN reason;
ALTER TABLE entitlements DROP COLUMN clauses;
)sql"},
      // Every insert paid for an index no query reads (issue 25).
      {408, "entitlements: no index by person", R"sql(
-- No query finds entitlements by person alone: the list, the download, the
-- reconciliation, the progress figures and the quality checks read them by
-- year and village (entitlements_village) or by key; a person's rows are
-- listed through their household's village. The index cost a first run at
-- 1.2 M persons about a second and 40 MB.
DROP INDEX entitlements_person;
)sql"},
  };
}

}  // namespace fupin::policy
