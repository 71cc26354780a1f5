// The progress report's figures of section 九 (housing.h, ComputeFigures).
#include <string>

#include "core/area_code.h"
#include "housing/housing.h"
#include "projects/projects.h"

namespace fupin::housing {

HousingFigures ComputeFigures(store::Connection& db, const std::string& area, const std::string& as_of) {
  HousingFigures f;
  const std::string hi = SubtreeEnd(area);
  auto bind = [&](store::Statement& s) {
    s.BindText(1, area);
    s.BindText(2, hi);
    s.BindText(3, as_of);
  };
  {
    // A house is a registered household, or a householder in a village.
    auto s = db.Prepare(
        "SELECT count(*) FROM (SELECT DISTINCT i.household_id, CASE WHEN i.household_id IS NULL THEN i.village_code END,"
        " CASE WHEN i.household_id IS NULL THEN i.householder END FROM house_inspections i"
        " WHERE i.village_code >= ?1 AND i.village_code < ?2 AND i.date <= ?3 AND i.plate = 1"
        " AND i.key_group <> 'other') x");
    bind(*s);
    s->Step();
    f.houses_inspected = s->Int(0);
  }
  {
    auto s = db.Prepare(
        "SELECT count(*) FROM house_renovations r JOIN house_inspections i ON i.id = r.inspection_id"
        " WHERE i.village_code >= ?1 AND i.village_code < ?2 AND r.accepted_on <= ?3");
    bind(*s);
    s->Step();
    f.houses_renovated = s->Int(0);
  }
  {
    auto s = db.Prepare(
        "SELECT count(*), COALESCE(sum(persons), 0) FROM relocations"
        " WHERE from_village >= ?1 AND from_village < ?2 AND moved_on <= ?3");
    bind(*s);
    s->Step();
    f.relocated_households = s->Int(0);
    f.relocated_persons = s->Int(1);
  }
  const auto roads = projects::OutputTotals(db, area, as_of, "road");
  for (const RoadItem& item : RoadItems()) {
    auto it = roads.find(item.item);
    f.road_milli[item.key] = it == roads.end() ? 0 : it->second;
  }
  {
    // Each poor village's latest record of a year up to as_of's.
    auto s = db.Prepare(
        "SELECT count(*), COALESCE(sum(v.households), 0), COALESCE(sum(v.transformer_kva_milli), 0)"
        " FROM village_infrastructure v WHERE v.village_code >= ?1 AND v.village_code < ?2"
        " AND v.year = (SELECT max(w.year) FROM village_infrastructure w WHERE w.village_code = v.village_code"
        "   AND w.year <= ?4)"
        " AND EXISTS (SELECT 1 FROM area_years y WHERE y.area_code = v.village_code AND y.poor_village = 1)");
    bind(*s);
    s->BindInt(4, std::stoi(as_of.substr(0, 4)));
    s->Step();
    f.power_villages = s->Int(0);
    f.power_households = s->Int(1);
    f.power_kva_milli = s->Int(2);
  }
  return f;
}

}  // namespace fupin::housing
