// Assessments (households, villages, counties), their evidence (village
// facilities, survey records) and the reports (incidence, measures). Access
// is checked in the assessment services (Resource::kAssessment).
#include <iostream>

#include "assessment/area_assessments.h"
#include "assessment/exits.h"
#include "assessment/households.h"
#include "assessment/incidence.h"
#include "assessment/indicators.h"
#include "assessment/measures.h"
#include "assessment/surveys.h"
#include "server/http_server.h"
#include "server/jobs.h"

namespace fupin::server {
namespace {

int RequiredYear(const std::optional<int64_t>& year, const std::string& path) {
  if (!year) throw Error::InvalidArgument("missing year", {{path, "required"}});
  if (*year < 2000 || *year > 2100) {
    throw Error::InvalidArgument("bad year", {{path, std::to_string(*year) + " is not between 2000 and 2100"}});
  }
  return static_cast<int>(*year);
}

int BodyYear(ApiRequest& r) {
  BodyReader b(r.body);
  auto year = b.Int("year", true);
  b.Finish();
  return RequiredYear(year, "/year");
}

std::optional<bool> OptionalFlag(BodyReader& b, const std::string& key) { return b.Bool(key); }

assessment::ExitBatchRequest ReadExitBatch(ApiRequest& r) {
  BodyReader b(r.body);
  assessment::ExitBatchRequest x;
  const auto year = b.Int("year", true);
  x.household_ids = b.Ints("household_ids", true).value_or(std::vector<int64_t>{});
  x.appraisal_date = b.String("appraisal_date", false, 10);
  x.verification_date = b.String("verification_date", false, 10);
  x.notice_start = b.String("notice_start", false, 10);
  x.notice_end = b.String("notice_end", false, 10);
  x.exit_date = b.String("exit_date", false, 10);
  x.note = b.String("note", false, 2000).value_or("");
  b.Finish();
  x.year = RequiredYear(year, "/year");
  return x;
}

// The batch's answer: each refusal also in Chinese, as every refusal (ErrorJson).
nlohmann::json ExitBatchAnswer(int year, const std::vector<assessment::ExitBatchResult>& results) {
  nlohmann::json j = assessment::ExitBatchJson(year, results);
  for (size_t i = 0; i < results.size(); ++i) {
    const auto& x = results[i];
    if (!x.ok()) j["results"][i]["error"] = ErrorJson(ErrorCodeName(x.code), x.message, x.details)["error"];
  }
  return j;
}

// The columnar copy of the facts, with problems in the server's log (its standard error).
assessment::FactsChoice FactsOf(const std::string& path) {
  return {path, [](const std::string& why) { std::cerr << "fupin: " << why << '\n'; }};
}

}  // namespace

void AddAssessmentRoutes(std::vector<Route>& routes, const std::string& facts_path) {
  routes.push_back({"POST", "/api/v1/assessments/households", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      const auto year = b.Int("year", true);
                      const std::string area = b.String("area", false, 12).value_or("");
                      b.Finish();
                      const auto s = assessment::AssessHouseholds(r.connection(), r.caller, RequiredYear(year, "/year"),
                                                                  area, *r.clock);
                      return ApiResponse::Ok(assessment::AssessmentSummaryJson(s));
                    },
                    "Check every poor household of an area against the exit criteria and store the results"});
  routes.push_back({"POST", "/api/v1/assessments/villages/{code}", true,
                    [](ApiRequest& r) {
                      const int year = BodyYear(r);
                      return ApiResponse::Ok(assessment::AreaAssessmentJson(
                          assessment::AssessVillage(r.connection(), r.caller, r.path.at("code"), year, *r.clock)));
                    },
                    "Village exit assessment of a year: incidence, facilities, collective income"});
  routes.push_back({"POST", "/api/v1/assessments/counties/{code}", true,
                    [](ApiRequest& r) {
                      const int year = BodyYear(r);
                      return ApiResponse::Ok(assessment::AreaAssessmentJson(
                          assessment::AssessCounty(r.connection(), r.caller, r.path.at("code"), year, *r.clock)));
                    },
                    "County exit assessment of a year: incidence, wrong-exit, missed-registration, satisfaction"});
  routes.push_back({"GET", "/api/v1/reports/incidence", true,
                    [](ApiRequest& r) {
                      const std::string area = r.Query("area").value_or("");
                      std::vector<assessment::IncidenceRow> rows;
                      if (auto as_of = r.Query("as_of")) {
                        rows.push_back(assessment::ComputeIncidenceAt(r.connection(), r.caller, area, *as_of));
                      } else {
                        const int from = static_cast<int>(r.QueryInt("from").value_or(2014));
                        const int to = static_cast<int>(r.QueryInt("to").value_or(r.clock->Today().year));
                        rows = assessment::ComputeIncidence(r.connection(), r.caller, area, from, to);
                      }
                      nlohmann::json items = nlohmann::json::array();
                      for (const auto& x : rows) {
                        items.push_back({{"area_code", x.area_code}, {"year", x.year},
                                         {"poor_households", x.poor_households}, {"poor_persons", x.poor_persons},
                                         {"rural_population", x.rural_population}, {"rate", x.rate()}});
                      }
                      return ApiResponse::Ok({{"items", items}});
                    },
                    "Poverty incidence of an area by year (or at one date)"});
  routes.push_back({"GET", "/api/v1/reports/indicators", true,
                    [facts_path](ApiRequest& r) {
                      const bool as_job = WantsJob(r);
                      const std::string area = r.Query("area").value_or("");
                      const int year = RequiredYear(r.QueryInt("year"), "?year");
                      const int from = static_cast<int>(r.QueryInt("from").value_or(2014));
                      auto compute = [area, from, year, facts_path](store::Connection& db, const Caller& caller,
                                                                    Progress& progress) {
                        return assessment::IndicatorSummaryJson(assessment::ComputeIndicatorsPreferringFacts(
                            db, caller, area, from, year, FactsOf(facts_path), nullptr, progress));
                      };
                      if (as_job) return StartJob(r, "reports.indicators", 200, compute);
                      return ApiResponse::Ok(compute(r.connection(), r.caller, NoProgress()));
                    },
                    "Exit assessment, incidence by year and measures of an area and every area under it, in one pass"
                    " (as `fupin report indicators`; ?async=true: as a job, 202)"});
  routes.push_back({"GET", "/api/v1/reports/measures", true,
                    [facts_path](ApiRequest& r) {
                      const int year = RequiredYear(r.QueryInt("year"), "year");
                      const std::string area = r.Query("area").value_or("");
                      return ApiResponse::Ok(assessment::MeasureJson(assessment::ComputeMeasuresPreferringFacts(
                          r.connection(), r.caller, area, year, FactsOf(facts_path), *r.clock)));
                    },
                    "FGT P0/P1/P2, Gini and Alkire-Foster H/A/M0 of an area and year"});
  routes.push_back({"GET", "/api/v1/villages/{code}/facilities/{year}", true,
                    [](ApiRequest& r) {
                      assessment::SurveyService s(r.connection(), *r.clock);
                      const int year = RequiredYear(r.PathId("year"), "{year}");
                      return ApiResponse::Ok(assessment::FacilitiesJson(s.GetFacilities(r.caller, r.path.at("code"), year)));
                    },
                    "A village's infrastructure and services for a year (null: not recorded)"});
  routes.push_back({"PUT", "/api/v1/villages/{code}/facilities/{year}", true,
                    [](ApiRequest& r) {
                      assessment::VillageFacilities f;
                      f.area_code = r.path.at("code");
                      f.year = RequiredYear(r.PathId("year"), "{year}");
                      BodyReader b(r.body);
                      f.road = OptionalFlag(b, "road");
                      f.water = OptionalFlag(b, "water");
                      f.power = OptionalFlag(b, "power");
                      f.clinic = OptionalFlag(b, "clinic");
                      f.broadband = OptionalFlag(b, "broadband");
                      f.culture_centre = OptionalFlag(b, "culture_centre");
                      f.collective_income = b.Yuan("collective_income");
                      b.Finish();
                      assessment::SurveyService s(r.connection(), *r.clock);
                      return ApiResponse::Ok(assessment::FacilitiesJson(s.SetFacilities(r.caller, f)));
                    },
                    "Record a village's facilities for a year; fields left out keep their value"});
  routes.push_back({"POST", "/api/v1/surveys", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      assessment::SurveyRecord x;
                      x.kind = b.String("kind", true, 20).value_or("");
                      x.year = static_cast<int>(b.Int("year", true).value_or(0));
                      x.village_code = b.String("village_code", true, 12).value_or("");
                      x.date = b.String("date", true, 10).value_or("");
                      x.household_id = b.Int("household_id");
                      x.subject = b.String("subject", false, 200).value_or("");
                      x.per_capita_income = b.Yuan("per_capita_income");
                      x.food_clothing = b.Bool("food_clothing");
                      x.education = b.Bool("education");
                      x.medical = b.Bool("medical");
                      x.housing = b.Bool("housing");
                      x.water = b.Bool("water");
                      x.poor = b.Bool("poor");
                      x.satisfied = b.Bool("satisfied");
                      x.source = b.String("source", false, 200).value_or("");
                      b.Finish();
                      assessment::SurveyService s(r.connection(), *r.clock);
                      return ApiResponse::Created(assessment::SurveyJson(s.Add(r.caller, x)));
                    },
                    "Record one survey record of a county exit check (resurvey, sample, satisfaction)"});
  routes.push_back({"GET", "/api/v1/surveys", true,
                    [](ApiRequest& r) {
                      assessment::SurveyService s(r.connection(), *r.clock);
                      const int year = RequiredYear(r.QueryInt("year"), "year");
                      const auto rows = s.List(r.caller, r.Query("area").value_or(""), year, r.Query("kind").value_or(""));
                      nlohmann::json items = nlohmann::json::array();
                      for (const auto& x : rows) items.push_back(assessment::SurveyJson(x));
                      return ApiResponse::Ok({{"items", items}});
                    },
                    "Survey records of an area and year, optionally of one kind"});
  routes.push_back({"POST", "/api/v1/exits/batch", true,
                    [](ApiRequest& r) {
                      const auto request = ReadExitBatch(r);
                      assessment::ExitService exits(r.connection(), *r.clock);
                      return ApiResponse::Ok(ExitBatchAnswer(request.year, exits.RunBatch(r.caller, request)));
                    },
                    "The exit procedure's steps (appraisal, verification, notice, record) for many households at "
                    "once, each household whole or not at all, with each one's result"});
}

}  // namespace fupin::server
