#include "dataio/exports.h"

#include <nlohmann/json.hpp>

#include "access/abilities.h"
#include "assessment/exits.h"
#include "core/area_code.h"
#include "core/error.h"
#include "core/money.h"
#include "io/table_writer.h"
#include "registry/areas.h"
#include "registry/status.h"
#include "registry/vocab.h"

namespace fupin::dataio {

std::unique_ptr<io::TableWriter> OpenListWriter(const std::string& path, const std::string& sheet) {
  auto format = io::FormatFromPath(path);
  if (!format) {
    throw Error::InvalidArgument("unknown output format", {{"--output", "'" + path + "': name it .xlsx or .csv"}});
  }
  io::WriterOptions options;
  options.sheet = sheet;
  options.csv_guard_formulas = true;  // lists given out
  return io::OpenTableWriter(path, *format, options);
}

namespace {

std::string Label(std::span<const registry::CodeTerm> terms, const std::string& name) {
  const auto l = registry::LabelZh(terms, name);
  return l.empty() ? name : std::string(l);
}

// Lower and upper bound of the codes inside an area (codes are digits).
std::pair<std::string, std::string> CodeRange(const std::string& code) { return {code, SubtreeEnd(code)}; }

}  // namespace

int64_t ExportHouseholds(store::Connection& db, const Caller& caller, registry::HouseholdRegistry::ListFilter filter,
                         const std::string& path) {
  auto writer = OpenListWriter(path, "贫困户");
  writer->WriteHeader({"户编号", "户主", "乡镇", "行政村代码", "所在村", "识别年度", "贫困户属性", "主要致贫原因",
                       "其他致贫原因", "状态", "家庭住址"});
  registry::HouseholdRegistry reg(db);
  filter.limit = 1000;
  filter.offset = 0;
  int64_t written = 0;
  while (true) {
    const auto page = reg.ListHouseholds(caller, filter);
    for (const auto& h : page.items) {
      std::string others;
      for (const auto& c : h.other_causes) others += (others.empty() ? "" : "、") + Label(registry::Causes(), c);
      writer->WriteRow({h.number, h.head_name, h.township_name, h.village_code, h.village_name,
                        h.identified_year ? io::CellValue(int64_t{*h.identified_year}) : io::CellValue(),
                        Label(registry::HouseholdAttributes(), h.attribute), Label(registry::Causes(), h.main_cause),
                        others, Label(registry::HouseholdStatuses(), h.status), h.address});
      ++written;
    }
    filter.offset += static_cast<int64_t>(page.items.size());
    if (page.items.empty() || filter.offset >= page.total) break;
  }
  writer->Close();
  return written;
}

ExitNoticeList BuildExitNotice(store::Connection& db, const Caller& caller, const std::string& area_text, int year) {
  auto code = NormalizeAreaCode(area_text);
  if (!code) throw Error::InvalidArgument("bad area code", {{"area", "'" + area_text + "' is not an area code"}});
  if (year < 2000 || year > 2100) throw Error::InvalidArgument("bad year", {{"year", std::to_string(year) + " is out of range"}});
  if (!access::Can(caller, access::Ability::kReadQuality)) {
    throw Error::PermissionDenied("this role may not list households for a public notice");
  }
  if (!caller.CoversArea(*code)) throw Error::PermissionDenied("area " + *code + " is outside your scope");
  auto area = registry::FindArea(db, *code);
  if (!area) throw Error::NotFound("no area " + *code);
  ExitNoticeList list;
  list.area_code = *code;
  list.area_name = area->name;
  list.year = year;
  list.title = area->name + std::to_string(year) + "年度拟退出贫困户公示名单";
  const auto [lo, hi] = CodeRange(*code);
  using assessment::ExitStepKind;
  const std::string appraisal = SqlWire(assessment::ExitStepKinds(), ExitStepKind::kAppraisal);
  const std::string notice = SqlWire(assessment::ExitStepKinds(), ExitStepKind::kNotice);
  auto s = db.Prepare(
      "SELECT t.name, v.name, h.number, h.main_cause,"
      " (SELECT p.name FROM memberships m JOIN persons p ON p.id = m.person_id"
      "   WHERE m.household_id = h.id AND m.end_date IS NULL AND m.relation = 'head' ORDER BY m.id LIMIT 1),"
      " (SELECT p.id_number_masked FROM memberships m JOIN persons p ON p.id = m.person_id"
      "   WHERE m.household_id = h.id AND m.end_date IS NULL AND m.relation = 'head' ORDER BY m.id LIMIT 1),"
      " (SELECT count(*) FROM memberships m WHERE m.household_id = h.id AND m.end_date IS NULL),"
      " hy.members, hy.wage_income + hy.production_income + hy.property_income + hy.transfer_income - hy.production_cost,"
      " (SELECT min(date) FROM exit_steps e WHERE e.household_id = h.id AND e.year = ? AND e.step = " + appraisal + "),"
      " (SELECT max(date) FROM exit_steps e WHERE e.household_id = h.id AND e.year = ? AND e.step = " + notice + "),"
      " (SELECT max(end_date) FROM exit_steps e WHERE e.household_id = h.id AND e.year = ? AND e.step = " + notice + "),"
      " (SELECT count(*) FROM household_events ev WHERE ev.household_id = h.id AND ev.kind = " +
      registry::SqlLiteral(registry::EventKind::kExited) + " AND ev.year = ?)"
      " FROM households h JOIN areas v ON v.code = h.village_code LEFT JOIN areas t ON t.code = v.parent_code"
      " LEFT JOIN household_years hy ON hy.household_id = h.id AND hy.year = ?"
      " WHERE h.village_code >= ? AND h.village_code < ?"
      " AND EXISTS (SELECT 1 FROM exit_steps e WHERE e.household_id = h.id AND e.year = ?)"
      " ORDER BY h.village_code, h.number");
  int i = 1;
  for (int k = 0; k < 5; ++k) s->BindInt(i++, year);
  s->BindText(i++, lo);
  s->BindText(i++, hi);
  s->BindInt(i++, year);
  while (s->Step()) {
    ExitNoticeRow r;
    r.township_name = s->IsNull(0) ? "" : s->Text(0);
    r.village_name = s->Text(1);
    r.household_number = s->Text(2);
    r.main_cause = Label(registry::Causes(), s->Text(3));
    r.head_name = s->IsNull(4) ? "" : s->Text(4);
    r.head_id_masked = s->IsNull(5) ? "" : s->Text(5);
    r.members = s->Int(6);
    if (!s->IsNull(7) && s->Int(7) > 0) r.per_capita_income = s->Int(8) / s->Int(7);
    r.appraisal_date = s->IsNull(9) ? "" : s->Text(9);
    r.notice_start = s->IsNull(10) ? "" : s->Text(10);
    r.notice_end = s->IsNull(11) ? "" : s->Text(11);
    r.status = s->Int(12) > 0 ? "已退出" : "拟退出";
    list.rows.push_back(std::move(r));
  }
  return list;
}

void WriteExitNotice(const ExitNoticeList& list, const std::string& path) {
  auto writer = OpenListWriter(path, "公示名单");
  writer->WriteHeader({"序号", "乡镇", "行政村", "户编号", "户主姓名", "户主身份证号", "家庭人口", "人均纯收入（元）",
                       "主要致贫原因", "村评议日期", "公示开始", "公示结束", "状态"});
  int64_t n = 0;
  for (const auto& r : list.rows) {
    writer->WriteRow({++n, r.township_name, r.village_name, r.household_number, r.head_name, r.head_id_masked, r.members,
                      r.per_capita_income ? io::CellValue(static_cast<double>(*r.per_capita_income) / 100.0)
                                          : io::CellValue(),
                      r.main_cause, r.appraisal_date, r.notice_start, r.notice_end, r.status});
  }
  writer->Close();
}

nlohmann::json ExitNoticeJson(const ExitNoticeList& list) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : list.rows) {
    rows.push_back({{"township", r.township_name},
                    {"village", r.village_name},
                    {"household_number", r.household_number},
                    {"head_name", r.head_name},
                    {"head_id_number", r.head_id_masked},
                    {"members", r.members},
                    {"per_capita_income", r.per_capita_income ? nlohmann::json(FormatYuan(*r.per_capita_income))
                                                              : nlohmann::json(nullptr)},
                    {"main_cause", r.main_cause},
                    {"appraisal_date", r.appraisal_date},
                    {"notice_start", r.notice_start},
                    {"notice_end", r.notice_end},
                    {"status", r.status}});
  }
  return {{"area_code", list.area_code}, {"area_name", list.area_name}, {"year", list.year},
          {"title", list.title},         {"households", rows}};
}

}  // namespace fupin::dataio
