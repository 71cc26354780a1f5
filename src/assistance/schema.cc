#include "assistance/schema.h"

namespace fupin::assistance {

std::vector<store::Migration> Migrations() {
  return {
      {500, "assistance: cadres, departments, leaders, work teams, pairings, visits", R"sql(
-- Cadres (干部): county leaders, work-team members, paired cadres.
CREATE TABLE cadres (
  id         {{pk}},
  code       TEXT UNIQUE,                              -- cadre code (干部编号), optional
  name       TEXT NOT NULL,
  unit       TEXT NOT NULL,                            -- work unit (工作单位)
  position   TEXT NOT NULL DEFAULT '',                 -- 职务
  phone      TEXT,
  area_code  TEXT NOT NULL REFERENCES areas(code),     -- area whose office manages the cadre
  user_id    INTEGER UNIQUE REFERENCES users(id),      -- login of the cadre (paired-cadre view)
  left_on    TEXT,                                     -- YYYY-MM-DD the cadre left; NULL while serving
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX cadres_name_unit ON cadres(name, unit);
CREATE INDEX cadres_area ON cadres(area_code);

-- The reference list of typical county sector departments (行业扶贫部门).
CREATE TABLE sector_department_types (
  name           TEXT PRIMARY KEY,
  responsibility TEXT NOT NULL,
  sort_order     INTEGER NOT NULL
);
INSERT INTO sector_department_types (name, responsibility, sort_order) VALUES
  ('县委组织部', '驻村工作队选派与管理、第一书记、党建扶贫', 1),
  ('县委宣传部', '扶志扶智、宣传动员', 2),
  ('发展和改革局', '易地扶贫搬迁、以工代赈', 3),
  ('教育局', '控辍保学、教育资助、送教上门', 4),
  ('卫生健康局', '健康扶贫、家庭医生签约、大病集中救治', 5),
  ('民政局', '农村低保、特困供养、临时救助', 6),
  ('住房和城乡建设局', '农村危房改造', 7),
  ('水利局', '农村饮水安全', 8),
  ('交通运输局', '农村公路、通组道路', 9),
  ('人力资源和社会保障局', '就业扶贫、技能培训、城乡居民养老保险', 10),
  ('农业农村局', '产业扶贫、农村人居环境', 11),
  ('医疗保障局', '医疗保障、参保资助、"一站式"结算', 12),
  ('残疾人联合会', '残疾人帮扶、残疾人两项补贴', 13),
  ('财政局', '扶贫资金整合与监管', 14),
  ('自然资源局', '搬迁用地、城乡建设用地增减挂钩', 15),
  ('林业局', '生态护林员、油茶产业', 16),
  ('商务局', '电商扶贫、消费扶贫', 17),
  ('文化旅游广电体育局', '文化扶贫、乡村旅游', 18),
  ('科学技术局', '科技特派员、实用技术培训', 19),
  ('工业和信息化局', '扶贫车间、网络覆盖', 20),
  ('司法局', '法律援助', 21),
  ('生态环境局', '农村环境整治', 22),
  ('统计局', '贫困监测、数据比对', 23),
  ('供销合作社', '农产品销售、消费扶贫', 24),
  ('国网供电公司', '农村电网改造', 25),
  ('农村商业银行', '扶贫小额信贷', 26),
  ('团县委', '青年志愿者、助学', 27),
  ('县妇联', '妇女技能培训、巾帼扶贫', 28),
  ('县工商联', '"万企帮万村"', 29);

-- A county's (or township's) sector departments and what each is responsible for.
CREATE TABLE sector_departments (
  id             {{pk}},
  area_code      TEXT NOT NULL REFERENCES areas(code),
  name           TEXT NOT NULL,
  responsibility TEXT NOT NULL DEFAULT '',
  created_at     INTEGER NOT NULL,
  UNIQUE (area_code, name)
);

-- County leaders linked to a township or village (联点). end_date: first day no longer linked.
CREATE TABLE leader_links (
  id         {{pk}},
  cadre_id   INTEGER NOT NULL REFERENCES cadres(id),
  area_code  TEXT NOT NULL REFERENCES areas(code),
  start_date TEXT NOT NULL,
  end_date   TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX leader_links_area ON leader_links(area_code);
CREATE INDEX leader_links_cadre ON leader_links(cadre_id);

-- Resident work teams (驻村工作队).
CREATE TABLE work_teams (
  id               {{pk}},
  village_code     TEXT NOT NULL REFERENCES areas(code),
  dispatching_unit TEXT NOT NULL,                 -- 派出单位
  start_date       TEXT NOT NULL,
  end_date         TEXT,                          -- first day no longer in the village
  created_at       INTEGER NOT NULL
);
CREATE INDEX work_teams_village ON work_teams(village_code);

CREATE TABLE work_team_members (
  id         {{pk}},
  team_id    INTEGER NOT NULL REFERENCES work_teams(id),
  cadre_id   INTEGER NOT NULL REFERENCES cadres(id),
  role       TEXT NOT NULL CHECK (role IN ('captain', 'first_secretary', 'member')),
  start_date TEXT NOT NULL,
  end_date   TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX work_team_members_team ON work_team_members(team_id);
CREATE INDEX work_team_members_cadre ON work_team_members(cadre_id);

-- Pairings of cadres with households (结对帮扶). A household has at most one
-- open pairing; a handover ends one and opens the next (handed_to), so the
-- history is kept. end_date: first day the pairing no longer holds.
CREATE TABLE pairings (
  id           {{pk}},
  cadre_id     INTEGER NOT NULL REFERENCES cadres(id),
  household_id INTEGER NOT NULL REFERENCES households(id),
  start_date   TEXT NOT NULL,
  end_date     TEXT,
  end_reason   TEXT,
  handed_to    INTEGER REFERENCES pairings(id),
  created_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX pairings_open ON pairings(household_id) WHERE end_date IS NULL;
CREATE INDEX pairings_cadre ON pairings(cadre_id, end_date);
CREATE INDEX pairings_household ON pairings(household_id, start_date);

-- Visits (走访): what was done and what was promised.
CREATE TABLE visits (
  id           {{pk}},
  household_id INTEGER NOT NULL REFERENCES households(id),
  cadre_id     INTEGER NOT NULL REFERENCES cadres(id),
  date         TEXT NOT NULL,
  done         TEXT NOT NULL DEFAULT '',
  promised     TEXT NOT NULL DEFAULT '',
  recorded_by  TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL
);
CREATE INDEX visits_household ON visits(household_id, date);
CREATE INDEX visits_cadre ON visits(cadre_id, date);

-- The module's parameters live with the others (assessment_parameters).
INSERT INTO assessment_parameters (name, key, value, source, effective_from, set_by, set_at) VALUES
  ('pairing_household_limit', '', '5', '每名帮扶干部结对贫困户一般不超过5户（湖南省结对帮扶通行做法）；confidence: medium', '2014-01-01', 'fupin 默认值', 0),
  ('visit_interval_days', '', '30', '结对帮扶干部每月至少走访一次；confidence: medium', '2014-01-01', 'fupin 默认值', 0);
)sql"},
      // Cadres' phones as the registry's (registry migration 152): encrypted,
      // indexed, masked; the clear column goes with access::EncryptPendingPhones.
      {501, "cadre phones encrypted", R"sql(
ALTER TABLE cadres ADD COLUMN phone_enc {{blob}};
ALTER TABLE cadres ADD COLUMN phone_index TEXT;
ALTER TABLE cadres ADD COLUMN phone_masked TEXT;
CREATE INDEX cadres_phone_index ON cadres(phone_index) WHERE phone_index IS NOT NULL;
INSERT INTO pending_phone_encryption (table_name) VALUES ('cadres');
)sql"},
      // Migration 500's seeded parameters in Chinese (as migration 203).
      {502, "assistance: the seeded parameters' sources and set_by in Chinese", R"sql(
UPDATE assessment_parameters SET source = replace(source, 'confidence: medium', '可信度：中'), set_by = '系统默认值'
WHERE set_by = 'fupin 默认值' AND set_at = 0 AND name IN ('pairing_household_limit', 'visit_interval_days');
)sql"},
  };
}

}  // namespace fupin::assistance
