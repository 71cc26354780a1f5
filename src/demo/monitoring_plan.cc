#include "demo/monitoring_plan.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "access/personal_data.h"
#include "core/area_code.h"
#include "core/money.h"
#include "demo/id_numbers.h"
#include "demo/prng.h"
#include "monitoring/monitoring.h"
#include "registry/households.h"
#include "registry/batch.h"
#include "registry/status.h"

namespace fupin::demo {
namespace {

constexpr int kFirst = 2021;
constexpr int kLast = 2025;

struct Exited {
  int64_t id = 0;
  std::string number, village;
  int members = 1;
  Fen per_capita_2020 = 0;
};

int64_t Seconds(const Date& d) { return d.ToDays() * 86400 + 9 * 3600; }

Date Day(int year, int day_of_year) { return Date::FromDays(Date{year, 1, 1}.ToDays() + day_of_year); }

std::string Plus(const Date& d, int64_t days) { return Date::FromDays(d.ToDays() + days).ToString(); }

const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "罗", "谭", "彭", "邓", "曾"};
const char* kGiven[] = {"建国", "秀英", "志强", "桂花", "德明", "春兰", "国平", "小红", "海波", "玉梅", "伟", "芳"};

}  // namespace

MonitoringDemoSummary GenerateMonitoringDemo(store::Connection& db, const Caller& caller, uint64_t seed, int scale) {
  MonitoringDemoSummary summary;
  Prng rng(seed ^ 0x6d6f6e69746f72ULL);  // "monitor"
  const int k = std::max(1, scale);

  // Exited households of the county at the end of 2020 with their 2020 facts.
  std::vector<Exited> exited;
  {
    auto s = db.Prepare(
        "SELECT h.id, h.number, h.village_code, y.members,"
        " " + PerCapitaSql("y.wage_income + y.production_income + y.property_income + y.transfer_income - y.production_cost",
                           "y.members") +
        " FROM households h JOIN household_years y ON y.household_id = h.id AND y.year = 2020"
        " WHERE h.village_code >= ?1 AND h.village_code < ?2"
        " AND " + registry::StatusOnSql("h.id") + " = " + registry::SqlLiteral(registry::HouseholdState::kExited) +
        " ORDER BY h.id");
    s->BindText(1, "430424");
    s->BindText(2, SubtreeEnd("430424"));
    while (s->Step()) exited.push_back({s->Int(0), s->Text(1), s->Text(2), static_cast<int>(s->Int(3)), s->Int(4)});
  }
  if (exited.empty()) return summary;
  std::vector<std::string> villages;
  villages.reserve(exited.size());
  for (const auto& e : exited) villages.push_back(e.village);
  std::sort(villages.begin(), villages.end());
  villages.erase(std::unique(villages.begin(), villages.end()), villages.end());

  // Which exited households fall below the line in which year (a case each),
  // and the two planted for the 2025 scan.
  const int unstable_per_year = 75 * k;
  std::vector<int> low_year(exited.size(), 0);
  std::vector<size_t> order(exited.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);
  size_t next = 0;
  std::map<int, std::vector<size_t>> unstable_by_year;
  for (int y = kFirst; y <= 2024; ++y) {
    for (int n = 0; n < unstable_per_year && next < order.size(); ++n) {
      low_year[order[next]] = y;
      unstable_by_year[y].push_back(order[next++]);
    }
  }
  const size_t planted_low = order.at(next++);
  const size_t planted_drop = order.at(next++);

  // Yearly income 2021-2025: growing from max(2020, 8000 yuan), except the year of a case.
  std::vector<std::map<int, Fen>> income(exited.size());
  {
    const int64_t now = Seconds(Date{2026, 1, 15});
    store::Transaction tx(db);
    const std::vector<std::string> fields = {"members", "wage_income", "production_income", "transfer_income"};
    std::vector<registry::YearRow> rows;
    for (size_t i = 0; i < exited.size(); ++i) {
      const Exited& e = exited[i];
      double base = static_cast<double>(std::max<Fen>(e.per_capita_2020, 800000));
      for (int y = kFirst; y <= kLast; ++y) {
        base *= 1.04 + 0.04 * rng.Unit();
        Fen per = static_cast<Fen>(base);
        if (low_year[i] == y) per = rng.Between(380000, 580000);
        if (i == planted_low && y == kLast) per = rng.Between(420000, 560000);
        if (i == planted_drop && y == kLast - 1) per = 1150000;
        if (i == planted_drop && y == kLast) per = 700000;  // -39 %, still above the line
        income[i][y] = per;
        const Fen total = per * e.members;
        const Fen wage = total * 6 / 10;
        const Fen transfer = total / 10;
        rows.push_back({e.id, int64_t{y}, now, {int64_t{e.members}, wage, total - wage - transfer, transfer}});
      }
    }
    registry::RegistryBatch(db, access::CurrentProtector(), now, "demo").WriteHouseholdYears(fields, rows, false);
    summary.household_years = static_cast<int64_t>(rows.size());
    tx.Commit();
  }
  summary.planted.push_back({exited[planted_low].id, exited[planted_low].number, "unstable", "income_below_line"});
  summary.planted.push_back({exited[planted_drop].id, exited[planted_drop].number, "unstable", "income_drop"});

  // Households never registered: marginal ones (income just below the line)
  // and ones hit by a sudden hardship, added through the registry.
  IdNumberAllocator ids(static_cast<int>(rng.Below(400)));
  const auto& protector = access::CurrentProtector();
  int serial = 0;
  struct NewHousehold {
    int64_t id = 0;
    std::string number;
    std::vector<int64_t> persons;
  };
  auto add_household = [&](int year, const std::string& village, int members) {
    const Date on = Day(year, static_cast<int>(rng.Between(0, 59)));
    FixedClock clock(on, Seconds(on));
    registry::HouseholdRegistry households(db, clock);
    registry::PersonRegistry persons(db, clock, &protector);
    NewHousehold h;
    registry::HouseholdInput in;
    in.number = fmt::format("{}J{:03d}", village, ++serial);
    in.village_code = village;
    in.attribute = "none";
    in.address = "衡东县";
    h.number = in.number;
    h.id = households.AddHousehold(caller, in);
    for (int m = 0; m < members; ++m) {
      Date birth = m == 0 ? Day(1960 + static_cast<int>(rng.Below(25)), static_cast<int>(rng.Below(360)))
                          : Day(1985 + static_cast<int>(rng.Below(25)), static_cast<int>(rng.Below(360)));
      const Sex sex = m == 1 ? Sex::kFemale : (rng.Chance(0.5) ? Sex::kMale : Sex::kFemale);
      std::string number;
      for (int attempt = 0; attempt < 50; ++attempt) {
        number = ids.Allocate("430424", birth, sex);
        const std::string one[] = {number};
        if (!registry::LookupPersonsByIdNumber(db, protector, one)[0]) break;
      }
      registry::PersonInput p;
      p.id_number = number;
      p.name = std::string(kSurnames[rng.Below(std::size(kSurnames))]) + kGiven[rng.Below(std::size(kGiven))];
      p.household_id = h.id;
      p.relation = m == 0 ? "head" : (m == 1 ? "spouse" : "child");
      p.start_date = on.ToString();
      p.labour_ability = "full";
      h.persons.push_back(persons.AddPerson(caller, p).id);
    }
    ++summary.new_households;
    return h;
  };
  auto set_years = [&](const NewHousehold& h, int from, int members, const std::map<int, Fen>& per_capita) {
    FixedClock clock(Date{2026, 1, 15}, Seconds(Date{2026, 1, 15}));
    registry::HouseholdRegistry households(db, clock);
    Fen floor = 1000000;
    for (const auto& [y, v] : per_capita) floor = std::max(floor, v);
    for (int y = from; y <= kLast; ++y) {
      registry::HouseholdYear f;
      f.year = y;
      f.members = members;
      auto it = per_capita.find(y);
      const Fen per = it != per_capita.end() ? it->second : floor + 50000 * (y - from);
      f.wage_income = per * members * 7 / 10;
      f.production_income = per * members - f.wage_income;
      households.SetHouseholdYear(caller, h.id, f);
    }
  };
  auto pick_village = [&]() { return villages[rng.Below(villages.size())]; };

  std::vector<monitoring::AlertRecord> alerts;
  struct Planned {
    int64_t household_id = 0;
    int year = 0;
    std::string category, source, risks, note;
  };
  std::vector<Planned> planned;
  auto risk = [](const std::string& rule, const nlohmann::json& values) {
    nlohmann::json hit = nlohmann::json::object();
    hit["rule"] = rule;
    hit["values"] = values;
    nlohmann::json all = nlohmann::json::array();
    all.push_back(hit);
    return all.dump();
  };
  for (int y = kFirst; y <= 2024; ++y) {
    for (size_t i : unstable_by_year[y]) {
      planned.push_back({exited[i].id, y, "unstable", "data_analysis",
                         risk("income_below_line", {{"per_capita_income", FormatYuan(income[i][y])}, {"line", "6000.00"}}),
                         "收入低于监测线"});
    }
    for (int n = 0; n < 10 * k; ++n) {
      const int members = 2 + static_cast<int>(rng.Below(3));
      const auto h = add_household(y, pick_village(), members);
      const Fen per = rng.Between(420000, 590000);
      set_years(h, y, members, {{y, per}});
      planned.push_back({h.id, y, "marginal", rng.Chance(0.5) ? "cadre_report" : "self_report",
                         risk("income_below_line", {{"per_capita_income", FormatYuan(per)}, {"line", "6000.00"}}),
                         "边缘户：收入略高于原贫困线、低于监测线"});
    }
    for (int n = 0; n < 7 * k; ++n) {
      const int members = 3 + static_cast<int>(rng.Below(2));
      const auto h = add_household(y, pick_village(), members);
      set_years(h, y, members, {{y, 1500000}});
      const bool ill = n % 2 == 0;
      const Fen amount = ill ? rng.Between(5000000, 12000000) : rng.Between(4000000, 8000000);
      alerts.push_back({ill ? monitoring::AlertKind::kMedical : monitoring::AlertKind::kDisaster, y, h.persons[0],
                        Plus(Day(y, 90), static_cast<int64_t>(rng.Below(60))), amount, ill ? "住院自付" : "房屋损毁"});
      planned.push_back({h.id, y, "sudden", "department_alert",
                         risk("rigid_spending", {{"rigid_spending", FormatYuan(amount)}}),
                         ill ? "大病住院，自付费用高" : "洪涝灾害，房屋损毁"});
    }
  }
  // The planted ones of 2025, without cases.
  {
    auto marginal = add_household(kLast, pick_village(), 3);
    set_years(marginal, kLast, 3, {{kLast, 520000}});
    summary.planted.push_back({marginal.id, marginal.number, "marginal", "income_below_line"});
    auto ill = add_household(kLast, pick_village(), 3);
    set_years(ill, kLast, 3, {{kLast, 1800000}});
    alerts.push_back({monitoring::AlertKind::kMedical, kLast, ill.persons[1], "2025-04-18", 6000000, "住院自付"});
    summary.planted.push_back({ill.id, ill.number, "sudden", "rigid_spending"});
    auto flood = add_household(kLast, pick_village(), 4);
    set_years(flood, kLast, 4, {{kLast, 1600000}});
    alerts.push_back({monitoring::AlertKind::kDisaster, kLast, flood.persons[0], "2025-06-20", 5000000, "洪灾损失"});
    summary.planted.push_back({flood.id, flood.number, "sudden", "rigid_spending"});
    auto jobless = add_household(2024, pick_village(), 3);
    set_years(jobless, 2024, 3, {{2024, 1500000}, {kLast, 1400000}});
    FixedClock clock(Date{2026, 1, 15}, Seconds(Date{2026, 1, 15}));
    registry::PersonRegistry persons(db, clock, &protector);
    registry::PersonYear before;
    before.year = 2024;
    before.employment = "migrant";
    persons.SetPersonYear(caller, jobless.persons[0], before);
    registry::PersonYear after;
    after.year = kLast;
    after.employment = "unemployed";
    persons.SetPersonYear(caller, jobless.persons[0], after);
    alerts.push_back({monitoring::AlertKind::kUnemployment, kLast, jobless.persons[0], "2025-03-02", std::nullopt, "失业登记"});
    summary.planted.push_back({jobless.id, jobless.number, "sudden", "job_loss"});
  }
  {
    FixedClock clock(Date{2026, 1, 15}, Seconds(Date{2026, 1, 15}));
    summary.alerts = monitoring::MonitoringService(db, clock).RecordAlerts(caller, alerts, "demo");
  }

  // The cases: every step by its role, a few sent back or rejected, measures,
  // and the risk eliminated about a year after entry for most.
  std::vector<monitoring::HistoricCase> cases;
  const Date today{2026, 1, 15};
  int index = 0;
  for (const auto& p : planned) {
    ++index;
    monitoring::HistoricCase c;
    c.household_id = p.household_id;
    c.year = p.year;
    c.category = p.category;
    c.source = p.source;
    c.risks = p.risks;
    c.note = p.note;
    const Date alert = Day(p.year, 60 + static_cast<int>(rng.Below(200)));
    c.alert_date = alert.ToString();
    int64_t d = static_cast<int64_t>(rng.Between(1, 4));
    auto step = [&](const char* name, const char* actor, const char* role, const std::string& note = "") {
      c.steps.push_back({name, "done", Plus(alert, d), std::nullopt, std::nullopt, note, actor, role});
      d += rng.Between(1, 3);
    };
    step("home_check", "村干部", "village_cadre", "入户核实收支");
    step("consent", "村干部", "village_cadre", "签署承诺授权书");
    if (index % 23 == 0) {  // rejected after the data comparison
      c.steps.push_back({"data_comparison", "rejected", Plus(alert, d), std::nullopt, std::nullopt,
                         "比对发现家庭有商品房和小轿车", "乡镇干部", "township"});
      cases.push_back(std::move(c));
      continue;
    }
    step("data_comparison", "乡镇干部", "township", "不动产、车辆、财政供养、工商登记比对无异常");
    step("village_appraisal", "村干部", "village_cadre", "村民代表评议通过");
    const int64_t notice_start = d;
    d += 6;
    c.steps.push_back({"public_notice", "done", Plus(alert, notice_start), Plus(alert, notice_start + 4), std::nullopt,
                       "村务公开栏公示5天无异议", "村干部", "village_cadre"});
    if (index % 17 == 0) {  // sent back once by the township
      c.steps.push_back({"township_review", "returned", Plus(alert, d), std::nullopt, "village_appraisal",
                         "评议记录缺少村民代表签字", "乡镇干部", "township"});
      d += 2;
      step("village_appraisal", "村干部", "village_cadre", "补齐签字");
      c.steps.push_back({"public_notice", "done", Plus(alert, d), Plus(alert, d + 4), std::nullopt, "重新公示", "村干部",
                         "village_cadre"});
      d += 6;
    }
    // The most recent cases of 2024 wait at the township or county.
    const bool waiting = p.year == 2024 && index % 9 == 0;
    if (waiting) {
      cases.push_back(std::move(c));
      continue;
    }
    step("township_review", "乡镇干部", "township", "审核通过");
    step("county_approval", "县扶贫办", "county_office", "审定纳入");
    c.steps.push_back({"entry", "done", Plus(alert, d), std::nullopt, std::nullopt, "纳入监测", "县扶贫办", "county_office"});
    const Date entered = Date::FromDays(alert.ToDays() + d);
    const char* kinds[] = {"employment", "assistance", "industry"};
    const char* what[] = {"安排公益性岗位", "落实结对帮扶干部", "发展小额信贷产业项目"};
    const size_t m1 = rng.Below(3);
    c.measures.push_back({kinds[m1], what[m1], std::nullopt, "村委会", Plus(entered, 7), "done"});
    if (p.category == "sudden") {
      c.measures.push_back({"assistance", "临时救助和医疗救助", std::nullopt, "县民政局", Plus(entered, 3), "done"});
    }
    // Most are eliminated 12-16 months after entry (when that lies before the scenario's end).
    const Date decide = Date::FromDays(entered.ToDays() + 365 + static_cast<int64_t>(rng.Below(120)));
    if (decide < today && index % 7 != 0) {
      const int y = decide.year;
      nlohmann::json checks = nlohmann::json::object();
      checks["entered_on"] = entered.ToString();
      checks["checked_year"] = y - 1;
      checks["source"] = "demo";
      c.elimination = monitoring::Elimination{decide.ToString(),
                                              p.category == "sudden" ? monitoring::EliminationReason::kHardshipOver
                                                                     : monitoring::EliminationReason::kIncomeStable,
                                              p.category == "sudden" ? "救助到位，家庭生活恢复正常，入户核实"
                                                                     : "收入核算表：人均纯收入稳定高于监测线",
                                              checks.dump(), "县扶贫办", "county_office"};
    } else {
      c.measures.back().status = "in_progress";
    }
    cases.push_back(std::move(c));
  }
  {
    FixedClock clock(today, Seconds(today));
    summary.cases = monitoring::WriteHistoricCases(db, caller, cases, clock);
  }
  return summary;
}

}  // namespace fupin::demo
