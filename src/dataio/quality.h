#pragma once
// Data-quality checks on the registry (in the spirit of DHIS2's validation
// rules): a catalogue of checks, each with an id, a severity, a Chinese title
// and a description, run set-based (a few queries per check over the area,
// the rest in memory) and reported as findings that name the village, the
// household and the person, for the village cadres to fix.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "access/personal_data.h"
#include "core/caller.h"
#include "core/date.h"
#include "store/database.h"

namespace fupin::dataio {

enum class Severity { kError, kWarning, kInfo };
const char* SeverityName(Severity severity);  // "error", "warning", "info"
const char* SeverityNameZh(Severity severity);  // 错误 警告 提示
std::optional<Severity> ParseSeverity(std::string_view text);

struct CheckInfo {
  std::string id;
  Severity severity = Severity::kError;
  std::string title_zh;
  std::string description;  // English, for the docs and the API
  bool available = true;    // false: listed, not run yet (see description)
};

const std::vector<CheckInfo>& CheckCatalogue();
nlohmann::json CheckCatalogueJson();

struct Finding {
  std::string check;
  Severity severity = Severity::kError;
  std::string village_code;
  std::string village_name;
  std::optional<int64_t> household_id;
  std::string household_number;
  std::optional<int64_t> person_id;
  std::string person_id_masked;  // 430424********002X
  std::string person_name;
  std::optional<int> year;
  std::string detail;  // in Chinese: what is wrong, with the values
};

struct CheckCount {
  std::string id;
  Severity severity = Severity::kError;
  std::string title_zh;
  int64_t count = 0;
};

struct AreaCount {
  std::string area_code;  // village
  std::string area_name;
  int64_t total = 0;
  std::map<std::string, int64_t> by_check;
};

struct QualityFilter {
  std::string area_code;            // any level; "" = the caller's scope
  std::optional<int> year;          // default: latest year with household facts in the area
  std::optional<std::string> check; // one check id
  std::optional<Severity> severity;
};

struct QualityResult {
  std::string area_code;
  int year = 0;
  std::vector<Finding> findings;   // by village, household number, check
  std::vector<CheckCount> counts;  // every check run, in catalogue order
  std::vector<AreaCount> by_area;  // villages with findings, by code
};

class QualityService {
 public:
  // `protector`: nullptr for the process's (ID numbers are decrypted in
  // memory to be checked; nothing decrypted leaves this class).
  explicit QualityService(store::Connection& db, const Clock& clock = DefaultClock(),
                 const access::PersonalDataProtector* protector = nullptr);

  // Needs a role that reads the registry (not a paired cadre or donor) and
  // an area inside the caller's scope. Unknown check id: invalid_argument.
  QualityResult Run(const Caller& caller, const QualityFilter& filter);

 private:
  store::Connection& db_;
  const Clock& clock_;
  const access::PersonalDataProtector* protector_;
};

nlohmann::json FindingJson(const Finding& finding);
nlohmann::json QualityResultJson(const QualityResult& result, bool with_findings);
// The findings as a spreadsheet (XLSX or CSV by extension).
void WriteFindings(const QualityResult& result, const std::string& path);

}  // namespace fupin::dataio
