#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <memory>
#include <ostream>

#include "cli/context.h"
#include "core/error.h"
#include "reports/progress.h"
#include "reports/snapshot.h"
#include "reports/todo.h"

namespace fupin::cli {
namespace {

struct ProgressCommand {
  std::string area;
  int year = 0;
  std::optional<std::string> as_of;
  std::string format = "text";
  std::optional<std::string> output;
  bool fresh = false;
};

std::string FormatSeconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", s);
  return buf;
}

struct SnapshotCommand {
  int year = 0;
  std::optional<std::string> as_of;
  std::vector<std::string> levels{"nation", "province", "county"};
};

}  // namespace

void AddReportCommands(CLI::App& app, Context& ctx) {
  // `report` is shared with other modules' reports (incidence, measures, ...).
  CLI::App* report = nullptr;
  for (CLI::App* sub : app.get_subcommands([](CLI::App* a) { return a->get_name() == "report"; })) report = sub;
  if (!report) report = app.add_subcommand("report", "Reports computed from the records (报表)");
  report->require_subcommand(1);

  auto* progress = report->add_subcommand("progress", "Progress of poverty alleviation: the county's published figures");
  auto p = std::make_shared<ProgressCommand>();
  progress->add_option("--area", p->area, "Area code, any level")->required();
  progress->add_option("--year", p->year, "Year of the report")->required();
  progress->add_option("--as-of", p->as_of, "Count statuses and members on this date (YYYY-MM-DD, in --year; "
                                            "default 31 December)");
  progress->add_option("--format", p->format, "text, json or xlsx (default text; --json means json)")
      ->check(CLI::IsMember({"text", "json", "xlsx"}));
  progress->add_option("--output,-o", p->output, "File to write (required for xlsx)");
  progress->add_flag("--fresh", p->fresh,
                     "Recompute even when a snapshot of the same records is stored (administrators, county offices)");
  progress->callback([&ctx, p] {
    if (p->format == "xlsx" && !p->output) {
      throw Error::InvalidArgument("an XLSX report needs a file", {{"output", "give --output FILE.xlsx"}});
    }
    // The stored snapshot when no record changed since it was computed (the audit trail's data
    // head, as the server reads it), else computed and stored: a nation's report is read, not
    // recomputed, after the nightly `report snapshot`. Never a stale one from the CLI.
    reports::SnapshotOptions options;
    options.max_stale_seconds = 0;
    options.fresh = p->fresh;
    const auto j = reports::ProgressJsonWithSnapshot(ctx.connection(), ctx.caller, p->area, p->year, p->as_of,
                                                     DefaultClock(), options);
    const std::string format = ctx.json ? "json" : p->format;
    if (format == "xlsx") {
      reports::WriteProgressXlsx(reports::ProgressFromJson(j), *p->output);
      ctx.out() << "wrote " << *p->output << '\n';
      return;
    }
    const std::string text = format == "json" ? j.dump(2) + "\n" : reports::ProgressText(reports::ProgressFromJson(j));
    if (p->output) {
      std::ofstream f(*p->output, std::ios::binary);
      f << text;
      if (!f.flush()) throw Error::InvalidArgument("cannot write the report", {{"output", *p->output}});
      ctx.out() << "wrote " << *p->output << '\n';
    } else {
      ctx.out() << text;
    }
  });

  auto* snapshot = report->add_subcommand(
      "snapshot", "Precompute progress report snapshots (the nightly job; served by GET /api/v1/reports/progress)");
  auto sn = std::make_shared<SnapshotCommand>();
  snapshot->add_option("--year", sn->year, "Year of the reports")->required();
  snapshot->add_option("--as-of", sn->as_of, "Date of the reports (YYYY-MM-DD, in --year; default 31 December)");
  snapshot->add_option("--levels", sn->levels, "Levels to precompute: nation, province, city, county, township, village")
      ->delimiter(',');
  snapshot->callback([&ctx, sn] {
    const auto run = reports::PrecomputeSnapshots(ctx.connection(), ctx.caller, sn->year, sn->as_of, sn->levels,
                                                  DefaultClock());
    if (ctx.json) {
      ctx.out() << nlohmann::json{{"snapshots", run.reports}, {"seconds", run.seconds}, {"levels", run.levels}}.dump(2)
                << '\n';
    } else {
      ctx.out() << "已生成报表快照 " << run.reports << " 份，用时 " << FormatSeconds(run.seconds) << " 秒\n";
    }
  });

  // fupin todo: the to-do list of the caller (GET /api/v1/todo).
  auto* todo = app.add_subcommand("todo", "What waits for the caller (待办): needs to review, monitoring steps, "
                                          "visits due, exits to verify, each with its count and web page");
  todo->callback([&ctx] {
    const auto items = reports::ListTodo(ctx.connection(), ctx.caller);
    if (ctx.json) {
      ctx.PrintJson(reports::TodoJson(items));
      return;
    }
    for (const auto& i : items) {
      ctx.out() << i.title_zh << '\t' << i.count << '\t' << i.link << (i.note_zh.empty() ? "" : "\t" + i.note_zh) << '\n';
    }
  });
}

}  // namespace fupin::cli
