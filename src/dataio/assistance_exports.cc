#include "dataio/assistance_exports.h"

#include <vector>

#include "access/personal_data.h"
#include "dataio/exports.h"
#include "io/table_writer.h"
#include "registry/vocab.h"

namespace fupin::dataio {
namespace {

constexpr int64_t kChunk = 1000;

// Every row of a paged list: `page(window)` gives one window, `write` takes
// each item; the search `q` is the page's. Returns the rows written.
template <class Page, class Write>
int64_t EveryPage(const std::string& q, Page page, Write write) {
  assistance::ListWindow w{q, kChunk, 0};
  int64_t written = 0;
  while (true) {
    const auto p = page(w);
    for (const auto& item : p.items) written += write(item);
    w.offset += static_cast<int64_t>(p.items.size());
    if (p.items.empty() || w.offset >= p.total) break;
  }
  return written;
}

io::CellValue Text(const std::optional<std::string>& v) { return v ? io::CellValue(*v) : io::CellValue(); }

io::CellValue DateCell(const std::optional<std::string>& v) {
  if (!v) return {};
  if (auto d = Date::Parse(*v)) return *d;
  return *v;
}

std::string StatusZh(const std::string& status) {
  const auto l = registry::LabelZh(registry::HouseholdStatuses(), status);
  return l.empty() ? status : std::string(l);
}

}  // namespace

int64_t ExportCadres(store::Connection& db, const Clock& clock, const Caller& caller, const std::string& area_code,
                     const std::string& q, const std::string& path) {
  auto writer = OpenListWriter(path, "帮扶干部");
  writer->WriteHeader({"干部", "单位", "职务", "手机号码", "管理区划代码", "结对户数", "离岗日期"});
  assistance::AssistanceService svc(db, clock);
  const int64_t n = EveryPage(q, [&](const assistance::ListWindow& w) { return svc.ListCadres(caller, area_code, w); },
                              [&](const assistance::Cadre& c) {
                                writer->WriteRow({c.name, c.unit, c.position,
                                                  c.phone ? io::CellValue(access::MaskPhone(*c.phone)) : io::CellValue(),
                                                  c.area_code, c.active_households, DateCell(c.left_on)});
                                return 1;
                              });
  writer->Close();
  return n;
}

int64_t ExportPairings(store::Connection& db, const Clock& clock, const Caller& caller,
                       const assistance::PairingFilter& filter, const std::string& q, const std::string& path) {
  auto writer = OpenListWriter(path, "结对帮扶");
  writer->WriteHeader({"户编号", "行政村代码", "帮扶干部", "开始日期", "结束日期", "结束原因"});
  assistance::AssistanceService svc(db, clock);
  const int64_t n = EveryPage(q, [&](const assistance::ListWindow& w) { return svc.ListPairings(caller, filter, w); },
                              [&](const assistance::Pairing& p) {
                                writer->WriteRow({p.household_number, p.village_code, p.cadre_name,
                                                  DateCell(p.start_date), DateCell(p.end_date), Text(p.end_reason)});
                                return 1;
                              });
  writer->Close();
  return n;
}

int64_t ExportWorkTeams(store::Connection& db, const Clock& clock, const Caller& caller, const std::string& area_code,
                        const std::string& q, const std::string& path) {
  auto writer = OpenListWriter(path, "驻村工作队");
  writer->WriteHeader(
      {"所在村", "行政村代码", "派出单位", "驻村开始", "驻村结束", "队员", "队员单位", "职务", "任职开始", "任职结束"});
  assistance::AssistanceService svc(db, clock);
  const int64_t n = EveryPage(q, [&](const assistance::ListWindow& w) { return svc.ListTeams(caller, area_code, w); },
                              [&](const assistance::WorkTeam& t) {
                                const std::vector<io::CellValue> team{t.village_name, t.village_code, t.dispatching_unit,
                                                                      DateCell(t.start_date), DateCell(t.end_date)};
                                if (t.members.empty()) {
                                  auto row = team;
                                  row.resize(10);
                                  writer->WriteRow(row);
                                  return 1;
                                }
                                for (const auto& m : t.members) {
                                  auto row = team;
                                  row.insert(row.end(), {m.cadre_name, m.unit, assistance::TeamRoleZh(m.role),
                                                         DateCell(m.start_date), DateCell(m.end_date)});
                                  writer->WriteRow(row);
                                }
                                return static_cast<int>(t.members.size());
                              });
  writer->Close();
  return n;
}

int64_t ExportCoverageGaps(store::Connection& db, const Clock& clock, const Caller& caller,
                           const std::string& area_code, assistance::GapKind kind, const std::string& as_of,
                           const std::string& q, const std::string& path) {
  const bool late = kind == assistance::GapKind::kNotVisited;
  auto writer = OpenListWriter(path, late ? "未按期走访户" : "无帮扶干部户");
  writer->WriteHeader({"户编号", "所在村", "行政村代码", "状态", "帮扶干部", "最近走访日期", "统计日期"});
  const io::CellValue on = DateCell(as_of);
  const int64_t n = EveryPage(q,
                              [&](const assistance::ListWindow& w) {
                                return assistance::CoverageGaps(db, caller, area_code, kind, as_of, w, clock);
                              },
                              [&](const assistance::HouseholdGap& g) {
                                writer->WriteRow({g.number, g.village_name, g.village_code, StatusZh(g.status),
                                                  g.cadre_name.empty() ? io::CellValue() : io::CellValue(g.cadre_name),
                                                  DateCell(g.last_visit), on});
                                return 1;
                              });
  writer->Close();
  return n;
}

}  // namespace fupin::dataio
