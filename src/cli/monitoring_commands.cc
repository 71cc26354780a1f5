// `fupin monitor ...`: return-to-poverty monitoring (防止返贫动态监测) from the
// command line. Parses, calls one service function, prints text or --json.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <ostream>

#include "cli/context.h"
#include "core/error.h"
#include "core/money.h"
#include "io/table.h"
#include "monitoring/monitoring.h"
#include "monitoring/monitoring_json.h"
#include "registry/households.h"

namespace fupin::cli {
namespace {

struct ThresholdSet {
  int year = 0;
  std::string province, line, source;
};
struct ParamSet {
  std::string name, value, source;
  bool disable = false;
};
struct SpendingAdd {
  int64_t household = 0;
  int year = 0;
  std::string kind, amount, note;
};
struct AlertImport {
  std::string kind, file;
  int year = 0;
  bool skip_unmatched = false;
  bool skip_invalid = false;
};
struct AreaYear {
  std::string area, as_of;
  int year = 0;
  bool open = false;
};
struct CaseOpen {
  std::optional<int64_t> household;
  std::string number, source = "cadre_report", category, date, note;
  int year = 0;
};
struct CaseList {
  std::string area, status, category;
  std::optional<int> year;
  int64_t limit = 50, offset = 0;
};
struct StepOptions {
  int64_t id = 0;
  std::string step, date, end_date, return_to, note;
  bool reject = false;
};
struct MeasureOptions {
  int64_t case_id = 0, measure_id = 0;
  std::optional<int64_t> policy_id;
  std::string kind, description, responsible, start, status, result;
};
struct EliminateOptions {
  int64_t id = 0;
  std::string date, reason, evidence;
};

std::optional<std::string> NonEmpty(const std::string& s) { return s.empty() ? std::nullopt : std::optional(s); }

Fen Yuan(const std::string& text, const char* option) {
  auto fen = ParseYuan(text);
  if (!fen) throw Error::InvalidArgument("bad amount", {{option, "'" + text + "' is not an amount in yuan"}});
  return *fen;
}

void PrintCase(Context& ctx, const monitoring::Case& c) {
  if (ctx.json) {
    ctx.PrintJson(monitoring::CaseJson(c));
    return;
  }
  auto& out = ctx.out();
  out << "监测案件 " << c.id << "  " << c.household_number << "  " << c.village_name << " " << c.village_code << "\n  "
      << LabelOf(monitoring::CategoryTerms(), c.category) << "  状态 " << WireOf(monitoring::CaseStatusTerms(), c.status)
      << (c.stage ? std::string("  待办 ") + monitoring::StepLabelZh(*c.stage) + " (" + *c.stage + ")" : "")
      << "  预警 " << c.alert_date << (c.entered_on ? "  纳入 " + *c.entered_on : "")
      << (c.closed_on ? "  结束 " + *c.closed_on : "") << '\n';
  for (const auto& s : c.steps) {
    out << "  " << s.date << (s.end_date ? "~" + *s.end_date : "") << "  " << monitoring::StepLabelZh(s.step) << " "
        << s.action << (s.returned_to ? " -> " + *s.returned_to : "") << "  " << s.actor << " (" << s.role << ")"
        << (s.note.empty() ? "" : "  " + s.note) << '\n';
  }
  for (const auto& m : c.measures) {
    out << "  措施 " << m.id << " [" << WireOf(monitoring::MeasureStatusTerms(), m.status) << "] "
        << WireOf(monitoring::MeasureKindTerms(), m.kind) << " " << m.description
        << (m.policy_id ? " 政策#" + std::to_string(*m.policy_id) : "") << (m.result.empty() ? "" : "  " + m.result)
        << '\n';
  }
  if (c.elimination) {
    out << "  风险消除 " << c.elimination->date << " " << WireOf(monitoring::EliminationReasonTerms(), c.elimination->reason)
        << "  " << c.elimination->evidence << '\n';
  }
}

}  // namespace

void AddMonitoringCommands(CLI::App& app, Context& ctx) {
  auto* mon = app.add_subcommand("monitor", "防止返贫动态监测 (return-to-poverty monitoring)");
  mon->require_subcommand(1);

  // Thresholds and rules.
  auto* th = mon->add_subcommand("thresholds", "Monitoring lines per year and province, with sources");
  th->callback([&ctx] {
    monitoring::MonitoringService svc(ctx.connection());
    const auto rows = svc.Thresholds(ctx.caller);
    if (ctx.json) {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& t : rows) a.push_back(monitoring::ThresholdJson(t));
      ctx.PrintJson({{"items", a}});
      return;
    }
    for (const auto& t : rows) {
      ctx.out() << t.year << " " << (t.province.empty() ? "全国" : t.province) << " " << FormatYuan(t.line)
                << " 元/人·年  " << t.source << '\n';
    }
  });
  auto ts = std::make_shared<ThresholdSet>();
  auto* tset = mon->add_subcommand("threshold-set", "Set the monitoring line of a year (nationally or for a province)");
  tset->add_option("--year", ts->year, "Year")->required();
  tset->add_option("--province", ts->province, "2-digit province code (default: national)");
  tset->add_option("--line", ts->line, "Yuan per person and year")->required();
  tset->add_option("--source", ts->source, "The document or decision")->required();
  tset->callback([&ctx, ts] {
    monitoring::MonitoringService svc(ctx.connection());
    const auto t = svc.SetThreshold(ctx.caller, ts->year, ts->province, Yuan(ts->line, "--line"), ts->source);
    if (ctx.json) ctx.PrintJson(monitoring::ThresholdJson(t));
    else ctx.out() << "监测线 " << t.year << " " << (t.province.empty() ? "全国" : t.province) << " " << FormatYuan(t.line) << '\n';
  });
  auto* rules = mon->add_subcommand("rules", "Risk rules and procedure settings in force, with sources");
  rules->callback([&ctx] {
    monitoring::MonitoringService svc(ctx.connection());
    const auto rows = svc.Parameters(ctx.caller);
    if (ctx.json) {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& p : rows) a.push_back(monitoring::ParameterJson(p));
      ctx.PrintJson({{"items", a}});
      return;
    }
    for (const auto& p : rows) {
      ctx.out() << p.name << " = " << p.value << " " << p.unit << (p.enabled ? "" : " (停用)") << "  " << p.label_zh
                << "  " << p.source << '\n';
    }
  });
  auto ps = std::make_shared<ParamSet>();
  auto* pset = mon->add_subcommand("rule-set", "Change a risk rule or procedure setting");
  pset->add_option("name", ps->name, "Rule or setting name")->required();
  pset->add_option("value", ps->value, "Value")->required();
  pset->add_option("--source", ps->source, "The document or decision")->required();
  pset->add_flag("--disable", ps->disable, "Switch the risk rule off");
  pset->callback([&ctx, ps] {
    monitoring::MonitoringService svc(ctx.connection());
    const auto p = svc.SetParameter(ctx.caller, ps->name, ps->value, !ps->disable, ps->source);
    if (ctx.json) ctx.PrintJson(monitoring::ParameterJson(p));
    else ctx.out() << p.name << " = " << p.value << (p.enabled ? "" : " (停用)") << '\n';
  });

  // Rigid spending and department alerts.
  auto sa = std::make_shared<SpendingAdd>();
  auto* spend = mon->add_subcommand("spending", "Record rigid spending (大病、就学、灾害、意外) of a household");
  spend->add_option("--household", sa->household, "Household id")->required();
  spend->add_option("--year", sa->year, "Year")->required();
  spend->add_option("--kind", sa->kind, "illness | schooling | disaster | accident")->required();
  spend->add_option("--amount", sa->amount, "Yuan")->required();
  spend->add_option("--note", sa->note, "Note");
  spend->callback([&ctx, sa] {
    monitoring::MonitoringService svc(ctx.connection());
    const int64_t id = svc.AddSpending(ctx.caller, sa->household, sa->year, sa->kind, Yuan(sa->amount, "--amount"), sa->note);
    if (ctx.json) ctx.PrintJson({{"id", id}});
    else ctx.out() << "刚性支出 " << id << '\n';
  });
  auto* alerts = mon->add_subcommand("alerts", "Department alerts (部门预警)");
  alerts->require_subcommand(1);
  auto ai = std::make_shared<AlertImport>();
  auto* imp = alerts->add_subcommand("import", "Import a department roster (CSV or XLSX), all or nothing");
  imp->add_option("--kind", ai->kind, "medical | disaster | unemployment")->required();
  imp->add_option("--year", ai->year, "Year")->required();
  imp->add_option("file", ai->file, "The roster: 身份证号, 姓名, 日期, 金额, 说明")->required();
  imp->add_flag("--skip-unmatched", ai->skip_unmatched, "Leave out ID numbers the registry does not hold");
  imp->add_flag("--skip-invalid", ai->skip_invalid, "Import the valid rows and list the others");
  imp->callback([&ctx, ai] {
    const auto kind = monitoring::AlertKindOf(ai->kind, "--kind");
    monitoring::MonitoringService svc(ctx.connection());
    auto reader = io::OpenTable(ai->file);
    monitoring::AlertImportOptions options;
    options.skip_unmatched = ai->skip_unmatched;
    options.skip_invalid = ai->skip_invalid;
    const auto r = svc.ImportAlerts(ctx.caller, kind, ai->year, *reader, ai->file, options);
    for (const auto& d : dataio::RefusalDetails(r.problems)) ctx.err() << "skipped " << d.path << ": " << d.problem << '\n';
    if (ctx.json) {
      ctx.PrintJson(monitoring::AlertImportJson(r));
      return;
    }
    ctx.out() << "导入预警 " << r.imported << " 条 (" << r.kind << " " << r.year << ", 读取 " << r.rows << " 行";
    if (!r.skipped_rows.empty()) ctx.out() << ", 未匹配跳过 " << r.skipped_rows.size() << " 行";
    ctx.out() << ")\n";
  });
  auto al = std::make_shared<AreaYear>();
  auto* alist = alerts->add_subcommand("list", "Alerts of a year");
  alist->add_option("--year", al->year, "Year")->required();
  alist->add_option("--area", al->area, "Area (default: your scope)");
  alist->callback([&ctx, al] {
    monitoring::MonitoringService svc(ctx.connection());
    const auto rows = svc.ListAlerts(ctx.caller, al->year, al->area);
    if (ctx.json) {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& x : rows) a.push_back(monitoring::AlertJson(x));
      ctx.PrintJson({{"items", a}, {"total", rows.size()}});
      return;
    }
    for (const auto& x : rows) {
      ctx.out() << x.id << " " << x.kind << " " << x.date << " " << x.household_number << " 人员 " << x.person_id
                << (x.amount ? " " + FormatYuan(*x.amount) + " 元" : "") << '\n';
    }
  });

  // The scan.
  auto sc = std::make_shared<AreaYear>();
  auto* scan = mon->add_subcommand("scan", "Flag households a risk rule fires for (registry facts + alerts)");
  scan->add_option("--year", sc->year, "Year")->required();
  scan->add_option("--area", sc->area, "Area (default: your scope)");
  scan->add_flag("--open", sc->open, "Open a case for every new candidate");
  scan->callback([&ctx, sc] {
    monitoring::MonitoringService svc(ctx.connection());
    const auto r = svc.Scan(ctx.caller, sc->year, sc->area, sc->open);
    if (ctx.json) {
      ctx.PrintJson(monitoring::ScanJson(r));
      return;
    }
    ctx.out() << r.year << " 年监测线 " << FormatYuan(r.line) << " 元；扫描 " << r.households_scanned << " 户，疑似 "
              << r.candidates.size() << " 户" << (sc->open ? "，新建案件 " + std::to_string(r.cases_opened) + " 件" : "")
              << '\n';
    for (const auto& c : r.candidates) {
      ctx.out() << "  " << c.household_number << " " << c.village_code << " " << LabelOf(monitoring::CategoryTerms(), c.category);
      for (const auto& h : c.hits) {
        ctx.out() << "  [" << WireOf(monitoring::RiskRuleTerms(), h.rule) << " " << h.label_zh;
        for (const auto& [k, v] : h.values) ctx.out() << " " << k << "=" << v;
        ctx.out() << "]";
      }
      if (c.case_id) ctx.out() << "  案件 " << *c.case_id;
      ctx.out() << '\n';
    }
  });

  // Cases.
  auto* cs = mon->add_subcommand("case", "Monitoring cases: open, show, steps, eliminate");
  cs->require_subcommand(1);
  auto co = std::make_shared<CaseOpen>();
  auto* open = cs->add_subcommand("open", "Open a case (self-report, cadre report, department alert)");
  open->add_option("--household", co->household, "Household id");
  open->add_option("--number", co->number, "Household number (户编号), instead of --household");
  open->add_option("--year", co->year, "Monitoring year")->required();
  open->add_option("--source", co->source, "self_report | cadre_report | department_alert | data_analysis");
  open->add_option("--category", co->category, "unstable | marginal | sudden (default: suggested)");
  open->add_option("--date", co->date, "Alert date (default today)");
  open->add_option("--note", co->note, "What was reported");
  open->callback([&ctx, co] {
    int64_t household = co->household.value_or(0);
    if (!co->household) {
      if (co->number.empty()) throw Error::InvalidArgument("no household", {{"--household", "give --household or --number"}});
      household = registry::HouseholdRegistry(ctx.connection()).GetHouseholdByNumber(ctx.caller, co->number).id;
    }
    monitoring::MonitoringService svc(ctx.connection());
    PrintCase(ctx, svc.OpenCase(ctx.caller, {household, co->year, co->source, NonEmpty(co->category), co->date, co->note}));
  });
  auto show_id = std::make_shared<int64_t>(0);
  auto* show = cs->add_subcommand("show", "A case with its steps, measures and decision");
  show->add_option("id", *show_id, "Case id")->required();
  show->callback([&ctx, show_id] { PrintCase(ctx, monitoring::MonitoringService(ctx.connection()).GetCase(ctx.caller, *show_id)); });
  auto so = std::make_shared<StepOptions>();
  auto* step = cs->add_subcommand("step", "Record the current step, send the case back (--return-to) or reject it");
  step->add_option("id", so->id, "Case id")->required();
  step->add_option("--step", so->step,
                   "home_check | consent | data_comparison | village_appraisal | public_notice | township_review |"
                   " county_approval | entry")->required();
  step->add_option("--date", so->date, "Date (default today)");
  step->add_option("--end-date", so->end_date, "Public notice: the last day");
  step->add_option("--return-to", so->return_to, "Send the case back to this earlier step (needs --note)");
  step->add_flag("--reject", so->reject, "Reject the case (needs --note)");
  step->add_option("--note", so->note, "Note, or the reason for sending back / rejecting");
  step->callback([&ctx, so] {
    monitoring::StepInput in;
    in.step = so->step;
    in.action = so->reject ? "reject" : (so->return_to.empty() ? "done" : "return");
    in.date = so->date;
    in.end_date = NonEmpty(so->end_date);
    in.return_to = NonEmpty(so->return_to);
    in.note = so->note;
    PrintCase(ctx, monitoring::MonitoringService(ctx.connection()).RecordStep(ctx.caller, so->id, in));
  });
  auto eo = std::make_shared<EliminateOptions>();
  auto* elim = cs->add_subcommand("eliminate", "Decide that the risk is eliminated (风险消除)");
  elim->add_option("id", eo->id, "Case id")->required();
  elim->add_option("--reason", eo->reason, "income_stable | hardship_over")->required();
  elim->add_option("--evidence", eo->evidence, "What was checked, by whom");
  elim->add_option("--date", eo->date, "Date (default today)");
  elim->callback([&ctx, eo] {
    PrintCase(ctx, monitoring::MonitoringService(ctx.connection())
                       .Eliminate(ctx.caller, eo->id, {eo->date, eo->reason, eo->evidence}));
  });
  auto cl = std::make_shared<CaseList>();
  auto* list = mon->add_subcommand("cases", "List cases");
  list->add_option("--area", cl->area, "Area (default: your scope)");
  list->add_option("--status", cl->status, "identifying | monitored | eliminated | rejected");
  list->add_option("--category", cl->category, "unstable | marginal | sudden");
  list->add_option("--year", cl->year, "Monitoring year");
  list->add_option("--limit", cl->limit, "Page size (1-1000)");
  list->add_option("--offset", cl->offset, "Rows to skip");
  list->callback([&ctx, cl] {
    monitoring::CaseFilter f;
    f.area_code = cl->area;
    f.status = NonEmpty(cl->status);
    f.category = NonEmpty(cl->category);
    f.year = cl->year;
    f.limit = cl->limit;
    f.offset = cl->offset;
    const auto page = monitoring::MonitoringService(ctx.connection()).ListCases(ctx.caller, f);
    if (ctx.json) {
      ctx.PrintJson(monitoring::CasePageJson(page, f.limit, f.offset));
      return;
    }
    ctx.out() << "共 " << page.total << " 件\n";
    for (const auto& c : page.items) {
      ctx.out() << c.id << " " << c.household_number << " " << LabelOf(monitoring::CategoryTerms(), c.category) << " "
                << WireOf(monitoring::CaseStatusTerms(), c.status)
                << (c.stage ? " 待办 " + *c.stage : "") << " 预警 " << c.alert_date << '\n';
    }
  });

  // Measures.
  auto* ms = mon->add_subcommand("measure", "Measures for a monitored household");
  ms->require_subcommand(1);
  auto ma = std::make_shared<MeasureOptions>();
  auto* madd = ms->add_subcommand("add", "Assign a measure");
  madd->add_option("case", ma->case_id, "Case id")->required();
  madd->add_option("--kind", ma->kind, "policy | assistance | employment | industry | other")->required();
  madd->add_option("--description", ma->description, "What is done")->required();
  madd->add_option("--policy-id", ma->policy_id, "The policy (policy module) by id");
  madd->add_option("--responsible", ma->responsible, "Responsible unit or cadre");
  madd->add_option("--start", ma->start, "Start date (default today)");
  madd->add_option("--status", ma->status, "planned | in_progress | done | stopped");
  madd->callback([&ctx, ma] {
    monitoring::MeasureInput in{ma->kind, ma->description, ma->policy_id, ma->responsible, ma->start,
                                ma->status.empty() ? "planned" : ma->status};
    const auto m = monitoring::MonitoringService(ctx.connection()).AddMeasure(ctx.caller, ma->case_id, in);
    if (ctx.json) ctx.PrintJson(monitoring::MeasureJson(m));
    else ctx.out() << "措施 " << m.id << " [" << WireOf(monitoring::MeasureStatusTerms(), m.status) << "] " << m.description << '\n';
  });
  auto mu = std::make_shared<MeasureOptions>();
  auto* mup = ms->add_subcommand("update", "Track a measure: its status and result");
  mup->add_option("case", mu->case_id, "Case id")->required();
  mup->add_option("measure", mu->measure_id, "Measure id")->required();
  mup->add_option("--status", mu->status, "planned | in_progress | done | stopped");
  mup->add_option("--result", mu->result, "What came of it");
  mup->callback([&ctx, mu] {
    const auto m = monitoring::MonitoringService(ctx.connection())
                       .UpdateMeasure(ctx.caller, mu->case_id, mu->measure_id, {NonEmpty(mu->status), NonEmpty(mu->result)});
    if (ctx.json) ctx.PrintJson(monitoring::MeasureJson(m));
    else ctx.out() << "措施 " << m.id << " [" << WireOf(monitoring::MeasureStatusTerms(), m.status) << "] " << m.result << '\n';
  });

  // Overdue and figures.
  auto od = std::make_shared<AreaYear>();
  auto* overdue = mon->add_subcommand("overdue", "Overdue steps and households monitored too long");
  overdue->add_option("--area", od->area, "Area (default: your scope)");
  overdue->add_option("--as-of", od->as_of, "Date (default today)");
  overdue->callback([&ctx, od] {
    const auto items = monitoring::MonitoringService(ctx.connection()).Overdue(ctx.caller, od->area, NonEmpty(od->as_of));
    if (ctx.json) {
      ctx.PrintJson(monitoring::OverdueJson(items));
      return;
    }
    ctx.out() << "共 " << items.size() << " 件\n";
    for (const auto& i : items) {
      ctx.out() << "  案件 " << i.case_id << " " << i.household_number << " "
                << (i.kind == monitoring::OverdueKind::kStepOverdue ? std::string("逾期未办 ") + monitoring::StepLabelZh(i.stage)
                                             : std::string("长期监测"))
                << " 自 " << i.since << " 已 " << i.days << " 天 (时限 " << i.limit << " 天)\n";
    }
  });
  auto fo = std::make_shared<AreaYear>();
  auto* figures = mon->add_subcommand("figures", "Monitored households by category, status and area; share; durations");
  figures->add_option("--area", fo->area, "Area (default: your scope)");
  figures->add_option("--year", fo->year, "Year")->required();
  figures->add_option("--as-of", fo->as_of, "Date in the year (default 31 December)");
  figures->callback([&ctx, fo] {
    const auto f = monitoring::MonitoringService(ctx.connection()).Figures(ctx.caller, fo->area, fo->year, NonEmpty(fo->as_of));
    if (ctx.json) {
      ctx.PrintJson(monitoring::FiguresJson(f));
      return;
    }
    ctx.out() << "截至 " << f.as_of << " 纳入监测 " << f.households << " 户 " << f.persons << " 人（占建档立卡人口 "
              << f.share_percent() << "%）\n  脱贫不稳定户 " << f.unstable << "  边缘易致贫户 " << f.marginal
              << "  突发严重困难户 " << f.sudden << "\n  识别中 " << f.identifying << "  监测中 " << f.monitored
              << "  已消除风险 " << f.eliminated << "  未纳入 " << f.rejected << "\n  预警到纳入平均 "
              << f.days_to_entry_average() << " 天；纳入到风险消除平均 " << f.days_to_elimination_average() << " 天\n";
    for (const auto& a : f.by_area) {
      ctx.out() << "  " << a.area_name << " " << a.area_code << "  识别中 " << a.identifying << "  监测中 " << a.monitored
                << "  已消除 " << a.eliminated << '\n';
    }
  });
}

}  // namespace fupin::cli
