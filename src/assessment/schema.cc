#include "assessment/schema.h"

namespace fupin::assessment {

std::vector<store::Migration> Migrations() {
  return {
      {200, "assessment parameters", R"sql(
-- Policy parameters as data. Nothing is overwritten: a change appends a row,
-- and the value in force is the latest row (by id) of a (name, key).
-- key: a year for poverty_line, a province code ('' = every other province)
-- for exit_threshold, an indicator for af_weight, '' otherwise.
CREATE TABLE assessment_parameters (
  id             {{pk}},
  name           TEXT NOT NULL,
  key            TEXT NOT NULL DEFAULT '',
  value          TEXT NOT NULL,
  source         TEXT NOT NULL DEFAULT '',   -- where the figure comes from, or why it was changed
  effective_from TEXT NOT NULL,              -- YYYY-MM-DD
  set_by         TEXT NOT NULL,
  set_at         INTEGER NOT NULL
);
CREATE INDEX assessment_parameters_name ON assessment_parameters(name, key, id);
INSERT INTO assessment_parameters (name, key, value, source, effective_from, set_by, set_at) VALUES
  ('poverty_line', '2014', '2800', '国家农村贫困标准（现价，元/人·年）；confidence: high (NBS)；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('poverty_line', '2015', '2855', '国家农村贫困标准（现价，元/人·年）；confidence: high；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('poverty_line', '2016', '2952', '国家农村贫困标准（现价，元/人·年）；confidence: high；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('poverty_line', '2017', '2952', '国家农村贫困标准（现价，元/人·年）；confidence: low — verify；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('poverty_line', '2018', '2995', '国家农村贫困标准（现价，元/人·年）；confidence: low — verify；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('poverty_line', '2019', '3218', '国家农村贫困标准（现价，元/人·年）；confidence: medium；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('poverty_line', '2020', '4000', '国家农村贫困标准（现价，元/人·年）；confidence: medium (the figure used for 2020 exits)；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('exit_threshold', '', '2', '贫困村、贫困县退出：贫困发生率低于2%（中部、东部）；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('exit_threshold', '15', '3', '西部地区（内蒙古）贫困发生率低于3%；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('exit_threshold', '45', '3', '西部地区（广西）贫困发生率低于3%；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('exit_threshold', '50', '3', '西部地区（重庆）贫困发生率低于3%；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('exit_threshold', '51', '3', '西部地区（四川）贫困发生率低于3%；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('exit_threshold', '52', '3', '西部地区（贵州）贫困发生率低于3%；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('exit_threshold', '53', '3', '西部地区（云南）贫困发生率低于3%；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('exit_threshold', '54', '3', '西部地区（西藏）贫困发生率低于3%；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('exit_threshold', '61', '3', '西部地区（陕西）贫困发生率低于3%；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('exit_threshold', '62', '3', '西部地区（甘肃）贫困发生率低于3%；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('exit_threshold', '63', '3', '西部地区（青海）贫困发生率低于3%；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('exit_threshold', '64', '3', '西部地区（宁夏）贫困发生率低于3%；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('exit_threshold', '65', '3', '西部地区（新疆）贫困发生率低于3%；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('county_wrong_exit_max', '', '2', '贫困县退出：错退率低于2%；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('county_missed_max', '', '2', '贫困县退出：漏评率低于2%；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('county_satisfaction_min', '', '90', '贫困县退出：群众认可度不低于90%；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('notice_min_days', '', '7', '贫困户退出公示期不少于7天（含首尾两日）', '2014-01-01', 'fupin 默认值', 0),
  ('monitoring_line', '2021', '6000', '防止返贫监测线：2021年6000元（约为原贫困线1.5倍）；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('village_facilities', '', 'road,water,power,clinic,broadband,culture_centre', '贫困村退出统筹考虑基础设施、公共服务：通路、通水、通电、卫生室、宽带、文化室', '2014-01-01', 'fupin 默认值', 0),
  ('village_collective_income_min', '', '0', '村集体经济收入下限（元/年）；各省自定，默认0表示只要求有记录', '2014-01-01', 'fupin 默认值', 0),
  ('af_weight', 'income', '1', 'Alkire–Foster 指标权重（相对值，按总和归一）：income；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('af_weight', 'food_clothing', '1', 'Alkire–Foster 指标权重（相对值，按总和归一）：food_clothing；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('af_weight', 'education', '1', 'Alkire–Foster 指标权重（相对值，按总和归一）：education；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('af_weight', 'medical', '1', 'Alkire–Foster 指标权重（相对值，按总和归一）：medical；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('af_weight', 'housing', '1', 'Alkire–Foster 指标权重（相对值，按总和归一）：housing；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('af_weight', 'water', '1', 'Alkire–Foster 指标权重（相对值，按总和归一）：water；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0),
  ('af_k', '', '0.3333', 'Alkire–Foster 剥夺临界值 k（加权剥夺得分 ≥ k 为多维贫困）；source: policy-facts.md', '2014-01-01', 'fupin 默认值', 0);
)sql"},
      {201, "household assessments and the exit procedure", R"sql(
-- One result per household and year; a re-run replaces it.
CREATE TABLE household_assessments (
  household_id INTEGER NOT NULL REFERENCES households(id),
  year         INTEGER NOT NULL,
  ready        INTEGER NOT NULL CHECK (ready IN (0, 1)),  -- every criterion passes
  criteria     TEXT NOT NULL,                            -- JSON: one object per criterion with the values used
  assessed_by  TEXT NOT NULL,
  assessed_at  INTEGER NOT NULL,
  PRIMARY KEY (household_id, year)
);

-- The steps of a household's exit: village appraisal (村评议), work-team
-- verification (驻村工作队核实), public notice (公示, start and end dates).
CREATE TABLE exit_steps (
  id           {{pk}},
  household_id INTEGER NOT NULL REFERENCES households(id),
  year         INTEGER NOT NULL,
  step         TEXT NOT NULL CHECK (step IN ('appraisal', 'verification', 'notice')),
  date         TEXT NOT NULL,          -- the day of the appraisal / verification, the first day of the notice
  end_date     TEXT,                   -- the last day of the notice
  note         TEXT NOT NULL DEFAULT '',
  actor        TEXT NOT NULL,
  recorded_at  INTEGER NOT NULL
);
CREATE INDEX exit_steps_household ON exit_steps(household_id, year);

-- An exit recorded although the procedure or a criterion was not met.
CREATE TABLE exit_overrides (
  event_id     INTEGER PRIMARY KEY REFERENCES household_events(id),
  household_id INTEGER NOT NULL REFERENCES households(id),
  year         INTEGER NOT NULL,
  reason       TEXT NOT NULL,
  unmet        TEXT NOT NULL,          -- what was not met, as the refusal would have said
  actor        TEXT NOT NULL,
  role         TEXT NOT NULL,
  recorded_at  INTEGER NOT NULL
);
)sql"},
      {202, "village facilities, county surveys, area results, measures", R"sql(
-- Village infrastructure and services each year; NULL = not recorded.
CREATE TABLE village_facilities (
  area_code         TEXT NOT NULL REFERENCES areas(code),
  year              INTEGER NOT NULL,
  road              INTEGER CHECK (road IN (0, 1)),            -- 通硬化路
  water             INTEGER CHECK (water IN (0, 1)),           -- 通自来水 / 安全饮水
  power             INTEGER CHECK (power IN (0, 1)),           -- 通动力电
  clinic            INTEGER CHECK (clinic IN (0, 1)),          -- 标准化卫生室
  broadband         INTEGER CHECK (broadband IN (0, 1)),       -- 通宽带
  culture_centre    INTEGER CHECK (culture_centre IN (0, 1)),  -- 综合文化服务中心
  collective_income INTEGER CHECK (collective_income >= 0),    -- 村集体经济收入, fen
  updated_at        INTEGER NOT NULL,
  PRIMARY KEY (area_code, year)
);

-- Survey records of a county's exit check:
--   resurvey     an exited household surveyed again (household_id and the criteria facts)
--   sample       a household found by a sample survey of unregistered households (poor: 1 if poor)
--   satisfaction one respondent (satisfied 1/0)
CREATE TABLE county_surveys (
  id                 {{pk}},
  kind               TEXT NOT NULL CHECK (kind IN ('resurvey', 'sample', 'satisfaction')),
  year               INTEGER NOT NULL,
  village_code       TEXT NOT NULL REFERENCES areas(code),
  date               TEXT NOT NULL,
  household_id       INTEGER REFERENCES households(id),
  subject            TEXT NOT NULL DEFAULT '',    -- the respondent or the sampled household
  per_capita_income  INTEGER,                     -- fen
  food_clothing      INTEGER CHECK (food_clothing IN (0, 1)),
  education          INTEGER CHECK (education IN (0, 1)),
  medical            INTEGER CHECK (medical IN (0, 1)),
  housing            INTEGER CHECK (housing IN (0, 1)),
  water              INTEGER CHECK (water IN (0, 1)),
  poor               INTEGER CHECK (poor IN (0, 1)),
  satisfied          INTEGER CHECK (satisfied IN (0, 1)),
  source             TEXT NOT NULL DEFAULT '',
  recorded_by        TEXT NOT NULL,
  recorded_at        INTEGER NOT NULL
);
CREATE INDEX county_surveys_village ON county_surveys(year, village_code);

-- Village and county exit assessments, one per area and year.
CREATE TABLE area_assessments (
  area_code   TEXT NOT NULL REFERENCES areas(code),
  year        INTEGER NOT NULL,
  ready       INTEGER NOT NULL CHECK (ready IN (0, 1)),
  result      TEXT NOT NULL,      -- JSON
  assessed_by TEXT NOT NULL,
  assessed_at INTEGER NOT NULL,
  PRIMARY KEY (area_code, year)
);

-- FGT, Gini and Alkire-Foster measures of an area and year (JSON).
CREATE TABLE measure_results (
  area_code   TEXT NOT NULL,
  year        INTEGER NOT NULL,
  result      TEXT NOT NULL,
  computed_by TEXT NOT NULL,
  computed_at INTEGER NOT NULL,
  PRIMARY KEY (area_code, year)
);
)sql"},
      // The UI shows sources and set_by as they are (政策参数): migration 200's
      // seeded rows in Chinese. The values stay; only the words change, and
      // only on the rows as seeded (set_by 'fupin 默认值', set_at 0).
      {203, "assessment: the seeded parameters' sources and set_by in Chinese", R"sql(
UPDATE assessment_parameters SET source =
  replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(source,
    'confidence: high (NBS)', '可信度：高（国家统计局）'),
    'confidence: medium (the figure used for 2020 exits)', '可信度：中（2020年退出所用标准）'),
    'confidence: low — verify', '可信度：低，待核实'),
    'confidence: medium', '可信度：中'),
    'confidence: high', '可信度：高'),
    'source: policy-facts.md', '来源：扶贫政策事实汇编'),
    'Alkire–Foster ', '多维贫困（阿尔基尔—福斯特方法）'),
    '：income；', '：收入；'),
    '：food_clothing；', '：不愁吃穿；'),
    '：education；', '：义务教育；'),
    '：medical；', '：基本医疗；'),
    '：housing；', '：住房安全；'),
    '：water；', '：饮水安全；'),
  set_by = '系统默认值'
WHERE set_by = 'fupin 默认值' AND set_at = 0
  AND name IN ('poverty_line', 'exit_threshold', 'county_wrong_exit_max', 'county_missed_max', 'county_satisfaction_min',
               'notice_min_days', 'monitoring_line', 'village_facilities', 'village_collective_income_min', 'af_weight', 'af_k');
)sql"},
  };
}

}  // namespace fupin::assessment
