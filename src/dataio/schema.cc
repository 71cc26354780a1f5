#include "dataio/schema.h"

namespace fupin::dataio {

std::vector<store::Migration> Migrations() {
  return {
      {800, "import runs and their changes", R"sql(
-- One row per import that wrote something (dry runs and refused files write nothing).
CREATE TABLE import_runs (
  id            {{pk}},
  kind          TEXT NOT NULL CHECK (kind IN ('persons', 'household-years')),
  file_name     TEXT NOT NULL,
  actor         TEXT NOT NULL,
  rows_read     INTEGER NOT NULL,
  rows_imported INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  summary       TEXT NOT NULL,      -- JSON: counts of records added and updated
  recorded_at   INTEGER NOT NULL
);

-- What an import changed in records that already existed, field by field,
-- and what it added. ID numbers appear only masked.
CREATE TABLE import_changes (
  id         {{pk}},
  run_id     INTEGER NOT NULL REFERENCES import_runs(id),
  entity     TEXT NOT NULL,         -- household/12, person/40, household_year/12/2019, person_year/40/2019, membership/40
  entity_key TEXT NOT NULL,         -- the household number or the masked ID number
  field      TEXT NOT NULL,         -- registry column, or '*' for a record added
  old_value  TEXT,
  new_value  TEXT,
  row_number INTEGER NOT NULL       -- row in the imported file
);
CREATE INDEX import_changes_run ON import_changes(run_id);
CREATE INDEX import_changes_entity ON import_changes(entity);
)sql"},
  };
}

}  // namespace fupin::dataio
