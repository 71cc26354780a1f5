#pragma once
// Policy parameters as data (政策参数): the poverty line of each year, exit
// thresholds by province, the county checks, the public-notice period, the
// monitoring line, village facility requirements and the Alkire-Foster
// indicators, weights and cut-off. Shipped with their sources (migration 200);
// administrators and county offices change them within their scope, with a
// dated history. No rule constant lives in code: every rule reads its figures
// here.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/caller.h"
#include "core/date.h"
#include "core/money.h"
#include "core/vocabulary.h"
#include "store/database.h"

namespace fupin::assessment {

struct Parameter {
  int64_t id = 0;
  std::string name;
  std::string key;             // year, province code, indicator or ""
  std::string value;
  std::string source;          // origin of the figure or the reason for a change
  std::string effective_from;  // YYYY-MM-DD
  std::string set_by;
  std::string set_at;          // ISO 8601 UTC ("" for shipped defaults)
};

// What a parameter's key is: none, a year, a province code ("" for the
// default) or an Alkire-Foster indicator. Served as param_key, without kNone
// (whose wire string is "").
enum class ParamKey { kNone, kYear, kProvince, kIndicator };
std::span<const Term> ParamKeyTerms();
// What its value is: yuan, a percentage, days, a number or a list of
// facilities. Served as param_value.
enum class ParamValue { kYuan, kPercent, kDays, kNumber, kList };
std::span<const Term> ParamValueTerms();
// The codes a key or value holds: the indicators (af_weight's keys, served as
// param_indicator) and the village facilities (village_facilities' list,
// served as village_facility).
std::span<const Term> ParamIndicatorTerms();
std::span<const Term> VillageFacilityTerms();

// The parameters this version knows: name, what the key is, what the value is.
struct ParameterSpec {
  const char* name;
  ParamKey key;
  ParamValue value;
  const char* label_zh;
};
const std::vector<ParameterSpec>& ParameterSpecs();

class Parameters {
 public:
  explicit Parameters(store::Connection& db, const Clock& clock = DefaultClock()) : db_(db), clock_(clock) {}

  // Values in force (latest per name and key), or with `history` every row,
  // ordered by name, key, id. Readable by every role that reads parameters (all but donors).
  std::vector<Parameter> List(const Caller& caller, bool history = false, const std::string& name = "");

  // Appends a value (the history is kept). Only a caller who may write
  // parameters (access::Resource::kParams) for the area the value applies to
  // (its province, or the nation). Refuses an unknown name, a key or value of
  // the wrong form, an empty source.
  Parameter Set(const Caller& caller, const std::string& name, const std::string& key, const std::string& value,
                const std::string& source, const std::optional<std::string>& effective_from = std::nullopt);

  // Typed reads for the rules. Each throws FailedPrecondition naming the
  // parameter when no value is set.
  Fen PovertyLine(int year);                                // fen per person and year
  double ExitThresholdPercent(const std::string& area_code);  // by province (first 2 digits), else key ""
  double Number(const std::string& name, const std::string& key = "");
  std::string Text(const std::string& name, const std::string& key = "");
  // Every key of a parameter with its value in force (e.g. af_weight).
  std::map<std::string, std::string> All(const std::string& name);
  // The row in force of a (name, key), with its source, for reports that
  // show where a threshold comes from. FailedPrecondition when not set.
  Parameter InForce(const std::string& name, const std::string& key = "");
  // The exit_threshold row that applies to an area: its province's, else the default ("").
  Parameter ExitThresholdFor(const std::string& area_code);

 private:
  std::optional<std::string> Find(const std::string& name, const std::string& key);
  store::Connection& db_;
  const Clock& clock_;
};

}  // namespace fupin::assessment
