#include "monitoring/schema.h"

namespace fupin::monitoring {

std::vector<store::Migration> Migrations() {
  return {
      {700, "monitoring: thresholds and risk rules as data", R"sql(
-- The monitoring line (防止返贫监测线) per year, national (province '') or set
-- by a province (2-digit code). Nothing is overwritten: a change appends a
-- row, and the value in force for (year, province) is its latest row. A year
-- without a row of its own uses the latest earlier year (the province's row
-- before the national one of the same year).
CREATE TABLE monitoring_thresholds (
  id        {{pk}},
  year      INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  province  TEXT NOT NULL DEFAULT '',
  line      INTEGER NOT NULL CHECK (line > 0),    -- fen per person and year
  source    TEXT NOT NULL,
  set_by    TEXT NOT NULL,
  set_at    INTEGER NOT NULL
);
CREATE INDEX monitoring_thresholds_year ON monitoring_thresholds(year, province, id);
INSERT INTO monitoring_thresholds (year, province, line, source, set_by, set_at) VALUES
  (2021, '', 600000, '2021年全国防止返贫监测线6000元/人·年（约为原贫困标准1.5倍）；中央农村工作领导小组办公室等《关于健全防止返贫动态监测和帮扶机制的指导意见》(2021)；source: policy-facts.md；以后年度由各省确定', 'fupin 默认值', 0);

-- Risk rules and procedure settings (name -> value), as data with sources.
-- The value in force is the latest row of a name; enabled = 0 switches a
-- risk rule off.
CREATE TABLE monitoring_parameters (
  id        {{pk}},
  name      TEXT NOT NULL,
  value     TEXT NOT NULL,
  enabled   INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  source    TEXT NOT NULL,
  set_by    TEXT NOT NULL,
  set_at    INTEGER NOT NULL
);
CREATE INDEX monitoring_parameters_name ON monitoring_parameters(name, id);
INSERT INTO monitoring_parameters (name, value, enabled, source, set_by, set_at) VALUES
  ('income_below_line', '1', 1, '家庭人均纯收入低于监测线（系数×监测线）；policy-facts.md：年人均收入低于当年监测线', 'fupin 默认值', 0),
  ('income_drop', '30', 1, '家庭人均纯收入较上年下降不少于30%（收入大幅缩减）；policy-facts.md 列为监测情形，幅度为 fupin 默认值，各省自定 — verify', 'fupin 默认值', 0),
  ('income_drop_below_factor', '2', 1, '收入骤减仅在本年人均纯收入低于监测线的该倍数时计为风险（避免高收入户误报）；fupin 默认值', 'fupin 默认值', 0),
  ('rigid_spending', '50', 1, '大病、就学、灾害、意外等刚性支出达到家庭年纯收入的50%及以上（刚性支出远超收入）；比例为 fupin 默认值，各省自定 — verify', 'fupin 默认值', 0),
  ('job_loss', '1', 1, '家庭成员失业（上年就业、本年未就业，或人社部门失业预警）不少于1人；policy-facts.md 列为监测情形', 'fupin 默认值', 0),
  ('notice_min_days', '5', 1, '监测对象公示期不少于5天（含首尾两日）；fupin 默认值 — verify', 'fupin 默认值', 0),
  ('step_days', '15', 1, '每一步骤自上一步完成起15天内完成，逾期列入督办；识别程序原则上不超过15天为各地常见要求 — verify', 'fupin 默认值', 0),
  ('elimination_min_months', '6', 1, '纳入监测满6个月方可标注风险消除；fupin 默认值 — verify', 'fupin 默认值', 0),
  ('elimination_stable_years', '1', 1, '收入稳定：最近N个年度（含决定年度）家庭人均纯收入均高于当年监测线；fupin 默认值', 'fupin 默认值', 0),
  ('max_monitored_months', '24', 1, '纳入监测超过24个月仍未消除风险的列入长期监测清单；fupin 默认值', 'fupin 默认值', 0);
)sql"},
      {701, "monitoring: rigid spending, department alerts, cases, steps, measures, risk elimination", R"sql(
-- Rigid spending (刚性支出) of a household in a year, one row per item:
-- illness (大病), schooling (就学), disaster (灾害), accident (意外).
CREATE TABLE monitoring_spending (
  id           {{pk}},
  household_id INTEGER NOT NULL REFERENCES households(id),
  year         INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  kind         TEXT NOT NULL CHECK (kind IN ('illness', 'schooling', 'disaster', 'accident')),
  amount       INTEGER NOT NULL CHECK (amount > 0),   -- fen
  note         TEXT NOT NULL DEFAULT '',
  recorded_by  TEXT NOT NULL,
  recorded_at  INTEGER NOT NULL
);
CREATE INDEX monitoring_spending_household ON monitoring_spending(year, household_id);

-- Department alerts (部门预警) imported as rosters: one file is one import.
CREATE TABLE monitoring_alert_imports (
  id           {{pk}},
  kind         TEXT NOT NULL CHECK (kind IN ('medical', 'disaster', 'unemployment')),
  year         INTEGER NOT NULL,
  file_name    TEXT NOT NULL,
  rows         INTEGER NOT NULL,
  skipped      INTEGER NOT NULL DEFAULT 0,   -- unmatched rows left out on request
  imported_by  TEXT NOT NULL,
  imported_at  INTEGER NOT NULL
);
-- One person named by a department: a large medical bill (amount = the
-- out-of-pocket part), a disaster loss (amount = the loss), lost employment.
CREATE TABLE monitoring_alerts (
  id           {{pk}},
  import_id    INTEGER REFERENCES monitoring_alert_imports(id),
  kind         TEXT NOT NULL CHECK (kind IN ('medical', 'disaster', 'unemployment')),
  year         INTEGER NOT NULL,
  person_id    INTEGER NOT NULL REFERENCES persons(id),
  household_id INTEGER NOT NULL REFERENCES households(id),
  date         TEXT NOT NULL,
  amount       INTEGER,                      -- fen
  note         TEXT NOT NULL DEFAULT '',
  source_row   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX monitoring_alerts_year ON monitoring_alerts(year, household_id);

-- A monitoring case: from the alert through identification to the entry
-- into monitoring (纳入监测), then measures, then the risk eliminated.
--   stage   the next step to do (home_check .. entry); NULL once entered or closed
--   status  identifying | monitored | eliminated | rejected
CREATE TABLE monitoring_cases (
  id            {{pk}},
  household_id  INTEGER NOT NULL REFERENCES households(id),
  village_code  TEXT NOT NULL REFERENCES areas(code),
  year          INTEGER NOT NULL,
  category      TEXT NOT NULL CHECK (category IN ('unstable', 'marginal', 'sudden')),
  source        TEXT NOT NULL CHECK (source IN ('self_report', 'cadre_report', 'department_alert', 'data_analysis')),
  risks         TEXT NOT NULL DEFAULT '[]',   -- JSON: the rules that fired, with their values
  note          TEXT NOT NULL DEFAULT '',
  status        TEXT NOT NULL CHECK (status IN ('identifying', 'monitored', 'eliminated', 'rejected')),
  stage         TEXT,
  alert_date    TEXT NOT NULL,
  stage_since   TEXT NOT NULL,               -- the day the current stage became due
  entered_on    TEXT,
  closed_on     TEXT,                        -- eliminated or rejected
  opened_by     TEXT NOT NULL,
  version       INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX monitoring_cases_household ON monitoring_cases(household_id, status);
CREATE INDEX monitoring_cases_village ON monitoring_cases(village_code, status);

-- Every step done, sent back or refused, with who, in which role, and when.
CREATE TABLE monitoring_case_steps (
  id           {{pk}},
  case_id      INTEGER NOT NULL REFERENCES monitoring_cases(id),
  step         TEXT NOT NULL,
  action       TEXT NOT NULL CHECK (action IN ('done', 'returned', 'rejected')),
  date         TEXT NOT NULL,
  end_date     TEXT,                         -- public notice: the last day
  returned_to  TEXT,
  note         TEXT NOT NULL DEFAULT '',
  actor        TEXT NOT NULL,
  role         TEXT NOT NULL,
  recorded_at  INTEGER NOT NULL
);
CREATE INDEX monitoring_case_steps_case ON monitoring_case_steps(case_id, id);

-- Measures (帮扶措施) assigned to a monitored household and their progress.
-- policy_id names a policy of the policy module by id only (no constraint).
CREATE TABLE monitoring_measures (
  id           {{pk}},
  case_id      INTEGER NOT NULL REFERENCES monitoring_cases(id),
  kind         TEXT NOT NULL CHECK (kind IN ('policy', 'assistance', 'employment', 'industry', 'other')),
  description  TEXT NOT NULL,
  policy_id    INTEGER,
  responsible  TEXT NOT NULL DEFAULT '',
  start_date   TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'stopped')),
  result       TEXT NOT NULL DEFAULT '',
  recorded_by  TEXT NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX monitoring_measures_case ON monitoring_measures(case_id);

-- The decision that the risk is eliminated (风险消除), with reason and evidence.
CREATE TABLE monitoring_eliminations (
  case_id      INTEGER PRIMARY KEY REFERENCES monitoring_cases(id),
  date         TEXT NOT NULL,
  reason       TEXT NOT NULL CHECK (reason IN ('income_stable', 'hardship_over')),
  evidence     TEXT NOT NULL,
  checks       TEXT NOT NULL,                -- JSON: the figures checked (income by year, measures)
  decided_by   TEXT NOT NULL,
  role         TEXT NOT NULL,
  decided_at   INTEGER NOT NULL
);
)sql"},
      {702, "monitoring: the scan's rule of households' own applications and grievances (自主申报, issue 23)", R"sql(
INSERT INTO monitoring_parameters (name, value, enabled, source, set_by, set_at) VALUES
  ('self_application', '1', 1, '当年农户自主申报（群众自主申报表）或信访反映应纳未纳不少于1次；issue 23 列为监测信号，fupin 默认值', 'fupin 默认值', 0);
)sql"},
      // The monitoring line and rules of migrations 700 and 702 as seeded, in
      // Chinese: the web shows their sources and set_by (监测参数).
      {703, "monitoring: the seeded line's and rules' sources and set_by in Chinese", R"sql(
UPDATE monitoring_thresholds SET
  source = replace(source, 'source: policy-facts.md', '来源：扶贫政策事实汇编'),
  set_by = '系统默认值'
WHERE set_by = 'fupin 默认值' AND set_at = 0;
UPDATE monitoring_parameters SET
  source = replace(replace(replace(replace(replace(replace(source,
    ' — verify', '，待核实'),
    '为 fupin 默认值', '为系统默认值'),
    'policy-facts.md 列为', '扶贫政策事实汇编列为'),
    'policy-facts.md', '扶贫政策事实汇编'),
    'issue 23 列为', '系统需求第23号列为'),
    'fupin 默认值', '系统默认值'),
  set_by = '系统默认值'
WHERE set_by = 'fupin 默认值' AND set_at = 0
  AND name IN ('income_below_line', 'income_drop', 'income_drop_below_factor', 'rigid_spending', 'job_loss',
               'notice_min_days', 'step_days', 'elimination_min_months', 'elimination_stable_years',
               'max_monitored_months', 'self_application');
)sql"},
  };
}

}  // namespace fupin::monitoring
