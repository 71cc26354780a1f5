#include "registry/schema.h"

#include <initializer_list>
#include <string>
#include <string_view>

namespace fupin::registry {
namespace {

std::string Quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += c;
  }
  return out + "'";
}

// SQLite evaluates `x IN (three or more values)` in a CHECK by building a
// temporary B-tree of the list for every row written (prepared statements do
// not keep it): half the CPU of the national generator, and a large share of
// `import persons`. `x = 'a' OR x = 'b' ...` refuses and accepts the same
// values (NULL passes both) without it. This UPDATE of the schema table
// replaces the text of one CHECK as an earlier migration wrote it; SQLite
// allows changing a CHECK this way when the rows already satisfy the new one
// (https://sqlite.org/lang_altertable.html, "making other kinds of table
// schema changes"), and these are the same test.
std::string RewriteCheck(std::string_view table, std::string_view column, std::string_view written,
                         std::initializer_list<std::string_view> values) {
  std::string comparisons = "CHECK (";
  for (std::string_view v : values) {
    if (comparisons.size() > 7) comparisons += " OR ";
    comparisons += std::string(column) + " = '" + std::string(v) + "'";
  }
  comparisons += ")";
  return "UPDATE sqlite_master SET sql = replace(sql, " + Quoted(written) + ", " + Quoted(comparisons) +
         ") WHERE type = 'table' AND name = '" + std::string(table) + "';\n";
}

