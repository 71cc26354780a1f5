#include "monitoring/internal.h"

#include <cmath>

#include <fmt/format.h>

#include "access/abilities.h"
#include "access/audit.h"
#include "access/pairing.h"
#include "core/area_code.h"
#include "registry/status.h"

namespace fupin::monitoring::internal {

void Require(store::Connection& db, const Clock& clock, const Caller& caller, access::Access access,
             const std::string& area_code, std::optional<int64_t> household_id, const std::string& entity) {
  access::Audit audit(db, clock);
  access::Guard(audit, access::ActivePairingCheck(db, clock.Today()))
      .Require(caller, access, access::Resource::kMonitoring, {area_code, household_id, entity});
}

void Refuse(store::Connection& db, const Clock& clock, const Caller& caller, const std::string& area_code,
            const std::string& entity, const std::string& reason) {
  access::Audit audit(db, clock);
  access::Deny(audit, caller,
               {access::Access::kWrite, access::Resource::kMonitoring, {area_code, std::nullopt, entity}, reason, std::nullopt});
}

void RequireAbility(store::Connection& db, const Clock& clock, const Caller& caller, access::Ability ability,
                    const std::string& area_code, const std::string& entity, const std::string& reason) {
  if (access::Can(caller, ability)) return;
  access::Audit audit(db, clock);
  access::Require(audit, caller, ability, {area_code, std::nullopt, entity}, reason);
}

std::string ResolveArea(store::Connection& db, const Caller& caller, const std::string& text) {
  if (text.empty() || text == "nation" || text == "全国") return text.empty() ? caller.area_scope : "";
  auto code = NormalizeAreaCode(text);
  if (!code) throw Error::InvalidArgument("invalid area", {{"area", "'" + text + "' is not an area code"}});
  auto s = db.Prepare("SELECT 1 FROM areas WHERE code = ?");
  s->BindText(1, *code);
  if (!s->Step()) throw Error::NotFound("no area " + *code);
  return *code;
}

double ParameterValues::Number(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) throw Error::FailedPrecondition("the monitoring parameter " + name + " is not set");
  try {
    return std::stod(it->second.first);
  } catch (const std::exception&) {
    throw Error::FailedPrecondition("the monitoring parameter " + name + " is not a number: " + it->second.first);
  }
}

bool ParameterValues::Enabled(const std::string& name) const {
  auto it = values.find(name);
  return it != values.end() && it->second.second;
}

ParameterValues LoadParameters(store::Connection& db) {
  ParameterValues p;
  auto s = db.Prepare("SELECT name, value, enabled FROM monitoring_parameters ORDER BY id");
  while (s->Step()) p.values[s->Text(0)] = {s->Text(1), s->Int(2) == 1};
  return p;
}

Lines::Lines(store::Connection& db) {
  auto s = db.Prepare("SELECT id, year, province, line, source, set_by FROM monitoring_thresholds ORDER BY id");
  while (s->Step()) {
    Threshold t;
    t.id = s->Int(0);
    t.year = static_cast<int>(s->Int(1));
    t.province = s->Text(2);
    t.line = s->Int(3);
    t.source = s->Text(4);
    t.set_by = s->Text(5);
    rows_[{t.year, t.province}] = t;
  }
}

std::optional<Threshold> Lines::For(int year, const std::string& area_code) const {
  const std::string province = area_code.size() >= 2 ? area_code.substr(0, 2) : "";
  for (int y = year; y >= 2000; --y) {
    if (!province.empty()) {
      if (auto it = rows_.find({y, province}); it != rows_.end()) return it->second;
    }
    if (auto it = rows_.find({y, std::string()}); it != rows_.end()) return it->second;
  }
  return std::nullopt;
}

std::optional<Date> ReadDate(const std::string& text, const std::string& path, const Clock& clock, Problems& problems) {
  if (text.empty()) return clock.Today();
  auto d = Date::Parse(text);
  if (!d) {
    problems.Add(path, "'" + text + "' is not a date YYYY-MM-DD");
    return std::nullopt;
  }
  if (*d > clock.Today()) {
    problems.Add(path, text + " lies in the future");
    return std::nullopt;
  }
  return d;
}

std::map<int64_t, std::string> StatusesOn(store::Connection& db, const std::string& area, const std::string& date) {
  std::map<int64_t, std::string> status;
  for (auto& [id, h] : registry::StatusesOn(db, area, date)) status.emplace(id, std::move(h.status));
  return status;
}

std::string YuanText(Fen fen) { return FormatYuan(fen); }

std::string PercentText(double percent) { return fmt::format("{:.1f}", std::round(percent * 10.0) / 10.0); }

}  // namespace fupin::monitoring::internal
