#pragma once
// County exit survey records (贫困县退出评估调查记录), entered one by one or
// imported from a CSV or XLSX file, and village facility facts (贫困村基础设施
//和公共服务). They are the evidence the village and county assessments
// (area_assessments.h) read.
//
// Three kinds of survey record, each for a year and a village:
//   resurvey      an exited household surveyed again (错退调查): household_id
//                 and all six criterion facts (per-capita income and five
//                 flags) are required; poor and satisfied are refused.
//   sample        one household of a sample survey of households not registered
//                 as poor (漏评调查): `poor` (1 = found poor) is required.
//   satisfaction  one respondent of the satisfaction survey (群众认可度):
//                 `satisfied` is required.
// Every write needs write access to Resource::kAssessment for the village and
// is audited; an import is all or nothing in one transaction.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/caller.h"
#include "core/date.h"
#include "core/money.h"
#include "core/vocabulary.h"
#include "dataio/sheet.h"
#include "store/database.h"

namespace fupin::assessment {

// The kinds of survey record (core/vocabulary.h), served by GET /api/v1/vocabularies as survey_kind.
enum class SurveyKind { kResurvey, kSample, kSatisfaction };
std::span<const Term> SurveyKinds();

struct SurveyRecord {
  int64_t id = 0;  // set when stored
  std::string kind;  // resurvey, sample, satisfaction
  int year = 0;
  std::string village_code;
  std::string date;  // YYYY-MM-DD of the interview, not in the future
  std::optional<int64_t> household_id;
  std::string subject;  // respondent or sampled household (name, address); required for sample and satisfaction
  std::optional<Fen> per_capita_income;  // resurvey
  std::optional<bool> food_clothing, education, medical, housing, water;  // resurvey
  std::optional<bool> poor;       // sample
  std::optional<bool> satisfied;  // satisfaction
  std::string source;             // who surveyed (third party, team)
  std::string recorded_by;        // set when stored
};

// The kind of a record; nullopt when its wire string is none of the set.
std::optional<SurveyKind> KindOf(const SurveyRecord& record);

nlohmann::json SurveyJson(const SurveyRecord& record);

// The import sheet's columns as data (kind, year, village_code, date, ...):
// the reader, the validator and the template read it.
const std::vector<dataio::SheetColumn>& SurveySheet();

struct SurveyImportResult {
  std::string file;
  int64_t rows = 0;           // data rows read
  int64_t imported = 0;       // records stored
  int64_t rejected_rows = 0;  // rows left out (skip_invalid)
  std::vector<dataio::ImportProblem> problems;  // of the rows left out
  int64_t resurvey = 0, sample = 0, satisfaction = 0;
};

struct VillageFacilities {
  std::string area_code;
  int year = 0;
  std::optional<bool> road, water, power, clinic, broadband, culture_centre;
  std::optional<Fen> collective_income;  // 村集体经济收入, fen per year
};
nlohmann::json FacilitiesJson(const VillageFacilities& facilities);
// The facility names in the order of the table (and of `village_facilities`).
const std::vector<std::string>& FacilityNames();

class SurveyService {
 public:
  explicit SurveyService(store::Connection& db, const Clock& clock = DefaultClock()) : db_(db), clock_(clock) {}

  // Validates and stores one record. InvalidArgument naming each bad field.
  SurveyRecord Add(const Caller& caller, SurveyRecord record);
  // Validates every record as Add does (problems at "/i/field") and stores them
  // all in one transaction, or none. A fixed number of reads.
  std::vector<SurveyRecord> AddMany(const Caller& caller, std::vector<SurveyRecord> records);

  // Imports a CSV or XLSX file (first sheet, or `sheet`) declared by
  // SurveySheet (the one sheet reader: headers in English or Chinese, clerk
  // values; `household_number` may stand for `household_id`; income in
  // yuan). Every row is checked first; any problem refuses the whole file
  // (dataio::ThrowRefusal: every problem by row, column, value and reason in
  // Chinese) unless skip_invalid, which stores the good rows and reports the
  // others in the result.
  SurveyImportResult Import(const Caller& caller, const std::string& path, const std::string& sheet = "",
                            bool skip_invalid = false);

  // The records of an area's subtree for a year, optionally of one kind, by village and id.
  std::vector<SurveyRecord> List(const Caller& caller, const std::string& area_code, int year,
                                 const std::string& kind = "");

  // Sets the facility facts given (fields left nullopt keep their stored
  // value) of a village for a year and returns what is stored.
  VillageFacilities SetFacilities(const Caller& caller, const VillageFacilities& facts);
  // The stored facts (all nullopt when nothing is recorded).
  VillageFacilities GetFacilities(const Caller& caller, const std::string& village_code, int year);

 private:
  void Store(const Caller& caller, std::vector<SurveyRecord>& records);
  store::Connection& db_;
  const Clock& clock_;
};

}  // namespace fupin::assessment
