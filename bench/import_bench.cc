// Throughput of `fupin import persons` (target: hundreds of thousands of
// persons per second): a generated CSV of N persons in the standard template
// (about 3 per household) imported into a fresh SQLite store, then imported
// again (every row matched, nothing changed), then a household-years file.
//
//   cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DFUPIN_BUILD_BENCH=ON -DFUPIN_WERROR=OFF
//   ninja -C build-release import_bench
//   build-release/bench/import_bench [persons=120000] [runs=3]
//
// Prints, per run, the seconds and persons per second of each phase; then
// the medians. IMPORT_BENCH_WITHOUT_MIGRATION=ID leaves that migration out
// (the "before" of a schema change).
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <unistd.h>

#include "access/personal_data.h"
#include "access/schema.h"
#include "assessment/schema.h"
#include "core/caller.h"
#include "core/id_number.h"
#include "dataio/importer.h"
#include "dataio/schema.h"
#include "registry/schema.h"
#include "store/database.h"

namespace {

using Clock = std::chrono::steady_clock;

std::string Village(int64_t i) {
  char b[16];
  std::snprintf(b, sizeof b, "430424%03d%03d", 100 + static_cast<int>(i % 10), 200 + static_cast<int>((i / 10) % 20));
  return b;
}

void WriteFiles(const std::string& persons, const std::string& years, int64_t n) {
  std::ofstream p(persons, std::ios::binary);
  std::ofstream y(years, std::ios::binary);
  p << "户编号,行政村代码,识别年度,贫困户属性,主要致贫原因,家庭住址,姓名,身份证号,与户主关系,入户日期,文化程度,健康状况,"
       "劳动能力,年度,在校状况\n";
  y << "户编号,年度,工资性收入,生产经营性收入,转移性收入,不愁吃,不愁穿,住房安全有保障,饮水安全有保障\n";
  int64_t person = 0, household = 0;
  static const char* kRelations[] = {"户主", "配偶", "子女", "子女", "父母"};
  while (person < n) {
    const int size = 1 + static_cast<int>((household * 7) % 5);
    char number[24];
    std::snprintf(number, sizeof number, "B%08lld", static_cast<long long>(household));
    const std::string village = Village(household);
    for (int k = 0; k < size && person < n; ++k, ++person) {
      // Unique numbers: the birth date counts days from a base per kind of member, the sequence is person % 1000.
      const fupin::Date base = k == 2 || k == 3 ? fupin::Date{2007, 1, 1} : (k == 4 ? fupin::Date{1940, 1, 1}
                                                                                  : fupin::Date{1965, 1, 1});
      const fupin::Date birth = fupin::Date::FromDays(base.ToDays() + person / 1000);
      char first17[24];
      std::snprintf(first17, sizeof first17, "430424%04d%02d%02d%03d", birth.year, birth.month, birth.day,
                    static_cast<int>(person % 1000));
      std::string id = std::string(first17) + fupin::IdCheckCharacter(first17);
      p << number << ',' << village << ",2014,一般贫困户,因病,某村某组," << "成员" << person << ',' << id << ','
        << kRelations[k] << ",2014-01-01,初中,健康,普通劳动力," << (k == 2 || k == 3 ? "2019,在校" : ",") << '\n';
    }
    y << number << ",2019," << 8000 + household % 5000 << ",1200.5,800,是,是,是,是\n";
    ++household;
  }
}

void Areas(fupin::store::Connection& db) {
  db.Execute("INSERT INTO areas (code, name, level, parent_code) VALUES ('43', '湖南省', 1, NULL),"
             " ('4304', '衡阳市', 2, '43'), ('430424', '衡东县', 3, '4304')");
  for (int t = 0; t < 10; ++t) {
    const std::string tc = "430424" + std::to_string(100 + t);
    db.Execute("INSERT INTO areas (code, name, level, parent_code) VALUES ('" + tc + "', '乡镇', 4, '430424')");
    for (int v = 0; v < 20; ++v) {
      db.Execute("INSERT INTO areas (code, name, level, parent_code) VALUES ('" + tc + std::to_string(200 + v) +
                 "', '村', 5, '" + tc + "')");
    }
  }
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t n = argc > 1 ? std::atoll(argv[1]) : 120000;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 3;
  const auto dir = std::filesystem::temp_directory_path() / ("fupin-import-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string persons = (dir / "persons.csv").string(), years = (dir / "years.csv").string();
  WriteFiles(persons, years, n);
  std::cout << "persons file: " << std::filesystem::file_size(persons) / 1024 << " KiB, " << n << " persons\n";
  fupin::access::KeyRing keys;
  keys.AddRandom();
  fupin::access::ConfigureProtector(std::make_shared<const fupin::access::PersonalDataProtector>(keys));
  std::vector<fupin::store::Migration> migrations = fupin::registry::Migrations();
  for (auto& m : fupin::access::Migrations()) migrations.push_back(m);
  for (auto& m : fupin::assessment::Migrations()) migrations.push_back(m);
  for (auto& m : fupin::dataio::Migrations()) migrations.push_back(m);
  // IMPORT_BENCH_WITHOUT_MIGRATION=151 leaves one migration out, to measure what it changes.
  if (const char* without = std::getenv("IMPORT_BENCH_WITHOUT_MIGRATION")) {
    std::erase_if(migrations, [id = std::atoi(without)](const fupin::store::Migration& m) { return m.id == id; });
    std::cout << "without migration " << without << "\n";
  }
  std::vector<double> first, again, hy, first_cpu, again_cpu;
  for (int run = 0; run < runs; ++run) {
    const std::string db_path = (dir / ("bench" + std::to_string(run) + ".db")).string();
    auto database = fupin::store::OpenDatabase(db_path, migrations);
    auto db = database->Connect();
    Areas(*db);
    fupin::dataio::Importer importer(*db);
    const fupin::Caller caller = fupin::Caller::LocalOperator();
    const std::clock_t c0 = std::clock();
    auto t0 = Clock::now();
    fupin::dataio::ImportOptions traced;
    if (std::getenv("IMPORT_BENCH_TRACE")) {
      traced.progress = [t0](std::string_view phase, size_t done, size_t total) {
        std::printf("  %6.2f s %.*s %zu/%zu\n", std::chrono::duration<double>(Clock::now() - t0).count(),
                    static_cast<int>(phase.size()), phase.data(), done, total);
      };
    }
    auto r = importer.Import(caller, fupin::dataio::TemplateKind::kPersons, persons, traced);
    auto t1 = Clock::now();
    const std::clock_t c1 = std::clock();
    if (!r.written) {
      std::cerr << "import refused: " << r.problems.size() << " problems, first: row " << r.problems.front().row << " "
                << r.problems.front().reason << "\n";
      return 1;
    }
    auto r2 = importer.Import(caller, fupin::dataio::TemplateKind::kPersons, persons, {});
    auto t2 = Clock::now();
    const std::clock_t c2 = std::clock();
    auto r3 = importer.Import(caller, fupin::dataio::TemplateKind::kHouseholdYears, years, {});
    auto t3 = Clock::now();
    const double s1 = std::chrono::duration<double>(t1 - t0).count();
    const double s2 = std::chrono::duration<double>(t2 - t1).count();
    const double s3 = std::chrono::duration<double>(t3 - t2).count();
    const double cpu1 = static_cast<double>(c1 - c0) / CLOCKS_PER_SEC;
    const double cpu2 = static_cast<double>(c2 - c1) / CLOCKS_PER_SEC;
    std::printf("run %d CPU: first import %.2f s (%.0f persons per CPU second), re-import %.2f s (%.0f)\n", run, cpu1,
                static_cast<double>(n) / cpu1, cpu2, static_cast<double>(n) / cpu2);
    first_cpu.push_back(cpu1);
    again_cpu.push_back(cpu2);
    first.push_back(s1);
    again.push_back(s2);
    hy.push_back(s3);
    std::printf("run %d: first import %.2f s (%.0f persons/s; %lld households), re-import %.2f s (%.0f persons/s, %lld changes),"
                " household years %.2f s (%zu rows, %.0f rows/s)\n",
                run, s1, static_cast<double>(n) / s1, static_cast<long long>(r.households_added), s2,
                static_cast<double>(n) / s2, static_cast<long long>(r2.changes), s3, r3.rows,
                static_cast<double>(r3.rows) / s3);
  }
  std::printf("median: first import %.0f persons/s, re-import %.0f persons/s, household years %.2f s\n",
              static_cast<double>(n) / Median(first), static_cast<double>(n) / Median(again), Median(hy));
  std::printf("median CPU: first import %.0f persons per CPU second, re-import %.0f\n",
              static_cast<double>(n) / Median(first_cpu), static_cast<double>(n) / Median(again_cpu));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
