#include "grievance/demo.h"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "access/audit.h"
#include "access/personal_data.h"
#include "core/area_code.h"
#include "core/date.h"
#include "core/error.h"
#include "grievance/grievances.h"
#include "registry/status.h"

namespace fupin::grievance {
namespace {

struct Household {
  int64_t id = 0;
  std::string village, address;
  int64_t version = 0, last_event = 0;
};

// Every `step`-th household of the county that is not removed or dead, `count` of them.
std::vector<Household> Pick(store::Connection& db, const std::string& county, size_t count) {
  auto s = db.Prepare(
      "SELECT h.id, h.village_code, h.address, h.version,"
      " (SELECT COALESCE(max(e.id), 0) FROM household_events e WHERE e.household_id = h.id) FROM households h"
      " WHERE h.village_code >= ? AND h.village_code < ? AND NOT EXISTS (SELECT 1 FROM household_events x"
      " WHERE x.household_id = h.id AND x.kind IN " +
      registry::SqlList({registry::EventKind::kRemoved, registry::EventKind::kDeceased}) + ") ORDER BY h.id");
  s->BindText(1, county);
  s->BindText(2, SubtreeEnd(county));
  std::vector<Household> all;
  while (s->Step()) all.push_back({s->Int(0), s->Text(1), s->Text(2), s->Int(3), s->Int(4)});
  std::vector<Household> out;
  if (all.empty()) return out;
  out.reserve(count);
  const size_t step = std::max<size_t>(1, all.size() / count);
  for (size_t i = 0; i < all.size() && out.size() < count; i += step) out.push_back(all[i]);
  return out;
}

// Noon in Beijing of a day, in UTC seconds.
int64_t Noon(const Date& d) { return d.ToDays() * 86400 + 4 * 3600; }

int64_t WriteChangeRequests(store::Connection& db, const Caller& caller, const std::string& county,
                            const std::vector<Household>& hs, const Date& as_of) {
  const auto& protector = access::CurrentProtector();
  const std::vector<std::string> columns = {"kind", "entity", "household_id", "area_code", "base_state", "diff",
                                            "proposal_enc", "reason", "evidence", "level", "status", "proposed_by",
                                            "proposer", "proposed_on", "decided_on", "created_at", "updated_at"};
  auto rows = db.BulkInsert("change_requests", columns);
  // Four waiting for the township (the two oldest past their 10 days), two rejected, two sent back.
  static constexpr std::array<const char*, 8> kStatus = {"proposed", "proposed", "proposed", "proposed",
                                                         "rejected", "rejected", "sent_back", "sent_back"};
  static constexpr std::array<int, 8> kDaysAgo = {2, 6, 15, 31, 40, 52, 60, 75};
  int64_t n = 0;
  for (size_t i = 0; i < hs.size() && i < kStatus.size(); ++i) {
    const Household& h = hs[i];
    const std::string after = h.address + "（门牌调整）";
    const nlohmann::json change = {{"household_id", h.id}, {"set", {{"address", after}}}};
    const nlohmann::json diff = nlohmann::json::array({{{"field", "address"}, {"before", h.address}, {"after", after}}});
    const Date on = Date::FromDays(as_of.ToDays() - kDaysAgo[i]);
    const bool decided = std::string(kStatus[i]) == "rejected";
    rows->Append({std::string("household_update"), "household/" + std::to_string(h.id), h.id, h.village,
                  fmt::format("v{}e{}", h.version, h.last_event), diff.dump(), protector.Encrypt(change.dump()),
                  std::string("户主反映门牌号已调整"), std::string(R"(["村委会门牌调整证明"])"), std::string("township"),
                  std::string(kStatus[i]), caller.user_id, caller.user_name, on.ToString(),
                  decided ? store::Value(Date::FromDays(on.ToDays() + 5).ToString()) : store::Value(nullptr), Noon(on),
                  Noon(on)});
    ++n;
  }
  rows->Finish();
  // The steps, one statement each for every request of the county.
  for (const auto& [step, status, note] : std::array<std::array<const char*, 3>, 3>{
           {{"proposed", "", ""}, {"rejected", "rejected", "证明材料不全，不予变更"}, {"sent_back", "sent_back", "请补充门牌证明"}}}) {
    auto s = db.Prepare(std::string("INSERT INTO change_request_steps (request_id, step, actor_id, actor, note, at)"
                                    " SELECT id, ?, proposed_by, proposer, ") +
                        (*status ? "?" : "reason") + ", created_at FROM change_requests WHERE area_code >= ? AND area_code < ?" +
                        (*status ? " AND status = ?" : ""));
    int i = 1;
    s->BindText(i++, step);
    if (*status) s->BindText(i++, note);
    s->BindText(i++, county);
    s->BindText(i++, SubtreeEnd(county));
    if (*status) s->BindText(i++, status);
    s->Step();
  }
  return n;
}

struct PlannedGrievance {
  const char* channel;
  const char* category;
  int days;  // the category's (grievance_categories)
  const char* status;
  const char* complainant;  // nullptr: anonymous
  const char* masked;
  const char* text;
};

constexpr std::array<PlannedGrievance, 12> kGrievances = {{
    {"hotline", "wrongly_excluded", 30, "closed", "王秀英", "王**", "家中老人常年患病，收入低，未被纳入建档立卡"},
    {"letter", "benefit_not_received", 30, "answered", "李建国", "李**", "孩子上学的教育资助今年未到账"},
    {"visit", "wrongly_included", 30, "investigating", "赵春华", "赵**", "反映邻居家有车有店，不应纳入贫困户"},
    {"online", "cadre_conduct", 60, "received", nullptr, nullptr, "反映村干部在评议中优亲厚友"},
    {"hotline", "funds_projects", 60, "closed", "陈志强", "陈**", "村道硬化工程拖欠务工工资"},
    {"cadre", "other", 60, "received", "刘桂兰", "刘**", "咨询易地搬迁后原宅基地如何处理"},
    {"hotline", "benefit_not_received", 30, "received", "周伟", "周*", "低保金连续两个月未发放"},
    {"letter", "wrongly_excluded", 30, "investigating", "吴玉梅", "吴**", "丈夫务工受伤失去劳动能力，申请纳入"},
    {"self_application", "self_application", 15, "closed", "黄金秀", "黄**", "今年住院花了六万元，收入减少，申请纳入监测"},
    {"self_application", "self_application", 15, "answered", "孙红", "孙*", "家中房屋漏雨，申请危房改造帮扶"},
    {"self_application", "self_application", 15, "received", "马德胜", "马**", "务工单位停工，全家没有收入"},
    {"self_application", "self_application", 15, "received", "胡小燕", "胡**", "孩子患白血病，医疗费用高，申请帮扶"},
}};

int64_t WriteGrievances(store::Connection& db, const Caller& caller, const std::string& county,
                        const std::vector<Household>& hs, const Date& as_of) {
  const auto& protector = access::CurrentProtector();
  const std::vector<std::string> columns = {
      "number", "channel", "category", "area_code", "household_id", "anonymous", "complainant_enc",
      "complainant_masked", "phone_enc", "phone_index", "phone_masked", "applies_for", "text", "unit", "status",
      "received_on", "deadline", "answered_on", "closed_on", "answer", "satisfaction", "recorded_by", "created_at",
      "updated_at"};
  auto rows = db.BulkInsert("grievances", columns);
  int64_t n = 0;
  for (size_t i = 0; i < kGrievances.size() && i < hs.size(); ++i) {
    const PlannedGrievance& g = kGrievances[i];
    const Household& h = hs[hs.size() - 1 - i];  // other households than the change requests'
    const Date received = Date::FromDays(as_of.ToDays() - 3 - 9 * static_cast<int64_t>(i));
    const std::string status = g.status;
    const bool answered = status == "answered" || status == "closed";
    const bool self = std::string(g.channel) == "self_application";
    const std::optional<std::string> phone =
        g.complainant ? std::optional<std::string>(fmt::format("1397340{:04d}", 100 + i)) : std::nullopt;
    const auto p = access::PhoneValues(phone, &protector);
    const Date answered_on = Date::FromDays(received.ToDays() + g.days / 2);
    rows->Append({fmt::format("XF{:04d}{:02d}{:02d}-0001", received.year, received.month, received.day),
                  std::string(g.channel), std::string(g.category), h.village, h.id, int64_t{g.complainant ? 0 : 1},
                  g.complainant ? store::Value(protector.Encrypt(g.complainant)) : store::Value(nullptr),
                  g.complainant ? store::Value(std::string(g.masked)) : store::Value(nullptr), p[0], p[1], p[2],
                  self ? store::Value(std::string("monitoring")) : store::Value(nullptr), std::string(g.text),
                  status == "received" ? std::string() : std::string("乡镇扶贫工作站"), status,
                  received.ToString(), Date::FromDays(received.ToDays() + g.days).ToString(),
                  answered ? store::Value(answered_on.ToString()) : store::Value(nullptr),
                  status == "closed" ? store::Value(answered_on.ToString()) : store::Value(nullptr),
                  answered ? std::string("已入户核实，按政策办理") : std::string(),
                  status == "closed" ? store::Value(std::string(i % 2 == 0 ? "satisfied" : "basically_satisfied"))
                                     : store::Value(nullptr),
                  caller.user_name, Noon(received), Noon(answered ? answered_on : received)});
    ++n;
  }
  rows->Finish();
  // The steps of each state, one statement each: received for all, then those the state has passed.
  const auto terms = GrievanceStatusTerms();
  const std::string received = SqlWire(terms, GrievanceStatus::kReceived);
  const std::array<std::array<std::string, 3>, 5> steps = {{
      {"received", "status IS NOT NULL", "channel"},
      {"accepted", "status <> " + received, "unit"},
      {"investigating", "status <> " + received, "''"},
      {"answered", "status IN " + SqlWireList(terms, {GrievanceStatus::kAnswered, GrievanceStatus::kClosed}), "answer"},
      {"closed", "status = " + SqlWire(terms, GrievanceStatus::kClosed), "''"},
  }};
  for (const auto& [step, where, note] : steps) {
    auto s = db.Prepare(std::string("INSERT INTO grievance_steps (grievance_id, step, actor, note, at) SELECT id, ?, recorded_by, ") +
                        note + ", created_at FROM grievances WHERE area_code >= ? AND area_code < ? AND " + where);
    s->BindText(1, step);
    s->BindText(2, county);
    s->BindText(3, SubtreeEnd(county));
    s->Step();
  }
  return n;
}

}  // namespace

DemoCounts GenerateDemo(store::Connection& db, const Caller& caller, const std::string& county,
                        const std::string& as_of) {
  const auto day = Date::Parse(as_of);
  if (!day) throw Error::InvalidArgument("invalid date", {{"as_of", "'" + as_of + "' is not a date"}});
  {
    auto s = db.Prepare(
        "SELECT (SELECT count(*) FROM grievances WHERE area_code >= ?1 AND area_code < ?2)"
        " + (SELECT count(*) FROM change_requests WHERE area_code >= ?1 AND area_code < ?2)");
    s->BindText(1, county);
    s->BindText(2, SubtreeEnd(county));
    s->Step();
    if (s->Int(0) > 0) throw Error::FailedPrecondition("grievances or change requests exist already; demo data is made once");
  }
  const std::vector<Household> hs = Pick(db, county, 20);
  DemoCounts out;
  if (hs.size() < 20) return out;
  store::Transaction tx(db);
  out.change_requests = WriteChangeRequests(db, caller, county, hs, *day);
  out.grievances = WriteGrievances(db, caller, county, hs, *day);
  for (const auto& g : kGrievances) out.applications += std::string(g.channel) == "self_application" ? 1 : 0;
  access::RecordChange(db, DefaultClock(), caller, "demo.grievances", "demo/grievances", county, nullptr,
                       {{"change_requests", out.change_requests}, {"grievances", out.grievances}});
  tx.Commit();
  return out;
}

}  // namespace fupin::grievance
