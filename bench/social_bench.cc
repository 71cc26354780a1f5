// Suggestions for one donor over one million open needs (target: < 50 ms).
//
//   cmake -S . -B build -G Ninja -DFUPIN_BUILD_BENCH=ON && ninja -C build social_bench
//   build/bench/social_bench
//
// BM_IndexTop ranks 1,000,000 needs held in a NeedIndex. BM_SuggestNeeds is
// the whole service call on a SQLite store holding 1,000,000 open needs: the
// index's refresh check (one query), the ranking, and reading the 20 chosen
// needs. BM_SuggestAfterAWrite adds one changed need per call (the
// incremental refresh). The first load of the index is timed once and printed.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "access/schema.h"
#include "core/date.h"
#include "registry/schema.h"
#include "social/need_index.h"
#include "social/schema.h"
#include "social/social.h"
#include "store/database.h"

namespace fupin::social {
namespace {

constexpr int64_t kNeeds = 1000000;
const Date kToday{2020, 6, 1};

// 10 counties x 20 townships x 15 villages.
int64_t Village(uint64_t r) {
  const int64_t county = 430421 + static_cast<int64_t>(r % 10);
  const int64_t township = 100 + static_cast<int64_t>((r / 10) % 20);
  const int64_t village = 200 + static_cast<int64_t>((r / 200) % 15);
  return (county * 1000 + township) * 1000 + village;
}

uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return x;
}

DonorPreferences Donor() {
  DonorPreferences d;
  d.county_code = "430424";
  d.township_code = "430424105";
  d.interests = (1u << CategoryIndex("education")) | (1u << CategoryIndex("medical"));
  d.today = kToday;
  return d;
}

void BM_IndexTop(benchmark::State& state) {
  static NeedIndex* index = [] {
    auto* i = new NeedIndex();
    for (int64_t id = 1; id <= kNeeds; ++id) {
      const uint64_t r = Mix(static_cast<uint64_t>(id));
      i->Upsert({id, Village(r), static_cast<int>(r % 6), static_cast<int>((r >> 8) % 3),
                 static_cast<int64_t>((r >> 12) % 10), kToday.ToDays() + static_cast<int64_t>((r >> 20) % 200) - 20});
    }
    return i;
  }();
  const DonorPreferences donor = Donor();
  for (auto _ : state) benchmark::DoNotOptimize(index->Top(donor, 20));
  state.counters["needs"] = static_cast<double>(index->size());
}
BENCHMARK(BM_IndexTop)->Unit(benchmark::kMillisecond);

struct Store {
  std::string dir;
  std::unique_ptr<store::Database> database;
  std::unique_ptr<store::Connection> db;
  FixedClock clock{kToday, 1590969600};
  Caller donor;
  NeedIndex index;
};

Store& TheStore() {
  static Store* s = [] {
    auto* st = new Store();
    std::string tmpl = (std::filesystem::temp_directory_path() / "fupin-social-bench-XXXXXX").string();
    st->dir = mkdtemp(tmpl.data());
    auto migrations = registry::Migrations();
    for (auto& m : access::Migrations()) migrations.push_back(std::move(m));
    for (auto& m : Migrations()) migrations.push_back(std::move(m));
    st->database = store::OpenDatabase(st->dir + "/fupin.db", migrations);
    st->db = st->database->Connect();
    store::Connection& db = *st->db;
    const auto t0 = std::chrono::steady_clock::now();
    store::Transaction tx(db);
    db.Execute("INSERT INTO areas (code, name, level, parent_code) VALUES ('43', '湖南省', 1, NULL)");
    auto area = db.Prepare("INSERT OR IGNORE INTO areas (code, name, level, parent_code) VALUES (?, ?, 5, NULL)");
    auto household = db.Prepare(
        "INSERT INTO households (number, village_code, identified_year, attribute, main_cause, created_at, updated_at)"
        " VALUES (?, ?, 2014, 'general', 'illness', 0, 0) RETURNING id");
    std::vector<std::pair<int64_t, int64_t>> households;  // id, village
    for (uint64_t r = 0; r < 3000; ++r) {
      const int64_t village = Village(r);
      area->BindText(1, std::to_string(village));
      area->BindText(2, "村");
      area->Run();
      household->BindText(1, "H" + std::to_string(r));
      household->BindText(2, std::to_string(village));
      household->Step();
      households.emplace_back(household->Int(0), village);
      household->Reset();
    }
    // One statement for the million needs: households round-robin, pseudo-random attributes.
    auto need = db.Prepare(
        "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?1)"
        " INSERT INTO needs (household_id, village_code, category, title, description, amount_fen, deadline, urgency,"
        " status, submitted_by, submitted_on, published_on, pledge_count, created_at, updated_at)"
        " SELECT h.id, h.village_code,"
        " CASE (k.i * 7919) % 6 WHEN 0 THEN 'production' WHEN 1 THEN 'living' WHEN 2 THEN 'education'"
        "   WHEN 3 THEN 'medical' WHEN 4 THEN 'employment' ELSE 'other' END,"
        " '需求', '说明', 100000, date(?2, ((k.i * 104729) % 200 - 20) || ' days'),"
        " CASE (k.i * 31) % 3 WHEN 0 THEN 'normal' WHEN 1 THEN 'urgent' ELSE 'critical' END,"
        " 'open', 'bench', '2020-01-01', '2020-01-02', (k.i * 13) % 10, 0, 0"
        " FROM k JOIN households h ON h.id = 1 + (k.i * 2654435761) % ?3");
    need->BindInt(1, kNeeds);
    need->BindText(2, kToday.ToString());
    need->BindInt(3, static_cast<int64_t>(households.size()));
    need->Run();
    db.Execute("INSERT INTO need_changes (need_id) VALUES (0)");
    db.Execute(
        "INSERT INTO users (name, role, area_code, password_hash, password_changed_at, created_at, updated_at)"
        " VALUES ('bench-donor', 'donor', '', '!', 0, 0, 0)");
    db.Execute(
        "INSERT INTO donor_profiles (user_id, display_name, kind, county_code, township_code, interests,"
        " registered_on, created_at, updated_at) SELECT id, '捐赠人', 'individual', '430424', '430424105',"
        " 'education,medical', '2020-01-01', 0, 0 FROM users WHERE name = 'bench-donor'");
    tx.Commit();
    st->donor = Caller{*db.QueryInt("SELECT id FROM users WHERE name = 'bench-donor'"), "bench-donor", Role::kDonor, ""};
    const auto t1 = std::chrono::steady_clock::now();
    st->index.Refresh(db);
    const auto t2 = std::chrono::steady_clock::now();
    std::fprintf(stderr, "store of %lld open needs written in %.1f s; first index load %.0f ms\n",
                 static_cast<long long>(kNeeds), std::chrono::duration<double>(t1 - t0).count(),
                 std::chrono::duration<double, std::milli>(t2 - t1).count());
    return st;
  }();
  return *s;
}

void BM_SuggestNeeds(benchmark::State& state) {
  Store& st = TheStore();
  SocialService service(*st.db, st.clock, &st.index);
  for (auto _ : state) benchmark::DoNotOptimize(service.SuggestNeeds(st.donor, 20));
  state.counters["needs"] = static_cast<double>(st.index.size());
}
BENCHMARK(BM_SuggestNeeds)->Unit(benchmark::kMillisecond);

void BM_SuggestAfterAWrite(benchmark::State& state) {
  Store& st = TheStore();
  SocialService service(*st.db, st.clock, &st.index);
  auto bump = st.db->Prepare("UPDATE needs SET pledge_count = pledge_count + 1 WHERE id = ?");
  auto touch = st.db->Prepare("INSERT INTO need_changes (need_id) VALUES (?)");
  int64_t id = 1;
  for (auto _ : state) {
    bump->BindInt(1, id);
    bump->Run();
    touch->BindInt(1, id);
    touch->Run();
    id = id % kNeeds + 7919;
    benchmark::DoNotOptimize(service.SuggestNeeds(st.donor, 20));
  }
}
BENCHMARK(BM_SuggestAfterAWrite)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fupin::social

BENCHMARK_MAIN();
