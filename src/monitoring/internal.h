#pragma once
// Helpers shared by the monitoring module's .cc files; not its interface.
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/area_code.h"
#include "access/abilities.h"
#include "access/audit.h"
#include "access/permissions.h"
#include "core/caller.h"
#include "core/date.h"
#include "core/error.h"
#include "monitoring/monitoring.h"
#include "monitoring/terms.h"
#include "store/database.h"

namespace fupin::monitoring::internal {

// Access through the Guard on Resource::kMonitoring (refusals audited), with
// the paired-cadre check.
void Require(store::Connection& db, const Clock& clock, const Caller& caller, access::Access access,
             const std::string& area_code, std::optional<int64_t> household_id, const std::string& entity);
// Records a refusal that is not about the area (a step owned by another role) and throws.
[[noreturn]] void Refuse(store::Connection& db, const Clock& clock, const Caller& caller, const std::string& area_code,
                         const std::string& entity, const std::string& reason);
// Goes on if the caller has the ability (access::Can), else records the refusal
// (with `reason`, or the ability's default) and throws.
void RequireAbility(store::Connection& db, const Clock& clock, const Caller& caller, access::Ability ability,
                    const std::string& area_code, const std::string& entity, const std::string& reason = "");

// The area a caller asked for: normalised and known, or the caller's scope when "".
std::string ResolveArea(store::Connection& db, const Caller& caller, const std::string& text);
using ::fupin::SubtreeEnd;  // core/area_code.h

// Parameters in force (name -> value, enabled), read once.
struct ParameterValues {
  std::map<std::string, std::pair<std::string, bool>> values;
  double Number(const std::string& name) const;  // FailedPrecondition when missing
  bool Enabled(const std::string& name) const;
};
ParameterValues LoadParameters(store::Connection& db);

// The lines in force per (year, province), read once.
class Lines {
 public:
  explicit Lines(store::Connection& db);
  // nullopt when no line is set for the year or any earlier year.
  std::optional<Threshold> For(int year, const std::string& area_code) const;

 private:
  std::map<std::pair<int, std::string>, Threshold> rows_;
};

// Validated date text, or today for "". Problems at `path`.
std::optional<Date> ReadDate(const std::string& text, const std::string& path, const Clock& clock, Problems& problems);

// The status of each household (by id) at the end of `date`, from its events;
// households without events are absent (unregistered).
std::map<int64_t, std::string> StatusesOn(store::Connection& db, const std::string& area, const std::string& date);

// A closed set's wire string read from a request (parsed once, at the service's edge): the
// value, or nullopt with a problem at `path` naming the accepted values (core WireList).
template <class E>
std::optional<E> ParseField(std::span<const Term> terms, const std::string& text, const std::string& path,
                            Problems& problems) {
  const auto value = ParseWire<E>(terms, text);
  if (!value) problems.Add(path, "'" + text + "' is not " + WireList(terms));
  return value;
}

// A closed set's value as the database keeps it; a string outside the table is a broken store.
template <class E>
E Stored(std::span<const Term> terms, const std::string& text, const char* column) {
  const auto value = ParseWire<E>(terms, text);
  if (!value) throw Error::Internal(std::string(column) + " holds '" + text + "', not one of " + WireList(terms));
  return *value;
}

// The wire (and stored) string of a closed set's value.
inline std::string Wire(CaseStatus v) { return WireOf(CaseStatusTerms(), v); }
inline std::string Wire(Category v) { return WireOf(CategoryTerms(), v); }
inline std::string Wire(ProcedureStep v) { return WireOf(CaseStepTerms(), v); }
inline std::string Wire(MeasureKind v) { return WireOf(MeasureKindTerms(), v); }
inline std::string Wire(MeasureStatus v) { return WireOf(MeasureStatusTerms(), v); }
inline std::string Wire(EliminationReason v) { return WireOf(EliminationReasonTerms(), v); }
inline std::string Wire(OverdueKind v) { return WireOf(OverdueKindTerms(), v); }

std::string YuanText(Fen fen);
std::string PercentText(double percent);

}  // namespace fupin::monitoring::internal
