#include "grievance/schema.h"

namespace fupin::grievance {

std::vector<store::Migration> Migrations() {
  return {
      {1300, "grievance: change requests to the registry, reviewed and approved by a second person", R"sql(
-- Which level approves each kind of change, and in how many days a request
-- of that kind should be decided (configuration; edited by SQL or a later UI).
CREATE TABLE change_request_levels (
  kind          TEXT PRIMARY KEY,
  level         TEXT NOT NULL CHECK (level IN ('township', 'county')),
  deadline_days INTEGER NOT NULL CHECK (deadline_days > 0),
  position      INTEGER NOT NULL
);
INSERT INTO change_request_levels (kind, level, deadline_days, position) VALUES
  ('household_add', 'county', 20, 1),
  ('household_update', 'township', 10, 2),
  ('household_status', 'county', 20, 3),
  ('person_add', 'township', 10, 4),
  ('person_update', 'township', 10, 5),
  ('person_move', 'township', 10, 6);

-- A proposed change of one household or person. `diff` is the field-by-field
-- difference [{field, before, after}] with ID and phone numbers masked;
-- `proposal_enc` the change itself (JSON, encrypted as personal data, since
-- it may hold a full ID or phone number). `base_state` is the record's state
-- when proposed ("v<version>" for a person, "v<version>e<last event id>" for
-- a household): the request lands only on that state.
CREATE TABLE change_requests (
  id             {{pk}},
  kind           TEXT NOT NULL REFERENCES change_request_levels(kind),
  entity         TEXT NOT NULL,                 -- household/12, person/5, household/new, person/new
  household_id   INTEGER REFERENCES households(id),
  person_id      INTEGER REFERENCES persons(id),
  area_code      TEXT NOT NULL,                 -- the village of the record
  base_state     TEXT NOT NULL DEFAULT '',
  diff           TEXT NOT NULL,
  proposal_enc   {{blob}} NOT NULL,
  reason         TEXT NOT NULL,
  evidence       TEXT NOT NULL DEFAULT '[]',    -- JSON array of file references
  level          TEXT NOT NULL CHECK (level IN ('township', 'county')),
  status         TEXT NOT NULL CHECK (status = 'proposed' OR status = 'reviewed' OR status = 'approved'
                   OR status = 'rejected' OR status = 'sent_back'),
  proposed_by    INTEGER NOT NULL,
  proposer       TEXT NOT NULL,
  proposed_on    TEXT NOT NULL,                 -- YYYY-MM-DD, Beijing
  decided_on     TEXT,
  result_entity  TEXT,                          -- what the approval wrote (household/13 ...)
  version        INTEGER NOT NULL DEFAULT 1,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX change_requests_pending ON change_requests(status, area_code);
CREATE INDEX change_requests_entity ON change_requests(entity, status);

CREATE TABLE change_request_steps (
  id          {{pk}},
  request_id  INTEGER NOT NULL REFERENCES change_requests(id),
  step        TEXT NOT NULL CHECK (step = 'proposed' OR step = 'reviewed' OR step = 'approved' OR step = 'rejected'
                OR step = 'sent_back' OR step = 'resubmitted'),
  actor_id    INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  note        TEXT NOT NULL DEFAULT '',
  at          INTEGER NOT NULL
);
CREATE INDEX change_request_steps_request ON change_request_steps(request_id, id);
)sql"},
      {1301, "grievance: grievances and appeals (信访与申诉) with their steps, deadlines by category", R"sql(
-- Categories with the number of days within which a grievance of that
-- category must be answered (configuration; 信访条例 gives 60 days at most).
CREATE TABLE grievance_categories (
  code          TEXT PRIMARY KEY,
  label_zh      TEXT NOT NULL,
  deadline_days INTEGER NOT NULL CHECK (deadline_days > 0),
  position      INTEGER NOT NULL
);
INSERT INTO grievance_categories (code, label_zh, deadline_days, position) VALUES
  ('wrongly_excluded', '应纳未纳', 30, 1),
  ('wrongly_included', '不应纳入而纳入', 30, 2),
  ('benefit_not_received', '政策待遇未落实', 30, 3),
  ('cadre_conduct', '干部作风问题', 60, 4),
  ('funds_projects', '扶贫资金与项目', 60, 5),
  ('other', '其他', 60, 6),
  ('self_application', '自主申报', 15, 7);

-- One grievance, or one application of a household itself (channel
-- self_application, category self_application: the public form, no login).
-- The complainant (none when anonymous) is personal data:
-- the name encrypted with its masked form beside it, the phone in the three
-- columns of every phone (access/personal_data.h, kPhoneColumns).
CREATE TABLE grievances (
  id                 {{pk}},
  number             TEXT NOT NULL UNIQUE,          -- XF-20261128-0001
  channel            TEXT NOT NULL CHECK (channel = 'hotline' OR channel = 'letter' OR channel = 'visit'
                       OR channel = 'online' OR channel = 'cadre' OR channel = 'self_application'),
  category           TEXT NOT NULL REFERENCES grievance_categories(code),
  area_code          TEXT NOT NULL,                 -- where the matter is (village, township or county)
  household_id       INTEGER REFERENCES households(id),
  anonymous          INTEGER NOT NULL CHECK (anonymous = 0 OR anonymous = 1),
  complainant_enc    {{blob}},
  complainant_masked TEXT,
  phone_enc          {{blob}},
  phone_index        TEXT,
  phone_masked       TEXT,
  id_number_enc      {{blob}},                      -- a household's own application: the applicant's ID number
  id_number_masked   TEXT,
  applies_for        TEXT CHECK (applies_for IS NULL OR applies_for = 'monitoring' OR applies_for = 'assistance'),
  text               TEXT NOT NULL,
  unit               TEXT NOT NULL DEFAULT '',      -- the responsible unit
  status             TEXT NOT NULL CHECK (status = 'received' OR status = 'accepted' OR status = 'investigating'
                       OR status = 'answered' OR status = 'closed'),
  received_on        TEXT NOT NULL,                 -- YYYY-MM-DD, Beijing
  deadline           TEXT NOT NULL,                 -- received_on + the category's days
  answered_on        TEXT,
  closed_on          TEXT,
  answer             TEXT NOT NULL DEFAULT '',
  satisfaction       TEXT CHECK (satisfaction IS NULL OR satisfaction = 'satisfied'
                       OR satisfaction = 'basically_satisfied' OR satisfaction = 'dissatisfied'),
  change_request_id  INTEGER REFERENCES change_requests(id),
  recorded_by        TEXT NOT NULL,
  version            INTEGER NOT NULL DEFAULT 1,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
);
CREATE INDEX grievances_area ON grievances(area_code, received_on);
CREATE INDEX grievances_household ON grievances(household_id);
CREATE INDEX grievances_phone ON grievances(phone_index);

CREATE TABLE grievance_steps (
  id            {{pk}},
  grievance_id  INTEGER NOT NULL REFERENCES grievances(id),
  step          TEXT NOT NULL CHECK (step = 'received' OR step = 'accepted' OR step = 'investigating'
                  OR step = 'answered' OR step = 'closed' OR step = 'reopened' OR step = 'change_requested'),
  actor         TEXT NOT NULL,
  note          TEXT NOT NULL DEFAULT '',
  at            INTEGER NOT NULL
);
CREATE INDEX grievance_steps_grievance ON grievance_steps(grievance_id, id);
)sql"},
      {1302, "grievance: which kinds of a village cadre's registry writes become change requests (all, by default)", R"sql(
ALTER TABLE change_request_levels ADD COLUMN through_request INTEGER NOT NULL DEFAULT 1
  CHECK (through_request = 0 OR through_request = 1);
)sql"},
  };
}

}  // namespace fupin::grievance
