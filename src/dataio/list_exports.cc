#include "dataio/list_exports.h"

#include <optional>
#include <type_traits>

#include "core/vocabulary.h"
#include "dataio/exports.h"
#include "io/table_writer.h"
#include "monitoring/terms.h"
#include "social/terms.h"

namespace fupin::dataio {
namespace {

constexpr int64_t kChunk = 500;  // the needs list's largest page

io::CellValue DateCell(const std::optional<std::string>& v) {
  if (!v || v->empty()) return {};
  if (auto d = Date::Parse(*v)) return *d;
  return *v;
}

// The Chinese label of a code, or the code when the table lacks it.
io::CellValue Label(std::span<const Term> terms, const std::optional<std::string>& wire) {
  if (!wire || wire->empty()) return {};
  const std::string zh = LabelOfWire(terms, *wire);
  return zh.empty() ? *wire : zh;
}

// The Chinese label of a closed set's value.
template <class E>
  requires std::is_enum_v<E>
io::CellValue Label(std::span<const Term> terms, E value) {
  return std::string(LabelOf(terms, value));
}

io::CellValue Yuan(std::optional<Fen> fen) {
  return fen ? io::CellValue(static_cast<double>(*fen) / 100.0) : io::CellValue();
}

// Every page of a list: `list(filter)` answers {total, items} for the
// filter's window; `write` takes each item.
template <class Filter, class List, class Write>
int64_t EveryPage(Filter filter, List list, Write write) {
  filter.limit = kChunk;
  filter.offset = 0;
  int64_t written = 0;
  while (true) {
    const auto page = list(filter);
    for (const auto& item : page.items) {
      write(item);
      ++written;
    }
    filter.offset += static_cast<int64_t>(page.items.size());
    if (page.items.empty() || filter.offset >= page.total) break;
  }
  return written;
}

}  // namespace

int64_t ExportCases(store::Connection& db, const Clock& clock, const Caller& caller, monitoring::CaseFilter filter,
                    const std::string& path) {
  auto writer = OpenListWriter(path, "监测对象");
  writer->WriteHeader({"户编号", "所在村", "行政村代码", "年度", "监测类别", "状态", "当前环节", "预警日期",
                       "纳入监测日期", "结束日期"});
  monitoring::MonitoringService svc(db, clock);
  const int64_t n = EveryPage(
      std::move(filter), [&](const monitoring::CaseFilter& f) { return svc.ListCases(caller, f); },
      [&](const monitoring::Case& c) {
        writer->WriteRow({c.household_number, c.village_name, c.village_code, static_cast<int64_t>(c.year),
                          Label(monitoring::CategoryTerms(), c.category), Label(monitoring::CaseStatusTerms(), c.status),
                          Label(monitoring::CaseStepTerms(), c.stage), DateCell(c.alert_date), DateCell(c.entered_on),
                          DateCell(c.closed_on)});
      });
  writer->Close();
  return n;
}

int64_t ExportNeeds(store::Connection& db, const Clock& clock, const Caller& caller, social::NeedFilter filter,
                    const std::string& path) {
  auto writer = OpenListWriter(path, "帮扶需求");
  writer->WriteHeader({"编号", "所在乡镇", "所在村", "类别", "标题", "金额（元）", "已到位（元）", "物资", "紧急程度",
                       "截止日期", "状态", "发布日期", "认捐次数", "对接次数"});
  social::SocialService svc(db, clock);
  const int64_t n = EveryPage(
      std::move(filter), [&](const social::NeedFilter& f) { return svc.ListNeeds(caller, f); },
      [&](const social::Need& d) {
        writer->WriteRow({d.id, d.township_name, d.village_name, Label(social::NeedCategoryTerms(), d.category), d.title,
                          Yuan(d.amount), Yuan(d.received), d.items.empty() ? io::CellValue() : io::CellValue(d.items),
                          Label(social::UrgencyTerms(), d.urgency), DateCell(d.deadline),
                          Label(social::NeedStatusTerms(), d.status), DateCell(d.published_on), d.pledges, d.dockings});
      });
  writer->Close();
  return n;
}

}  // namespace fupin::dataio
