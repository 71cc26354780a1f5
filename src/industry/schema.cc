#include "industry/schema.h"

namespace fupin::industry {

std::vector<store::Migration> Migrations() {
  return {
      {1100, "industry: industries, entities, branches, workers, welfare posts, products, purchases, loans", R"sql(
-- Industries of the county (特色产业: 黄贡椒, 油茶, ...).
CREATE TABLE industries (
  id          {{pk}},
  code        TEXT UNIQUE,                     -- pepper, camellia: the industries the report names
  name        TEXT NOT NULL UNIQUE,
  unit        TEXT NOT NULL DEFAULT 'kg',      -- unit of output
  recorded_by TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
);

-- A registered household in an industry in a year: area planted in
-- thousandths of a mu, output, income, the subsidy paid (奖补) and the
-- disbursement of funds it was paid from, if any.
CREATE TABLE industry_households (
  industry_id     INTEGER NOT NULL REFERENCES industries(id),
  household_id    INTEGER NOT NULL REFERENCES households(id),
  year            INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  area_code       TEXT NOT NULL,                 -- the household's village when recorded
  mu_milli        INTEGER NOT NULL CHECK (mu_milli >= 0),
  output          INTEGER NOT NULL DEFAULT 0 CHECK (output >= 0),
  income_fen      INTEGER NOT NULL DEFAULT 0 CHECK (income_fen >= 0),
  subsidy_fen     INTEGER NOT NULL DEFAULT 0 CHECK (subsidy_fen >= 0),
  disbursement_id INTEGER REFERENCES fund_disbursements(id),
  recorded_by     TEXT NOT NULL,
  recorded_at     INTEGER NOT NULL,
  PRIMARY KEY (industry_id, household_id, year)
);
CREATE INDEX industry_households_area ON industry_households(area_code, year);
CREATE INDEX industry_households_household ON industry_households(household_id);

-- Business entities (新型经营主体).
CREATE TABLE entities (
  id          {{pk}},
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('cooperative', 'enterprise', 'family_farm', 'workshop')),
  area_code   TEXT NOT NULL,
  industry_id INTEGER REFERENCES industries(id),
  recorded_by TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
);
CREATE INDEX entities_area ON entities(area_code);

-- How an entity is linked to a household in a year (利益联结) and what the
-- household earned from the link.
CREATE TABLE entity_links (
  entity_id    INTEGER NOT NULL REFERENCES entities(id),
  household_id INTEGER NOT NULL REFERENCES households(id),
  year         INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  link_kind    TEXT NOT NULL CHECK (link_kind IN ('orders', 'work', 'shares', 'land_lease', 'trusteeship')),
  area_code    TEXT NOT NULL,                  -- the household's village
  earned_fen   INTEGER NOT NULL DEFAULT 0 CHECK (earned_fen >= 0),
  recorded_by  TEXT NOT NULL,
  recorded_at  INTEGER NOT NULL,
  PRIMARY KEY (entity_id, household_id, year, link_kind)
);
CREATE INDEX entity_links_household ON entity_links(household_id);
CREATE INDEX entity_links_area ON entity_links(area_code, year);

-- Party branches on the industry chain (支部建在产业链上).
CREATE TABLE party_branches (
  id          {{pk}},
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('new', 'joint', 'strengthened')),
  area_code   TEXT NOT NULL,
  founded_on  TEXT NOT NULL,                   -- YYYY-MM-DD
  recorded_by TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
);
CREATE INDEX party_branches_area ON party_branches(area_code);
CREATE TABLE branch_entities (
  branch_id INTEGER NOT NULL REFERENCES party_branches(id),
  entity_id INTEGER NOT NULL REFERENCES entities(id),
  PRIMARY KEY (branch_id, entity_id)
);
CREATE TABLE branch_households (
  branch_id    INTEGER NOT NULL REFERENCES party_branches(id),
  household_id INTEGER NOT NULL REFERENCES households(id),
  PRIMARY KEY (branch_id, household_id)
);
CREATE INDEX branch_households_household ON branch_households(household_id);

-- A registered worker's situation in a year (就业情况).
CREATE TABLE worker_years (
  person_id     INTEGER NOT NULL REFERENCES persons(id),
  year          INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  household_id  INTEGER NOT NULL REFERENCES households(id),
  area_code     TEXT NOT NULL,                 -- the household's village
  employed      INTEGER NOT NULL CHECK (employed IN (0, 1)),
  place         TEXT CHECK (place IN ('county', 'province', 'outside')),
  channel       TEXT CHECK (channel IN ('placement', 'job_fair', 'workshop', 'welfare_post', 'own')),
  employer      TEXT NOT NULL DEFAULT '',
  months        INTEGER NOT NULL DEFAULT 0 CHECK (months BETWEEN 0 AND 12),
  income_fen    INTEGER NOT NULL DEFAULT 0 CHECK (income_fen >= 0),
  training      TEXT NOT NULL DEFAULT '',      -- training received that year
  reason        TEXT CHECK (reason IN ('illness', 'disability', 'caring', 'no_skills', 'no_jobs', 'unwilling', 'other')),
  recorded_by   TEXT NOT NULL,
  recorded_at   INTEGER NOT NULL,
  PRIMARY KEY (person_id, year),
  CHECK ((employed = 1 AND place IS NOT NULL AND channel IS NOT NULL AND reason IS NULL)
      OR (employed = 0 AND place IS NULL AND channel IS NULL AND reason IS NOT NULL))
);
CREATE INDEX worker_years_area ON worker_years(area_code, year);
CREATE INDEX worker_years_household ON worker_years(household_id);

-- Public-welfare posts (公益性岗位) and who holds them.
CREATE TABLE welfare_posts (
  id           {{pk}},
  name         TEXT NOT NULL,
  area_code    TEXT NOT NULL,
  person_id    INTEGER REFERENCES persons(id),
  household_id INTEGER REFERENCES households(id),
  monthly_pay_fen INTEGER NOT NULL CHECK (monthly_pay_fen >= 0),
  funded_by    TEXT NOT NULL CHECK (funded_by IN ('asset_income', 'funds')),
  asset_id     INTEGER REFERENCES assets(id),
  start_date   TEXT NOT NULL,
  end_date     TEXT,
  recorded_by  TEXT NOT NULL,
  recorded_at  INTEGER NOT NULL
);
CREATE INDEX welfare_posts_area ON welfare_posts(area_code);

-- Certified poverty-alleviation products (扶贫产品认定) and their supplier.
CREATE TABLE products (
  id            {{pk}},
  name          TEXT NOT NULL,
  category      TEXT NOT NULL DEFAULT '',
  certificate_no TEXT NOT NULL DEFAULT '',
  certified_on  TEXT NOT NULL,
  supplier_kind TEXT NOT NULL CHECK (supplier_kind IN ('household', 'entity', 'village')),
  household_id  INTEGER REFERENCES households(id),
  entity_id     INTEGER REFERENCES entities(id),
  area_code     TEXT NOT NULL,                 -- the supplier's village (or area)
  recorded_by   TEXT NOT NULL,
  recorded_at   INTEGER NOT NULL,
  CHECK ((supplier_kind = 'household') = (household_id IS NOT NULL)),
  CHECK ((supplier_kind = 'entity') = (entity_id IS NOT NULL))
);
CREATE INDEX products_area ON products(area_code);

-- Purchases of certified products (消费扶贫).
CREATE TABLE purchases (
  id          {{pk}},
  date        TEXT NOT NULL,
  buyer_kind  TEXT NOT NULL CHECK (buyer_kind IN ('unit', 'union', 'company', 'cadre', 'other')),
  buyer       TEXT NOT NULL,
  channel     TEXT NOT NULL CHECK (channel IN ('fair', 'ecommerce', 'canteen', 'market', 'tourism', 'other')),
  product_id  INTEGER NOT NULL REFERENCES products(id),
  area_code   TEXT NOT NULL,                   -- the product's area
  amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
  recorded_by TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
);
CREATE INDEX purchases_area ON purchases(area_code, date);

-- Small loans to registered households (扶贫小额信贷).
CREATE TABLE loans (
  id           {{pk}},
  household_id INTEGER NOT NULL REFERENCES households(id),
  area_code    TEXT NOT NULL,                  -- the household's village
  bank         TEXT NOT NULL,
  amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
  issued_on    TEXT NOT NULL,
  due_on       TEXT NOT NULL,
  purpose      TEXT NOT NULL,
  entity_id    INTEGER REFERENCES entities(id),   -- a share in an entity (入股)
  interest_subsidy_fen INTEGER NOT NULL DEFAULT 0 CHECK (interest_subsidy_fen >= 0),
  recorded_by  TEXT NOT NULL,
  recorded_at  INTEGER NOT NULL,
  CHECK (due_on > issued_on)
);
CREATE INDEX loans_area ON loans(area_code);
CREATE INDEX loans_household ON loans(household_id);
CREATE TABLE loan_repayments (
  id          {{pk}},
  loan_id     INTEGER NOT NULL REFERENCES loans(id),
  date        TEXT NOT NULL,
  amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
  recorded_by TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
);
CREATE INDEX loan_repayments_loan ON loan_repayments(loan_id);
)sql"},
      {1101, "industry: the monitoring scan's rules of overdue loans and stopped dividends", R"sql(
INSERT INTO monitoring_parameters (name, value, enabled, source, set_by, set_at) VALUES
  ('overdue_loan', '1', 1, '扶贫小额信贷当年到期、年末未还清不少于1笔（逾期）；issue 21 列为监测信号，fupin 默认值', 'fupin 默认值', 0),
  ('dividends_stopped', '1', 1, '上年入股分红、本年仍有联结记录的经营主体本年未向该户分红，不少于1个；issue 21 列为监测信号，fupin 默认值', 'fupin 默认值', 0);
)sql"},
      {1102, "industry: versions of entities, products, loans and branches (corrections, 409 on a stale one)", R"sql(
ALTER TABLE entities ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE products ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE loans ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE party_branches ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
)sql"},
      // Migration 1101's seeded rules in Chinese (the web shows their sources).
      {1103, "industry: the seeded monitoring rules' sources and set_by in Chinese", R"sql(
UPDATE monitoring_parameters SET
  source = replace(replace(source, 'issue 21 列为', '系统需求第21号列为'), 'fupin 默认值', '系统默认值'),
  set_by = '系统默认值'
WHERE set_by = 'fupin 默认值' AND set_at = 0 AND name IN ('overdue_loan', 'dividends_stopped');
)sql"},
  };
}

}  // namespace fupin::industry
