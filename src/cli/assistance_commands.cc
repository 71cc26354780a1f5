// Assistance: coverage, a paired cadre's own view, imports, departments.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <ostream>

#include "access/abilities.h"
#include "assistance/assistance.h"
#include "assistance/assistance_json.h"
#include "assistance/coverage.h"
#include "assistance/demo.h"
#include "assistance/import.h"
#include "cli/context.h"
#include "core/error.h"

namespace fupin::cli {
namespace {

struct CoverageOptions {
  std::string area;
  std::optional<std::string> as_of;
  std::optional<int64_t> year;
};
struct ImportOptions {
  std::string kind;
  std::string path;
};
struct CadreAdd {
  assistance::CadreInput in;
  std::optional<std::string> code, phone, user;
};
struct AreaOption {
  std::string area;
  int64_t id = 0;
  std::string name, responsibility;
  bool standard = false;
};
struct LinkOptions {
  int64_t cadre = 0;
  std::string area, start;
};
struct TeamAdd {
  assistance::TeamInput in;
  std::optional<std::string> end;
};
struct MemberAdd {
  int64_t team = 0, cadre = 0;
  std::string role = "member", start;
};
struct PairOptions {
  int64_t id = 0, cadre = 0, household = 0, to = 0;
  std::optional<std::string> number;
  std::optional<int64_t> cadre_filter, household_filter;
  bool active = false;
  std::string date, reason;
};
struct VisitAdd {
  assistance::VisitInput in;
  std::optional<int64_t> cadre;
};
struct FigureOptions {
  std::string area, as_of;
  int year = 0;
};

template <typename T, typename F>
void PrintList(Context& ctx, const std::vector<T>& items, F json) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& x : items) a.push_back(json(x));
  if (ctx.json) {
    ctx.PrintJson({{"items", a}, {"total", a.size()}});
  } else {
    for (const auto& x : a) ctx.out() << x.dump() << '\n';
  }
}

void PrintCreated(Context& ctx, const char* what, int64_t id) {
  if (ctx.json) ctx.PrintJson({{"id", id}});
  else ctx.out() << what << " " << id << '\n';
}

}  // namespace

