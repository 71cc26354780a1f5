// fupin import ..., fupin notice exits, fupin check: spreadsheets in and out,
// and the data-quality checks (module dataio).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>


#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <ostream>

#include "cli/context.h"
#include "core/error.h"
#include "dataio/exports.h"
#include "dataio/importer.h"
#include "dataio/quality.h"
#include "dataio/templates.h"
#include "dataio/uploads.h"

namespace fupin::cli {
namespace {

struct TemplateOptions {
  std::string kind = "persons";
  std::string format = "xlsx";
  std::optional<std::string> output;
};

struct ImportCliOptions {
  std::string file;
  bool dry_run = false;
  bool skip_invalid = false;
  std::optional<std::string> errors;
  std::optional<std::string> sheet;
};

std::string DefaultErrorsPath(const std::string& file) {
  const auto dot = file.find_last_of('.');
  const auto slash = file.find_last_of('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return file + ".errors.csv";
  return file.substr(0, dot) + ".errors" + file.substr(dot);
}

void PrintReport(Context& ctx, const dataio::ImportReport& r) {
  if (ctx.json && !r.refused) {
    ctx.PrintJson(dataio::ImportReportJson(r));
  } else if (!ctx.json) {
    for (const auto& w : r.warnings) ctx.err() << "注意：" << w << '\n';
    std::ostream& o = ctx.out();
    o << (r.dry_run ? "试导入（未写入）：" : "导入：") << r.file << "，共 " << r.rows << " 行，";
    o << (r.refused ? "有错误，全部未导入" : (r.dry_run ? "可导入 " : "导入 ") + std::to_string(r.imported_rows) + " 行");
    if (r.rejected_rows > 0) o << "，拒绝 " << r.rejected_rows << " 行";
    o << '\n';
    if (!r.refused) {
      if (r.kind == dataio::TemplateKind::kPersons) {
        o << "  户：新增 " << r.households_added << "，更新 " << r.households_updated << "；人：新增 " << r.persons_added
          << "，更新 " << r.persons_updated << "，迁户 " << r.persons_moved << "；人员年度信息 " << r.person_years << '\n';
      } else {
        o << "  户年度信息：新增 " << r.household_years_added << "，更新 " << r.household_years_updated << '\n';
      }
      if (r.run_id) o << "  导入批次 " << *r.run_id << "，记录变更 " << r.changes << " 项\n";
    }
    if (!r.errors_file.empty()) o << "  被拒绝的行及原因已写入 " << r.errors_file << '\n';
    if (!r.refused) {
      for (const auto& p : r.problems) {
        o << "  第" << p.row << "行 " << p.column << " “" << p.value << "”：" << p.reason << '\n';
      }
    }
  }
  if (r.refused) dataio::ThrowRefused(r);
}

void AddImport(CLI::App& import, Context& ctx, dataio::TemplateKind kind, const char* name, const char* help) {
  auto o = std::make_shared<ImportCliOptions>();
  auto* cmd = import.add_subcommand(name, help);
  cmd->add_option("FILE", o->file, "CSV (UTF-8 or GBK) or XLSX file")->required();
  cmd->add_flag("--dry-run", o->dry_run, "Check only; write nothing");
  cmd->add_flag("--skip-invalid", o->skip_invalid, "Import the valid rows; write the rejected ones to --errors");
  cmd->add_option("--errors", o->errors, "File for the rejected rows (default FILE.errors.EXT)");
  cmd->add_option("--sheet", o->sheet, "XLSX: the sheet to read (default the first visible one)");
  cmd->callback([&ctx, o, kind] {
    dataio::ImportOptions options;
    options.dry_run = o->dry_run;
    options.skip_invalid = o->skip_invalid;
    options.errors_path = o->errors ? *o->errors : DefaultErrorsPath(o->file);
    if (o->sheet) options.table.sheet = *o->sheet;
    options.progress = dataio::ReportTo(ctx.progress());
    dataio::Importer importer(ctx.connection());
    const auto report = importer.Import(ctx.caller, kind, o->file, options);
    PrintReport(ctx, report);
  });
}

}  // namespace

void AddDataioCommands(CLI::App& app, Context& ctx) {
  auto* import = app.add_subcommand("import", "Import the standard spreadsheets (persons, household years)");
  import->require_subcommand(1);
  {
    auto o = std::make_shared<TemplateOptions>();
    auto* cmd = import->add_subcommand("template", "Write an empty import template");
    cmd->add_option("--kind", o->kind, dataio::UploadKindNames())->capture_default_str();
    cmd->add_option("--format", o->format, "xlsx | csv")->capture_default_str();
    cmd->add_option("--output", o->output,
                    "File to write (default 人员导入模板.xlsx / 户年度信息导入模板.xlsx / import-template-KIND.xlsx)");
    cmd->callback([&ctx, o] {
      auto kind = dataio::ParseUploadKind(o->kind);
      if (!kind) {
        throw Error::InvalidArgument(
            "unknown template",
            {{"--kind", "'" + o->kind + "': " + dataio::UploadKindNames()}});
      }
      io::TableFormat format;
      if (o->format == "xlsx") format = io::TableFormat::kXlsx;
      else if (o->format == "csv") format = io::TableFormat::kCsv;
      else throw Error::InvalidArgument("unknown format", {{"--format", "'" + o->format + "': xlsx | csv"}});
      const dataio::TemplateFile t = dataio::UploadTemplate(*kind, format);
      const std::string path = o->output.value_or(*kind == dataio::UploadKind::kPersons ? "人员导入模板." + o->format
                                                  : *kind == dataio::UploadKind::kHouseholdYears
                                                      ? "户年度信息导入模板." + o->format
                                                      : t.file_name);
      std::ofstream file(path, std::ios::binary);
      file << t.bytes;
      file.close();
      if (!file) throw Error::InvalidArgument("cannot write " + path, {{"--output", "cannot write " + path}});
      if (ctx.json) ctx.PrintJson({{"kind", o->kind}, {"format", o->format}, {"output", path}});
      else ctx.out() << "模板已写入 " << path << '\n';
    });
  }
  AddImport(*import, ctx, dataio::TemplateKind::kPersons, "persons", "Import persons and households (person template)");
  AddImport(*import, ctx, dataio::TemplateKind::kHouseholdYears, "household-years",
            "Import yearly household facts: income by component, 两不愁三保障 facts");

  {
    struct NoticeOptions {
      std::string area;
      int year = 0;
      std::optional<std::string> output;
    };
    auto o = std::make_shared<NoticeOptions>();
    auto* notice = app.add_subcommand("notice", "Public notices (公示名单)");
    notice->require_subcommand(1);
    auto* exits = notice->add_subcommand("exits", "Households proposed for exit in a year, with masked ID numbers");
    exits->add_option("--area", o->area, "Area code (village, township or county)")->required();
    exits->add_option("--year", o->year, "Poverty year")->required();
    exits->add_option("--output", o->output, "Write the list to FILE.xlsx or FILE.csv");
    exits->callback([&ctx, o] {
      const auto list = dataio::BuildExitNotice(ctx.connection(), ctx.caller, o->area, o->year);
      if (o->output) {
        dataio::WriteExitNotice(list, *o->output);
        if (ctx.json) ctx.PrintJson({{"output", *o->output}, {"households", list.rows.size()}});
        else ctx.out() << list.title << "：" << list.rows.size() << " 户，已写入 " << *o->output << '\n';
        return;
      }
      if (ctx.json) {
        ctx.PrintJson(dataio::ExitNoticeJson(list));
        return;
      }
      ctx.out() << list.title << '\n';
      for (const auto& r : list.rows) {
        ctx.out() << r.township_name << '\t' << r.village_name << '\t' << r.household_number << '\t' << r.head_name << '\t'
                  << r.head_id_masked << '\t' << r.members << '\n';
      }
      ctx.out() << list.rows.size() << " 户\n";
    });
  }
  {
    struct CheckOptions {
      std::string area;
      std::optional<int> year;
      std::optional<std::string> check;
      std::optional<std::string> severity;
      std::optional<std::string> output;
      bool list = false;
    };
    auto o = std::make_shared<CheckOptions>();
    auto* check = app.add_subcommand("check", "Data-quality checks: findings by area for cadres to fix");
    check->add_option("--area", o->area, "Area code (default: your whole scope)");
    check->add_option("--year", o->year, "Survey year for the yearly checks (default: latest with household facts)");
    check->add_option("--check", o->check, "Only this check (see --list)");
    check->add_option("--severity", o->severity, "error | warning | info");
    check->add_option("--output", o->output, "Write the findings to FILE.xlsx or FILE.csv");
    check->add_flag("--list", o->list, "List the catalogue of checks");
    check->callback([&ctx, o] {
      if (o->list) {
        if (ctx.json) {
          ctx.PrintJson(dataio::CheckCatalogueJson());
          return;
        }
        for (const auto& c : dataio::CheckCatalogue()) {
          ctx.out() << c.id << '\t' << dataio::SeverityName(c.severity) << '\t' << c.title_zh
                    << (c.available ? "" : "（待实现）") << '\n';
        }
        return;
      }
      dataio::QualityFilter f;
      f.area_code = o->area;
      f.year = o->year;
      f.check = o->check;
      if (o->severity) {
        f.severity = dataio::ParseSeverity(*o->severity);
        if (!f.severity) throw Error::InvalidArgument("unknown severity", {{"--severity", "error | warning | info"}});
      }
      dataio::QualityService service(ctx.connection());
      const auto result = service.Run(ctx.caller, f);
      if (o->output) dataio::WriteFindings(result, *o->output);
      if (ctx.json) {
        ctx.PrintJson(dataio::QualityResultJson(result, true));
        return;
      }
      ctx.out() << "数据质量检查（" << result.year << "年度），共发现 " << result.findings.size() << " 个问题\n";
      for (const auto& c : result.counts) {
        if (c.count > 0) ctx.out() << "  " << c.id << '\t' << c.title_zh << '\t' << c.count << '\n';
      }
      for (const auto& a : result.by_area) {
        ctx.out() << a.area_code << ' ' << a.area_name << '\t' << a.total << '\n';
      }
      if (!o->output) {
        for (const auto& fi : result.findings) {
          ctx.out() << dataio::SeverityName(fi.severity) << '\t' << fi.check << '\t' << fi.village_code << '\t'
                    << fi.household_number << '\t' << fi.person_id_masked << '\t' << fi.detail << '\n';
        }
      } else {
        ctx.out() << "已写入 " << *o->output << '\n';
      }
    });
  }
}

}  // namespace fupin::cli