// Migration 151 on SQLite: the CHECK lists of the tables a registry import
// writes, as comparisons; household_years clustered by household; covering
// indexes for a household's events and members (docs/PERFORMANCE.md,
// "Household reads (session 4)": page reads per household 13.1 -> 10.9).
std::string Migration151() {
  std::string sql = "{{sqlite}}\nPRAGMA writable_schema = ON;\n";
  sql += RewriteCheck("households", "attribute", "CHECK (attribute IN ('general', 'dibao', 'destitute', 'none'))",
                      {"general", "dibao", "destitute", "none"});
  sql += RewriteCheck("household_events", "kind",
                      "CHECK (kind IN ('identified', 'exited', 'returned', 'removed', 'deceased'))",
                      {"identified", "exited", "returned", "removed", "deceased"});
  sql += RewriteCheck(
      "persons", "education",
      "CHECK (education IN ('none', 'preschool', 'primary', 'junior', 'senior', 'vocational', 'college', 'unknown'))",
      {"none", "preschool", "primary", "junior", "senior", "vocational", "college", "unknown"});
  sql += RewriteCheck("persons", "health", "CHECK (health IN ('healthy', 'chronic', 'major_disease', 'disabled'))",
                      {"healthy", "chronic", "major_disease", "disabled"});
  sql += RewriteCheck("persons", "labour_ability", "CHECK (labour_ability IN ('full', 'partial', 'none', 'unknown'))",
                      {"full", "partial", "none", "unknown"});
  sql += RewriteCheck("memberships", "relation",
                      "CHECK (relation IN ('head', 'spouse', 'child', 'child_in_law', 'grandchild',\n"
                      "                                                 'parent', 'grandparent', 'sibling', 'other'))",
                      {"head", "spouse", "child", "child_in_law", "grandchild", "parent", "grandparent", "sibling",
                       "other"});
  sql += RewriteCheck("person_years", "school_status",
                      "CHECK (school_status IN ('not_school_age', 'enrolled', 'home_schooled', 'exempt',\n"
                      "                                                'dropped_out', 'graduated'))",
                      {"not_school_age", "enrolled", "home_schooled", "exempt", "dropped_out", "graduated"});
  sql += RewriteCheck("person_years", "school_stage",
                      "CHECK (school_stage IN ('preschool', 'primary', 'junior', 'senior', 'vocational', 'college'))",
                      {"preschool", "primary", "junior", "senior", "vocational", "college"});
  sql += RewriteCheck("person_years", "employment",
                      "CHECK (employment IN ('not_in_labour_force', 'unemployed', 'local', 'migrant',\n"
                      "                                             'public_welfare_job', 'self_employed'))",
                      {"not_in_labour_force", "unemployed", "local", "migrant", "public_welfare_job",
                       "self_employed"});
  // Reads the schema again on this connection; the DDL below moves the schema
  // version on, so every other connection reads it again too.
  sql += "PRAGMA writable_schema = RESET;\n";
  sql += R"sql(
-- A household's yearly facts side by side in the table's own B-tree (keyed by
-- household and year) instead of rows in insertion order found through the
-- primary-key index: the household page reads them with one or two pages.
CREATE TABLE household_years_by_household (
  household_id        INTEGER NOT NULL REFERENCES households(id),
  year                INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  members             INTEGER NOT NULL CHECK (members > 0),  -- persons counted for per-capita income
  wage_income         INTEGER NOT NULL DEFAULT 0 CHECK (wage_income >= 0),
  production_income   INTEGER NOT NULL DEFAULT 0 CHECK (production_income >= 0),
  property_income     INTEGER NOT NULL DEFAULT 0 CHECK (property_income >= 0),
  transfer_income     INTEGER NOT NULL DEFAULT 0 CHECK (transfer_income >= 0),
  production_cost     INTEGER NOT NULL DEFAULT 0 CHECK (production_cost >= 0),
  food_secure         INTEGER CHECK (food_secure IN (0, 1)),       -- 不愁吃
  clothing_secure     INTEGER CHECK (clothing_secure IN (0, 1)),   -- 不愁穿
  housing_safe        INTEGER CHECK (housing_safe IN (0, 1)),      -- 住房安全有保障
  drinking_water_safe INTEGER CHECK (drinking_water_safe IN (0, 1)), -- 饮水安全
  updated_at          INTEGER NOT NULL,
  dibao_class         TEXT CHECK (dibao_class = 'A' OR dibao_class = 'B' OR dibao_class = 'C'),  -- 低保类别
  house_grade         TEXT CHECK (house_grade = 'A' OR house_grade = 'B' OR house_grade = 'C' OR house_grade = 'D'),  -- 房屋危险等级
  relocation          INTEGER CHECK (relocation IN (0, 1)),        -- 易地扶贫搬迁对象
  pepper_area         INTEGER CHECK (pepper_area >= 0),            -- 0.01 mu
  camellia_area       INTEGER CHECK (camellia_area >= 0),          -- 0.01 mu
  pv_share            INTEGER CHECK (pv_share IN (0, 1)),          -- 光伏收益分配对象
  PRIMARY KEY (household_id, year)
) WITHOUT ROWID;
INSERT INTO household_years_by_household (household_id, year, members, wage_income, production_income,
  property_income, transfer_income, production_cost, food_secure, clothing_secure, housing_safe,
  drinking_water_safe, updated_at, dibao_class, house_grade, relocation, pepper_area, camellia_area, pv_share)
SELECT household_id, year, members, wage_income, production_income, property_income, transfer_income,
  production_cost, food_secure, clothing_secure, housing_safe, drinking_water_safe, updated_at, dibao_class,
  house_grade, relocation, pepper_area, camellia_area, pv_share
FROM household_years ORDER BY household_id, year;
DROP TABLE household_years;
ALTER TABLE household_years_by_household RENAME TO household_years;
-- The household page's other two lists read from an index alone: the events
-- (also every "status as of" subquery, which reads kind) and the current
-- members' relation, start and person.
DROP INDEX household_events_household;
CREATE INDEX household_events_household ON household_events(household_id, date, id, kind, year, reason, actor, recorded_at);
DROP INDEX memberships_household;
CREATE INDEX memberships_household ON memberships(household_id, end_date, relation, start_date, person_id);
{{end}}{{postgres}}
-- PostgreSQL evaluates IN lists without a temporary table, and its heap has no
-- clustered tables: nothing to change.
SELECT 1;
{{end}}
)sql";
  return sql;
}

}  // namespace