void AddAssistanceCommands(CLI::App& app, Context& ctx) {
  auto cov = std::make_shared<CoverageOptions>();
  auto* c = app.add_subcommand("coverage", "驻村帮扶和结对帮扶覆盖情况 (coverage and gaps by area)");
  c->add_option("--area", cov->area, "Area code")->required();
  c->add_option("--as-of", cov->as_of, "Date YYYY-MM-DD (default: the end of --year, else the latest visit on record)");
  c->add_option("--year", cov->year, "Judge on 31 December of this year (not after today)");
  c->callback([&ctx, cov] {
    const auto date = assistance::ResolveCoverageDate(ctx.connection(), cov->area, cov->as_of, cov->year);
    const auto r = assistance::Coverage(ctx.connection(), ctx.caller, cov->area, date.date);
    auto j = assistance::CoverageJson(r);
    j["as_of_basis"] = date.basis;
    if (ctx.json) {
      ctx.PrintJson(j);
      return;
    }
    auto& out = ctx.out();
    const char* basis = date.basis == "latest_visit" ? "（最近一次走访日）"
                        : date.basis == "year_end"   ? "（年末）"
                        : date.basis == "today"      ? "（今日）"
                                                     : "";
    out << r.total.area_name << " " << r.total.area_code << "  截至 " << r.as_of << basis << '\n'
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
  auto my_cadre = std::make_shared<std::optional<int64_t>>();
  auto* myh = my->add_subcommand("households", "A paired cadre's households, last visit and what is due");
  myh->add_option("--cadre", *my_cadre, "Cadre id (the command line has no login: name the cadre)");
  myh->callback([&ctx, my_cadre] {
    assistance::AssistanceService svc(ctx.connection());
    const auto view = *my_cadre ? svc.CadreView(ctx.caller, **my_cadre) : svc.MyView(ctx.caller);
    if (ctx.json) {
      ctx.PrintJson(assistance::MyHouseholdsJson(view));
      return;
    }
    for (const auto& h : view.households) {
      ctx.out() << h.number << " " << h.village_name << " " << h.status << " 上次走访 " << h.last_visit.value_or("-")
                << " 应于 " << h.next_visit_due << (h.overdue ? " (逾期)" : "") << '\n';
    }
  });

  // Cadres.
  auto* cadre = app.add_subcommand("cadre", "帮扶干部 (cadres)");
  cadre->require_subcommand(1);
  auto ca = std::make_shared<CadreAdd>();
  auto* add = cadre->add_subcommand("add", "Add a cadre");
  add->add_option("--name", ca->in.name, "姓名")->required();
  add->add_option("--unit", ca->in.unit, "工作单位")->required();
  add->add_option("--position", ca->in.position, "职务");
  add->add_option("--phone", ca->phone, "电话");
  add->add_option("--code", ca->code, "干部编号");
  add->add_option("--area", ca->in.area_code, "Managing area (default: your scope)");
  add->add_option("--user", ca->user, "Login of the cadre (for `fupin my households`)");
  add->callback([&ctx, ca] {
    ca->in.code = ca->code;
    ca->in.phone = ca->phone;
    ca->in.user_name = ca->user;
    assistance::AssistanceService svc(ctx.connection());
    const int64_t id = svc.AddCadre(ctx.caller, ca->in);
    if (ctx.json) ctx.PrintJson(assistance::CadreJson(svc.GetCadre(ctx.caller, id)));
    else ctx.out() << "干部 " << id << '\n';
  });
  auto cl = std::make_shared<AreaOption>();
  auto* list = cadre->add_subcommand("list", "Cadres of an area");
  list->add_option("--area", cl->area, "Area code (default: your scope)");
  list->callback([&ctx, cl] {
    assistance::AssistanceService svc(ctx.connection());
    PrintList(ctx, svc.ListCadres(ctx.caller, cl->area), assistance::CadreJson);
  });
  auto ho = std::make_shared<PairOptions>();
  auto* handover = cadre->add_subcommand("handover", "The cadre leaves: hand all their households to another");
  handover->add_option("id", ho->id, "Leaving cadre id")->required();
  handover->add_option("--to", ho->to, "Receiving cadre id")->required();
  handover->add_option("--date", ho->date, "Date YYYY-MM-DD")->required();
  handover->add_option("--reason", ho->reason, "Reason");
  handover->callback([&ctx, ho] {
    assistance::AssistanceService svc(ctx.connection());
    const auto r = svc.HandOver(ctx.caller, ho->id, ho->to, ho->date, ho->reason);
    if (ctx.json) ctx.PrintJson(assistance::HandoverJson(r));
    else ctx.out() << "移交 " << r.opened.size() << " 户 " << r.from_cadre_id << " -> " << r.to_cadre_id << '\n';
  });

  // Sector departments.
  auto* dept = app.add_subcommand("department", "行业扶贫部门 (sector departments)");
  dept->require_subcommand(1);
  auto da = std::make_shared<AreaOption>();
  auto* dadd = dept->add_subcommand("add", "Add a department, or --standard for the reference list");
  dadd->add_option("--area", da->area, "Area code")->required();
  dadd->add_option("--name", da->name, "Name");
  dadd->add_option("--responsibility", da->responsibility, "Responsibility");
  dadd->add_flag("--standard", da->standard, "Add the reference list of 29 departments");
  dadd->callback([&ctx, da] {
    assistance::AssistanceService svc(ctx.connection());
    if (da->standard) {
      const int n = svc.AddStandardDepartments(ctx.caller, da->area);
      if (ctx.json) ctx.PrintJson({{"added", n}});
      else ctx.out() << "新增部门 " << n << '\n';
      return;
    }
    PrintCreated(ctx, "部门", svc.AddDepartment(ctx.caller, da->area, da->name, da->responsibility));
  });
  auto dl = std::make_shared<AreaOption>();
  auto* dlist = dept->add_subcommand("list", "Departments of an area");
  dlist->add_option("--area", dl->area, "Area code");
  dlist->callback([&ctx, dl] {
    assistance::AssistanceService svc(ctx.connection());
    PrintList(ctx, svc.ListDepartments(ctx.caller, dl->area), assistance::DepartmentJson);
  });

  // County leaders.
  auto* leader = app.add_subcommand("leader", "联点县级领导 (county leaders linked to places)");
  leader->require_subcommand(1);
  auto lo = std::make_shared<LinkOptions>();
  auto* link = leader->add_subcommand("link", "Link a leader (a cadre) to a township or village");
  link->add_option("--cadre", lo->cadre, "Cadre id")->required();
  link->add_option("--area", lo->area, "Township or village code")->required();
  link->add_option("--from", lo->start, "Start date")->required();
  link->callback([&ctx, lo] {
    assistance::AssistanceService svc(ctx.connection());
    PrintCreated(ctx, "联点", svc.LinkLeader(ctx.caller, lo->cadre, lo->area, lo->start));
  });
  auto ll = std::make_shared<AreaOption>();
  auto* llist = leader->add_subcommand("list", "Leader links of an area");
  llist->add_option("--area", ll->area, "Area code");
  llist->callback([&ctx, ll] {
    assistance::AssistanceService svc(ctx.connection());
    PrintList(ctx, svc.ListLeaderLinks(ctx.caller, ll->area), assistance::LeaderLinkJson);
  });

  // Work teams.
  auto* team = app.add_subcommand("team", "驻村工作队 (resident work teams)");
  team->require_subcommand(1);
  auto ta = std::make_shared<TeamAdd>();
  auto* tadd = team->add_subcommand("add", "Add a work team");
  tadd->add_option("--village", ta->in.village_code, "Village code")->required();
  tadd->add_option("--unit", ta->in.dispatching_unit, "派出单位")->required();
  tadd->add_option("--from", ta->in.start_date, "Start date")->required();
  tadd->add_option("--to", ta->end, "End date (first day gone)");
  tadd->callback([&ctx, ta] {
    ta->in.end_date = ta->end;
    assistance::AssistanceService svc(ctx.connection());
    PrintCreated(ctx, "工作队", svc.AddTeam(ctx.caller, ta->in));
  });
  auto ma = std::make_shared<MemberAdd>();
  auto* madd = team->add_subcommand("member", "Add a member to a team");
  madd->add_option("team", ma->team, "Team id")->required();
  madd->add_option("--cadre", ma->cadre, "Cadre id")->required();
  madd->add_option("--role", ma->role, "captain | first_secretary | member");
  madd->add_option("--from", ma->start, "Start date")->required();
  madd->callback([&ctx, ma] {
    assistance::AssistanceService svc(ctx.connection());
    PrintCreated(ctx, "队员", svc.AddTeamMember(ctx.caller, ma->team, ma->cadre, ma->role, ma->start));
  });
  auto tl = std::make_shared<AreaOption>();
  auto* tlist = team->add_subcommand("list", "Work teams of an area with members");
  tlist->add_option("--area", tl->area, "Area code");
  tlist->callback([&ctx, tl] {
    assistance::AssistanceService svc(ctx.connection());
    PrintList(ctx, svc.ListTeams(ctx.caller, tl->area), assistance::TeamJson);
  });

  // Pairings.
  auto* pair = app.add_subcommand("pairing", "结对帮扶 (pairings of cadres with households)");
  pair->require_subcommand(1);
  auto po = std::make_shared<PairOptions>();
  auto* padd = pair->add_subcommand("add", "Pair a cadre with a household");
  padd->add_option("--cadre", po->cadre, "Cadre id")->required();
  padd->add_option("--household", po->household, "Household id")->required();
  padd->add_option("--from", po->date, "Start date")->required();
  padd->callback([&ctx, po] {
    assistance::AssistanceService svc(ctx.connection());
    PrintCreated(ctx, "结对", svc.Pair(ctx.caller, po->cadre, po->household, po->date));
  });
  auto pe = std::make_shared<PairOptions>();
  auto* pend = pair->add_subcommand("end", "End a pairing");
  pend->add_option("id", pe->id, "Pairing id")->required();
  pend->add_option("--date", pe->date, "First day no longer paired")->required();
  pend->add_option("--reason", pe->reason, "Reason")->required();
  pend->callback([&ctx, pe] {
    assistance::AssistanceService svc(ctx.connection());
    svc.EndPairing(ctx.caller, pe->id, pe->date, pe->reason);
    PrintCreated(ctx, "结对已结束", pe->id);
  });
  auto pl = std::make_shared<PairOptions>();
  auto* plist = pair->add_subcommand("list", "Pairings, history included");
  plist->add_option("--cadre", pl->cadre_filter, "Cadre id");
  plist->add_option("--household", pl->household_filter, "Household id");
  plist->add_flag("--active", pl->active, "Active today only");
  plist->callback([&ctx, pl] {
    assistance::AssistanceService svc(ctx.connection());
    PrintList(ctx, svc.ListPairings(ctx.caller, {pl->cadre_filter, pl->household_filter, pl->active}),
              assistance::PairingJson);
  });

  // Visits.
  auto* visit = app.add_subcommand("visit", "走访 (visits)");
  visit->require_subcommand(1);
  auto va = std::make_shared<VisitAdd>();
  auto* vadd = visit->add_subcommand("add", "Record a visit");
  vadd->add_option("--household", va->in.household_id, "Household id")->required();
  vadd->add_option("--cadre", va->cadre, "Cadre id (default: the household's paired cadre)");
  vadd->add_option("--date", va->in.date, "Date")->required();
  vadd->add_option("--done", va->in.done, "帮扶内容")->required();
  vadd->add_option("--promised", va->in.promised, "承诺事项");
  vadd->callback([&ctx, va] {
    va->in.cadre_id = va->cadre;
    assistance::AssistanceService svc(ctx.connection());
    PrintCreated(ctx, "走访", svc.RecordVisit(ctx.caller, va->in));
  });
  auto vl = std::make_shared<PairOptions>();
  auto* vlist = visit->add_subcommand("list", "Visits to a household");
  vlist->add_option("--household", vl->household, "Household id")->required();
  vlist->callback([&ctx, vl] {
    assistance::AssistanceService svc(ctx.connection());
    PrintList(ctx, svc.ListVisits(ctx.caller, vl->household), assistance::VisitJson);
  });

  // Figures for the progress report.
  auto fo = std::make_shared<FigureOptions>();
  auto* fig = app.add_subcommand("assistance-figures", "帮扶动员数字 (mobilisation figures of the progress report)");
  fig->add_option("--area", fo->area, "Area code")->required();
  fig->add_option("--year", fo->year, "Year")->required();
  fig->add_option("--as-of", fo->as_of, "Date in the year (default 31 December)");
  fig->callback([&ctx, fo] {
    const std::string as_of = fo->as_of.empty() ? std::to_string(fo->year) + "-12-31" : fo->as_of;
    const auto j = assistance::FiguresJson(
        assistance::ProgressFigures(ctx.connection(), ctx.caller, fo->area, fo->year, as_of));
    if (ctx.json) {
      ctx.PrintJson(j);
    } else {
      for (const auto& [k, v] : j.items()) ctx.out() << k << " " << (v.is_object() ? v["value"] : v) << '\n';
    }
  });

  // Demo data on a generated registry (the lead wires it into `fupin demo hengdong`).
  auto demo = std::make_shared<assistance::DemoOptions>();
  auto* dm = app.add_subcommand("assistance-demo", "Generate demo assistance data on a generated registry");
  dm->add_option("--seed", demo->seed, "Seed");
  dm->add_option("--area", demo->area_code, "County code (default 430424)");
  dm->add_option("--as-of", demo->as_of, "Date (default 2020-09-30)");
  dm->add_option("--paired-cadres", demo->paired_cadres, "Paired cadres (default 4962)");
  dm->add_option("--work-teams", demo->work_teams, "Work teams (default 187)");
  dm->add_option("--work-team-members", demo->work_team_members, "Members (default 379)");
  dm->add_option("--leaders", demo->county_leaders, "County leaders (default 60)");
  dm->callback([&ctx, demo] {
    if (!access::Can(ctx.caller, access::Ability::kAdministerSystem)) throw Error::PermissionDenied("only an administrator generates demo data");
    const auto r = assistance::GenerateDemo(ctx.connection(), *demo);
    const nlohmann::json j = {{"cadres", r.cadres}, {"leader_links", r.leader_links}, {"departments", r.departments},
                              {"work_teams", r.work_teams}, {"work_team_members", r.work_team_members},
                              {"pairings", r.pairings}, {"visits", r.visits}};
    if (ctx.json) ctx.PrintJson(j);
    else ctx.out() << j.dump() << '\n';
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
