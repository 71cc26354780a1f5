#include "social/schema.h"

namespace fupin::social {

std::vector<store::Migration> Migrations() {
  return {
      {600, "social assistance: donors, needs, pledges, dockings, feedback", R"sql(
-- A donor (爱心人士) is an access user with the role donor plus this profile.
CREATE TABLE donor_profiles (
  id            {{pk}},
  user_id       INTEGER NOT NULL UNIQUE REFERENCES users(id),
  display_name  TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('individual', 'enterprise', 'organisation')),
  county_code   TEXT NOT NULL,                  -- 6 digits: county of residence (or seat)
  township_code TEXT,                           -- 9 digits inside the county, or NULL
  interests     TEXT NOT NULL DEFAULT '',       -- need categories joined by ','
  team          TEXT CHECK (team IN ('volunteers', 'experts', 'supervisors', 'ambassadors')),
  registered_on TEXT NOT NULL,                  -- YYYY-MM-DD
  version       INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX donor_profiles_area ON donor_profiles(county_code, township_code);

-- Self-registration attempts, for the throttle (per source address and in total).
CREATE TABLE donor_registration_attempts (
  id     {{pk}},
  source TEXT NOT NULL,
  at     INTEGER NOT NULL
);
CREATE INDEX donor_registration_attempts_source ON donor_registration_attempts(source, at);
CREATE INDEX donor_registration_attempts_at ON donor_registration_attempts(at);

-- A household is registered on the platform when a cadre has enrolled it.
CREATE TABLE household_app_registrations (
  household_id INTEGER PRIMARY KEY REFERENCES households(id),
  enrolled_on  TEXT NOT NULL,                   -- YYYY-MM-DD
  enrolled_by  TEXT NOT NULL,
  created_at   INTEGER NOT NULL
);

CREATE TABLE needs (
  id            {{pk}},
  household_id  INTEGER NOT NULL REFERENCES households(id),
  village_code  TEXT NOT NULL,                  -- the household's village when published
  category      TEXT NOT NULL CHECK (category IN ('production', 'living', 'education', 'medical', 'employment', 'other')),
  title         TEXT NOT NULL,
  description   TEXT NOT NULL,
  amount_fen    INTEGER CHECK (amount_fen > 0), -- money asked for, or NULL when only items are
  items         TEXT NOT NULL DEFAULT '',
  deadline      TEXT NOT NULL,                  -- YYYY-MM-DD
  urgency       TEXT NOT NULL CHECK (urgency IN ('normal', 'urgent', 'critical')),
  status        TEXT NOT NULL CHECK (status IN ('pending_review', 'rejected', 'open', 'closed')),
  close_reason  TEXT CHECK (close_reason IN ('amount_reached', 'marked_fulfilled', 'withdrawn')),
  submitted_by  TEXT NOT NULL,
  submitted_on  TEXT NOT NULL,
  reviewed_by   TEXT,
  review_note   TEXT NOT NULL DEFAULT '',
  published_on  TEXT,                           -- the day a reviewer approved it
  closed_on     TEXT,
  received_fen  INTEGER NOT NULL DEFAULT 0,     -- sum of confirmed dockings
  pledge_count  INTEGER NOT NULL DEFAULT 0,     -- pledges not withdrawn
  docking_count INTEGER NOT NULL DEFAULT 0,     -- confirmed dockings
  version       INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX needs_status_village ON needs(status, village_code);
CREATE INDEX needs_village ON needs(village_code, published_on);
CREATE INDEX needs_household ON needs(household_id);

-- Every write to a need appends its id here, so the in-memory suggestion
-- index reads only what changed since it last looked.
CREATE TABLE need_changes (
  seq     {{pk}},
  need_id INTEGER NOT NULL
);

CREATE TABLE pledges (
  id         {{pk}},
  need_id    INTEGER NOT NULL REFERENCES needs(id),
  donor_id   INTEGER NOT NULL REFERENCES donor_profiles(id),
  amount_fen INTEGER CHECK (amount_fen > 0),
  items      TEXT NOT NULL DEFAULT '',
  pledged_on TEXT NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('open', 'delivered', 'withdrawn', 'released')),  -- released: the need closed first
  created_at INTEGER NOT NULL
);
CREATE INDEX pledges_need ON pledges(need_id);
CREATE INDEX pledges_donor ON pledges(donor_id);
CREATE INDEX pledges_status ON pledges(status, pledged_on);

-- 对接: help that arrived, reported by the donor or a cadre, confirmed by a cadre.
CREATE TABLE dockings (
  id           {{pk}},
  pledge_id    INTEGER NOT NULL REFERENCES pledges(id),
  need_id      INTEGER NOT NULL REFERENCES needs(id),
  donor_id     INTEGER NOT NULL REFERENCES donor_profiles(id),
  amount_fen   INTEGER CHECK (amount_fen > 0),
  items        TEXT NOT NULL DEFAULT '',
  delivered_on TEXT NOT NULL,
  recorded_by  TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('reported', 'confirmed', 'rejected')),
  confirmed_by TEXT,
  confirmed_on TEXT,
  note         TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL
);
CREATE INDEX dockings_need ON dockings(need_id);
CREATE INDEX dockings_donor ON dockings(donor_id);
CREATE INDEX dockings_pledge ON dockings(pledge_id);
CREATE INDEX dockings_status ON dockings(status, confirmed_on);

-- The household's thanks or complaint about a docking, recorded by a cadre.
CREATE TABLE docking_feedback (
  id          {{pk}},
  docking_id  INTEGER NOT NULL REFERENCES dockings(id),
  kind        TEXT NOT NULL CHECK (kind IN ('thanks', 'complaint')),
  text        TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_on TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX docking_feedback_docking ON docking_feedback(docking_id);
)sql"},
  };
}

}  // namespace fupin::social