std::vector<store::Migration> Migrations() {
  return {
      {100, "areas", R"sql(
CREATE TABLE areas (
  code        TEXT PRIMARY KEY,      -- natural statistical code: 2, 4, 6, 9 or 12 digits
  name        TEXT NOT NULL,
  level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),  -- 1 province .. 5 village
  parent_code TEXT REFERENCES areas(code)
);
CREATE INDEX areas_parent ON areas(parent_code);
CREATE INDEX areas_level ON areas(level);

-- Facts about an area that change by year.
CREATE TABLE area_years (
  area_code        TEXT NOT NULL REFERENCES areas(code),
  year             INTEGER NOT NULL CHECK (year BETWEEN 1949 AND 2100),
  rural_population INTEGER CHECK (rural_population >= 0),   -- agricultural hukou population
  poor_village     INTEGER NOT NULL DEFAULT 0 CHECK (poor_village IN (0, 1)),  -- on the poor-village list that year
  exit_year        INTEGER CHECK (exit_year BETWEEN 1949 AND 2100),          -- year it left the list (摘帽)
  PRIMARY KEY (area_code, year)
);
)sql"},
      {101, "households and persons", R"sql(
CREATE TABLE households (
  id              {{pk}},
  number          TEXT NOT NULL UNIQUE,                 -- 户编号
  village_code    TEXT NOT NULL REFERENCES areas(code),
  identified_year INTEGER CHECK (identified_year BETWEEN 2000 AND 2100),  -- NULL: never registered poor
  attribute       TEXT NOT NULL CHECK (attribute IN ('general', 'dibao', 'destitute', 'none')),
  main_cause      TEXT NOT NULL,
  other_causes    TEXT NOT NULL DEFAULT '',             -- cause names joined by ','
  address         TEXT NOT NULL DEFAULT '',
  phone           TEXT,
  version         INTEGER NOT NULL DEFAULT 1,           -- bumped by every update (lost-update check)
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX households_village ON households(village_code);

-- The status history. Nothing is overwritten: the current status is the one
-- the latest event (by date, then id) leads to.
CREATE TABLE household_events (
  id           {{pk}},
  household_id INTEGER NOT NULL REFERENCES households(id),
  kind         TEXT NOT NULL CHECK (kind IN ('identified', 'exited', 'returned', 'removed', 'deceased')),
  year         INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  date         TEXT NOT NULL,                -- YYYY-MM-DD
  reason       TEXT NOT NULL DEFAULT '',
  actor        TEXT NOT NULL,                -- who recorded it
  recorded_at  INTEGER NOT NULL
);
CREATE INDEX household_events_household ON household_events(household_id, date, id);
CREATE INDEX household_events_kind_year ON household_events(kind, year);

CREATE TABLE persons (
  id               {{pk}},
  -- GB 11643 ID number, validated, stored encrypted (XChaCha20-Poly1305) with a
  -- keyed blind index for exact lookup and uniqueness, and its masked form for display.
  id_number_enc    {{blob}} NOT NULL,
  id_number_index  TEXT NOT NULL UNIQUE,
  id_number_masked TEXT NOT NULL,
  name             TEXT NOT NULL,
  sex              TEXT NOT NULL CHECK (sex IN ('male', 'female')),   -- read from id_number
  birth_date       TEXT NOT NULL,                                     -- read from id_number
  ethnicity        TEXT NOT NULL DEFAULT '汉族',
  education        TEXT NOT NULL DEFAULT 'unknown'
                   CHECK (education IN ('none', 'preschool', 'primary', 'junior', 'senior', 'vocational', 'college', 'unknown')),
  health           TEXT NOT NULL DEFAULT 'healthy'
                   CHECK (health IN ('healthy', 'chronic', 'major_disease', 'disabled')),
  disability_grade INTEGER CHECK (disability_grade BETWEEN 1 AND 4),
  labour_ability   TEXT NOT NULL DEFAULT 'unknown'
                   CHECK (labour_ability IN ('full', 'partial', 'none', 'unknown')),
  phone            TEXT,
  death_date       TEXT,
  version          INTEGER NOT NULL DEFAULT 1,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);

-- Which household a person belongs to, over time. A person has at most one
-- open membership (end_date NULL): their current household.
CREATE TABLE memberships (
  id           {{pk}},
  person_id    INTEGER NOT NULL REFERENCES persons(id),
  household_id INTEGER NOT NULL REFERENCES households(id),
  relation     TEXT NOT NULL CHECK (relation IN ('head', 'spouse', 'child', 'child_in_law', 'grandchild',
                                                 'parent', 'grandparent', 'sibling', 'other')),
  start_date   TEXT NOT NULL,
  end_date     TEXT,
  end_reason   TEXT
);
CREATE UNIQUE INDEX memberships_open ON memberships(person_id) WHERE end_date IS NULL;
CREATE INDEX memberships_household ON memberships(household_id);

-- Facts surveyed for a household each year. Money in fen.
CREATE TABLE household_years (
  household_id        INTEGER NOT NULL REFERENCES households(id),
  year                INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  members             INTEGER NOT NULL CHECK (members > 0),  -- persons counted for per-capita income
  wage_income         INTEGER NOT NULL DEFAULT 0 CHECK (wage_income >= 0),
  production_income   INTEGER NOT NULL DEFAULT 0 CHECK (production_income >= 0),
  property_income     INTEGER NOT NULL DEFAULT 0 CHECK (property_income >= 0),
  transfer_income     INTEGER NOT NULL DEFAULT 0 CHECK (transfer_income >= 0),
  production_cost     INTEGER NOT NULL DEFAULT 0 CHECK (production_cost >= 0),
  food_secure         INTEGER CHECK (food_secure IN (0, 1)),       -- 不愁吃
  clothing_secure     INTEGER CHECK (clothing_secure IN (0, 1)),   -- 不愁穿
  housing_safe        INTEGER CHECK (housing_safe IN (0, 1)),      -- 住房安全有保障
  drinking_water_safe INTEGER CHECK (drinking_water_safe IN (0, 1)), -- 饮水安全
  updated_at          INTEGER NOT NULL,
  PRIMARY KEY (household_id, year)
);

-- Facts about a person each year.
CREATE TABLE person_years (
  person_id       INTEGER NOT NULL REFERENCES persons(id),
  year            INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  school_status   TEXT CHECK (school_status IN ('not_school_age', 'enrolled', 'home_schooled', 'exempt',
                                                'dropped_out', 'graduated')),
  school_stage    TEXT CHECK (school_stage IN ('preschool', 'primary', 'junior', 'senior', 'vocational', 'college')),
  medical_insured INTEGER CHECK (medical_insured IN (0, 1)),   -- 基本医疗保险
  pension_insured INTEGER CHECK (pension_insured IN (0, 1)),   -- 城乡居民养老保险
  employment      TEXT CHECK (employment IN ('not_in_labour_force', 'unemployed', 'local', 'migrant',
                                             'public_welfare_job', 'self_employed')),
  updated_at      INTEGER NOT NULL,
  PRIMARY KEY (person_id, year)
);
)sql"},
      // Facts the policies read (docs/POLICY.md): major disease, doctor
      // contract, dibao class, house grade, relocation, pepper/camellia area,
      // photovoltaic share. NULL: not recorded (reads as the catalogue's absent value).
      {102, "policy facts", R"sql(
ALTER TABLE person_years ADD COLUMN major_disease TEXT;        -- one of the 29 diseases (vocab MajorDiseases)
ALTER TABLE person_years ADD COLUMN chronic_contract INTEGER CHECK (chronic_contract IN (0, 1));  -- 家庭医生签约
ALTER TABLE household_years ADD COLUMN dibao_class TEXT CHECK (dibao_class IN ('A', 'B', 'C'));   -- 低保类别
ALTER TABLE household_years ADD COLUMN house_grade TEXT CHECK (house_grade IN ('A', 'B', 'C', 'D'));  -- 房屋危险等级
ALTER TABLE household_years ADD COLUMN relocation INTEGER CHECK (relocation IN (0, 1));  -- 易地扶贫搬迁对象
ALTER TABLE household_years ADD COLUMN pepper_area INTEGER CHECK (pepper_area >= 0);     -- 0.01 mu
ALTER TABLE household_years ADD COLUMN camellia_area INTEGER CHECK (camellia_area >= 0); -- 0.01 mu
ALTER TABLE household_years ADD COLUMN pv_share INTEGER CHECK (pv_share IN (0, 1));      -- 光伏收益分配对象
)sql"},
      // "The villages (level 5) under area X" is the commonest question in the
      // reports; with an index on level alone the planner walked all 620,000
      // villages of the country to answer it for one village (0.9 s at 1M persons).
      {150, "areas by level and code", R"sql(
DROP INDEX areas_level;
CREATE INDEX areas_level_code ON areas(level, code);
)sql"},
      // docs/PERFORMANCE.md, "Household reads (session 4)".
      {151, "registry checks as comparisons, household reads clustered", Migration151()},
      // Phone numbers at rest as ID numbers are (docs/PERSONAL_DATA.md): encrypted,
      // a blind index for exact search, the masked form for lists. SQL cannot
      // encrypt, so the clear `phone` columns are listed in pending_phone_encryption;
      // access::EncryptPendingPhones (run when the key is configured) encrypts their
      // values, drops them and empties the list, in one transaction.
      {152, "phone numbers encrypted", R"sql(
ALTER TABLE households ADD COLUMN phone_enc {{blob}};
ALTER TABLE households ADD COLUMN phone_index TEXT;
ALTER TABLE households ADD COLUMN phone_masked TEXT;
ALTER TABLE persons ADD COLUMN phone_enc {{blob}};
ALTER TABLE persons ADD COLUMN phone_index TEXT;
ALTER TABLE persons ADD COLUMN phone_masked TEXT;
CREATE INDEX households_phone_index ON households(phone_index) WHERE phone_index IS NOT NULL;
CREATE INDEX persons_phone_index ON persons(phone_index) WHERE phone_index IS NOT NULL;
CREATE TABLE pending_phone_encryption (table_name TEXT PRIMARY KEY);
INSERT INTO pending_phone_encryption (table_name) VALUES ('households');
INSERT INTO pending_phone_encryption (table_name) VALUES ('persons');
)sql"},
      // Finding a household by its head's full name (GET /households?q=, issue 24):
      // an exact match on the name, then the person's open membership.
      {153, "persons by name", R"sql(
CREATE INDEX persons_name ON persons(name);
)sql"},
      // Area counts kept current by every registry write (registry/rollup.h,
      // issue 25). SQL cannot compute the rows: a database that already has
      // households is marked, and registry::BuildPendingVillageCounts (run on open)
      // builds them once and removes the mark.
      {154, "area counts by status and year", R"sql(
CREATE TABLE area_year_counts (
  area_code    TEXT NOT NULL,
  status       TEXT NOT NULL,
  year         INTEGER NOT NULL,
  households   INTEGER NOT NULL,
  persons      INTEGER NOT NULL,
  PRIMARY KEY (area_code, status, year)
);
CREATE TABLE pending_area_counts (name TEXT PRIMARY KEY);
INSERT INTO pending_area_counts (name) SELECT 'area_year_counts' WHERE EXISTS (SELECT 1 FROM households);
)sql"},
      // The effective rural population of every area and year (registry/population.h,
      // issue 25), kept by every write of area_years. A database that already has
      // figures is marked in the same table as the counts and gets its rows once on
      // open (registry::BuildPendingVillageCounts).
      {155, "rural population by area and year", R"sql(
CREATE TABLE area_rural_population (
  area_code    TEXT NOT NULL,
  year         INTEGER NOT NULL,
  parent_code  TEXT,              -- ParentAreaCode(area_code); NULL for the nation ('')
  population   INTEGER NOT NULL,  -- own figure of the year, else the sum over the children
  PRIMARY KEY (area_code, year)
);
CREATE INDEX area_rural_population_parent ON area_rural_population(parent_code);
INSERT INTO pending_area_counts (name) SELECT 'area_rural_population'
  WHERE EXISTS (SELECT 1 FROM area_years WHERE rural_population IS NOT NULL);
)sql"},
  };
}

}  // namespace fupin::registry
