#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <ostream>

#include "assessment/area_assessments.h"
#include "assessment/exits.h"
#include "assessment/households.h"
#include "assessment/incidence.h"
#include "assessment/indicators.h"
#include "assessment/measures.h"
#include "assessment/params.h"
#include "assessment/surveys.h"
#include "cli/context.h"
#include "core/date.h"
#include "core/error.h"
#include "core/money.h"
#include "facts/facts.h"

namespace fupin::cli {
namespace {

struct ParamList {
  bool history = false;
  std::string name;
};
struct ParamSet {
  std::string name, key, value, source;
  std::optional<std::string> effective_from;
};
struct AssessOptions {
  int year = 0;
  std::string area;
};
struct StepOptions {
  int64_t id = 0;
  int year = 0;
  std::string date;
  std::optional<std::string> end_date;
  std::string note;
};
struct IncidenceOptions {
  std::string area;
  std::optional<int> from, to;
  std::optional<std::string> as_of;
};
struct AreaAssessOptions {
  std::string code;
  int year = 0;
};
struct FacilityOptions {
  std::string code;
  int year = 0;
  std::optional<int> road, water, power, clinic, broadband, culture_centre;
  std::optional<std::string> collective_income;
};
struct SurveyAddOptions {
  assessment::SurveyRecord record;
  std::optional<std::string> income;
  std::optional<int> food_clothing, education, medical, housing, water, poor, satisfied;
};
struct SurveyImportOptions {
  std::string file;
  std::string sheet;
  bool skip_invalid = false;
};
struct SurveyListOptions {
  std::string area;
  int year = 0;
  std::string kind;
};
struct MeasureOptions {
  std::string area;
  int year = 0;
  std::optional<std::string> facts;  // the columnar copy's file, or "off"
};
struct IndicatorOptions {
  std::string area;
  int year = 0;
  int from = 2014;
  std::optional<std::string> out;
  std::optional<std::string> facts;  // the columnar copy's file, or "off"
};

// The columnar copy of the facts that --facts names, with problems on stderr.
assessment::FactsChoice FactsOf(const Context& ctx, const std::optional<std::string>& option) {
  return {facts::PathOfOption(option, ctx.db_url), [](const std::string& why) { std::cerr << "fupin: " << why << '\n'; }};
}

// `report indicators`: a second connection reads half of the tables when the copy is not used.
assessment::IndicatorReport ComputeIndicatorsWithFacts(Context& ctx, const IndicatorOptions& o) {
  auto second = ctx.database().Connect();
  return assessment::ComputeIndicatorsPreferringFacts(ctx.connection(), ctx.caller, o.area, o.from, o.year,
                                                      FactsOf(ctx, o.facts), second.get(), ctx.progress());
}

nlohmann::json ParamJson(const assessment::Parameter& p) {
  return {{"id", p.id},         {"name", p.name},     {"key", p.key},
          {"value", p.value},   {"source", p.source}, {"effective_from", p.effective_from},
          {"set_by", p.set_by}, {"set_at", p.set_at}};
}

nlohmann::json AssessmentJson(const assessment::HouseholdAssessment& a) {
  return {{"household_id", a.household_id}, {"number", a.number},
          {"village_code", a.village_code}, {"status", a.status},
          {"ready", a.decision.ready},      {"reasons", a.decision.reasons},
          {"criteria", assessment::DecisionJson(a.decision)}};
}

std::optional<bool> Flag(const std::optional<int>& v) {
  if (!v) return std::nullopt;
  return *v != 0;
}

void PrintAreaAssessment(Context& ctx, const assessment::AreaAssessment& a) {
  if (ctx.json) {
    ctx.PrintJson(assessment::AreaAssessmentJson(a));
    return;
  }
  ctx.out() << a.year << " 年 " << a.area_name << "（" << a.area_code << "）"
            << (a.ready ? "达到退出标准" : "未达到退出标准") << '\n';
  for (const auto& c : a.checks) {
    ctx.out() << "  " << c.check << " " << assessment::OutcomeName(c.outcome) << "  " << c.reason;
    if (c.values.contains("threshold")) {
      const auto& t = c.values["threshold"];
      ctx.out() << "  [" << t["parameter"].get<std::string>()
                << (t["key"].get<std::string>().empty() ? "" : "[" + t["key"].get<std::string>() + "]") << " = "
                << (t["value"].is_string() ? t["value"].get<std::string>() : t["value"].dump()) << "："
                << t["source"].get<std::string>() << "]";
    }
    ctx.out() << '\n';
  }
}

std::string Percent(double rate) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", rate * 100);
  return buf;
}

}  // namespace

