#include "assistance/demo.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "access/personal_data.h"
#include "assistance/assistance.h"
#include "assistance/internal.h"
#include "core/date.h"
#include "core/error.h"
#include "registry/status.h"

namespace fupin::assistance {
namespace {

// splitmix64: small, fast and the same on every platform.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n).
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }

 private:
  uint64_t state_;
};

const std::vector<std::string> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙",
                                            "朱", "马", "胡", "郭", "林", "何", "高", "罗", "郑", "梁", "谢", "宋",
                                            "唐", "许", "邓", "冯", "韩", "曹", "彭", "曾", "肖", "田", "董", "潘",
                                            "袁", "蒋", "蔡", "余", "谭", "廖", "文", "旷", "阳", "贺", "颜", "邹"};
const std::vector<std::string> kGiven = {"伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰",
                                         "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "华", "建", "国", "红",
                                         "志", "文", "斌", "辉", "鹏", "峰", "海", "波", "丽", "英", "玲", "春",
                                         "湘", "衡", "岳", "德", "立", "新", "晓", "云", "松", "林", "宏", "兵"};
const std::vector<std::string> kLeaderPositions = {"县委书记", "县长", "县委副书记", "常务副县长", "副县长",
                                                   "县委常委", "县人大常委会副主任", "县政协副主席"};
const std::vector<std::string> kCadrePositions = {"科员", "副科长", "科长", "副局长", "主任科员", "干部", "教师", "医生"};
const std::vector<std::string> kDone = {"走访慰问，了解家庭收支情况", "宣讲扶贫政策，核实两不愁三保障",
                                        "帮助申报产业奖补", "联系就业岗位", "协助办理医疗报销", "帮助落实教育资助",
                                        "查看住房安全情况", "核对收入台账", "帮助销售农产品"};
const std::vector<std::string> kPromised = {"", "", "", "下次带来种苗", "联系技能培训", "跟进医保报销进度",
                                            "协调危房改造验收", "联系企业用工"};

std::string Name(Random& r) {
  std::string n = r.Pick(kSurnames) + r.Pick(kGiven);
  if (r.Below(10) < 7) n += r.Pick(kGiven);
  return n;
}

std::string Phone(Random& r) {
  static const char* kPrefixes[] = {"133", "135", "137", "138", "139", "150", "151", "152", "158", "173", "180", "187"};
  std::string p = kPrefixes[r.Below(12)];
  for (int i = 0; i < 8; ++i) p += static_cast<char>('0' + r.Below(10));
  return p;
}

struct Household {
  int64_t id;
  std::string village;
  std::string identified;  // first identified date
};

struct Village {
  std::string code;
  std::string name;
  bool poor;
};

}  // namespace

std::string CountyUnitName(const std::string& county, const std::string& unit) {
  // The "县" of a generic name ("县妇联", "团县委") stands for the county's name.
  static const std::string kCounty = "县";
  const size_t at = unit.find(kCounty);
  if (at == std::string::npos) return county + unit;
  return unit.substr(0, at) + county + unit.substr(at + kCounty.size());
}

