#include "industry/demo.h"

#include <algorithm>
#include <memory>
#include <map>
#include <numeric>
#include <set>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "access/audit.h"
#include "access/permissions.h"
#include "core/area_code.h"
#include "core/date.h"
#include "core/error.h"
#include "industry/demo_people.h"
#include "industry/industry.h"
#include "projects/demo.h"

namespace fupin::industry {
namespace {

using projects::DemoHousehold;
using projects::DemoRandom;
using store::Value;

// `total` split into `n` positive parts of random weight, exactly.
std::vector<int64_t> SplitExactly(DemoRandom& rng, int64_t total, size_t n) {
  std::vector<int64_t> w(n);
  for (auto& x : w) x = rng.Between(10, 30);
  const int64_t sum = std::accumulate(w.begin(), w.end(), int64_t{0});
  std::vector<int64_t> out(n);
  int64_t given = 0;
  for (size_t i = 0; i < n; ++i) {
    out[i] = i + 1 == n ? total - given : total * w[i] / sum;
    given += out[i];
  }
  return out;
}

std::string RandomDay(DemoRandom& rng, const Date& from, const Date& to) {
  return Date::FromDays(rng.Between(from.ToDays(), to.ToDays())).ToString();
}

// What the demo writes with: the connection, who, when, the random source.
struct Ctx {
  store::Connection& db;
  DemoRandom rng;
  std::string actor;
  int64_t now;
  std::string county;
  Date as_of;
  std::map<std::string, std::string> names;  // township and village names
  std::vector<std::string> townships;
  DemoIndustrySummary summary;
};

std::unique_ptr<store::BulkWriter> Bulk(Ctx& c, const std::string& table, std::vector<std::string> columns) {
  columns.emplace_back("recorded_by");
  columns.emplace_back("recorded_at");
  return c.db.BulkInsert(table, columns);
}

// The ids of a table's rows in the county, in the order they were written.
std::vector<int64_t> IdsOf(Ctx& c, const std::string& table) {
  auto s = c.db.Prepare("SELECT id FROM " + table + " WHERE area_code >= ? AND area_code < ? ORDER BY id");
  s->BindText(1, c.county);
  s->BindText(2, SubtreeEnd(c.county));
  std::vector<int64_t> out;
  while (s->Step()) out.push_back(s->Int(0));
  return out;
}

int64_t AddIndustry(Ctx& c, const char* code, const char* name, const char* unit) {
  auto s = c.db.Prepare(
      "INSERT INTO industries (code, name, unit, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?) RETURNING id");
  if (code) s->BindText(1, code);
  else s->BindNull(1);
  s->BindText(2, name);
  s->BindText(3, unit);
  s->BindText(4, c.actor);
  s->BindInt(5, c.now);
  s->Step();
  return s->Int(0);
}

// Pepper: exactly the households and persons asked, the area split among
// them, the income at the rate per mu. Camellia: the households with the
// area, the subsidy split and the income per household.
void WriteIndustries(Ctx& c, const DemoOptions& o, const std::vector<DemoHousehold>& pool) {
  const int64_t pepper = AddIndustry(c, "pepper", "三樟黄贡椒", "斤");
  const int64_t camellia = AddIndustry(c, "camellia", "油茶", "斤");
  AddIndustry(c, nullptr, "白沙枇杷", "斤");
  AddIndustry(c, nullptr, "黑木耳", "斤");
  const int year = c.as_of.year;
  auto rows = Bulk(c, "industry_households",
                   {"industry_id", "household_id", "year", "area_code", "mu_milli", "output", "income_fen", "subsidy_fen"});
  const auto growers = projects::PickExactly(c.rng, pool, o.pepper_households, o.pepper_persons);
  const auto mu = SplitExactly(c.rng, o.pepper_mu * 1000, growers.size());
  for (size_t i = 0; i < growers.size(); ++i) {
    // income per mu in fen = yuan_per_mu * 100; per thousandth of a mu: / 1000.
    const int64_t income = mu[i] * o.pepper_yuan_per_mu / 10;
    rows->Append({pepper, growers[i].id, int64_t{year}, growers[i].village, mu[i], mu[i] * 3 / 10, income, int64_t{0}, c.actor, c.now});
  }
  std::vector<DemoHousehold> others = pool;
  c.rng.Shuffle(others);
  if (static_cast<int64_t>(others.size()) < o.camellia_households) {
    throw Error::FailedPrecondition("too few registered households for the camellia growers");
  }
  others.resize(static_cast<size_t>(o.camellia_households));
  std::sort(others.begin(), others.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  const auto area = SplitExactly(c.rng, o.camellia_mu * 1000, others.size());
  const auto subsidy = SplitExactly(c.rng, o.camellia_subsidy_yuan * 100, others.size());
  for (size_t i = 0; i < others.size(); ++i) {
    rows->Append({camellia, others[i].id, int64_t{year}, others[i].village, area[i], area[i] / 5,
                  o.camellia_yuan_per_household * 100, subsidy[i], c.actor, c.now});
  }
  c.summary.plantings = rows->Finish();
}

// Entities: cooperatives, enterprises, family farms and workshops spread over
// the townships. Returns their ids and townships.
std::vector<std::pair<int64_t, std::string>> WriteEntities(Ctx& c) {
  static constexpr std::pair<const char*, const char*> kKinds[] = {
      {"cooperative", "种养专业合作社"}, {"enterprise", "农业开发有限公司"}, {"family_farm", "家庭农场"},
      {"workshop", "扶贫车间"}};
  auto rows = Bulk(c, "entities", {"name", "kind", "area_code"});
  std::vector<std::string> areas;
  for (size_t i = 0; i < c.townships.size() * 3; ++i) {
    const std::string& township = c.townships[i % c.townships.size()];
    const auto& [kind, suffix] = kKinds[(i / c.townships.size() + i) % std::size(kKinds)];
    rows->Append({c.names[township] + std::to_string(i / c.townships.size() + 1) + suffix, std::string(kind), township, c.actor, c.now});
    areas.push_back(township);
  }
  c.summary.entities = rows->Finish();
  const auto ids = IdsOf(c, "entities");
  std::vector<std::pair<int64_t, std::string>> out;
  for (size_t i = 0; i < ids.size() && i < areas.size(); ++i) out.emplace_back(ids[i], areas[i]);
  return out;
}

struct BranchPlan {
  std::map<std::string, std::vector<size_t>> by_area;  // township or village -> branch index
  size_t count = 0;
};

BranchPlan WriteBranches(Ctx& c, const DemoOptions& o, const std::vector<std::string>& villages) {
  BranchPlan plan;
  auto rows = Bulk(c, "party_branches", {"name", "kind", "area_code", "founded_on"});
  auto add = [&](const std::string& area, const std::string& kind, const std::string& name) {
    rows->Append({name, kind, area, RandomDay(c.rng, Date{2017, 1, 1}, Date{2019, 12, 31}), c.actor, c.now});
    plan.by_area[area].push_back(plan.count++);
  };
  for (int i = 0; i < o.branches_new; ++i) {
    const std::string& t = c.townships[static_cast<size_t>(i) % c.townships.size()];
    add(t, "new", fmt::format("{}产业链党支部{}", c.names[t], i / static_cast<int>(c.townships.size()) + 1));
  }
  for (int i = 0; i < o.branches_joint; ++i) {
    const std::string& t = c.townships[static_cast<size_t>(i) % c.townships.size()];
    add(t, "joint", fmt::format("{}企业联合党支部{}", c.names[t], i / static_cast<int>(c.townships.size()) + 1));
  }
  for (int i = 0; i < o.branches_strengthened; ++i) {
    const std::string& v = villages[static_cast<size_t>(i) % villages.size()];
    add(v, "strengthened", c.names[v] + "党支部");
  }
  rows->Finish();
  c.summary.branches = static_cast<int64_t>(plan.count);
  return plan;
}

// The households the branches drive (exactly the households and persons
// asked), each linked to an entity of its township by a link of the year.
void WriteBranchHouseholds(Ctx& c, const DemoOptions& o, const std::vector<DemoHousehold>& pool, const BranchPlan& plan,
                           const std::vector<std::pair<int64_t, std::string>>& entities) {
  const auto ids = IdsOf(c, "party_branches");
  std::map<std::string, std::vector<int64_t>> entity_of;
  for (const auto& [id, township] : entities) entity_of[township].push_back(id);
  const auto driven = projects::PickExactly(c.rng, pool, o.branch_households, o.branch_persons);
  auto rows = c.db.BulkInsert("branch_households", std::vector<std::string>{"branch_id", "household_id"});
  std::vector<std::vector<Value>> links;  // written after (one bulk write at a time)
  static constexpr const char* kLinks[] = {"orders", "work", "shares", "land_lease", "trusteeship"};
  for (const DemoHousehold& h : driven) {
    const std::string township = h.village.substr(0, 9);
    const auto v = plan.by_area.find(h.village);
    const auto t = plan.by_area.find(township);
    const std::vector<size_t>* choices = v != plan.by_area.end() ? &v->second : nullptr;
    if (t != plan.by_area.end() && (!choices || c.rng.Next() % 2 == 0)) choices = &t->second;
    const size_t branch = choices ? (*choices)[c.rng.Next() % choices->size()] : 0;
    rows->Append({ids.at(branch), h.id});
    const auto e = entity_of.find(township);
    if (e == entity_of.end()) continue;
    links.push_back({e->second[c.rng.Next() % e->second.size()], h.id, int64_t{c.as_of.year},
                     std::string(kLinks[c.rng.Next() % std::size(kLinks)]), h.village, c.rng.Between(800, 3000) * 100,
                     c.actor, c.now});
  }
  rows->Finish();
  auto link_rows = Bulk(c, "entity_links", {"entity_id", "household_id", "year", "link_kind", "area_code", "earned_fen"});
  for (const auto& row : links) link_rows->Append(row);
  c.summary.links = link_rows->Finish();
  // Joint branches drive an enterprise of their township.
  c.db.Execute(
      "INSERT INTO branch_entities (branch_id, entity_id) SELECT b.id, min(e.id) FROM party_branches b"
      " JOIN entities e ON e.area_code = b.area_code AND e.kind = " + SqlWire(EntityKinds(), EntityKind::kEnterprise) +
      " WHERE b.kind = " + SqlWire(BranchKinds(), BranchKind::kJoint) + " GROUP BY b.id");
}

}  // namespace

DemoIndustrySummary GenerateDemo(store::Connection& db, uint64_t seed, const Caller& caller, const DemoOptions& o) {
  {
    access::Audit audit(db, DefaultClock());
    access::Guard(audit).RequireWrite(caller, access::Resource::kIndustry, {o.county_code, std::nullopt, "industry/demo"});
  }
  const auto as_of = Date::Parse(o.as_of);
  if (!as_of) throw Error::InvalidArgument("invalid date", {{"as_of", "'" + o.as_of + "' is not a date"}});
  Ctx c{db, DemoRandom(seed ^ 0x1D2021ull), caller.user_name, DefaultClock().NowSeconds(), o.county_code, *as_of, {}, {}, {}};
  {
    auto s = db.Prepare(
        "SELECT (SELECT count(*) FROM industries) + (SELECT count(*) FROM entities WHERE area_code >= ?1 AND area_code < ?2)");
    s->BindText(1, c.county);
    s->BindText(2, SubtreeEnd(c.county));
    s->Step();
    if (s->Int(0) > 0) throw Error::FailedPrecondition("industry records exist already; demo data is made once");
  }
  const std::vector<DemoHousehold> pool = projects::RegisteredHouseholds(db, c.county, o.as_of);
  {
    auto s = db.Prepare("SELECT code, name, level FROM areas WHERE code >= ? AND code < ? AND level IN (4, 5) ORDER BY code");
    s->BindText(1, c.county);
    s->BindText(2, SubtreeEnd(c.county));
    while (s->Step()) {
      c.names[s->Text(0)] = s->Text(1);
      if (s->Int(2) == 4) c.townships.push_back(s->Text(0));
    }
  }
  std::vector<std::string> villages;
  villages.reserve(pool.size());
  for (const auto& h : pool) villages.push_back(h.village);
  std::sort(villages.begin(), villages.end());
  villages.erase(std::unique(villages.begin(), villages.end()), villages.end());
  if (c.townships.empty() || villages.empty()) throw Error::FailedPrecondition("area " + c.county + " has no registered households");
  store::Transaction tx(db);
  WriteIndustries(c, o, pool);
  const auto entities = WriteEntities(c);
  const BranchPlan plan = WriteBranches(c, o, villages);
  WriteBranchHouseholds(c, o, pool, plan, entities);
  WritePeopleAndTrade(db, c.rng, c.county, o.as_of, pool, o, c.actor, c.now, c.summary);
  const auto& s = c.summary;
  access::RecordChange(db, DefaultClock(), caller, "industry.demo", "industry/demo", c.county, nullptr,
                       {{"seed", seed}, {"plantings", s.plantings}, {"entities", s.entities}, {"links", s.links},
                        {"branches", s.branches}, {"workers", s.workers}, {"welfare_posts", s.welfare_posts},
                        {"products", s.products}, {"purchases", s.purchases}, {"loans", s.loans}});
  tx.Commit();
  return c.summary;
}

}  // namespace fupin::industry
