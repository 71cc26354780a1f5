// Assistance: coverage, a paired cadre's own view, imports, departments.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <ostream>

#include "assistance/assistance.h"
#include "assistance/assistance_json.h"
#include "assistance/coverage.h"
#include "assistance/import.h"
#include "cli/context.h"

namespace fupin::cli {
namespace {

struct CoverageOptions {
  std::string area;
  std::optional<std::string> as_of;
};
struct ImportOptions {
  std::string kind;
  std::string path;
};

}  // namespace

void AddAssistanceCommands(CLI::App& app, Context& ctx) {
  auto cov = std::make_shared<CoverageOptions>();
  auto* c = app.add_subcommand("coverage", "驻村帮扶和结对帮扶覆盖情况 (coverage and gaps by area)");
  c->add_option("--area", cov->area, "Area code")->required();
  c->add_option("--as-of", cov->as_of, "Date YYYY-MM-DD (default today)");
  c->callback([&ctx, cov] {
    const auto r = assistance::Coverage(ctx.connection(), ctx.caller, cov->area, cov->as_of);
    if (ctx.json) {
      ctx.PrintJson(assistance::CoverageJson(r));
      return;
    }
    auto& out = ctx.out();
    const auto j = assistance::CoverageJson(r);
    out << r.total.area_name << " " << r.total.area_code << "  截至 " << r.as_of << '\n'
        << "  驻村帮扶覆盖率 " << j["total"]["resident_coverage_rate"] << "% (" << r.total.poor_villages_with_team << "/"
        << r.total.poor_villages << " 贫困村)\n"
        << "  结对帮扶覆盖率 " << j["total"]["pairing_coverage_rate"] << "% (" << r.total.households_paired << "/"
        << r.total.households_registered << " 户)\n"
        << "  未按期走访 " << r.total.households_overdue << " 户 (间隔 " << r.visit_interval_days << " 天)\n";
    for (const auto& t : j["breakdown"]) {
      out << "  " << t["area_name"].get<std::string>() << " " << t["area_code"].get<std::string>() << "  驻村 "
          << t["resident_coverage_rate"] << "%  结对 " << t["pairing_coverage_rate"] << "%  逾期 "
          << t["households_overdue"] << '\n';
    }
    for (const auto& v : r.villages_without_team) out << "  无驻村工作队: " << v.village_name << " " << v.village_code << '\n';
    for (const auto& h : r.households_without_cadre) out << "  无帮扶干部: " << h.number << '\n';
    for (const auto& h : r.households_not_visited) {
      out << "  未按期走访: " << h.number << " " << h.cadre_name << " 上次 " << h.last_visit.value_or("-") << '\n';
    }
    for (const auto& k : r.cadres_over_limit) {
      out << "  超出结对上限: " << k.name << " (" << k.unit << ") " << k.households << " 户\n";
    }
  });

  auto* my = app.add_subcommand("my", "结对帮扶干部本人视图");
  my->require_subcommand(1);
  my->add_subcommand("households", "My paired households, last visit and what is due")->callback([&ctx] {
    assistance::AssistanceService svc(ctx.connection());
    const auto view = svc.MyView(ctx.caller);
    if (ctx.json) {
      ctx.PrintJson(assistance::MyHouseholdsJson(view));
      return;
    }
    for (const auto& h : view.households) {
      ctx.out() << h.number << " " << h.village_name << " " << h.status << " 上次走访 " << h.last_visit.value_or("-")
                << " 应于 " << h.next_visit_due << (h.overdue ? " (逾期)" : "") << '\n';
    }
  });

  auto imp = std::make_shared<ImportOptions>();
  auto* i = app.add_subcommand("assistance-import", "导入帮扶干部、工作队、结对关系 (all or nothing)");
  i->add_option("kind", imp->kind, "cadres | teams | pairings")->required()->check(CLI::IsMember({"cadres", "teams", "pairings"}));
  i->add_option("file", imp->path, "CSV or XLSX")->required();
  i->callback([&ctx, imp] {
    const auto kind = imp->kind == "cadres"  ? assistance::ImportKind::kCadres
                      : imp->kind == "teams" ? assistance::ImportKind::kTeams
                                             : assistance::ImportKind::kPairings;
    const auto r = assistance::Import(ctx.connection(), ctx.caller, kind, imp->path);
    if (ctx.json) ctx.PrintJson(assistance::ImportJson(r));
    else ctx.out() << "导入 " << r.kind << ": " << r.rows << " 行, 新增 " << r.added << '\n';
  });
}

}  // namespace fupin::cli