DemoResult GenerateDemo(store::Connection& db, const DemoOptions& o) {
  const auto as_of = Date::Parse(o.as_of);
  if (!as_of) throw Error::InvalidArgument("invalid demo options", {{"as_of", "'" + o.as_of + "' is not a date"}});
  const std::string area = o.area_code;
  const std::string end = internal::SubtreeEnd(area);
  const AssistanceParams params = ReadParams(db);
  DemoResult result;

  {
    auto s = db.Prepare("SELECT count(*) FROM cadres WHERE area_code >= ? AND area_code < ?");
    s->BindText(1, area);
    s->BindText(2, end);
    s->Step();
    if (s->Int(0) > 0) throw Error::FailedPrecondition("area " + area + " already has cadres");
  }
  // Registered households on the date, with their first identification date.
  std::vector<Household> households;
  {
    auto s = db.Prepare(
        "SELECT h.id, h.village_code, (SELECT min(e.date) FROM household_events e WHERE e.household_id = h.id"
        " AND e.kind = " + registry::SqlLiteral(registry::EventKind::kIdentified) +
        ") FROM households h WHERE h.village_code >= ?2 AND h.village_code < ?3 AND " +
        registry::StatusOnSql("h.id", "?1") + " IN " +
        registry::SqlList({registry::HouseholdState::kPoor, registry::HouseholdState::kExited}) +
        " ORDER BY h.village_code, h.id");
    s->BindText(1, o.as_of);
    s->BindText(2, area);
    s->BindText(3, end);
    while (s->Step()) households.push_back({s->Int(0), s->Text(1), s->IsNull(2) ? o.as_of : s->Text(2)});
  }
  // Villages with tasks (poor villages first), and townships (development zones left out).
  std::vector<Village> poor, others;
  {
    auto s = db.Prepare(
        "SELECT a.code, a.name, EXISTS (SELECT 1 FROM area_years y WHERE y.area_code = a.code AND y.poor_village = 1"
        " AND y.year <= ?4) FROM areas a WHERE a.level = 5 AND a.code >= ?2 AND a.code < ?3 ORDER BY a.code");
    s->BindText(2, area);
    s->BindText(3, end);
    s->BindInt(4, as_of->year);
    std::vector<Village> all;
    while (s->Step()) all.push_back({s->Text(0), s->Text(1), s->Int(2) != 0});
    std::vector<std::string> with_households;
    for (const auto& h : households) {
      if (with_households.empty() || with_households.back() != h.village) with_households.push_back(h.village);
    }
    for (const auto& v : all) {
      if (v.poor) poor.push_back(v);
      else if (std::binary_search(with_households.begin(), with_households.end(), v.code)) others.push_back(v);
    }
  }
  std::vector<std::pair<std::string, std::string>> townships;
  {
    auto s = db.Prepare(
        "SELECT code, name FROM areas WHERE level = 4 AND code >= ? AND code < ? AND substr(code, 7, 1) <> '4' ORDER BY code");
    s->BindText(1, area);
    s->BindText(2, end);
    while (s->Step()) townships.emplace_back(s->Text(0), s->Text(1));
  }
  std::vector<ErrorDetail> problems;
  const auto H = static_cast<int64_t>(households.size());
  if (o.work_teams < static_cast<int>(poor.size())) {
    problems.push_back({"work_teams", std::to_string(o.work_teams) + " teams for " + std::to_string(poor.size()) + " poor villages"});
  }
  if (o.work_teams > static_cast<int>(poor.size() + others.size())) {
    problems.push_back({"work_teams", "more teams than the " + std::to_string(poor.size() + others.size()) + " villages with tasks"});
  }
  if (o.work_team_members < o.work_teams) problems.push_back({"work_team_members", "fewer members than teams"});
  if (o.paired_cadres < 1 || o.paired_cadres > H ||
      (H + o.paired_cadres - 1) / o.paired_cadres > params.pairing_household_limit) {
    problems.push_back({"paired_cadres", std::to_string(o.paired_cadres) + " cadres cannot pair " + std::to_string(H) +
                                             " households within the limit of " +
                                             std::to_string(params.pairing_household_limit)});
  }
  if (townships.empty() && o.county_leaders > 0) problems.push_back({"county_leaders", "the area has no township"});
  if (!problems.empty()) throw Error::FailedPrecondition("the demo assistance data cannot be generated", problems);

  Random rnd(o.seed);
  const int64_t now = Date::Parse(o.as_of)->ToDays() * 86400;
  std::vector<std::string> units;
  {
    auto c = db.Prepare("SELECT name FROM areas WHERE code = ?");
    c->BindText(1, area);
    const std::string county = c->Step() ? c->Text(0) : std::string("县");
    auto s = db.Prepare("SELECT name FROM sector_department_types ORDER BY sort_order");
    while (s->Step()) units.push_back(CountyUnitName(county, s->Text(0)));
    for (const auto& t : townships) units.push_back(t.second + "人民政府");
  }
  store::Transaction tx(db);
  auto cadre = db.Prepare(
      "INSERT INTO cadres (code, name, unit, position, phone_enc, phone_index, phone_masked, area_code, created_at,"
      " updated_at) VALUES (?1, ?2, ?3, ?4, ?8, ?9, ?10, ?6, ?7, ?7) RETURNING id");
  int64_t serial = 0;
  auto add_cadre = [&](const std::string& unit, const std::string& position) {
    char code[32];
    std::snprintf(code, sizeof code, "GB%s%05lld", area.c_str(), static_cast<long long>(++serial));
    cadre->BindText(1, code);
    cadre->BindText(2, Name(rnd));
    cadre->BindText(3, unit);
    cadre->BindText(4, position);
    access::BindPhone(*cadre, 8, Phone(rnd));
    cadre->BindText(6, area);
    cadre->BindInt(7, now);
    cadre->Step();
    const int64_t id = cadre->Int(0);
    cadre->Reset();
    ++result.cadres;
    return id;
  };
  // County leaders: each linked to a township; as many as there are poor villages also to one.
  auto link = db.Prepare("INSERT INTO leader_links (cadre_id, area_code, start_date, created_at) VALUES (?, ?, ?, ?)");
  for (int i = 0; i < o.county_leaders; ++i) {
    const int64_t id = add_cadre("中共衡东县委、县人民政府", kLeaderPositions[std::min<size_t>(static_cast<size_t>(i), kLeaderPositions.size() - 1)]);
    auto add_link = [&](const std::string& code) {
      link->BindInt(1, id);
      link->BindText(2, code);
      link->BindText(3, "2015-01-01");
      link->BindInt(4, now);
      link->Run();
      ++result.leader_links;
    };
    add_link(townships[static_cast<size_t>(i) % townships.size()].first);
    if (static_cast<size_t>(i) < poor.size()) add_link(poor[static_cast<size_t>(i)].code);
  }
  {
    auto s = db.Prepare(
        "INSERT INTO sector_departments (area_code, name, responsibility, created_at) SELECT ?1, name, responsibility, ?2"
        " FROM sector_department_types ORDER BY sort_order LIMIT ?3");
    s->BindText(1, area);
    s->BindInt(2, now);
    s->BindInt(3, o.sector_departments);
    result.departments = s->Run();
  }
  // Work teams: every poor village, then other villages with tasks (shuffled).
  for (size_t i = others.size(); i > 1; --i) std::swap(others[i - 1], others[rnd.Below(i)]);
  std::vector<Village> team_villages = poor;
  for (size_t i = 0; team_villages.size() < static_cast<size_t>(o.work_teams); ++i) team_villages.push_back(others[i]);
  std::vector<int> sizes(team_villages.size(), 1);
  int left = o.work_team_members - o.work_teams;
  for (size_t i = 0; i < poor.size() && left > 0; ++i) {
    const int extra = std::min(2, left);
    sizes[i] += extra;
    left -= extra;
  }
  for (size_t i = 0; left > 0; i = (i + 1) % sizes.size()) {
    if (i >= poor.size() || sizes[i] >= 3) {
      ++sizes[i];
      --left;
    }
  }
  auto team = db.Prepare(
      "INSERT INTO work_teams (village_code, dispatching_unit, start_date, created_at) VALUES (?, ?, ?, ?) RETURNING id");
  auto member = db.Prepare(
      "INSERT INTO work_team_members (team_id, cadre_id, role, start_date, created_at) VALUES (?, ?, ?, ?, ?)");
  static const char* kRoles[] = {"captain", "first_secretary", "member"};
  for (size_t t = 0; t < team_villages.size(); ++t) {
    const std::string unit = rnd.Pick(units);
    team->BindText(1, team_villages[t].code);
    team->BindText(2, unit);
    team->BindText(3, o.teams_from);
    team->BindInt(4, now);
    team->Step();
    const int64_t team_id = team->Int(0);
    team->Reset();
    ++result.work_teams;
    for (int m = 0; m < sizes[t]; ++m) {
      const int64_t id = add_cadre(unit, m == 0 ? "驻村工作队队长" : m == 1 ? "第一书记" : "驻村工作队队员");
      member->BindInt(1, team_id);
      member->BindInt(2, id);
      member->BindText(3, kRoles[std::min(m, 2)]);
      member->BindText(4, o.teams_from);
      member->BindInt(5, now);
      member->Run();
      ++result.work_team_members;
    }
  }
  // Paired cadres: contiguous blocks of households (neighbours share a cadre).
  auto pairing = db.Prepare("INSERT INTO pairings (cadre_id, household_id, start_date, created_at) VALUES (?, ?, ?, ?)");
  auto visit = db.Prepare(
      "INSERT INTO visits (household_id, cadre_id, date, done, promised, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  const int64_t first_day = as_of->ToDays() - static_cast<int64_t>(o.visit_months) * 365 / 12;
  size_t next = 0;
  const int64_t C = o.paired_cadres;
  for (int64_t c = 0; c < C; ++c) {
    const int64_t take = H / C + (c < H % C ? 1 : 0);
    const int64_t cadre_id = add_cadre(rnd.Pick(units), rnd.Pick(kCadrePositions));
    const std::string name = "demo";
    for (int64_t k = 0; k < take; ++k, ++next) {
      const Household& h = households[next];
      pairing->BindInt(1, cadre_id);
      pairing->BindInt(2, h.id);
      pairing->BindText(3, h.identified);
      pairing->BindInt(4, now);
      pairing->Run();
      ++result.pairings;
      ++result.households_paired;
      const int64_t start = Date::Parse(h.identified)->ToDays();
      int64_t day = as_of->ToDays() - static_cast<int64_t>(rnd.Below(static_cast<size_t>(params.visit_interval_days)));
      for (; day >= first_day && day >= start; day -= params.visit_interval_days) {
        visit->BindInt(1, h.id);
        visit->BindInt(2, cadre_id);
        visit->BindText(3, Date::FromDays(day).ToString());
        visit->BindText(4, rnd.Pick(kDone));
        visit->BindText(5, rnd.Pick(kPromised));
        visit->BindText(6, name);
        visit->BindInt(7, day * 86400);
        visit->Run();
        ++result.visits;
      }
    }
  }
  tx.Commit();
  return result;
}

}  // namespace fupin::assistance
