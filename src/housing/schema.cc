#include "housing/schema.h"

namespace fupin::housing {

std::vector<store::Migration> Migrations() {
  return {
      {1200, "housing: inspections, renovations, relocation, village infrastructure", R"sql(
-- A house inspection (住房安全鉴定): a registered household's house, or the
-- house of a household outside the registry (named by its householder) of
-- the four key groups (四类重点对象) or others; the plate (挂牌) put up.
CREATE TABLE house_inspections (
  id           {{pk}},
  household_id INTEGER REFERENCES households(id),
  village_code TEXT NOT NULL REFERENCES areas(code),
  householder  TEXT NOT NULL DEFAULT '',
  key_group    TEXT NOT NULL CHECK (key_group = 'registered_poor' OR key_group = 'dibao' OR key_group = 'destitute'
                 OR key_group = 'poor_disabled' OR key_group = 'other'),
  date         TEXT NOT NULL,
  inspector    TEXT NOT NULL,
  grade        TEXT NOT NULL CHECK (grade = 'A' OR grade = 'B' OR grade = 'C' OR grade = 'D'),
  plate        INTEGER NOT NULL DEFAULT 0 CHECK (plate = 0 OR plate = 1),
  recorded_by  TEXT NOT NULL,
  recorded_at  INTEGER NOT NULL,
  CHECK (household_id IS NOT NULL OR householder <> '')
);
CREATE INDEX house_inspections_village ON house_inspections(village_code, date);
CREATE INDEX house_inspections_household ON house_inspections(household_id, date);

-- A renovation (危房改造) of a house an inspection found dangerous (C or D).
CREATE TABLE house_renovations (
  id            {{pk}},
  inspection_id INTEGER NOT NULL REFERENCES house_inspections(id),
  kind          TEXT NOT NULL CHECK (kind = 'repair' OR kind = 'rebuild' OR kind = 'built_on_behalf'
                  OR kind = 'unit_bought'),
  subsidy_fen   INTEGER NOT NULL CHECK (subsidy_fen >= 0),
  start_date    TEXT NOT NULL,
  finish_date   TEXT,
  accepted_on   TEXT,                      -- 验收
  recorded_by   TEXT NOT NULL,
  recorded_at   INTEGER NOT NULL,
  CHECK (finish_date IS NULL OR finish_date >= start_date),
  CHECK (accepted_on IS NULL OR (finish_date IS NOT NULL AND accepted_on >= finish_date))
);
CREATE INDEX house_renovations_inspection ON house_renovations(inspection_id);

-- Relocation sites (易地扶贫搬迁安置点).
CREATE TABLE relocation_sites (
  id            {{pk}},
  name          TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind = 'centralised' OR kind = 'scattered'),
  township_code TEXT NOT NULL REFERENCES areas(code),
  capacity      INTEGER NOT NULL CHECK (capacity >= 0),   -- households
  recorded_by   TEXT NOT NULL,
  recorded_at   INTEGER NOT NULL
);
CREATE INDEX relocation_sites_township ON relocation_sites(township_code);

-- A registered household relocated: from its village to a site, the persons
-- moved, the old house's demolition and reclamation (拆旧复垦), and the
-- follow-up (后续扶持): persons given a job, children moved to a school near
-- the site, medical insurance and care transferred. NULL: not recorded yet.
CREATE TABLE relocations (
  household_id        INTEGER PRIMARY KEY REFERENCES households(id),
  site_id             INTEGER NOT NULL REFERENCES relocation_sites(id),
  from_village        TEXT NOT NULL REFERENCES areas(code),
  persons             INTEGER NOT NULL CHECK (persons > 0),
  moved_on            TEXT NOT NULL,
  demolished_on       TEXT,
  reclaimed           INTEGER NOT NULL DEFAULT 0 CHECK (reclaimed = 0 OR reclaimed = 1),
  jobs                INTEGER CHECK (jobs >= 0),
  school_transfers    INTEGER CHECK (school_transfers >= 0),
  medical_transferred INTEGER CHECK (medical_transferred = 0 OR medical_transferred = 1),
  recorded_by         TEXT NOT NULL,
  recorded_at         INTEGER NOT NULL,
  CHECK (demolished_on IS NULL OR demolished_on >= moved_on)
);
CREATE INDEX relocations_site ON relocations(site_id);
CREATE INDEX relocations_village ON relocations(from_village);

-- A village's infrastructure and services in a year: hardened road to the
-- village and to its natural villages, safe drinking water, transformer
-- capacity and households (power per household), broadband, clinic, cultural
-- service centre, collective income.
CREATE TABLE village_infrastructure (
  village_code             TEXT NOT NULL REFERENCES areas(code),
  year                     INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  road_hardened            INTEGER NOT NULL CHECK (road_hardened = 0 OR road_hardened = 1),
  natural_villages         INTEGER NOT NULL CHECK (natural_villages >= 0),
  natural_villages_reached INTEGER NOT NULL CHECK (natural_villages_reached >= 0),
  water_supply             TEXT NOT NULL CHECK (water_supply = 'centralised' OR water_supply = 'scattered'
                             OR water_supply = 'none'),
  tap_water                INTEGER NOT NULL CHECK (tap_water = 0 OR tap_water = 1),
  households               INTEGER NOT NULL CHECK (households >= 0),
  transformer_kva_milli    INTEGER NOT NULL CHECK (transformer_kva_milli >= 0),
  broadband                INTEGER NOT NULL CHECK (broadband = 0 OR broadband = 1),
  clinic                   INTEGER NOT NULL CHECK (clinic = 0 OR clinic = 1),
  culture_centre           INTEGER NOT NULL CHECK (culture_centre = 0 OR culture_centre = 1),
  collective_income_fen    INTEGER NOT NULL CHECK (collective_income_fen >= 0),
  recorded_by              TEXT NOT NULL,
  updated_at               INTEGER NOT NULL,
  PRIMARY KEY (village_code, year),
  CHECK (natural_villages_reached <= natural_villages)
);
)sql"},
  };
}

}  // namespace fupin::housing
