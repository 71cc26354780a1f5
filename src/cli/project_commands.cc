// `fupin project|fund|asset ...`: the project library, funds and assets
// (issue 20) from the command line. Parses, calls one service function,
// prints text or --json.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <memory>
#include <ostream>

#include "cli/context.h"
#include "core/error.h"
#include "core/money.h"
#include "projects/import.h"
#include "projects/projects.h"

namespace fupin::cli {
namespace {

// A plan notice (计划公示), not a result notice: the stored kind read once.
bool IsPlan(const projects::Notice& n) {
  return ParseWire<projects::NoticeKind>(projects::NoticeKinds(), n.kind) == projects::NoticeKind::kPlan;
}

using nlohmann::json;

Fen YuanOption(const std::string& text, const char* option) {
  auto fen = ParseYuan(text);
  if (!fen) throw Error::InvalidArgument("bad amount", {{option, "'" + text + "' is not an amount in yuan"}});
  return *fen;
}

// "source=yuan" pairs.
std::vector<std::pair<std::string, Fen>> Budget(const std::vector<std::string>& items) {
  std::vector<std::pair<std::string, Fen>> out;
  for (const auto& item : items) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos) {
      throw Error::InvalidArgument("bad budget", {{"--budget", "'" + item + "' is not SOURCE=YUAN"}});
    }
    out.emplace_back(item.substr(0, eq), YuanOption(item.substr(eq + 1), "--budget"));
  }
  return out;
}

// "item:unit:planned[:actual]".
std::vector<projects::Output> Outputs(const std::vector<std::string>& items) {
  std::vector<projects::Output> out;
  auto milli = [](const std::string& text) -> int64_t {
    size_t used = 0;
    double v = 0;
    try {
      v = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size() || v < 0) {
      throw Error::InvalidArgument("bad output", {{"--output", "'" + text + "' is not a quantity"}});
    }
    return std::llround(v * 1000);
  };
  for (const auto& item : items) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
      const size_t colon = item.find(':', start);
      parts.push_back(item.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    if (parts.size() < 3 || parts.size() > 4) {
      throw Error::InvalidArgument("bad output", {{"--output", "'" + item + "' is not ITEM:UNIT:PLANNED[:ACTUAL]"}});
    }
    projects::Output o{parts[0], parts[1], milli(parts[2]), std::nullopt};
    if (parts.size() == 4) o.actual_milli = milli(parts[3]);
    out.push_back(std::move(o));
  }
  return out;
}

void PrintProject(Context& ctx, const projects::Project& p) {
  const json j = projects::ProjectJson(p);
  if (ctx.json) {
    ctx.PrintJson(j);
    return;
  }
  auto& out = ctx.out();
  out << "项目 " << p.id << "  " << p.name << "  " << j["kind_zh"].get<std::string>() << "  "
      << j["level_zh"].get<std::string>() << "  " << p.area_name << " " << p.area_code << '\n'
      << "  " << p.start_year << "-" << p.end_year << "  实施单位 " << p.implementer << "  状态 "
      << j["status_zh"].get<std::string>() << '\n'
      << "  计划 " << FormatYuan(p.budget_fen) << " 元  已下达 " << FormatYuan(p.given_fen) << " 元  已支出 "
      << FormatYuan(p.spent_fen) << " 元\n"
      << "  受益 " << p.households << " 户 " << p.persons << " 人，区划外 " << p.outside_beneficiaries << " 人\n";
  for (const auto& o : j.value("outputs", json::array())) {
    out << "  建设内容 " << o["item"].get<std::string>() << " " << o["planned"].get<double>() << " "
        << o["unit"].get<std::string>() << '\n';
  }
  for (const auto& s : p.steps) {
    out << "  " << s.date << " " << s.step << " " << s.actor << (s.document_no.empty() ? "" : " " + s.document_no)
        << (s.note.empty() ? "" : "  " + s.note) << '\n';
  }
  for (const auto& n : p.notices) {
    out << "  公示 " << n.id << " " << (IsPlan(n) ? "计划" : "结果") << " " << n.start_date << "~" << n.end_date
        << "（" << n.period_days << " 天）" << n.place << '\n';
  }
  if (!p.next_steps.empty()) {
    out << "  可办理:";
    for (const auto& s : p.next_steps) out << " " << s;
    out << '\n';
  }
}