void AddAssessmentCommands(CLI::App& app, Context& ctx) {
  // fupin params list|set
  auto* params = app.add_subcommand("params", "Policy parameters (政策参数): poverty lines, thresholds, weights");
  params->require_subcommand(1);
  {
    auto o = std::make_shared<ParamList>();
    auto* list = params->add_subcommand("list", "List the parameters in force (or their history)");
    list->add_option("NAME", o->name, "Only this parameter");
    list->add_flag("--history", o->history, "Every value ever set, oldest first");
    list->callback([&ctx, o] {
      assessment::Parameters p(ctx.connection());
      const auto rows = p.List(ctx.caller, o->history, o->name);
      if (ctx.json) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& r : rows) items.push_back(ParamJson(r));
        ctx.PrintJson(items);
        return;
      }
      for (const auto& r : rows) {
        ctx.out() << r.name << (r.key.empty() ? "" : "[" + r.key + "]") << " = " << r.value << "  (自 "
                  << r.effective_from << "，" << r.set_by << ")  " << r.source << '\n';
      }
    });
  }
  {
    auto o = std::make_shared<ParamSet>();
    auto* set = params->add_subcommand("set", "Set a parameter (administrator); the old value stays in the history");
    set->add_option("NAME", o->name, "Parameter name")->required();
    set->add_option("VALUE", o->value, "New value")->required();
    set->add_option("--key", o->key, "Year (poverty_line), province code (exit_threshold) or indicator (af_weight)");
    set->add_option("--source", o->source, "Where the figure comes from or why it changes")->required();
    set->add_option("--effective-from", o->effective_from, "Date it applies from (default today)");
    set->callback([&ctx, o] {
      assessment::Parameters p(ctx.connection());
      const auto r = p.Set(ctx.caller, o->name, o->key, o->value, o->source, o->effective_from);
      if (ctx.json) {
        ctx.PrintJson(ParamJson(r));
      } else {
        ctx.out() << "set " << r.name << (r.key.empty() ? "" : "[" + r.key + "]") << " = " << r.value << '\n';
      }
    });
  }

  // fupin assess households
  auto* assess = app.add_subcommand("assess", "Exit assessments (退出评估)");
  assess->require_subcommand(1);
  {
    auto o = std::make_shared<AssessOptions>();
    auto* hh = assess->add_subcommand("households", "Check every poor household of an area against the exit criteria");
    hh->add_option("--year", o->year, "Year")->required();
    hh->add_option("--area", o->area, "Area code (default: your scope)");
    hh->callback([&ctx, o] {
      const auto s = assessment::AssessHouseholds(ctx.connection(), ctx.caller, o->year, o->area);
      if (ctx.json) {
        // Streamed household by household: at a million persons one JSON tree
        // of every household (and its text) would hold gigabytes at once.
        auto& out = ctx.out();
        out << "{\n  \"area_code\": " << nlohmann::json(s.area_code).dump() << ",\n  \"assessed\": " << s.assessed
            << ",\n  \"households\": [";
        bool first = true;
        for (const auto& h : s.households) {
          std::string text = AssessmentJson(h).dump(2);
          std::string indented = "    ";
          indented.reserve(text.size() + text.size() / 8);
          for (char c : text) {
            indented += c;
            if (c == '\n') indented += "    ";
          }
          out << (first ? "\n" : ",\n") << indented;
          first = false;
        }
        out << (first ? "]" : "\n  ]") << ",\n  \"poverty_line\": " << s.poverty_line << ",\n  \"ready\": " << s.ready
            << ",\n  \"year\": " << s.year << "\n}\n";
        return;
      }
      ctx.out() << s.year << " 年贫困线 " << FormatYuan(s.poverty_line) << " 元；评估 " << s.assessed << " 户，达标 "
                << s.ready << " 户\n";
      for (const auto& h : s.households) {
        ctx.out() << h.number << " (" << h.household_id << ") " << (h.decision.ready ? "达到退出标准" : "未达标") << '\n';
        for (const auto& c : h.decision.criteria) {
          ctx.out() << "  " << c.criterion << " " << assessment::OutcomeName(c.outcome) << "  " << c.reason << '\n';
        }
      }
    });
  }

  for (const bool county : {false, true}) {
    auto o = std::make_shared<AreaAssessOptions>();
    auto* cmd = assess->add_subcommand(county ? "county" : "village",
                                       county ? "Check a county against the exit conditions (贫困县退出评估)"
                                              : "Check a village against the exit conditions (贫困村退出评估)");
    cmd->add_option("CODE", o->code, county ? "County code (6 digits)" : "Village code (12 digits)")->required();
    cmd->add_option("--year", o->year, "Year")->required();
    cmd->callback([&ctx, o, county] {
      PrintAreaAssessment(ctx, county ? assessment::AssessCounty(ctx.connection(), ctx.caller, o->code, o->year)
                                      : assessment::AssessVillage(ctx.connection(), ctx.caller, o->code, o->year));
    });
  }

  // fupin village facilities
  auto* village = app.add_subcommand("village", "Village facts for the village exit (贫困村)");
  village->require_subcommand(1);
  {
    auto o = std::make_shared<FacilityOptions>();
    auto* fac = village->add_subcommand(
        "facilities", "Record (or, with no value given, show) a village's infrastructure and services for a year");
    fac->add_option("CODE", o->code, "Village code (12 digits)")->required();
    fac->add_option("--year", o->year, "Year")->required();
    auto flag = [&](const char* name, std::optional<int>& v, const char* help) {
      fac->add_option(name, v, help)->check(CLI::IsMember({0, 1}));
    };
    flag("--road", o->road, "1: hardened road (通硬化路), 0: not");
    flag("--water", o->water, "1: tap / safe water (通自来水), 0: not");
    flag("--power", o->power, "1: power grid (通动力电), 0: not");
    flag("--clinic", o->clinic, "1: standard clinic (标准化卫生室), 0: not");
    flag("--broadband", o->broadband, "1: broadband (通宽带), 0: not");
    flag("--culture-centre", o->culture_centre, "1: culture service centre (综合文化服务中心), 0: not");
    fac->add_option("--collective-income", o->collective_income, "Village collective income of the year, yuan");
    fac->callback([&ctx, o] {
      assessment::SurveyService service(ctx.connection());
      assessment::VillageFacilities f;
      f.area_code = o->code;
      f.year = o->year;
      f.road = Flag(o->road);
      f.water = Flag(o->water);
      f.power = Flag(o->power);
      f.clinic = Flag(o->clinic);
      f.broadband = Flag(o->broadband);
      f.culture_centre = Flag(o->culture_centre);
      if (o->collective_income) {
        f.collective_income = ParseYuan(*o->collective_income);
        if (!f.collective_income) {
          throw Error::InvalidArgument("invalid amount", {{"collective-income", "'" + *o->collective_income +
                                                                                  "' is not an amount in yuan"}});
        }
      }
      const bool any = f.road || f.water || f.power || f.clinic || f.broadband || f.culture_centre || f.collective_income;
      const auto r = any ? service.SetFacilities(ctx.caller, f) : service.GetFacilities(ctx.caller, o->code, o->year);
      if (ctx.json) {
        ctx.PrintJson(assessment::FacilitiesJson(r));
        return;
      }
      const auto j = assessment::FacilitiesJson(r);
      ctx.out() << r.area_code << " " << r.year << '\n';
      for (const auto& name : assessment::FacilityNames()) {
        ctx.out() << "  " << name << " " << (j[name].is_null() ? "未登记" : j[name].get<bool>() ? "有" : "无") << '\n';
      }
      ctx.out() << "  collective_income "
                << (r.collective_income ? FormatYuan(*r.collective_income) + " 元" : std::string("未登记")) << '\n';
    });
  }

  // fupin survey add|import|list
  auto* survey = app.add_subcommand("survey", "County exit survey records (回访、抽样、认可度调查)");
  survey->require_subcommand(1);
  {
    auto o = std::make_shared<SurveyAddOptions>();
    auto* add = survey->add_subcommand("add", "Record one survey record");
    add->add_option("--kind", o->record.kind, "resurvey (exited household), sample (unregistered household), satisfaction")
        ->required();
    add->add_option("--year", o->record.year, "Year assessed")->required();
    add->add_option("--village", o->record.village_code, "Village code")->required();
    add->add_option("--date", o->record.date, "Date of the interview")->required();
    add->add_option("--household", o->record.household_id, "Household id (required for resurvey)");
    add->add_option("--subject", o->record.subject, "Respondent or sampled household (name, address)");
    add->add_option("--income", o->income, "resurvey: per-capita net income found, yuan");
    for (auto [name, v] : {std::pair{"--food-clothing", &o->food_clothing}, {"--education", &o->education},
                           {"--medical", &o->medical}, {"--housing", &o->housing}, {"--water", &o->water}}) {
      add->add_option(name, *v, "resurvey: 1 met, 0 not met")->check(CLI::IsMember({0, 1}));
    }
    add->add_option("--poor", o->poor, "sample: 1 found poor, 0 not")->check(CLI::IsMember({0, 1}));
    add->add_option("--satisfied", o->satisfied, "satisfaction: 1 satisfied, 0 not")->check(CLI::IsMember({0, 1}));
    add->add_option("--source", o->record.source, "Who surveyed (third-party team, ...)");
    add->callback([&ctx, o] {
      assessment::SurveyRecord r = o->record;
      if (o->income) {
        r.per_capita_income = ParseYuan(*o->income);
        if (!r.per_capita_income) {
          throw Error::InvalidArgument("invalid amount", {{"income", "'" + *o->income + "' is not an amount in yuan"}});
        }
      }
      r.food_clothing = Flag(o->food_clothing);
      r.education = Flag(o->education);
      r.medical = Flag(o->medical);
      r.housing = Flag(o->housing);
      r.water = Flag(o->water);
      r.poor = Flag(o->poor);
      r.satisfied = Flag(o->satisfied);
      assessment::SurveyService service(ctx.connection());
      const auto stored = service.Add(ctx.caller, r);
      if (ctx.json) {
        ctx.PrintJson(assessment::SurveyJson(stored));
      } else {
        ctx.out() << "recorded " << stored.kind << " survey " << stored.id << '\n';
      }
    });
  }
  {
    auto o = std::make_shared<SurveyImportOptions>();
    auto* imp = survey->add_subcommand("import", "Import survey records from CSV or XLSX (all or nothing, or --skip-invalid)");
    imp->add_option("FILE", o->file, "CSV or XLSX file; first row: column headers")->required();
    imp->add_option("--sheet", o->sheet, "XLSX sheet (default the first)");
    imp->add_flag("--skip-invalid", o->skip_invalid, "Import the valid rows and list the others");
    imp->callback([&ctx, o] {
      assessment::SurveyService service(ctx.connection());
      const auto r = service.Import(ctx.caller, o->file, o->sheet, o->skip_invalid);
      if (ctx.json) {
        ctx.PrintJson({{"file", r.file}, {"rows", r.rows}, {"imported", r.imported}, {"imported_rows", r.imported},
                       {"rejected_rows", r.rejected_rows}, {"problems", dataio::ImportProblemsJson(r.problems)},
                       {"resurvey", r.resurvey}, {"sample", r.sample}, {"satisfaction", r.satisfaction}});
      } else {
        for (const auto& d : dataio::RefusalDetails(r.problems)) ctx.err() << "skipped " << d.path << ": " << d.problem << '\n';
        ctx.out() << "imported " << r.imported << " records from " << r.file << " (resurvey " << r.resurvey
                  << ", sample " << r.sample << ", satisfaction " << r.satisfaction << ")\n";
      }
    });
  }
  {
    auto o = std::make_shared<SurveyListOptions>();
    auto* list = survey->add_subcommand("list", "List the survey records of an area and year");
    list->add_option("--area", o->area, "Area code")->required();
    list->add_option("--year", o->year, "Year")->required();
    list->add_option("--kind", o->kind, "Only resurvey, sample or satisfaction");
    list->callback([&ctx, o] {
      assessment::SurveyService service(ctx.connection());
      const auto rows = service.List(ctx.caller, o->area, o->year, o->kind);
      if (ctx.json) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& r : rows) items.push_back(assessment::SurveyJson(r));
        ctx.PrintJson(items);
        return;
      }
      for (const auto& r : rows) ctx.out() << assessment::SurveyJson(r).dump() << '\n';
    });
  }

  // fupin exit appraisal|verify|notice|record|check
  auto* exit = app.add_subcommand("exit", "The household exit procedure (村评议 → 核实 → 公示 → 销号)");
  exit->require_subcommand(1);
  struct StepDef {
    const char* command;
    const char* step;
    const char* help;
  };
  for (const StepDef& def : {StepDef{"appraisal", "appraisal", "Record the village appraisal (村评议)"},
                             StepDef{"verify", "verification", "Record the work-team verification (驻村工作队核实)"},
                             StepDef{"notice", "notice", "Record the public notice with its first and last day (公示)"}}) {
    auto o = std::make_shared<StepOptions>();
    const std::string step = def.step;
    auto* cmd = exit->add_subcommand(def.command, def.help);
    cmd->add_option("ID", o->id, "Household id")->required();
    cmd->add_option("--year", o->year, "Poverty year of the exit")->required();
    cmd->add_option("--date", o->date, step == "notice" ? "First day of the notice" : "Date")->required();
    if (step == "notice") cmd->add_option("--end-date", o->end_date, "Last day of the notice")->required();
    cmd->add_option("--note", o->note, "Note (minutes, where posted, ...)");
    cmd->callback([&ctx, o, step] {
      assessment::ExitService exits(ctx.connection());
      const auto s = exits.RecordStep(ctx.caller, o->id, o->year, step, o->date, o->end_date, o->note);
      if (ctx.json) {
        ctx.PrintJson({{"id", s.id}, {"household_id", s.household_id}, {"year", s.year}, {"step", s.step},
                       {"date", s.date}, {"end_date", s.end_date ? nlohmann::json(*s.end_date) : nlohmann::json()},
                       {"note", s.note}, {"actor", s.actor}});
      } else {
        ctx.out() << "recorded " << s.step << " of household " << s.household_id << " for " << s.year << '\n';
      }
    });
  }
  {
    auto o = std::make_shared<assessment::ExitRequest>();
    auto* record = exit->add_subcommand("record", "Record the exit (销号) after the checks, or with an override");
    record->add_option("ID", o->household_id, "Household id")->required();
    record->add_option("--date", o->date, "Date of the exit")->required();
    record->add_option("--year", o->year, "Poverty year (default: the date's year)");
    record->add_option("--reason", o->reason, "Reason");
    record->add_option("--override-reason", o->override_reason,
                       "Administrator or county office: exit although a check fails, for this written reason");
    record->callback([&ctx, o] {
      assessment::ExitService exits(ctx.connection());
      const int64_t id = exits.Exit(ctx.caller, *o);
      if (ctx.json) {
        ctx.PrintJson({{"event_id", id}, {"household_id", o->household_id}, {"status", "exited"}});
      } else {
        ctx.out() << "household " << o->household_id << " exited (event " << id << ")\n";
      }
    });
  }
  {
    auto o = std::make_shared<assessment::ExitBatchRequest>();
    auto* batch = exit->add_subcommand("batch", "The exit steps for many households at once (批量退出), each household "
                                                "whole or not at all, with each one's result");
    batch->add_option("--year", o->year, "Poverty year of the exits")->required();
    batch->add_option("--households", o->household_ids, "Household ids (comma-separated, at most 1000)")
        ->required()
        ->delimiter(',');
    batch->add_option("--appraisal-date", o->appraisal_date, "Village appraisal (村评议) on this date");
    batch->add_option("--verification-date", o->verification_date, "Work-team verification (核实) on this date");
    batch->add_option("--notice-start", o->notice_start, "Public notice (公示) from this date (with --notice-end)");
    batch->add_option("--notice-end", o->notice_end, "Last day of the public notice");
    batch->add_option("--exit-date", o->exit_date, "Record the exit (销号) on this date, after the checks");
    batch->add_option("--note", o->note, "Note for every step (minutes, where posted, ...)");
    batch->callback([&ctx, o] {
      assessment::ExitService exits(ctx.connection());
      const auto results = exits.RunBatch(ctx.caller, *o);
      if (ctx.json) {
        ctx.PrintJson(assessment::ExitBatchJson(o->year, results));
        return;
      }
      for (const auto& x : results) {
        ctx.out() << x.household_id << '\t' << (x.number.empty() ? "-" : x.number) << '\t';
        if (x.ok()) {
          ctx.out() << "ok";
          for (const auto& d : x.done) ctx.out() << ' ' << d;
        } else {
          ctx.out() << "refused at " << x.failed_step << ": " << x.message;
          for (const auto& d : x.details) ctx.out() << "; " << d.path << ": " << d.problem;
        }
        ctx.out() << '\n';
      }
    });
  }
  {
    auto o = std::make_shared<StepOptions>();
    auto* check = exit->add_subcommand("check", "What stands between a household and its exit");
    check->add_option("ID", o->id, "Household id")->required();
    check->add_option("--year", o->year, "Poverty year")->required();
    check->add_option("--date", o->date, "Intended exit date (default today)");
    check->callback([&ctx, o] {
      assessment::ExitService exits(ctx.connection());
      const auto c = exits.Check(ctx.caller, o->id, o->year, o->date.empty() ? DefaultClock().Today().ToString() : o->date);
      nlohmann::json unmet = nlohmann::json::array();
      for (const auto& u : c.unmet) unmet.push_back({{"path", u.path}, {"problem", u.problem}});
      if (ctx.json) {
        ctx.PrintJson({{"household_id", c.household_id}, {"year", c.year}, {"may_exit", c.unmet.empty()},
                       {"unmet", unmet}, {"assessment", AssessmentJson(c.assessment)}});
        return;
      }
      ctx.out() << (c.unmet.empty() ? "可以退出\n" : "不能退出：\n");
      for (const auto& u : c.unmet) ctx.out() << "  " << u.path << ": " << u.problem << '\n';
    });
  }

  // fupin report incidence|measures
  auto* report = app.add_subcommand("report", "Reports (报表)");
  report->require_subcommand(1);
  {
    auto o = std::make_shared<IncidenceOptions>();
    auto* inc = report->add_subcommand("incidence", "Poverty incidence (贫困发生率) by year, at any level");
    inc->add_option("--area", o->area, "Area code (any level; 'nation' for the whole country)")->required();
    inc->add_option("--from", o->from, "First year (default 2014)");
    inc->add_option("--to", o->to, "Last year (default this year)");
    inc->add_option("--as-of", o->as_of, "One date YYYY-MM-DD instead of year ends");
    inc->callback([&ctx, o] {
      std::vector<assessment::IncidenceRow> rows;
      if (o->as_of) {
        rows.push_back(assessment::ComputeIncidenceAt(ctx.connection(), ctx.caller, o->area, *o->as_of));
      } else {
        rows = assessment::ComputeIncidence(ctx.connection(), ctx.caller, o->area, o->from.value_or(2014),
                                            o->to.value_or(DefaultClock().Today().year));
      }
      if (ctx.json) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& r : rows) {
          items.push_back({{"area_code", r.area_code}, {"year", r.year}, {"poor_households", r.poor_households},
                           {"poor_persons", r.poor_persons}, {"rural_population", r.rural_population},
                           {"rate", r.rate()}});
        }
        ctx.PrintJson(items);
        return;
      }
      ctx.out() << "年度\t贫困户\t贫困人口\t农业人口\t贫困发生率\n";
      for (const auto& r : rows) {
        ctx.out() << r.year << '\t' << r.poor_households << '\t' << r.poor_persons << '\t' << r.rural_population << '\t'
                  << (r.rural_population > 0 ? Percent(r.rate()) : "-") << '\n';
      }
    });
  }
  {
    auto o = std::make_shared<MeasureOptions>();
    auto* m = report->add_subcommand("measures", "FGT P0/P1/P2, Gini and Alkire-Foster H/A/M0 of an area and year");
    m->add_option("--area", o->area, "Area code")->required();
    m->add_option("--year", o->year, "Year")->required();
    m->add_option("--facts", o->facts,
                  "Columnar copy of the facts to read (as report indicators; default FILE.facts beside a SQLite "
                  "database, none on a database server); 'off' reads the tables");
    m->callback([&ctx, o] {
      const auto r = assessment::ComputeMeasuresPreferringFacts(ctx.connection(), ctx.caller, o->area, o->year,
                                                                FactsOf(ctx, o->facts));
      if (ctx.json) {
        ctx.PrintJson(assessment::MeasureJson(r));
        return;
      }
      auto& out = ctx.out();
      out << r.year << " 年 " << r.area_code << "：" << r.households << " 户 " << r.persons << " 人，贫困线 "
          << FormatYuan(r.poverty_line) << " 元\n"
          << "  FGT P0 " << r.fgt.p0 << "  P1 " << r.fgt.p1 << "  P2 " << r.fgt.p2 << "\n"
          << "  基尼系数 " << r.gini << "\n"
          << "  Alkire-Foster k=" << r.af_k << "  H " << r.af.h << "  A " << r.af.a << "  M0 " << r.af.m0
          << "  (缺少数据未计入 " << r.af_excluded_persons << " 人)\n";
    });
  }
  {
    auto o = std::make_shared<IndicatorOptions>();
    auto* ind = report->add_subcommand(
        "indicators", "Exit assessment, incidence by year and measures of an area and every area under it, in one pass");
    ind->add_option("--area", o->area, "Area code (default: your scope; 'nation' for the whole country)");
    ind->add_option("--year", o->year, "Year of the assessment and the measures")->required();
    ind->add_option("--from", o->from, "First year of the incidence (default 2014)");
    ind->add_option("--out", o->out, "Write one row per area to FILE.xlsx or FILE.csv");
    ind->add_option("--facts", o->facts,
                    "Columnar copy of the facts to read (built when missing or stale; default FILE.facts beside a "
                    "SQLite database, none on a database server); 'off' reads the tables");
    ind->callback([&ctx, o] {
      const auto r = ComputeIndicatorsWithFacts(ctx, *o);
      int64_t written = 0;
      if (o->out) written = assessment::WriteIndicatorTable(r, *o->out);
      if (ctx.json) {
        auto j = assessment::IndicatorSummaryJson(r);
        if (o->out) j["output"] = {{"path", *o->out}, {"rows", written}};
        ctx.PrintJson(j);
        return;
      }
      const auto& a = r.areas.at(0);
      const auto m = r.Measures(0);
      auto& out = ctx.out();
      out << r.year << " 年 " << a.name << (a.area_code.empty() ? "" : " " + a.area_code) << "（含下级地区 "
          << r.areas.size() - 1 << " 个）\n"
          << "  退出评估 " << a.assessed << " 户，达标 " << a.ready << " 户\n"
          << "  年度\t贫困户\t贫困人口\t农业人口\t贫困发生率\n";
      for (const auto& i : r.IncidenceRows(0)) {
        out << "  " << i.year << '\t' << i.poor_households << '\t' << i.poor_persons << '\t' << i.rural_population << '\t'
            << (i.rural_population > 0 ? Percent(i.rate()) : "-") << '\n';
      }
      out << "  " << m.households << " 户 " << m.persons << " 人：FGT P0 " << m.fgt.p0 << "  P1 " << m.fgt.p1 << "  P2 "
          << m.fgt.p2 << "  基尼系数 " << m.gini << "  Alkire-Foster H " << m.af.h << "  A " << m.af.a << "  M0 "
          << m.af.m0 << '\n';
      if (o->out) out << "  " << written << " 个地区写入 " << *o->out << '\n';
    });
  }
}

}  // namespace fupin::cli
