#include "projects/schema.h"

namespace fupin::projects {

std::vector<store::Migration> Migrations() {
  return {
      {910, "projects: project library, funds, assets and their income", R"sql(
-- Fund sources (资金来源), a closed vocabulary with its Chinese labels.
CREATE TABLE fund_sources (
  code     TEXT PRIMARY KEY,
  label_zh TEXT NOT NULL,
  position INTEGER NOT NULL
);
INSERT INTO fund_sources (code, label_zh, position) VALUES
  ('central', '中央财政专项扶贫资金', 1),
  ('provincial', '省级财政专项扶贫资金', 2),
  ('municipal', '市级财政专项扶贫资金', 3),
  ('county', '县级财政专项扶贫资金', 4),
  ('integrated', '统筹整合涉农资金', 5),
  ('east_west', '东西部扶贫协作资金', 6),
  ('paired_units', '定点帮扶单位资金', 7),
  ('donations', '社会捐赠资金', 8),
  ('credit_subsidy', '扶贫小额信贷贴息资金', 9);

-- A project of the project library (项目库). `status` is the last step.
CREATE TABLE projects (
  id            {{pk}},
  name          TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('industry', 'water', 'road', 'power', 'infrastructure_other',
                  'relocation', 'housing', 'education', 'health', 'employment', 'photovoltaic', 'other')),
  level         TEXT NOT NULL CHECK (level IN ('provincial', 'municipal', 'county')),
  area_code     TEXT NOT NULL,                 -- county, township or village (natural code)
  start_year    INTEGER NOT NULL CHECK (start_year BETWEEN 2000 AND 2100),
  end_year      INTEGER NOT NULL CHECK (end_year BETWEEN 2000 AND 2100),
  implementer   TEXT NOT NULL,                 -- 实施单位
  status        TEXT NOT NULL CHECK (status IN ('proposed', 'reviewed', 'listed', 'approved', 'under_way',
                  'accepted', 'completed', 'withdrawn')),
  outside_beneficiaries INTEGER NOT NULL DEFAULT 0 CHECK (outside_beneficiaries >= 0),  -- persons outside the registry
  version       INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  CHECK (end_year >= start_year)
);
CREATE INDEX projects_area ON projects(area_code);

-- Planned budget by fund source.
CREATE TABLE project_budgets (
  project_id INTEGER NOT NULL REFERENCES projects(id),
  source     TEXT NOT NULL REFERENCES fund_sources(code),
  amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
  PRIMARY KEY (project_id, source)
);

-- Registered households a project benefits; `persons` is the household's
-- member count when it was linked.
CREATE TABLE project_households (
  project_id   INTEGER NOT NULL REFERENCES projects(id),
  household_id INTEGER NOT NULL REFERENCES households(id),
  persons      INTEGER NOT NULL CHECK (persons >= 0),
  PRIMARY KEY (project_id, household_id)
);
CREATE INDEX project_households_household ON project_households(household_id);

-- Physical outputs (建设内容) in thousandths of their unit (328.5 km = 328500).
CREATE TABLE project_outputs (
  project_id     INTEGER NOT NULL REFERENCES projects(id),
  item           TEXT NOT NULL,
  unit           TEXT NOT NULL,               -- km kVA mu kW houses ...
  planned_milli  INTEGER NOT NULL CHECK (planned_milli >= 0),
  actual_milli   INTEGER CHECK (actual_milli >= 0),
  PRIMARY KEY (project_id, item)
);

-- Each step of a project's life, dated, by whom, with the document number.
CREATE TABLE project_steps (
  id          {{pk}},
  project_id  INTEGER NOT NULL REFERENCES projects(id),
  step        TEXT NOT NULL,
  date        TEXT NOT NULL,                  -- YYYY-MM-DD
  actor       TEXT NOT NULL,
  document_no TEXT NOT NULL DEFAULT '',
  note        TEXT NOT NULL DEFAULT '',
  recorded_at INTEGER NOT NULL
);
CREATE INDEX project_steps_project ON project_steps(project_id, id);
CREATE INDEX project_steps_step ON project_steps(step, date);

-- Public notices (公告公示) of the plan and of the result.
CREATE TABLE project_notices (
  id          {{pk}},
  project_id  INTEGER NOT NULL REFERENCES projects(id),
  kind        TEXT NOT NULL CHECK (kind IN ('plan', 'result')),
  start_date  TEXT NOT NULL,
  end_date    TEXT NOT NULL,                  -- last day of the notice period
  place       TEXT NOT NULL DEFAULT '',
  objections  TEXT NOT NULL DEFAULT '',
  recorded_by TEXT NOT NULL,
  recorded_at INTEGER NOT NULL,
  CHECK (end_date >= start_date)
);
CREATE INDEX project_notices_project ON project_notices(project_id);

-- Allocations (资金下达).
CREATE TABLE fund_allocations (
  id          {{pk}},
  document_no TEXT NOT NULL,
  date        TEXT NOT NULL,
  year        INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  source      TEXT NOT NULL REFERENCES fund_sources(code),
  area_code   TEXT NOT NULL,                  -- the area it was allocated to
  amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
  recorded_by TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
);
CREATE INDEX fund_allocations_area ON fund_allocations(area_code, year);

-- The part of an allocation given to a project.
CREATE TABLE fund_assignments (
  id            {{pk}},
  allocation_id INTEGER NOT NULL REFERENCES fund_allocations(id),
  project_id    INTEGER NOT NULL REFERENCES projects(id),
  date          TEXT NOT NULL,
  amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
  recorded_by   TEXT NOT NULL,
  recorded_at   INTEGER NOT NULL
);
CREATE INDEX fund_assignments_allocation ON fund_assignments(allocation_id);
CREATE INDEX fund_assignments_project ON fund_assignments(project_id);

-- Disbursements (支出) of a project, against one of the allocations given to it.
CREATE TABLE fund_disbursements (
  id            {{pk}},
  project_id    INTEGER NOT NULL REFERENCES projects(id),
  allocation_id INTEGER NOT NULL REFERENCES fund_allocations(id),
  date          TEXT NOT NULL,
  amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
  payee         TEXT NOT NULL,
  purpose       TEXT NOT NULL,
  recorded_by   TEXT NOT NULL,
  recorded_at   INTEGER NOT NULL
);
CREATE INDEX fund_disbursements_project ON fund_disbursements(project_id, allocation_id);
CREATE INDEX fund_disbursements_allocation ON fund_disbursements(allocation_id);

-- Assets formed by a (completed) project (扶贫资产).
CREATE TABLE assets (
  id           {{pk}},
  project_id   INTEGER NOT NULL REFERENCES projects(id),
  name         TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('productive', 'public_welfare', 'household')),
  owner        TEXT NOT NULL,                 -- usually a village collective
  custodian    TEXT NOT NULL,                 -- 管护主体
  area_code    TEXT NOT NULL,                 -- where it is
  household_id INTEGER REFERENCES households(id),  -- 到户类: the household that holds it
  value_fen    INTEGER NOT NULL CHECK (value_fen >= 0),
  formed_on    TEXT NOT NULL,
  recorded_by  TEXT NOT NULL,
  recorded_at  INTEGER NOT NULL,
  CHECK ((kind = 'household') = (household_id IS NOT NULL))
);
CREATE INDEX assets_area ON assets(area_code);
CREATE INDEX assets_project ON assets(project_id);
CREATE INDEX assets_household ON assets(household_id);

-- Photovoltaic stations: productive assets with a capacity and a kind.
CREATE TABLE pv_stations (
  asset_id    INTEGER PRIMARY KEY REFERENCES assets(id),
  station_kind TEXT NOT NULL CHECK (station_kind IN ('joint', 'central', 'village')),
  capacity_w  INTEGER NOT NULL CHECK (capacity_w > 0)       -- watts (kW x 1000)
);

-- Households an asset benefits (a station's beneficiaries); `persons` as when linked.
CREATE TABLE asset_beneficiaries (
  asset_id     INTEGER NOT NULL REFERENCES assets(id),
  household_id INTEGER NOT NULL REFERENCES households(id),
  persons      INTEGER NOT NULL CHECK (persons >= 0),
  PRIMARY KEY (asset_id, household_id)
);
CREATE INDEX asset_beneficiaries_household ON asset_beneficiaries(household_id);

-- Income of a productive asset in a year (a station's generation beside it).
CREATE TABLE asset_incomes (
  asset_id        INTEGER NOT NULL REFERENCES assets(id),
  year            INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  amount_fen      INTEGER NOT NULL CHECK (amount_fen >= 0),
  generation_kwh  INTEGER CHECK (generation_kwh >= 0),
  recorded_by     TEXT NOT NULL,
  recorded_at     INTEGER NOT NULL,
  PRIMARY KEY (asset_id, year)
);

-- How a year's income was distributed (收益分配): dividends to households
-- (分红), pay of public-welfare posts (公益岗位), other village uses.
CREATE TABLE income_distributions (
  id           {{pk}},
  asset_id     INTEGER NOT NULL REFERENCES assets(id),
  year         INTEGER NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('dividend', 'public_post', 'other')),
  household_id INTEGER REFERENCES households(id),
  post         TEXT NOT NULL DEFAULT '',
  date         TEXT NOT NULL,
  amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
  recorded_by  TEXT NOT NULL,
  recorded_at  INTEGER NOT NULL,
  CHECK (kind <> 'dividend' OR household_id IS NOT NULL)
);
CREATE INDEX income_distributions_asset ON income_distributions(asset_id, year);
CREATE INDEX income_distributions_household ON income_distributions(household_id);
)sql"},
  };
}

}  // namespace fupin::projects