std::string Rate(const projects::ProgressRow& r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", r.rate());
  return buf;
}

}  // namespace

void AddProjectCommands(CLI::App& app, Context& ctx) {
  auto* project = app.add_subcommand("project", "项目库 (project library)");
  project->require_subcommand(1);
  {
    struct Options {
      projects::ProjectInput in;
      std::vector<std::string> budget, outputs;
    };
    auto o = std::make_shared<Options>();
    auto* add = project->add_subcommand("add", "Propose (申报) a project");
    add->add_option("--name", o->in.name, "Name")->required();
    add->add_option("--kind", o->in.kind, "industry water road power infrastructure_other relocation housing "
                                          "education health employment photovoltaic other")->required();
    add->add_option("--level", o->in.level, "provincial | municipal | county")->required();
    add->add_option("--area", o->in.area_code, "County, township or village code")->required();
    add->add_option("--start-year", o->in.start_year, "First year")->required();
    add->add_option("--end-year", o->in.end_year, "Last year")->required();
    add->add_option("--implementer", o->in.implementer, "Implementing unit (实施单位)")->required();
    add->add_option("--budget", o->budget, "Planned budget SOURCE=YUAN (repeatable)");
    add->add_option("--household", o->in.household_ids, "Registered household it benefits (repeatable)");
    add->add_option("--outside-beneficiaries", o->in.outside_beneficiaries, "Persons outside the registry who benefit");
    add->add_option("--output", o->outputs, "Output ITEM:UNIT:PLANNED[:ACTUAL] (repeatable), e.g. 主管网:km:12.5");
    add->add_option("--date", o->in.proposed_on, "Date of 申报 (default today)");
    add->add_option("--document", o->in.document_no, "Document number");
    add->callback([&ctx, o] {
      o->in.budget = Budget(o->budget);
      o->in.outputs = Outputs(o->outputs);
      projects::ProjectService svc(ctx.connection(), DefaultClock());
      PrintProject(ctx, svc.AddProject(ctx.caller, o->in));
    });
  }
  {
    auto id = std::make_shared<int64_t>(0);
    auto* show = project->add_subcommand("show", "Show a project with its budget, steps and notices");
    show->add_option("ID", *id, "Project id")->required();
    show->callback([&ctx, id] {
      projects::ProjectService svc(ctx.connection(), DefaultClock());
      PrintProject(ctx, svc.GetProject(ctx.caller, *id));
    });
  }
  {
    auto f = std::make_shared<projects::ProjectFilter>();
    auto* list = project->add_subcommand("list", "List projects by area, kind, status and year");
    list->add_option("--area", f->area_code, "Area (default: your scope)");
    list->add_option("--kind", f->kind, "Kind");
    list->add_option("--status", f->status, "Status (a step)");
    list->add_option("--year", f->year, "Projects running in this year");
    list->add_option("--limit", f->limit, "Page size (1-1000, default 100)");
    list->add_option("--offset", f->offset, "Rows to skip");
    list->callback([&ctx, f] {
      projects::ProjectService svc(ctx.connection(), DefaultClock());
      const auto page = svc.ListProjects(ctx.caller, *f);
      if (ctx.json) {
        json items = json::array();
        for (const auto& p : page.items) items.push_back(projects::ProjectJson(p));
        ctx.PrintJson({{"total", page.total}, {"items", items}});
        return;
      }
      for (const auto& p : page.items) {
        ctx.out() << p.id << '\t' << p.name << '\t' << p.kind << '\t' << p.level << '\t' << p.area_name << '\t'
                  << p.status << '\t' << FormatYuan(p.spent_fen) << "/" << FormatYuan(p.given_fen) << " 元\n";
      }
      ctx.out() << page.items.size() << " of " << page.total << " projects\n";
    });
  }
  {
    struct Options {
      int64_t id = 0;
      std::string step, date, document, note;
    };
    auto o = std::make_shared<Options>();
    auto* step = project->add_subcommand("step", "Take a project to its next step (审核 入库 批复 实施 验收 完工) or withdraw it");
    step->add_option("ID", o->id, "Project id")->required();
    step->add_option("STEP", o->step, "reviewed listed approved under_way accepted completed withdrawn")->required();
    step->add_option("--date", o->date, "Date (default today)");
    step->add_option("--document", o->document, "Document number");
    step->add_option("--note", o->note, "Note");
    step->callback([&ctx, o] {
      projects::ProjectService svc(ctx.connection(), DefaultClock());
      PrintProject(ctx, svc.Step(ctx.caller, o->id, o->step, o->date, o->document, o->note));
    });
  }
  {
    struct Options {
      int64_t id = 0;
      std::optional<int64_t> sheet;
      std::string kind, start, end, place, objections, output;
    };
    auto o = std::make_shared<Options>();
    auto* notice = project->add_subcommand("notice", "Record a public notice (公告公示) of plan or result, or write its sheet");
    notice->add_option("ID", o->id, "Project id")->required();
    notice->add_option("--kind", o->kind, "plan | result");
    notice->add_option("--start", o->start, "First day");
    notice->add_option("--end", o->end, "Last day of the notice period");
    notice->add_option("--place", o->place, "Where it was posted");
    notice->add_option("--objections", o->objections, "Objections raised (default none)");
    notice->add_option("--sheet", o->sheet, "Write the sheet of this notice id (with --output FILE.xlsx)");
    notice->add_option("--output", o->output, "The notice sheet FILE.xlsx");
    notice->callback([&ctx, o] {
      projects::ProjectService svc(ctx.connection(), DefaultClock());
      if (o->sheet) {
        if (o->output.empty()) throw Error::InvalidArgument("missing output", {{"--output", "give FILE.xlsx"}});
        svc.WriteNoticeSheet(ctx.caller, o->id, *o->sheet, o->output);
        if (ctx.json) ctx.PrintJson({{"output", o->output}});
        else ctx.out() << "公示表已写入 " << o->output << '\n';
        return;
      }
      const auto n = svc.AddNotice(ctx.caller, o->id, o->kind, o->start, o->end, o->place, o->objections);
      if (ctx.json) {
        ctx.PrintJson({{"id", n.id}, {"project_id", n.project_id}, {"kind", n.kind}, {"start_date", n.start_date},
                       {"end_date", n.end_date}, {"period_days", n.period_days}, {"place", n.place}});
      } else {
        ctx.out() << "公示 " << n.id << " " << n.start_date << "~" << n.end_date << "（" << n.period_days << " 天）\n";
      }
    });
  }

  {
    struct Options {
      std::string kind, file;
    };
    auto o = std::make_shared<Options>();
    auto* imp = project->add_subcommand("import", "Import project lists, allocations or disbursements (CSV or XLSX), all or nothing");
    imp->add_option("--kind", o->kind, "projects | allocations | disbursements")->required();
    imp->add_option("file", o->file, "The sheet (docs/PROJECTS.md lists the columns)")->required();
    imp->callback([&ctx, o] {
      projects::ImportKind kind = projects::ImportKind::kProjects;
      if (o->kind == "projects") kind = projects::ImportKind::kProjects;
      else if (o->kind == "allocations") kind = projects::ImportKind::kAllocations;
      else if (o->kind == "disbursements") kind = projects::ImportKind::kDisbursements;
      else throw Error::InvalidArgument("bad kind", {{"--kind", "'" + o->kind + "' is not projects, allocations or disbursements"}});
      const auto r = projects::Import(ctx.connection(), ctx.caller, kind, o->file);
      if (ctx.json) ctx.PrintJson({{"kind", r.kind}, {"rows", r.rows}, {"added", r.added}});
      else ctx.out() << "导入 " << r.added << " 条 (" << r.kind << ", 读取 " << r.rows << " 行)\n";
    });
  }

  auto* fund = app.add_subcommand("fund", "扶贫资金 (funds: allocations, assignments, disbursements)");
  fund->require_subcommand(1);
  {
    struct Options {
      projects::AllocationInput in;
      std::string amount;
    };
    auto o = std::make_shared<Options>();
    auto* allocate = fund->add_subcommand("allocate", "Record an allocation (资金下达)");
    allocate->add_option("--document", o->in.document_no, "Document number")->required();
    allocate->add_option("--date", o->in.date, "Date")->required();
    allocate->add_option("--year", o->in.year, "Budget year")->required();
    allocate->add_option("--source", o->in.source,
                         "central provincial municipal county integrated east_west paired_units donations credit_subsidy")
        ->required();
    allocate->add_option("--area", o->in.area_code, "Area it is allocated to")->required();
    allocate->add_option("--amount", o->amount, "Yuan")->required();
    allocate->callback([&ctx, o] {
      o->in.amount_fen = YuanOption(o->amount, "--amount");
      projects::ProjectService svc(ctx.connection(), DefaultClock());
      const auto a = svc.Allocate(ctx.caller, o->in);
      if (ctx.json) ctx.PrintJson(projects::AllocationJson(a));
      else ctx.out() << "资金下达 " << a.id << "  " << a.document_no << "  " << a.source_zh << "  " << FormatYuan(a.amount_fen) << " 元\n";
    });
  }
  {
    struct Options {
      int64_t allocation = 0, project = 0;
      std::string amount, date;
    };
    auto o = std::make_shared<Options>();
    auto* assign = fund->add_subcommand("assign", "Give part of an allocation to a project");
    assign->add_option("--allocation", o->allocation, "Allocation id")->required();
    assign->add_option("--project", o->project, "Project id")->required();
    assign->add_option("--amount", o->amount, "Yuan")->required();
    assign->add_option("--date", o->date, "Date (default today)");
    assign->callback([&ctx, o] {
      projects::ProjectService svc(ctx.connection(), DefaultClock());
      const auto g = svc.Assign(ctx.caller, o->allocation, o->project, YuanOption(o->amount, "--amount"), o->date);
      if (ctx.json) {
        ctx.PrintJson({{"id", g.id}, {"allocation_id", g.allocation_id}, {"project_id", g.project_id},
                       {"date", g.date}, {"amount_fen", g.amount_fen}});
      } else {
        ctx.out() << "已安排 " << FormatYuan(g.amount_fen) << " 元 给项目 " << g.project_id << '\n';
      }
    });
  }
  {
    struct Options {
      projects::DisbursementInput in;
      std::string amount;
    };
    auto o = std::make_shared<Options>();
    auto* spend = fund->add_subcommand("spend", "Record a disbursement (支出) of a project");
    spend->add_option("--project", o->in.project_id, "Project id")->required();
    spend->add_option("--allocation", o->in.allocation_id, "Allocation it is paid from (default: the project's only one)");
    spend->add_option("--amount", o->amount, "Yuan")->required();
    spend->add_option("--date", o->in.date, "Date (default today)");
    spend->add_option("--payee", o->in.payee, "Payee")->required();
    spend->add_option("--purpose", o->in.purpose, "What for")->required();
    spend->callback([&ctx, o] {
      o->in.amount_fen = YuanOption(o->amount, "--amount");
      projects::ProjectService svc(ctx.connection(), DefaultClock());
      const auto d = svc.Spend(ctx.caller, o->in);
      if (ctx.json) {
        ctx.PrintJson({{"id", d.id}, {"project_id", d.project_id}, {"allocation_id", d.allocation_id},
                       {"date", d.date}, {"amount_fen", d.amount_fen}, {"payee", d.payee}, {"purpose", d.purpose}});
      } else {
        ctx.out() << "支出 " << d.id << "  " << FormatYuan(d.amount_fen) << " 元  " << d.payee << '\n';
      }
    });
  }
  {
    struct Options {
      std::string area, by = "source";
      std::optional<int> year;
    };
    auto o = std::make_shared<Options>();
    auto* progress = fund->add_subcommand("progress", "Spending progress (支出进度), balances and idle funds");
    progress->add_option("--area", o->area, "Area (default: your scope)");
    progress->add_option("--year", o->year, "Budget year (default: all)");
    progress->add_option("--by", o->by, "source | area | kind | year");
    progress->callback([&ctx, o] {
      projects::ProjectService svc(ctx.connection(), DefaultClock());
      const auto p = svc.Progress(ctx.caller, o->area, o->year, o->by);
      if (ctx.json) {
        ctx.PrintJson(projects::FundProgressJson(p));
        return;
      }
      auto& out = ctx.out();
      out << "分组\t下达（元）\t安排到项目（元）\t支出（元）\t结余（元）\t支出进度\n";
      for (const auto& r : p.rows) {
        out << r.label << '\t' << FormatYuan(r.allocated_fen) << '\t' << FormatYuan(r.assigned_fen) << '\t'
            << FormatYuan(r.spent_fen) << '\t' << FormatYuan(r.balance_fen) << '\t' << Rate(r) << '\n';
      }
      out << p.total.label << '\t' << FormatYuan(p.total.allocated_fen) << '\t' << FormatYuan(p.total.assigned_fen)
          << '\t' << FormatYuan(p.total.spent_fen) << '\t' << FormatYuan(p.total.balance_fen) << '\t' << Rate(p.total)
          << '\n';
      for (const auto& i : p.idle) {
        out << "已完工未支出: 项目 " << i.project_id << " " << i.name << " 结余 " << FormatYuan(i.left_fen) << " 元\n";
      }
    });
  }

  auto* asset = app.add_subcommand("asset", "扶贫资产与收益分配 (assets and their income)");
  asset->require_subcommand(1);
  {
    struct Options {
      projects::AssetInput in;
      std::string value;
      std::optional<double> capacity_kw;
      std::optional<std::string> station;
    };
    auto o = std::make_shared<Options>();
    auto* add = asset->add_subcommand("add", "Record an asset formed by a completed project");
    add->add_option("--project", o->in.project_id, "Project id")->required();
    add->add_option("--name", o->in.name, "Name")->required();
    add->add_option("--kind", o->in.kind, "productive | public_welfare | household")->required();
    add->add_option("--owner", o->in.owner, "Owner (usually the village collective)")->required();
    add->add_option("--custodian", o->in.custodian, "Custodian (管护主体)")->required();
    add->add_option("--value", o->value, "Value in yuan")->required();
    add->add_option("--area", o->in.area_code, "Where it is (default: the project's area)");
    add->add_option("--household", o->in.household_id, "The household of a household asset");
    add->add_option("--date", o->in.formed_on, "Formed on (default: the project's completion)");
    add->add_option("--station", o->station, "A PV station: joint | central | village");
    add->add_option("--capacity-kw", o->capacity_kw, "The station's capacity in kW");
    add->add_option("--beneficiary", o->in.beneficiary_household_ids, "Household it benefits (repeatable)");
    add->callback([&ctx, o] {
      o->in.value_fen = YuanOption(o->value, "--value");
      o->in.station_kind = o->station;
      if (o->capacity_kw) o->in.capacity_w = std::llround(*o->capacity_kw * 1000);
      projects::ProjectService svc(ctx.connection(), DefaultClock());
      const auto a = svc.AddAsset(ctx.caller, o->in);
      if (ctx.json) ctx.PrintJson(projects::AssetJson(a));
      else ctx.out() << "资产 " << a.id << "  " << a.name << "  " << FormatYuan(a.value_fen) << " 元\n";
    });
  }
  {
    auto f = std::make_shared<projects::AssetFilter>();
    auto* list = asset->add_subcommand("list", "List assets (and PV stations) in an area");
    list->add_option("--area", f->area_code, "Area (default: your scope)");
    list->add_option("--kind", f->kind, "productive | public_welfare | household");
    list->add_flag("--stations", f->stations_only, "Only photovoltaic stations");
    list->add_option("--limit", f->limit, "Page size (1-1000, default 100)");
    list->add_option("--offset", f->offset, "Rows to skip");
    list->callback([&ctx, f] {
      projects::ProjectService svc(ctx.connection(), DefaultClock());
      const auto rows = svc.ListAssets(ctx.caller, *f);
      if (ctx.json) {
        json items = json::array();
        for (const auto& a : rows) items.push_back(projects::AssetJson(a));
        ctx.PrintJson({{"items", items}});
        return;
      }
      for (const auto& a : rows) {
        ctx.out() << a.id << '\t' << a.name << '\t' << a.kind << '\t' << a.area_name << '\t' << FormatYuan(a.value_fen)
                  << " 元\t收益 " << FormatYuan(a.income_fen) << " 元\t已分配 " << FormatYuan(a.distributed_fen)
                  << " 元\t受益 " << a.beneficiary_households << " 户\n";
      }
    });
  }
  {
    struct Options {
      int64_t asset = 0;
      int year = 0;
      std::string amount;
      std::optional<int64_t> kwh;
    };
    auto o = std::make_shared<Options>();
    auto* income = asset->add_subcommand("income", "Record a productive asset's income of a year");
    income->add_option("ID", o->asset, "Asset id")->required();
    income->add_option("--year", o->year, "Year")->required();
    income->add_option("--amount", o->amount, "Yuan")->required();
    income->add_option("--generation-kwh", o->kwh, "A PV station's generation in kWh");
    income->callback([&ctx, o] {
      projects::ProjectService svc(ctx.connection(), DefaultClock());
      svc.RecordIncome(ctx.caller, o->asset, o->year, YuanOption(o->amount, "--amount"), o->kwh);
      if (ctx.json) ctx.PrintJson({{"asset_id", o->asset}, {"year", o->year}});
      else ctx.out() << "收益已记录\n";
    });
  }
  {
    struct Options {
      projects::DistributionInput in;
      std::string amount;
    };
    auto o = std::make_shared<Options>();
    auto* dist = asset->add_subcommand("distribute", "Distribute a year's income (分红 to a household, 公益岗位, other)");
    dist->add_option("ID", o->in.asset_id, "Asset id")->required();
    dist->add_option("--year", o->in.year, "Year of the income")->required();
    dist->add_option("--kind", o->in.kind, "dividend | public_post | other")->required();
    dist->add_option("--household", o->in.household_id, "The household (dividend)");
    dist->add_option("--post", o->in.post, "The public-welfare post");
    dist->add_option("--date", o->in.date, "Date (default today)");
    dist->add_option("--amount", o->amount, "Yuan")->required();
    dist->callback([&ctx, o] {
      o->in.amount_fen = YuanOption(o->amount, "--amount");
      projects::ProjectService svc(ctx.connection(), DefaultClock());
      const int64_t id = svc.Distribute(ctx.caller, o->in);
      if (ctx.json) ctx.PrintJson({{"id", id}});
      else ctx.out() << "收益分配 " << id << '\n';
    });
  }
}

}  // namespace fupin::cli
