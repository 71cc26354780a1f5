#include "assessment/exits.h"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "access/abilities.h"
#include "assessment/internal.h"
#include "assessment/params.h"
#include "core/area_code.h"
#include "registry/households.h"
#include "registry/status.h"
#include "registry/vocab.h"

namespace fupin::assessment {
namespace {

// The three steps' words, shared by the procedure's table and the batch's.
constexpr const char* kAppraisalZh = "村评议";
constexpr const char* kVerificationZh = "驻村工作队核实";
constexpr const char* kNoticeZh = "公示";

constexpr Term kExitSteps[] = {{static_cast<int>(ExitStepKind::kAppraisal), "appraisal", kAppraisalZh},
                               {static_cast<int>(ExitStepKind::kVerification), "verification", kVerificationZh},
                               {static_cast<int>(ExitStepKind::kNotice), "notice", kNoticeZh}};
constexpr Term kBatchSteps[] = {{static_cast<int>(ExitBatchStep::kHousehold), "household", "户"},
                                {static_cast<int>(ExitBatchStep::kAppraisal), "appraisal", kAppraisalZh},
                                {static_cast<int>(ExitBatchStep::kVerification), "verification", kVerificationZh},
                                {static_cast<int>(ExitBatchStep::kNotice), "notice", kNoticeZh},
                                {static_cast<int>(ExitBatchStep::kRecord), "record", "退出销号"}};

std::string HouseholdVillage(store::Connection& db, int64_t id) {
  auto s = db.Prepare("SELECT village_code FROM households WHERE id = ?");
  s->BindInt(1, id);
  if (!s->Step()) throw Error::NotFound("no household with id " + std::to_string(id));
  return s->Text(0);
}

std::string CurrentStatus(store::Connection& db, int64_t id) {
  auto s = db.Prepare("SELECT " + registry::LatestEventKindSql("?"));
  s->BindInt(1, id);
  s->Step();
  return std::string(registry::StatusAfter(s->IsNull(0) ? std::string() : s->Text(0)));
}

// The batch request's own shape, every problem at once.
void CheckBatch(const ExitBatchRequest& r) {
  Problems problems;
  if (r.year < 2000 || r.year > 2100) problems.Add("/year", std::to_string(r.year) + " is out of range");
  if (r.household_ids.empty()) problems.Add("/household_ids", "no household selected");
  if (r.household_ids.size() > 1000) problems.Add("/household_ids", "at most 1000 households at once");
  std::set<int64_t> seen;
  for (size_t i = 0; i < r.household_ids.size(); ++i) {
    if (!seen.insert(r.household_ids[i]).second) {
      problems.Add("/household_ids/" + std::to_string(i), std::to_string(r.household_ids[i]) + " is selected twice");
    }
  }
  const std::pair<const char*, const std::optional<std::string>*> dates[] = {
      {"/appraisal_date", &r.appraisal_date}, {"/verification_date", &r.verification_date},
      {"/notice_start", &r.notice_start},     {"/notice_end", &r.notice_end},
      {"/exit_date", &r.exit_date}};
  bool any = false;
  for (const auto& [path, date] : dates) {
    if (!date->has_value()) continue;
    any = true;
    if (!Date::Parse(**date)) problems.Add(path, "'" + **date + "' is not a date YYYY-MM-DD");
  }
  if (!any) problems.Add("/", "no step: give appraisal_date, verification_date, notice_start and notice_end, or exit_date");
  if (r.notice_start.has_value() != r.notice_end.has_value()) {
    problems.Add(r.notice_start ? "/notice_end" : "/notice_start", "a public notice needs its first and last day");
  }
  if (r.note.size() > 2000) problems.Add("/note", "longer than 2000 characters");
  problems.ThrowIfAny("invalid exit batch");
}

}  // namespace

std::span<const Term> ExitStepKinds() { return kExitSteps; }
std::span<const Term> ExitBatchSteps() { return kBatchSteps; }

nlohmann::json ExitBatchJson(int year, const std::vector<ExitBatchResult>& results) {
  nlohmann::json items = nlohmann::json::array();
  int64_t succeeded = 0;
  for (const auto& x : results) {
    nlohmann::json j = {{"household_id", x.household_id}, {"number", x.number}, {"ok", x.ok()}, {"done", x.done},
                        {"event_id", x.event_id ? nlohmann::json(*x.event_id) : nlohmann::json(nullptr)}};
    if (x.ok()) {
      ++succeeded;
    } else {
      nlohmann::json details = nlohmann::json::array();
      for (const auto& d : x.details) details.push_back({{"path", d.path}, {"problem", d.problem}});
      j["failed_step"] = x.failed_step;
      j["error"] = {{"code", ErrorCodeName(x.code)}, {"message", x.message}, {"details", details}};
    }
    items.push_back(std::move(j));
  }
  return {{"year", year}, {"results", items}, {"succeeded", succeeded},
          {"failed", static_cast<int64_t>(results.size()) - succeeded}};
}

std::vector<ExitBatchResult> ExitService::RunBatch(const Caller& caller, const ExitBatchRequest& r) {
  CheckBatch(r);
  if (!access::Can(caller, access::Ability::kWriteRegistry)) {
    throw Error::PermissionDenied("this caller may not record exit steps");
  }
  // The households' numbers in one query (the steps check access and state themselves).
  std::map<int64_t, std::string> numbers;
  {
    std::string sql = "SELECT id, number FROM households WHERE id IN (";
    for (size_t i = 0; i < r.household_ids.size(); ++i) sql += i == 0 ? "?" : ", ?";
    auto s = db_.Prepare(sql + ")");
    for (size_t i = 0; i < r.household_ids.size(); ++i) s->BindInt(static_cast<int>(i) + 1, r.household_ids[i]);
    while (s->Step()) numbers[s->Int(0)] = s->Text(1);
  }
  std::vector<ExitBatchResult> out;
  out.reserve(r.household_ids.size());
  store::Transaction batch(db_);
  for (const int64_t id : r.household_ids) {
    ExitBatchResult result;
    result.household_id = id;
    std::string step = WireOf(kBatchSteps, ExitBatchStep::kHousehold);
    try {
      store::Transaction one(db_);  // a savepoint: this household whole or not at all
      if (!numbers.contains(id)) throw Error::NotFound("no household with id " + std::to_string(id));
      result.number = numbers[id];
      auto run = [&](const char* name, const std::optional<std::string>& date, const std::optional<std::string>& end) {
        if (!date) return;
        step = name;
        RecordStep(caller, id, r.year, step, *date, end, r.note);
        result.done.push_back(step);
      };
      run(WireOf(kExitSteps, ExitStepKind::kAppraisal), r.appraisal_date, std::nullopt);
      run(WireOf(kExitSteps, ExitStepKind::kVerification), r.verification_date, std::nullopt);
      run(WireOf(kExitSteps, ExitStepKind::kNotice), r.notice_start, r.notice_end);
      if (r.exit_date) {
        step = WireOf(kBatchSteps, ExitBatchStep::kRecord);
        result.event_id = Exit(caller, {id, *r.exit_date, r.year, r.note, std::nullopt});
        result.done.push_back(step);
      }
      one.Commit();
    } catch (const Error& e) {
      result.failed_step = step;
      result.code = e.code();
      result.message = e.what();
      result.details = e.details();
      result.done.clear();
      result.event_id.reset();
    }
    out.push_back(std::move(result));
  }
  batch.Commit();
  return out;
}

ExitQueue ExitService::Waiting(const Caller& caller) {
  if (!access::Can(caller, access::Ability::kWriteRegistry)) {
    throw Error::PermissionDenied("this caller may not record exit steps");
  }
  // Per household and year: which steps it has and the notice's last day;
  // then only procedures that began with an appraisal, of households poor today.
  const std::string appraisal = SqlWire(kExitSteps, ExitStepKind::kAppraisal);
  const std::string verification = SqlWire(kExitSteps, ExitStepKind::kVerification);
  const std::string notice = SqlWire(kExitSteps, ExitStepKind::kNotice);
  auto s = db_.Prepare(
      "SELECT COALESCE(SUM(CASE WHEN x.v = 0 THEN 1 ELSE 0 END), 0),"
      " COALESCE(SUM(CASE WHEN x.v = 1 AND x.n = 0 THEN 1 ELSE 0 END), 0),"
      " COALESCE(SUM(CASE WHEN x.n = 1 AND x.notice_end < ?3 THEN 1 ELSE 0 END), 0)"
      " FROM (SELECT e.household_id,"
      " MAX(CASE WHEN e.step = " + appraisal + " THEN 1 ELSE 0 END) AS a,"
      " MAX(CASE WHEN e.step = " + verification + " THEN 1 ELSE 0 END) AS v,"
      " MAX(CASE WHEN e.step = " + notice + " THEN 1 ELSE 0 END) AS n,"
      " MAX(CASE WHEN e.step = " + notice + " THEN e.end_date END) AS notice_end"
      " FROM exit_steps e JOIN households h ON h.id = e.household_id"
      " WHERE h.village_code >= ?1 AND h.village_code < ?2 GROUP BY e.household_id, e.year) x"
      " WHERE x.a = 1 AND " + registry::StatusOnSql("x.household_id", "?3") + " = " +
      registry::SqlLiteral(registry::HouseholdState::kPoor));
  s->BindText(1, caller.area_scope);
  s->BindText(2, SubtreeEnd(caller.area_scope));
  s->BindText(3, clock_.Today().ToString());
  s->Step();
  return {s->Int(0), s->Int(1), s->Int(2)};
}

std::vector<ExitStep> ExitService::Steps(int64_t household_id, int year) {
  auto s = db_.Prepare(
      "SELECT id, step, date, end_date, note, actor FROM exit_steps WHERE household_id = ? AND year = ?"
      " AND id IN (SELECT max(id) FROM exit_steps WHERE household_id = ? AND year = ? GROUP BY step)"
      " ORDER BY " + SqlOrderOf(kExitSteps, "step"));
  s->BindInt(1, household_id);
  s->BindInt(2, year);
  s->BindInt(3, household_id);
  s->BindInt(4, year);
  std::vector<ExitStep> out;
  while (s->Step()) {
    out.push_back({s->Int(0), household_id, year, s->Text(1), s->Text(2), s->OptionalText(3), s->Text(4), s->Text(5)});
  }
  return out;
}

ExitStep ExitService::RecordStep(const Caller& caller, int64_t household_id, int year, const std::string& step,
                                 const std::string& date, const std::optional<std::string>& end_date,
                                 const std::string& note) {
  const std::string village = HouseholdVillage(db_, household_id);
  if (!access::Can(caller, access::Ability::kWriteRegistry) || !caller.CoversArea(village)) {
    throw Error::PermissionDenied("this caller may not record exit steps in village " + village);
  }
  std::vector<ErrorDetail> problems;
  const auto kind = ParseWire<ExitStepKind>(kExitSteps, step);
  if (!kind) problems.push_back({"step", "'" + step + "' is not one of appraisal, verification, notice"});
  if (year < 2000 || year > 2100) problems.push_back({"year", std::to_string(year) + " is out of range"});
  auto d = Date::Parse(date);
  if (!d) {
    problems.push_back({"date", "'" + date + "' is not a date YYYY-MM-DD"});
  } else if (*d > clock_.Today()) {
    problems.push_back({"date", date + " is in the future"});
  }
  if (kind == ExitStepKind::kNotice) {
    if (!end_date) {
      problems.push_back({"end_date", "a public notice needs its last day"});
    } else if (auto e = Date::Parse(*end_date); !e) {
      problems.push_back({"end_date", "'" + *end_date + "' is not a date YYYY-MM-DD"});
    } else if (d && *e < *d) {
      problems.push_back({"end_date", *end_date + " is before the first day " + date});
    }
  } else if (end_date) {
    problems.push_back({"end_date", "only a public notice has an end date"});
  }
  if (note.size() > 2000) problems.push_back({"note", "longer than 2000 characters"});
  if (!problems.empty()) throw Error::InvalidArgument("invalid exit step", problems);
  const std::string status = CurrentStatus(db_, household_id);
  if (registry::ParseStatus(status) != registry::HouseholdState::kPoor) {
    throw Error::FailedPrecondition("only a poor household goes through the exit procedure",
                                    {{"household", "status is " + status}});
  }
  auto s = db_.Prepare(
      "INSERT INTO exit_steps (household_id, year, step, date, end_date, note, actor, recorded_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  s->BindInt(1, household_id);
  s->BindInt(2, year);
  s->BindText(3, step);
  s->BindText(4, date);
  s->BindOptionalText(5, end_date);
  s->BindText(6, note);
  s->BindText(7, caller.user_name);
  s->BindInt(8, clock_.NowSeconds());
  s->Step();
  ExitStep out{s->Int(0), household_id, year, step, date, end_date, note, caller.user_name};
  s->Reset();
  return out;
}

ExitCheck ExitService::Check(const Caller& caller, int64_t household_id, int year, const std::string& date) {
  ExitCheck c;
  c.household_id = household_id;
  c.year = year;
  c.assessment = AssessOneHousehold(db_, caller, household_id, year);
  c.steps = Steps(household_id, year);
  const ExitStep* appraisal = nullptr;
  const ExitStep* verification = nullptr;
  const ExitStep* notice = nullptr;
  for (const auto& s : c.steps) {
    const auto kind = ParseWire<ExitStepKind>(kExitSteps, s.step);
    if (kind == ExitStepKind::kAppraisal) appraisal = &s;
    if (kind == ExitStepKind::kVerification) verification = &s;
    if (kind == ExitStepKind::kNotice) notice = &s;
  }
  const std::string y = std::to_string(year);
  if (!appraisal) c.unmet.push_back({"appraisal", "没有" + y + "年度村评议记录"});
  if (!verification) {
    c.unmet.push_back({"verification", "没有" + y + "年度驻村工作队核实记录"});
  } else if (appraisal && verification->date < appraisal->date) {
    c.unmet.push_back({"verification", "核实（" + verification->date + "）早于村评议（" + appraisal->date + "）"});
  }
  if (!notice) {
    c.unmet.push_back({"notice", "没有" + y + "年度公示记录"});
  } else {
    Parameters params(db_, clock_);
    const int min_days = static_cast<int>(params.Number("notice_min_days"));
    auto first = Date::Parse(notice->date);
    auto last = Date::Parse(notice->end_date.value_or(""));
    const int64_t days = (first && last) ? last->ToDays() - first->ToDays() + 1 : 0;
    if (days < min_days) {
      c.unmet.push_back({"notice", "公示 " + notice->date + " 至 " + notice->end_date.value_or("?") + " 共 " +
                                       std::to_string(days) + " 天，少于 " + std::to_string(min_days) + " 天"});
    }
    if (verification && notice->date < verification->date) {
      c.unmet.push_back({"notice", "公示（" + notice->date + "）早于核实（" + verification->date + "）"});
    }
    if (notice->end_date && date <= *notice->end_date) {
      c.unmet.push_back({"date", "退出日期 " + date + " 不在公示期满（" + *notice->end_date + "）之后"});
    }
  }
  for (const auto& r : c.assessment.decision.criteria) {
    if (r.outcome != Outcome::kPass) {
      c.unmet.push_back({"criteria/" + r.criterion, std::string(OutcomeName(r.outcome)) + ": " + r.reason});
    }
  }
  return c;
}

int64_t ExitService::Exit(const Caller& caller, const ExitRequest& in) {
  const std::string village = HouseholdVillage(db_, in.household_id);
  if (!access::Can(caller, access::Ability::kWriteRegistry) || !caller.CoversArea(village)) {
    throw Error::PermissionDenied("this caller may not record exits in village " + village);
  }
  auto d = Date::Parse(in.date);
  if (!d) throw Error::InvalidArgument("invalid exit", {{"date", "'" + in.date + "' is not a date YYYY-MM-DD"}});
  if (*d > clock_.Today()) throw Error::InvalidArgument("invalid exit", {{"date", in.date + " is in the future"}});
  {
    auto last = db_.Prepare("SELECT max(date) FROM household_events WHERE household_id = ?");
    last->BindInt(1, in.household_id);
    if (last->Step() && !last->IsNull(0) && in.date < last->Text(0)) {
      throw Error::InvalidArgument("event before the last one",
                                   {{"date", in.date + " is before the last event's date " + last->Text(0)}});
    }
  }
  const int year = in.year.value_or(d->year);
  const bool overriding = in.override_reason.has_value();
  if (overriding) {
    if (!access::Can(caller, access::Ability::kOverrideExitChecks)) {
      throw Error::PermissionDenied("only an administrator or the county office may override the exit checks");
    }
    if (in.override_reason->find_first_not_of(" \t\n") == std::string::npos) {
      throw Error::InvalidArgument("invalid override", {{"override_reason", "a written reason is required"}});
    }
  }
  store::Transaction tx(db_);
  ExitCheck check = Check(caller, in.household_id, year, in.date);
  if (!check.unmet.empty() && !overriding) {
    throw Error::FailedPrecondition("the exit of household " + check.assessment.number + " for " +
                                        std::to_string(year) + " is refused: the procedure or a criterion is not met",
                                    check.unmet);
  }
  registry::HouseholdRegistry reg(db_, clock_);
  registry::HouseholdRegistry::EventInput event{in.household_id, "exited", in.date, year, in.reason};
  if (overriding && event.reason.empty()) event.reason = "特批：" + *in.override_reason;
  const int64_t id = reg.RecordExit(caller, event, registry::ExitPermit());
  if (overriding) {
    std::string unmet;
    for (const auto& u : check.unmet) unmet += (unmet.empty() ? "" : "; ") + u.path + ": " + u.problem;
    auto s = db_.Prepare(
        "INSERT INTO exit_overrides (event_id, household_id, year, reason, unmet, actor, role, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    s->BindInt(1, id);
    s->BindInt(2, in.household_id);
    s->BindInt(3, year);
    s->BindText(4, *in.override_reason);
    s->BindText(5, unmet);
    s->BindText(6, caller.user_name);
    s->BindText(7, RoleName(caller.role));
    s->BindInt(8, clock_.NowSeconds());
    s->Run();
  }
  tx.Commit();
  return id;
}

}  // namespace fupin::assessment
