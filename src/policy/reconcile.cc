// Reconciliation of entitlements with the rosters departments handed in, and
// the JSON forms of the policy module.
#include <map>
#include <set>
#include <tuple>

#include "access/audit.h"
#include "access/permissions.h"
#include "core/error.h"
#include "io/table_writer.h"
#include "policy/entitlements.h"
#include "policy/internal.h"

namespace fupin::policy {

namespace {

struct Owed {
  std::string village;
  std::string household_number;
  std::string person_name;
  std::string id_number;
  Fen amount = 0;
  std::string reason;
};

struct Paid {
  std::string village;
  int64_t household_id = 0;
  std::string household_number;
  std::string person_name;
  std::string id_number;
  Fen amount = 0;
};

bool InArea(const std::string& code, const std::string& area) { return code.compare(0, area.size(), area) == 0; }

}  // namespace

namespace {

using Key = std::tuple<std::string, int64_t, int64_t>;  // policy, household, person (0: household policy)
using PolicyIndex = std::map<std::string, const Policy*>;

std::string NameOf(const PolicyIndex& by_id, const std::string& id) {
  const auto it = by_id.find(id);
  return it != by_id.end() ? it->second->name : "";
}

// The policies (all, or `policy_id`) with a roster handed in for the year.
std::set<std::string> PoliciesWithRosters(store::Connection& db, int year, const std::string& policy_id) {
  std::set<std::string> with_roster;
  auto s = db.Prepare("SELECT DISTINCT policy_id FROM roster_imports WHERE year = ?");
  s->BindInt(1, year);
  while (s->Step()) {
    std::string id = s->Text(0);
    if (policy_id.empty() || id == policy_id) with_roster.insert(id);
  }
  return with_roster;
}

// The stored entitlements of the area's villages for the policies with a roster; every
// entitled policy goes to `entitled_policies`.
std::map<Key, Owed> ReadOwed(store::Connection& db, int year, const std::pair<std::string, std::string>& range,
                             const std::string& policy_id, const std::set<std::string>& with_roster,
                             std::set<std::string>& entitled_policies) {
  std::map<Key, Owed> owed;
  auto s = db.Prepare(
      "SELECT e.policy_id, e.household_id, e.person_id, e.village_code, e.amount, COALESCE(x.reason, ''), h.number,"
      " p.name, p.id_number_masked FROM entitlements e JOIN households h ON h.id = e.household_id"
      " LEFT JOIN persons p ON p.id = e.person_id LEFT JOIN entitlement_explanations x ON x.id = e.explanation"
      " WHERE e.year = ? AND e.village_code >= ? AND e.village_code < ? AND (? = '' OR e.policy_id = ?)");
  s->BindInt(1, year);
  s->BindText(2, range.first);
  s->BindText(3, range.second);
  s->BindText(4, policy_id);
  s->BindText(5, policy_id);
  while (s->Step()) {
    std::string id = s->Text(0);
    entitled_policies.insert(id);
    if (!with_roster.count(id)) continue;
    owed[Key{id, s->Int(1), s->Int(2)}] = {s->Text(3), s->Text(6), s->IsNull(7) ? "" : s->Text(7),
                                            s->IsNull(8) ? "" : s->Text(8), s->Int(4), s->Text(5)};
  }
  return owed;
}

// The rosters' payments in the area: to registered members by key, the others (unknown to the
// registry, or in no household) as gaps of their own, placed by the area written beside the row
// or the ID number's area.
void ReadPaid(store::Connection& db, int year, const std::string& area, const std::string& policy_id,
              const PolicyIndex& by_id, std::map<Key, Paid>& paid, std::vector<ReconcileItem>& unknown) {
  auto s = db.Prepare(
      "SELECT r.policy_id, r.person_id, r.amount, r.id_number_masked, COALESCE(r.area_code, r.id_area), m.household_id, h.village_code,"
      " h.number, p.name FROM roster_entries r LEFT JOIN persons p ON p.id = r.person_id"
      " LEFT JOIN memberships m ON m.person_id = r.person_id AND m.end_date IS NULL"
      " LEFT JOIN households h ON h.id = m.household_id"
      " WHERE r.year = ? AND (? = '' OR r.policy_id = ?) ORDER BY r.import_id, r.row_number");
  s->BindInt(1, year);
  s->BindText(2, policy_id);
  s->BindText(3, policy_id);
  while (s->Step()) {
    const std::string id = s->Text(0);
    auto pit = by_id.find(id);
    if (s->IsNull(1) || s->IsNull(5)) {
      const std::string id_area = s->Text(4);
      if (!InArea(id_area, area) && !InArea(area, id_area)) continue;
      ReconcileItem item;
      item.kind = ReconcileKind::kUnknown;
      item.policy_id = id;
      item.policy_name = pit != by_id.end() ? pit->second->name : "";
      item.village_code = id_area;
      item.id_number = s->Text(3);
      item.paid_amount = s->Int(2);
      unknown.push_back(std::move(item));
      continue;
    }
    const std::string village = s->Text(6);
    if (!InArea(village, area)) continue;
    const bool household_policy = pit != by_id.end() && pit->second->target == Target::kHousehold;
    const int64_t household = s->Int(5);
    const int64_t person = household_policy ? 0 : s->Int(1);
    Paid& p = paid[Key{id, household, person}];
    p.village = village;
    p.household_id = household;
    p.household_number = s->Text(7);
    if (!household_policy) {
      p.person_name = s->IsNull(8) ? "" : s->Text(8);
      p.id_number = s->Text(3);
    }
    p.amount += s->Int(2);
  }
}

using Groups = std::map<std::pair<std::string, std::string>, ReconcileGroup>;

ReconcileGroup& GroupOf(Groups& groups, const std::string& village, const std::string& policy) {
  ReconcileGroup& g = groups[{village, policy}];
  g.area_code = village;
  g.policy_id = policy;
  return g;
}

// Owed against paid, key by key: missed, amounts that differ, paid but not owed, unknown numbers.
Groups Compare(const std::map<Key, Owed>& owed, const std::map<Key, Paid>& paid, std::vector<ReconcileItem>& unknown,
               const PolicyIndex& by_id, std::vector<ReconcileItem>& items) {
  Groups groups;
  for (const auto& [key, o] : owed) {
    const auto& [id, household, person] = key;
    ReconcileGroup& g = GroupOf(groups, o.village, id);
    ++g.entitled;
    auto it = paid.find(key);
    if (it == paid.end()) {
      ++g.missed;
      items.push_back({ReconcileKind::kMissed, id, NameOf(by_id, id), o.village, household, o.household_number, person,
                       o.person_name, o.id_number, o.amount, 0, o.reason});
    } else if (it->second.amount != o.amount) {
      ++g.amount_differences;
      items.push_back({ReconcileKind::kAmount, id, NameOf(by_id, id), o.village, household, o.household_number, person,
                       o.person_name, o.id_number, o.amount, it->second.amount, o.reason});
    }
  }
  for (const auto& [key, p] : paid) {
    const auto& [id, household, person] = key;
    ReconcileGroup& g = GroupOf(groups, p.village, id);
    ++g.paid;
    if (!owed.count(key)) {
      ++g.unentitled;
      items.push_back({ReconcileKind::kUnentitled, id, NameOf(by_id, id), p.village, household, p.household_number,
                       person, p.person_name, p.id_number, 0, p.amount, ""});
    }
  }
  for (auto& u : unknown) {
    ReconcileGroup& g = GroupOf(groups, u.village_code, u.policy_id);
    ++g.paid;
    ++g.unknown;
    items.push_back(std::move(u));
  }
  return groups;
}

// The groups named (one query for the area's names) and summed into the totals.
void AddGroups(store::Connection& db, const std::pair<std::string, std::string>& range, Groups& groups,
               Reconciliation& r) {
  std::map<std::string, std::string> names;
  auto s = db.Prepare("SELECT code, name FROM areas WHERE code >= ? AND code < ?");
  s->BindText(1, range.first);
  s->BindText(2, range.second);
  while (s->Step()) names[s->Text(0)] = s->Text(1);
  for (auto& [key, g] : groups) {
    auto it = names.find(g.area_code);
    if (it != names.end()) g.area_name = it->second;
    r.missed += g.missed;
    r.unentitled += g.unentitled;
    r.amount_differences += g.amount_differences;
    r.unknown += g.unknown;
    r.groups.push_back(g);
  }
}

}  // namespace

Reconciliation Reconcile(store::Connection& db, const std::vector<Policy>& policies, const Caller& caller, int year,
                         const std::string& area_code, const std::string& policy_id, const Clock& clock) {
  access::Audit audit(db, clock);
  const std::string entity = "reconciliation/" + std::to_string(year);
  const std::string area = internal::ReadArea(audit, caller, area_code, entity);
  access::Guard(audit).RequireRead(caller, access::Resource::kRoster, {area, std::nullopt, entity});
  if (!policy_id.empty()) internal::FindPolicy(policies, policy_id);
  PolicyIndex by_id;
  for (const Policy& p : policies) by_id[p.id] = &p;
  Reconciliation r;
  r.year = year;
  r.area_code = area;
  r.policy_id = policy_id;
  const std::set<std::string> with_roster = PoliciesWithRosters(db, year, policy_id);
  const auto range = internal::AreaRange(area);
  std::set<std::string> entitled_policies;
  const std::map<Key, Owed> owed = ReadOwed(db, year, range, policy_id, with_roster, entitled_policies);
  for (const auto& id : with_roster) r.policies_with_rosters.push_back(id);
  for (const auto& id : entitled_policies) {
    if (!with_roster.count(id)) r.policies_without_rosters.push_back(id);
  }
  std::map<Key, Paid> paid;
  std::vector<ReconcileItem> unknown;
  ReadPaid(db, year, area, policy_id, by_id, paid, unknown);
  Groups groups = Compare(owed, paid, unknown, by_id, r.items);
  AddGroups(db, range, groups, r);
  // The enum's order is the listing's: missed, unentitled, amount, unknown.
  std::stable_sort(r.items.begin(), r.items.end(), [&](const ReconcileItem& a, const ReconcileItem& b) {
    return std::make_tuple(a.kind, a.policy_id, a.village_code, a.household_number, a.person_id) <
           std::make_tuple(b.kind, b.policy_id, b.village_code, b.household_number, b.person_id);
  });
  return r;
}

// ------------------------------------------------------------ JSON

nlohmann::json PolicyJson(const Policy& p, bool full) {
  std::string department_zh;
  for (const auto& d : Departments()) {
    if (d.code == p.department) department_zh = std::string(d.label_zh);
  }
  nlohmann::json j = {{"id", p.id},
                      {"name", p.name},
                      {"department", p.department},
                      {"department_label", department_zh},
                      {"target", TargetName(p.target)},
                      {"from_year", p.from_year},
                      {"to_year", p.to_year == 0 ? nlohmann::json(nullptr) : nlohmann::json(p.to_year)},
                      {"illustrative_amount", p.illustrative_amount}};
  if (full) {
    j["eligibility"] = p.eligibility.source();
    j["amount"] = p.amount.source();
    j["facts"] = p.facts;
    j["basis"] = p.basis;
    j["amount_note"] = p.amount_note;
    j["file"] = p.path;
  }
  return j;
}

nlohmann::json EntitlementJson(const Entitlement& e) {
  return {{"year", e.year},
          {"policy_id", e.policy_id},
          {"policy_name", e.policy_name},
          {"department", e.department},
          {"household_id", e.household_id},
          {"household_number", e.household_number},
          {"person_id", e.person_id == 0 ? nlohmann::json(nullptr) : nlohmann::json(e.person_id)},
          {"person_name", e.person_name},
          {"id_number", e.id_number},
          {"village_code", e.village_code},
          {"village_name", e.village_name},
          {"amount", e.amount},
          {"amount_yuan", FormatYuan(e.amount)},
          {"reason", e.reason},
          {"clauses", e.clauses}};
}

nlohmann::json RunJson(const EntitlementRun& run) {
  nlohmann::json by_policy = nlohmann::json::array();
  for (const auto& t : run.by_policy) {
    by_policy.push_back({{"policy_id", t.policy_id},
                         {"name", t.name},
                         {"department", t.department},
                         {"target", t.target},
                         {"entitled", t.entitled},
                         {"amount", t.amount},
                         {"amount_yuan", FormatYuan(t.amount)}});
  }
  nlohmann::json changes = nlohmann::json::array();
  auto opt = [](const std::optional<Fen>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  for (const auto& c : run.changes) {
    changes.push_back({{"kind", WireOf(EntitlementChangeTerms(), c.kind)},
                       {"policy_id", c.policy_id},
                       {"household_id", c.household_id},
                       {"person_id", c.person_id == 0 ? nlohmann::json(nullptr) : nlohmann::json(c.person_id)},
                       {"village_code", c.village_code},
                       {"old_amount", opt(c.old_amount)},
                       {"new_amount", opt(c.new_amount)}});
  }
  return {{"id", run.id},
          {"year", run.year},
          {"area_code", run.area_code},
          {"policy_id", run.policy_id},
          {"ref_date", run.ref_date},
          {"persons", run.persons},
          {"households", run.households},
          {"entitled", run.entitled},
          {"amount", run.amount},
          {"amount_yuan", FormatYuan(run.amount)},
          {"first_run", run.first_run},
          {"added", run.added},
          {"removed", run.removed},
          {"changed", run.changed},
          {"by_policy", by_policy},
          {"changes", changes},
          {"changes_total", run.changes_total}};
}

nlohmann::json ReconciliationJson(const Reconciliation& r, const GapPage& page) {
  Problems problems;
  const auto kind = ParseWire<ReconcileKind>(ReconcileKindTerms(), page.kind);
  if (!page.kind.empty() && !kind) {
    problems.Add("kind", "'" + page.kind + "' is not one of " + WireList(ReconcileKindTerms()));
  }
  if (page.limit < 0 || page.limit > 1000) problems.Add("limit", "must be 1 to 1000");
  if (page.offset < 0) problems.Add("offset", "must not be negative");
  problems.ThrowIfAny("invalid reconciliation page");
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : r.groups) {
    groups.push_back({{"area_code", g.area_code},
                      {"area_name", g.area_name},
                      {"policy_id", g.policy_id},
                      {"entitled", g.entitled},
                      {"paid", g.paid},
                      {"missed", g.missed},
                      {"unentitled", g.unentitled},
                      {"amount_differences", g.amount_differences},
                      {"unknown", g.unknown}});
  }
  nlohmann::json items = nlohmann::json::array();
  int64_t of_kind = 0;
  for (const auto& i : r.items) {
    if (kind && i.kind != *kind) continue;
    const int64_t index = of_kind++;
    if (index < page.offset || (page.limit > 0 && index >= page.offset + page.limit)) continue;
    items.push_back({{"kind", WireOf(ReconcileKindTerms(), i.kind)},
                     {"kind_label", LabelOf(ReconcileKindTerms(), i.kind)},
                     {"policy_id", i.policy_id},
                     {"policy_name", i.policy_name},
                     {"area_code", i.village_code},
                     {"household_id", i.household_id == 0 ? nlohmann::json(nullptr) : nlohmann::json(i.household_id)},
                     {"household_number", i.household_number},
                     {"person_id", i.person_id == 0 ? nlohmann::json(nullptr) : nlohmann::json(i.person_id)},
                     {"person_name", i.person_name},
                     {"id_number", i.id_number},
                     {"entitled_amount", i.entitled_amount},
                     {"paid_amount", i.paid_amount},
                     {"reason", i.reason}});
  }
  return {{"year", r.year},
          {"area_code", r.area_code},
          {"policy_id", r.policy_id},
          {"policies_with_rosters", r.policies_with_rosters},
          {"policies_without_rosters", r.policies_without_rosters},
          {"summary",
           {{"missed", r.missed},
            {"unentitled", r.unentitled},
            {"amount_differences", r.amount_differences},
            {"unknown", r.unknown}}},
          {"groups", groups},
          {"items", items},
          {"items_total", of_kind}};
}

void WriteReconciliation(const Reconciliation& r, io::TableWriter& w) {
  std::map<std::string, std::string> area_names;
  for (const auto& g : r.groups) area_names[g.area_code] = g.area_name;
  w.WriteHeader({"类别", "政策", "政策名称", "地区代码", "地区", "户编号", "姓名", "身份证号", "应享金额(元)",
                 "实发金额(元)", "说明"});
  for (const auto& i : r.items) {
    const auto name = area_names.find(i.village_code);
    w.WriteRow({std::string(LabelOf(ReconcileKindTerms(), i.kind)), i.policy_id, i.policy_name, i.village_code,
                name == area_names.end() ? std::string() : name->second, i.household_number, i.person_name,
                i.id_number, FormatYuan(i.entitled_amount), FormatYuan(i.paid_amount), i.reason});
  }
}

}  // namespace fupin::policy
