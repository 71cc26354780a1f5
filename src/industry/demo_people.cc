#include "industry/demo_people.h"

#include <algorithm>
#include <memory>
#include <numeric>
#include <set>
#include <unordered_set>

#include <fmt/format.h>

#include "core/area_code.h"
#include "core/date.h"
#include "core/error.h"

namespace fupin::industry {
namespace {

using projects::DemoHousehold;
using projects::DemoRandom;

struct People {
  store::Connection& db;
  DemoRandom& rng;
  std::string county, as_of, actor;
  int64_t now;
};

std::string Day(DemoRandom& rng, const Date& from, const Date& to) {
  return Date::FromDays(rng.Between(from.ToDays(), to.ToDays())).ToString();
}

std::unique_ptr<store::BulkWriter> Bulk(People& p, const std::string& table, std::vector<std::string> columns) {
  columns.emplace_back("recorded_by");
  columns.emplace_back("recorded_at");
  return p.db.BulkInsert(table, columns);
}

bool IsEmployed(const std::string& employment) {
  return employment == "local" || employment == "migrant" || employment == "public_welfare_job" ||
         employment == "self_employed";
}

// Every member of a registered household who is in the labour force on as_of
// as the progress report counts it (16 to 64, not at school that year, able
// to work fully or partly) gets a situation for the year, employed when the
// registry says so; public-welfare jobs get a post.
void WriteWorkers(People& p, const std::vector<DemoHousehold>& pool, DemoIndustrySummary& summary) {
  const Date as_of = *Date::Parse(p.as_of);
  std::unordered_set<int64_t> registered;
  for (const auto& h : pool) registered.insert(h.id);
  auto s = p.db.Prepare(
      "SELECT m.person_id, m.household_id, h.village_code, p.birth_date, p.health, p.labour_ability,"
      " y.school_status, y.employment FROM memberships m JOIN households h ON h.id = m.household_id"
      " JOIN persons p ON p.id = m.person_id LEFT JOIN person_years y ON y.person_id = p.id AND y.year = ?4"
      " WHERE h.village_code >= ?1 AND h.village_code < ?2 AND m.start_date <= ?3"
      " AND (m.end_date IS NULL OR m.end_date > ?3) AND (p.death_date IS NULL OR p.death_date > ?3)"
      " ORDER BY m.person_id");
  s->BindText(1, p.county);
  s->BindText(2, SubtreeEnd(p.county));
  s->BindText(3, p.as_of);
  s->BindInt(4, as_of.year);
  // The situations are gathered first and written after the read: on PostgreSQL a bulk write
  // (COPY) cannot be open while the query's rows are still being fetched.
  std::vector<std::vector<store::Value>> situations;
  std::vector<std::vector<store::Value>> posts;  // written after the workers (one bulk write at a time)
  static constexpr const char* kPosts[] = {"保洁员", "护林员", "水管员", "道路养护员", "村级公益岗"};
  static constexpr const char* kIdle[] = {"caring", "no_skills", "no_jobs", "unwilling"};
  std::set<int64_t> seen;
  while (s->Step()) {
    const int64_t person = s->Int(0), household = s->Int(1);
    const auto birth = Date::Parse(s->Text(3));
    const std::string school = s->IsNull(6) ? "" : s->Text(6);
    const std::string labour = s->Text(5);
    if (!registered.contains(household) || !birth || !seen.insert(person).second) continue;
    const int age = AgeOn(*birth, as_of);
    if (age < 16 || age > 64 || school == "enrolled" || school == "home_schooled") continue;
    if (labour != "full" && labour != "partial") continue;
    const std::string employment = s->IsNull(7) ? "" : s->Text(7);
    const std::string village = s->Text(2);
    using V = store::Value;
    const V none = nullptr;
    if (!IsEmployed(employment)) {
      const std::string health = s->Text(4);
      const std::string reason = health == "disabled" ? "disability"
                                 : (health == "chronic" || health == "major_disease") ? "illness"
                                                                                        : kIdle[p.rng.Next() % 4];
      situations.push_back({person, int64_t{as_of.year}, household, village, int64_t{0}, none, none, std::string(),
                            int64_t{0}, int64_t{0}, std::string(), reason, p.actor, p.now});
      continue;
    }
    std::string place = "county", channel = "own", employer = "自主经营";
    if (employment == "migrant") {
      place = p.rng.Next() % 3 == 0 ? "province" : "outside";
      channel = p.rng.Next() % 2 == 0 ? "placement" : "job_fair";
      employer = place == "outside" ? "广东务工企业" : "长沙务工企业";
    } else if (employment == "local") {
      channel = p.rng.Next() % 2 == 0 ? "workshop" : "placement";
      employer = channel == "workshop" ? "扶贫车间" : "县内企业";
    } else if (employment == "public_welfare_job") {
      channel = "welfare_post";
      employer = "村委会";
      posts.push_back({std::string(kPosts[p.rng.Next() % std::size(kPosts)]), village, person, household,
                       p.rng.Between(5, 8) * 10000, std::string(p.rng.Next() % 3 == 0 ? "asset_income" : "funds"),
                       fmt::format("{}-01-01", as_of.year - 1)});
    }
    const int64_t months = p.rng.Between(6, 12);
    situations.push_back({person, int64_t{as_of.year}, household, village, int64_t{1}, place, channel, employer,
                          months, months * p.rng.Between(1500, 4000) * 100,
                          std::string(p.rng.Next() % 3 == 0 ? "技能培训" : ""), none, p.actor, p.now});
  }
  s.reset();
  auto rows = Bulk(p, "worker_years", {"person_id", "year", "household_id", "area_code", "employed", "place", "channel",
                                       "employer", "months", "income_fen", "training", "reason"});
  for (const auto& row : situations) rows->Append(row);
  summary.workers = rows->Finish();
  auto post_rows = Bulk(p, "welfare_posts", {"name", "area_code", "person_id", "household_id", "monthly_pay_fen",
                                             "funded_by", "start_date"});
  for (auto& row : posts) {
    row.emplace_back(p.actor);
    row.emplace_back(p.now);
    post_rows->Append(row);
  }
  summary.welfare_posts = post_rows->Finish();
}

// Certified products of households, entities and villages; purchases in
// 2018 and, adding up to the figure, from 2019 to as_of.
void WriteProducts(People& p, const std::vector<DemoHousehold>& pool, const DemoOptions& o, DemoIndustrySummary& summary) {
  std::vector<std::pair<int64_t, std::string>> entities;
  {
    auto s = p.db.Prepare("SELECT id, area_code FROM entities WHERE area_code >= ? AND area_code < ? ORDER BY id");
    s->BindText(1, p.county);
    s->BindText(2, SubtreeEnd(p.county));
    while (s->Step()) entities.emplace_back(s->Int(0), s->Text(1));
  }
  static constexpr const char* kNames[] = {"黄贡椒", "油茶籽油", "白沙枇杷", "黑木耳", "土鸡蛋", "腊肉", "红薯粉"};
  auto rows = Bulk(p, "products", {"name", "category", "certificate_no", "certified_on", "supplier_kind",
                                   "household_id", "entity_id", "area_code"});
  const store::Value none = nullptr;
  for (int i = 0; i < 120; ++i) {
    const std::string name = kNames[static_cast<size_t>(i) % std::size(kNames)];
    const std::string cert = fmt::format("衡扶产认〔2018〕{}号", i + 1);
    const std::string day = Day(p.rng, Date{2018, 1, 1}, Date{2018, 12, 31});
    if (i % 2 == 0 || entities.empty()) {
      const auto& h = pool[p.rng.Next() % pool.size()];
      rows->Append({name, std::string("农产品"), cert, day, std::string("household"), h.id, none, h.village, p.actor, p.now});
    } else if (i % 6 != 1) {
      const auto& [id, area] = entities[p.rng.Next() % entities.size()];
      rows->Append({name, std::string("农产品"), cert, day, std::string("entity"), none, id, area, p.actor, p.now});
    } else {
      const auto& h = pool[p.rng.Next() % pool.size()];
      rows->Append({name, std::string("农产品"), cert, day, std::string("village"), none, none, h.village, p.actor, p.now});
    }
  }
  summary.products = rows->Finish();
  std::vector<std::pair<int64_t, std::string>> products;
  {
    auto s = p.db.Prepare("SELECT id, area_code FROM products WHERE area_code >= ? AND area_code < ? ORDER BY id");
    s->BindText(1, p.county);
    s->BindText(2, SubtreeEnd(p.county));
    while (s->Step()) products.emplace_back(s->Int(0), s->Text(1));
  }
  static constexpr std::pair<const char*, const char*> kBuyers[] = {
      {"unit", "县直机关食堂"}, {"union", "县总工会"}, {"company", "民营企业"}, {"cadre", "结对帮扶干部"}};
  static constexpr const char* kChannels[] = {"fair", "ecommerce", "canteen", "market", "tourism"};
  auto buys = Bulk(p, "purchases", {"date", "buyer_kind", "buyer", "channel", "product_id", "area_code", "amount_fen"});
  auto write = [&](int64_t total_yuan, size_t n, const Date& from, const Date& to) {
    std::vector<int64_t> w(n);
    for (auto& x : w) x = p.rng.Between(10, 30);
    const int64_t sum = std::accumulate(w.begin(), w.end(), int64_t{0});
    int64_t given = 0;
    for (size_t i = 0; i < n; ++i) {
      const int64_t yuan = i + 1 == n ? total_yuan - given : total_yuan * w[i] / sum;
      given += yuan;
      const auto& [buyer_kind, buyer] = kBuyers[p.rng.Next() % std::size(kBuyers)];
      const auto& [product, area] = products[p.rng.Next() % products.size()];
      buys->Append({Day(p.rng, from, to), std::string(buyer_kind), std::string(buyer),
                    std::string(kChannels[p.rng.Next() % std::size(kChannels)]), product, area, yuan * 100, p.actor, p.now});
    }
  };
  write(o.purchases_yuan / 9, 300, Date{2018, 12, 31}, Date{2018, 12, 31});
  write(o.purchases_yuan, 2400, Date{2019, 1, 1}, *Date::Parse(p.as_of));
  summary.purchases = buys->Finish();
}

// Small loans to registered households, some for a share in an entity;
// repaid in full on the due date when that has passed, except one in fifty
// (overdue).
void WriteLoans(People& p, const std::vector<DemoHousehold>& pool, const DemoOptions& o, DemoIndustrySummary& summary) {
  std::vector<int64_t> entities;
  {
    auto s = p.db.Prepare("SELECT id FROM entities WHERE area_code >= ? AND area_code < ? ORDER BY id");
    s->BindText(1, p.county);
    s->BindText(2, SubtreeEnd(p.county));
    while (s->Step()) entities.push_back(s->Int(0));
  }
  static constexpr const char* kBanks[] = {"衡东县农村商业银行", "中国邮政储蓄银行衡东县支行", "中国农业银行衡东县支行"};
  auto rows = Bulk(p, "loans", {"household_id", "area_code", "bank", "amount_fen", "issued_on", "due_on", "purpose",
                                "entity_id", "interest_subsidy_fen"});
  for (int64_t i = 0; i < o.loans; ++i) {
    const auto& h = pool[p.rng.Next() % pool.size()];
    const int64_t amount = p.rng.Between(20, 50) * 1000 * 100;
    const Date issued = Date::FromDays(p.rng.Between(Date{2016, 1, 1}.ToDays(), Date{2019, 12, 31}.ToDays()));
    const Date due{issued.year + 3, issued.month, std::min(issued.day, 28)};
    const bool share = !entities.empty() && i % 3 == 0;
    const int64_t entity = share ? entities[p.rng.Next() % entities.size()] : 0;
    rows->Append({h.id, h.village, std::string(kBanks[i % 3]), amount, issued.ToString(), due.ToString(),
                  std::string(share ? "入股经营主体分红" : "发展种养业"), share ? store::Value(entity) : store::Value(nullptr),
                  amount * 435 * 3 / 10000, p.actor, p.now});
  }
  summary.loans = rows->Finish();
  auto s = p.db.Prepare(
      "INSERT INTO loan_repayments (loan_id, date, amount_fen, recorded_by, recorded_at)"
      " SELECT id, due_on, amount_fen, ?3, ?4 FROM loans WHERE area_code >= ?1 AND area_code < ?2"
      " AND due_on <= ?5 AND id % 50 <> 0");
  s->BindText(1, p.county);
  s->BindText(2, SubtreeEnd(p.county));
  s->BindText(3, p.actor);
  s->BindInt(4, p.now);
  s->BindText(5, p.as_of);
  s->Run();
}

}  // namespace

void WritePeopleAndTrade(store::Connection& db, DemoRandom& rng, const std::string& county, const std::string& as_of,
                         const std::vector<DemoHousehold>& pool, const DemoOptions& o, const std::string& actor,
                         int64_t now, DemoIndustrySummary& summary) {
  People p{db, rng, county, as_of, actor, now};
  WriteWorkers(p, pool, summary);
  WriteProducts(p, pool, o, summary);
  WriteLoans(p, pool, o, summary);
}

}  // namespace fupin::industry
