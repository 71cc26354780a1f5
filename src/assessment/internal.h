#pragma once
// Helpers shared by the assessment module's .cc files; not part of its interface.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/area_code.h"
#include "assessment/criteria.h"
#include "assessment/households.h"
#include "assessment/measures.h"
#include "core/caller.h"
#include "core/date.h"
#include "store/database.h"

namespace fupin::assessment::internal {

// Parses an area code typed by a user ("" or "nation"/"全国" is the whole
// country), checks that it exists (NotFound) and returns the natural code.
std::string RequireArea(store::Connection& db, const std::string& text, const std::string& field);

// Reading assessments and reports: read access to Resource::kAssessment for
// the area (access::Guard; a refusal is audited). `household_id` when the
// read concerns one household (paired cadres reach only theirs).
void RequireRead(store::Connection& db, const Caller& caller, const std::string& area_code,
                 std::optional<int64_t> household_id = std::nullopt);
// Running assessments and recording their facts (writing results): write
// access to Resource::kAssessment for the area.
void RequireRun(store::Connection& db, const Caller& caller, const std::string& area_code);

using ::fupin::SubtreeEnd;  // core/area_code.h

enum class Status : uint8_t { kUnregistered, kPoor, kExited, kRemoved, kDeceased };
Status StatusOfEvent(const std::string& kind);
const char* StatusName(Status status);

// The status of every household of the subtree at each of `dates`
// (YYYY-MM-DD, ascending), from one read of the events. Households without
// events are absent (unregistered).
std::unordered_map<int64_t, std::vector<Status>> StatusesAt(store::Connection& db, const std::string& area,
                                                            const std::vector<std::string>& dates);

// For each household of the subtree, the number of members at each date
// (membership open: start <= date < end, and not dead by the date).
std::unordered_map<int64_t, std::vector<int32_t>> MembersAt(store::Connection& db, const std::string& area,
                                                            const std::vector<std::string>& dates);

// The facts of the households of an area for a year (households.cc).
//   kAssessment: status poor at the end of the year, or exited in the year
//   kMeasures:   status poor or exited at the end of the year, with facts for the year
enum class Scope { kAssessment, kMeasures };
struct Gathered {
  std::vector<HouseholdFacts> facts;
  std::vector<HouseholdAssessment> rows;  // same order, decision empty
};
Gathered Gather(store::Connection& db, const std::string& area, int year, Fen line, int64_t only, Scope scope);

// The Alkire-Foster indicators in force (measures.h): the weighted ones
// (weight > 0) in the order of their names, their weights, k.
struct AfSetup {
  std::vector<std::string> names;
  std::vector<double> weights;                // relative, as set
  std::map<std::string, double> normalised;   // weight / sum
  std::vector<int> criterion;                 // index in kCriteria, -1 for none
  double k = 0;
};
AfSetup ReadAfSetup(store::Connection& db);
// The deprivation bits of a household (bit i: failed indicator names[i]);
// false when a weighted indicator is unknown or not a criterion (the household
// is left out of Alkire-Foster).
bool AfDeprivations(const AfSetup& setup, const std::array<Outcome, 6>& outcomes, uint32_t& mask);

// `report measures` before and after the computation, whichever way the facts
// are read (measures.cc, indicators.cc): the checks (year, area, read
// access), the line and the Alkire-Foster setup; then the result stored in
// measure_results.
MeasureResult BeginMeasures(store::Connection& db, const Caller& caller, const std::string& area_code, int year,
                            const Clock& clock, AfSetup& af);
void StoreMeasures(store::Connection& db, const Caller& caller, const MeasureResult& r, const Clock& clock);

}  // namespace fupin::assessment::internal
