#include "access/schema.h"

namespace fupin::access {

std::vector<store::Migration> Migrations() {
  return {
      {300, "users and sessions", R"sql(
CREATE TABLE users (
  id                  {{pk}},
  name                {{text_nocase}} NOT NULL UNIQUE,
  role                TEXT NOT NULL CHECK (role IN ('administrator', 'county_office', 'township', 'village_cadre',
                                                    'paired_cadre', 'sector_department', 'donor', 'auditor')),
  area_code           TEXT NOT NULL,                   -- natural area code of the scope; '' is the nation
  disabled            INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  password_hash       TEXT NOT NULL,                   -- libsodium crypto_pwhash_str (Argon2id) string
  password_changed_at INTEGER NOT NULL,
  failed_attempts     INTEGER NOT NULL DEFAULT 0,      -- consecutive failed logins since the last success or lock
  locked_until        INTEGER NOT NULL DEFAULT 0,      -- login refused before this time (UTC seconds)
  version             INTEGER NOT NULL DEFAULT 1,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
);
CREATE INDEX users_area ON users(area_code);

-- Only a hash of each token is kept: a copy of the database opens no session.
CREATE TABLE sessions (
  id           {{pk}},
  user_id      INTEGER NOT NULL REFERENCES users(id),
  token_hash   TEXT NOT NULL UNIQUE,                   -- hex BLAKE2b-256 of the raw token
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,                       -- absolute end, whatever the activity
  revoked_at   INTEGER,
  revoke_reason TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);
)sql"},
      {301, "audit log", R"sql(
-- Append-only and hash-chained: hash = BLAKE2b-256(previous hash || canonical fields).
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,                    -- 1, 2, 3, ... without gaps (assigned by Audit::Record)
  at         INTEGER NOT NULL,                       -- UTC seconds
  actor_id   INTEGER NOT NULL,                       -- users.id; 0 for the local operator or an unknown name
  actor_name TEXT NOT NULL,
  action     TEXT NOT NULL,                          -- "household.update", "login.failure", "access.denied", ...
  entity     TEXT NOT NULL,                          -- "household/12", "user/3"
  area_code  TEXT NOT NULL DEFAULT '',               -- area the entity belongs to, for auditors' scope
  before     TEXT,                                   -- JSON, NULL when nothing existed
  after      TEXT,                                   -- JSON, NULL when nothing remains
  hash       TEXT NOT NULL                           -- hex
);
CREATE INDEX audit_log_entity ON audit_log(entity, id);

-- The end of the chain as last written, so that cutting entries off the end is seen too.
CREATE TABLE audit_head (
  one     INTEGER PRIMARY KEY CHECK (one = 1),
  last_id INTEGER NOT NULL,
  hash    TEXT NOT NULL
);
INSERT INTO audit_head (one, last_id, hash) VALUES (1, 0, '');

{{sqlite}}
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
WHEN NEW.last_id <= OLD.last_id
BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward'); END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'audit_head cannot be deleted'); END;
{{end}}{{postgres}}
-- The same refusals; integrity class 23001 maps to failed_precondition as
-- SQLite's RAISE(ABORT) does. TRUNCATE skips row triggers, so refuse it too.
CREATE FUNCTION fupin_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation'; END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
FOR EACH ROW EXECUTE FUNCTION fupin_refuse('audit_log is append-only');
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION fupin_refuse('audit_log is append-only');
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION fupin_refuse('audit_log is append-only');
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
FOR EACH ROW WHEN (NEW.last_id <= OLD.last_id) EXECUTE FUNCTION fupin_refuse('audit_head only moves forward');
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
FOR EACH ROW EXECUTE FUNCTION fupin_refuse('audit_head cannot be deleted');
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
FOR EACH STATEMENT EXECUTE FUNCTION fupin_refuse('audit_head cannot be deleted');
{{end}}
)sql"},
      {302, "audit: the last entry that changed records", R"sql(
-- The id of the last audit entry that changed records (not a login, logout,
-- refusal or read; access::ChangesRecords): report snapshots are keyed by it.
-- NULL until the first entry after this migration: then last_id stands for it.
ALTER TABLE audit_head ADD COLUMN data_id INTEGER;
)sql"},
      // Registry rows covered by the audit (access/records.h): each entry that
      // writes covered rows lists their digests after the change here, and
      // its `records` field (in the hash chain) is the hash of that list.
      // Rows written before this migration get one baseline entry
      // (access::RecordBaseline, run once when the marker is present).
      {303, "audit: digests of the records each entry wrote", R"sql(
ALTER TABLE audit_log ADD COLUMN records TEXT;
CREATE TABLE audit_records (
  audit_id INTEGER NOT NULL REFERENCES audit_log(id),
  record   TEXT NOT NULL,   -- "households/12", "household_years/12/2019"
  digest   TEXT NOT NULL,   -- hex, 16 bytes of BLAKE2b-256 over the row's columns
  PRIMARY KEY (record, audit_id)
);
CREATE TABLE records_baseline_pending (one INTEGER PRIMARY KEY CHECK (one = 1));
INSERT INTO records_baseline_pending (one) VALUES (1);
{{sqlite}}
CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
BEGIN SELECT RAISE(ABORT, 'audit_records is append-only'); END;
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
BEGIN SELECT RAISE(ABORT, 'audit_records is append-only'); END;
{{end}}{{postgres}}
CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
FOR EACH ROW EXECUTE FUNCTION fupin_refuse('audit_records is append-only');
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
FOR EACH ROW EXECUTE FUNCTION fupin_refuse('audit_records is append-only');
CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
FOR EACH STATEMENT EXECUTE FUNCTION fupin_refuse('audit_records is append-only');
{{end}}
)sql"},
      // Issue 20: a sector department's own department; "finance" writes funds
      // in its scope (docs/ACCESS.md, "Finance").
      {304, "users: the department of a sector department's account", R"sql(
ALTER TABLE users ADD COLUMN department TEXT NOT NULL DEFAULT '';
)sql"},
  };
}

}  // namespace fupin::access
