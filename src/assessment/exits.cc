#include "assessment/exits.h"

#include "access/abilities.h"
#include "assessment/internal.h"
#include "assessment/params.h"
#include "registry/households.h"
#include "registry/status.h"
#include "registry/vocab.h"

namespace fupin::assessment {
namespace {

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

}  // namespace

std::vector<ExitStep> ExitService::Steps(int64_t household_id, int year) {
  auto s = db_.Prepare(
      "SELECT id, step, date, end_date, note, actor FROM exit_steps WHERE household_id = ? AND year = ?"
      " AND id IN (SELECT max(id) FROM exit_steps WHERE household_id = ? AND year = ? GROUP BY step)"
      " ORDER BY CASE step WHEN 'appraisal' THEN 0 WHEN 'verification' THEN 1 ELSE 2 END");
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
  if (step != "appraisal" && step != "verification" && step != "notice") {
    problems.push_back({"step", "'" + step + "' is not one of appraisal, verification, notice"});
  }
  if (year < 2000 || year > 2100) problems.push_back({"year", std::to_string(year) + " is out of range"});
  auto d = Date::Parse(date);
  if (!d) {
    problems.push_back({"date", "'" + date + "' is not a date YYYY-MM-DD"});
  } else if (*d > clock_.Today()) {
    problems.push_back({"date", date + " is in the future"});
  }
  if (step == "notice") {
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
  if (status != "poor") {
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
    if (s.step == "appraisal") appraisal = &s;
    if (s.step == "verification") verification = &s;
    if (s.step == "notice") notice = &s;
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
