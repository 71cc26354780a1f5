#include "dataio/quality.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "access/abilities.h"
#include "assessment/params.h"
#include "core/area_code.h"
#include "core/error.h"
#include "core/id_number.h"
#include "core/money.h"
#include "io/table_writer.h"
#include "registry/areas.h"
#include "registry/vocab.h"
#include "registry/status.h"
#include "grievance/signals.h"
#include "housing/housing.h"

namespace fupin::dataio {
namespace {

const std::vector<CheckInfo> kCatalogue = {
    {"id_number_invalid", Severity::kError, "身份证号不合规",
     "The ID number (decrypted in memory) fails GB 11643: length, birth date, check character; or the stored sex "
     "or birth date disagrees with it; or it does not decrypt with the keys."},
    {"id_number_duplicate", Severity::kError, "身份证号重复",
     "Two persons share an ID number (same blind index). The registry's unique index prevents it; the check "
     "confirms it after restores and manual repairs."},
    {"person_possible_duplicate", Severity::kInfo, "疑似重复人员",
     "Two persons in the same county with the same name, sex and birth date but different ID numbers: often one "
     "person entered twice with a mistyped number."},
    {"person_in_two_households", Severity::kError, "一人多户",
     "A person with more than one current membership, or with membership periods in two households that overlap."},
    {"child_not_in_school", Severity::kWarning, "适龄儿童未在校且无原因",
     "A child aged 6-15 on 1 September of the year in a registered household whose school status that year is "
     "missing, dropped out or 'not of school age' (enrolled, home-schooled and exempt are accepted reasons)."},
    {"exited_income_below_line", Severity::kError, "已脱贫户当年收入低于标准",
     "A household with an 'exited' event in a year whose per-capita net income recorded for that year is below "
     "that year's poverty line (assessment parameter poverty_line)."},
    {"exited_without_income", Severity::kWarning, "已脱贫户缺当年收入",
     "A household with an 'exited' event in a year but no income recorded for that year."},
    {"deceased_with_entitlements", Severity::kError, "已故人员仍享受待遇",
     "A deceased person (a death date, or a household whose 'deceased' event ended it) who holds an entitlement "
     "of the latest year entitled in the area although the run's reference date is on or after the death, or who "
     "appears in a department's roster with a delivery dated after the death. Runs when the policy module's "
     "tables are there (migrations 400 and 402)."},
    {"deceased_still_member", Severity::kWarning, "已故人员仍在户",
     "A person with a death date whose membership of the household is still open (counted in the household size)."},
    {"household_no_head", Severity::kError, "无户主",
     "A registered household (not removed or dead) with living members none of whom is the head."},
    {"household_two_heads", Severity::kError, "多个户主", "A household with two or more living heads."},
    {"head_under_16", Severity::kError, "户主未满16周岁", "The head of a household is younger than 16 today."},
    {"household_no_members", Severity::kWarning, "户内无成员",
     "A registered household (not removed or dead) with no living current member."},
    {"negative_income", Severity::kError, "收入项为负数",
     "An income component or the production cost of a year is negative. The registry's CHECK constraints refuse "
     "it; the check confirms it for data loaded around them."},
    {"negative_net_income", Severity::kWarning, "纯收入为负",
     "Production cost exceeds the gross income of the year: often a cost typed in the wrong column."},
    {"household_not_in_village", Severity::kError, "户不在行政村",
     "A household placed on an area that is not a village (level 5), e.g. a township."},
    {"missing_household_year", Severity::kWarning, "缺年度收入信息",
     "A household registered by the year and poor or exited now, without yearly facts for the year checked."},
    {"village_exit_not_passed", Severity::kError, "贫困村摘帽未通过退出评估",
     "A poor village recorded as exited (area_years.exit_year) without a village exit assessment of that year that "
     "passed (fupin assess village CODE --year Y stores one; docs/HOUSING.md)."},
    {"dangerous_house_occupied", Severity::kWarning, "住房鉴定为危房且未改造",
     "A registered household whose latest house inspection by the end of the year (or today) graded the house C or "
     "D, with no accepted renovation and no relocation: somebody may live in a dangerous house (docs/HOUSING.md)."},
    {"application_unanswered", Severity::kWarning, "自主申报逾期未答复",
     "A household's own application (the public form, 自主申报) not answered by its deadline (the category "
     "self_application's days, grievance_categories; docs/GRIEVANCES.md)."},
    {"change_request_overdue", Severity::kWarning, "变更申请逾期未审核",
     "A change request to the registry still pending after its kind's days (change_request_levels; "
     "docs/CHANGES.md)."},
};

std::string Label(std::span<const registry::CodeTerm> terms, const std::string& name) {
  const auto l = registry::LabelZh(terms, name);
  return l.empty() ? name : std::string(l);
}

std::string Yuan(Fen f) { return FormatYuan(f) + "元"; }

struct HouseholdRow {
  int64_t id = 0;
  std::string number;
  std::string village;
  std::optional<registry::EventKind> last_kind;  // latest event kind, nullopt for none
  std::optional<int64_t> identified_year;
};

struct PersonRow {
  int64_t id = 0;
  std::vector<uint8_t> enc;
  std::string masked, name, sex, birth;
  std::optional<std::string> death;
  int64_t household_id = 0;
  std::string relation;
};

class Runner {
 public:
  Runner(store::Connection& db, const Clock& clock, const access::PersonalDataProtector& protector,
         const std::string& lo, const std::string& hi, int year)
      : db_(db), clock_(clock), protector_(protector), lo_(lo), hi_(hi), year_(year) {}

  void Run(const std::set<std::string>& wanted, std::vector<Finding>& out) {
    out_ = &out;
    wanted_ = &wanted;
    LoadHouseholds();
    if (Want({"id_number_invalid", "person_possible_duplicate", "child_not_in_school", "deceased_still_member",
              "household_no_head", "household_two_heads", "head_under_16", "household_no_members"})) {
      LoadPersons();
    }
    if (Want({"id_number_invalid"})) IdNumbers();
    if (Want({"id_number_duplicate"})) DuplicateIndex();
    if (Want({"person_possible_duplicate"})) PossibleDuplicates();
    if (Want({"person_in_two_households"})) TwoHouseholds();
    if (Want({"child_not_in_school"})) Schooling();
    if (Want({"exited_income_below_line", "exited_without_income"})) ExitedIncome();
    if (Want({"deceased_still_member", "household_no_head", "household_two_heads", "head_under_16",
              "household_no_members"})) {
      Members();
    }
    if (Want({"negative_income", "negative_net_income", "missing_household_year"})) Incomes();
    if (Want({"household_not_in_village"})) NotInVillage();
    if (Want({"deceased_with_entitlements"})) DeceasedWithEntitlements();
    if (Want({"village_exit_not_passed"})) VillageExits();
    if (Want({"dangerous_house_occupied"})) DangerousHouses();
    if (Want({"application_unanswered", "change_request_overdue"})) OverdueIntake();
  }

 private:
  bool Want(std::initializer_list<const char*> ids) const {
    for (const char* id : ids) {
      if (wanted_->contains(id)) return true;
    }
    return false;
  }

  static Severity SeverityOf(const std::string& check) {
    for (const auto& c : kCatalogue) {
      if (c.id == check) return c.severity;
    }
    return Severity::kError;
  }

  void AddHousehold(const std::string& check, const HouseholdRow& h, std::string detail, std::optional<int> year = {}) {
    if (!wanted_->contains(check)) return;
    Finding f;
    f.check = check;
    f.severity = SeverityOf(check);
    f.village_code = h.village;
    f.household_id = h.id;
    f.household_number = h.number;
    f.year = year;
    f.detail = std::move(detail);
    out_->push_back(std::move(f));
  }

  void AddPerson(const std::string& check, const PersonRow& p, std::string detail, std::optional<int> year = {}) {
    if (!wanted_->contains(check)) return;
    auto h = households_.find(p.household_id);
    if (h == households_.end()) return;
    Finding f;
    f.check = check;
    f.severity = SeverityOf(check);
    f.village_code = h->second.village;
    f.household_id = h->second.id;
    f.household_number = h->second.number;
    f.person_id = p.id;
    f.person_id_masked = p.masked;
    f.person_name = p.name;
    f.year = year;
    f.detail = std::move(detail);
    out_->push_back(std::move(f));
  }

  void Bind(store::Statement& s, int first) const {
    s.BindText(first, lo_);
    s.BindText(first + 1, hi_);
  }

  void LoadHouseholds() {
    auto s = db_.Prepare(
        "SELECT h.id, h.number, h.village_code, h.identified_year,"
        " " + registry::LatestEventKindSql("h.id") +
        " FROM households h WHERE h.village_code >= ? AND h.village_code < ?");
    Bind(*s, 1);
    while (s->Step()) {
      HouseholdRow h;
      h.id = s->Int(0);
      h.number = s->Text(1);
      h.village = s->Text(2);
      h.identified_year = s->OptionalInt(3);
      if (!s->IsNull(4)) h.last_kind = registry::ParseEventKind(s->Text(4));
      households_[h.id] = std::move(h);
    }
  }

  static bool Active(const HouseholdRow& h) {
    return h.last_kind != registry::EventKind::kRemoved && h.last_kind != registry::EventKind::kDeceased;
  }
  static bool Registered(const HouseholdRow& h) {
    return h.last_kind == registry::EventKind::kIdentified || h.last_kind == registry::EventKind::kReturned ||
           h.last_kind == registry::EventKind::kExited;
  }

  // 已故人员仍享受待遇: stored entitlements (latest year in the area) whose
  // run's reference date is on or after the death, and roster deliveries
  // dated after it. Two queries; nothing when the policy tables are absent.
  void DeceasedWithEntitlements() {
    if (db_.QueryInt("SELECT COUNT(*) FROM schema_migrations WHERE id IN (400, 402)").value_or(0) < 2) return;
    const std::string died =
        " LEFT JOIN (SELECT household_id, MIN(date) AS date FROM household_events WHERE kind = " +
        registry::SqlLiteral(registry::EventKind::kDeceased) + " GROUP BY household_id) hd ON hd.household_id = h.id";
    {
      auto s = db_.Prepare(
          "SELECT e.household_id, e.person_id, e.policy_id, e.year, r.ref_date, p.id_number_masked, p.name,"
          " p.death_date, hd.date FROM entitlements e JOIN entitlement_runs r ON r.id = e.run_id"
          " JOIN households h ON h.id = e.household_id LEFT JOIN persons p ON p.id = e.person_id" + died +
          " WHERE h.village_code >= ?1 AND h.village_code < ?2 AND e.year = (SELECT MAX(x.year) FROM entitlements x"
          " WHERE x.village_code >= ?1 AND x.village_code < ?2)"
          " AND ((p.death_date IS NOT NULL AND p.death_date <= r.ref_date) OR (hd.date IS NOT NULL AND hd.date <= r.ref_date))"
          " ORDER BY e.household_id, e.person_id, e.policy_id");
      Bind(*s, 1);
      while (s->Step()) {
        const int year = static_cast<int>(s->Int(3));
        AddDeceased(s->Int(0), s->Int(1), s->IsNull(5) ? "" : s->Text(5), s->IsNull(6) ? "" : s->Text(6),
                    (s->IsNull(7) ? "全户已于" + s->Text(8) + "消亡" : "已于" + s->Text(7) + "死亡") + "，" +
                        std::to_string(year) + "年度仍计算享受“" + s->Text(2) +
                        "”（计算基准日" + s->Text(4) + "）",
                    year);
      }
    }
    {
      auto s = db_.Prepare(
          "SELECT h.id, p.id, r.policy_id, r.year, r.date, p.id_number_masked, p.name, COALESCE(p.death_date, hd.date)"
          " FROM roster_entries r JOIN persons p ON p.id = r.person_id"
          " JOIN (SELECT person_id, MAX(id) AS id FROM memberships GROUP BY person_id) lm ON lm.person_id = p.id"
          " JOIN memberships m ON m.id = lm.id JOIN households h ON h.id = m.household_id" + died +
          " WHERE h.village_code >= ?1 AND h.village_code < ?2"
          " AND ((p.death_date IS NOT NULL AND r.date > p.death_date) OR (hd.date IS NOT NULL AND r.date > hd.date))"
          " ORDER BY h.id, p.id, r.year, r.policy_id, r.date");
      Bind(*s, 1);
      while (s->Step()) {
        const int year = static_cast<int>(s->Int(3));
        AddDeceased(s->Int(0), s->Int(1), s->Text(5), s->Text(6),
                    "已于" + s->Text(7) + "死亡，" + s->Text(4) + "仍在“" + s->Text(2) + "”发放名册中", year);
      }
    }
  }

  void AddDeceased(int64_t household_id, int64_t person_id, const std::string& masked, const std::string& name,
                   std::string detail, int year) {
    auto h = households_.find(household_id);
    if (h == households_.end()) return;
    if (person_id == 0) {
      AddHousehold("deceased_with_entitlements", h->second, std::move(detail), year);
      return;
    }
    PersonRow p;
    p.id = person_id;
    p.masked = masked;
    p.name = name;
    p.household_id = household_id;
    AddPerson("deceased_with_entitlements", p, std::move(detail), year);
  }

  void LoadPersons() {
    auto s = db_.Prepare(
        "SELECT p.id, p.id_number_enc, p.id_number_masked, p.name, p.sex, p.birth_date, p.death_date, m.household_id,"
        " m.relation FROM persons p JOIN memberships m ON m.person_id = p.id AND m.end_date IS NULL"
        " JOIN households h ON h.id = m.household_id WHERE h.village_code >= ? AND h.village_code < ?");
    Bind(*s, 1);
    while (s->Step()) {
      PersonRow p;
      p.id = s->Int(0);
      p.enc = s->Blob(1);
      p.masked = s->Text(2);
      p.name = s->Text(3);
      p.sex = s->Text(4);
      p.birth = s->Text(5);
      p.death = s->OptionalText(6);
      p.household_id = s->Int(7);
      p.relation = s->Text(8);
      persons_.push_back(std::move(p));
    }
  }

  void IdNumbers() {
    const Date today = clock_.Today();
    for (const PersonRow& p : persons_) {
      std::string text;
      try {
        text = protector_.Decrypt(p.enc);
      } catch (const Error&) {
        AddPerson("id_number_invalid", p, "身份证号无法解密（密钥不符或数据损坏）");
        continue;
      }
      const IdNumberCheck c = CheckIdNumber(text, today);
      if (!c.ok()) {
        AddPerson("id_number_invalid", p, "身份证号不合规：" + c.problem);
      } else if (SexName(c.number->sex) != p.sex || c.number->birth_date.ToString() != p.birth) {
        AddPerson("id_number_invalid", p, "登记的性别或出生日期（" + p.birth + "）与身份证号不符");
      }
    }
  }

  void DuplicateIndex() {
    auto s = db_.Prepare(
        "SELECT p.id, p.id_number_masked, p.name, m.household_id FROM persons p"
        " JOIN memberships m ON m.person_id = p.id AND m.end_date IS NULL"
        " JOIN households h ON h.id = m.household_id"
        " WHERE h.village_code >= ? AND h.village_code < ? AND p.id_number_index IN"
        " (SELECT id_number_index FROM persons GROUP BY id_number_index HAVING count(*) > 1)");
    Bind(*s, 1);
    while (s->Step()) {
      PersonRow p;
      p.id = s->Int(0);
      p.masked = s->Text(1);
      p.name = s->Text(2);
      p.household_id = s->Int(3);
      AddPerson("id_number_duplicate", p, "身份证号与另一人重复");
    }
  }

  void PossibleDuplicates() {
    std::map<std::tuple<std::string, std::string, std::string, std::string>, std::vector<const PersonRow*>> groups;
    for (const PersonRow& p : persons_) {
      auto h = households_.find(p.household_id);
      if (h == households_.end() || p.death) continue;
      groups[{h->second.village.substr(0, 6), p.name, p.sex, p.birth}].push_back(&p);
    }
    for (const auto& [key, ps] : groups) {
      if (ps.size() < 2) continue;
      for (const PersonRow* p : ps) {
        std::string others;
        for (const PersonRow* q : ps) {
          if (q != p) others += (others.empty() ? "" : "、") + q->masked;
        }
        AddPerson("person_possible_duplicate", *p, "同县有同名、同性别、同出生日期的人员：" + others);
      }
    }
  }

  void TwoHouseholds() {
    auto s = db_.Prepare(
        "SELECT a.person_id, p.id_number_masked, p.name, a.household_id, b.household_id, a.start_date, a.end_date,"
        " b.start_date, b.end_date FROM memberships a JOIN memberships b ON b.person_id = a.person_id AND b.id > a.id"
        " AND b.household_id <> a.household_id"
        " JOIN persons p ON p.id = a.person_id JOIN households h ON h.id = a.household_id"
        " WHERE a.start_date < COALESCE(b.end_date, '9999-12-31') AND b.start_date < COALESCE(a.end_date, '9999-12-31')"
        " AND h.village_code >= ? AND h.village_code < ?");
    Bind(*s, 1);
    while (s->Step()) {
      PersonRow p;
      p.id = s->Int(0);
      p.masked = s->Text(1);
      p.name = s->Text(2);
      p.household_id = s->Int(3);
      const int64_t other = s->Int(4);
      auto o = households_.find(other);
      const std::string other_number = o == households_.end() ? "#" + std::to_string(other) : o->second.number;
      AddPerson("person_in_two_households", p,
                "同时属于本户（" + s->Text(5) + "起）和户 " + other_number + "（" + s->Text(7) + "起" +
                    (s->IsNull(8) ? std::string("，至今") : "至" + s->Text(8)) + "）");
    }
  }

  void Schooling() {
    std::unordered_map<int64_t, std::string> status;
    auto s = db_.Prepare(
        "SELECT y.person_id, y.school_status FROM person_years y JOIN memberships m ON m.person_id = y.person_id"
        " AND m.end_date IS NULL JOIN households h ON h.id = m.household_id"
        " WHERE y.year = ? AND h.village_code >= ? AND h.village_code < ?");
    s->BindInt(1, year_);
    Bind(*s, 2);
    while (s->Step()) status[s->Int(0)] = s->IsNull(1) ? "" : s->Text(1);
    const Date sept{year_, 9, 1};
    for (const PersonRow& p : persons_) {
      auto h = households_.find(p.household_id);
      if (h == households_.end() || !Registered(h->second)) continue;
      if (h->second.identified_year && *h->second.identified_year > year_) continue;
      auto birth = Date::Parse(p.birth);
      if (!birth || p.death) continue;
      const int age = AgeOn(*birth, sept);
      if (age < 6 || age > 15) continue;
      auto it = status.find(p.id);
      if (it == status.end() || it->second.empty()) {
        AddPerson("child_not_in_school", p, std::to_string(age) + "岁，" + std::to_string(year_) + "年度未登记在校状况",
                  year_);
      } else if (it->second == "dropped_out" || it->second == "not_school_age") {
        AddPerson("child_not_in_school", p,
                  std::to_string(age) + "岁，" + std::to_string(year_) + "年度在校状况为“" +
                      Label(registry::SchoolStatuses(), it->second) + "”",
                  year_);
      }
    }
  }

  void ExitedIncome() {
    assessment::Parameters params(db_, clock_);
    auto s = db_.Prepare(
        "SELECT ev.household_id, ev.year, hy.members, hy.wage_income + hy.production_income + hy.property_income +"
        " hy.transfer_income - hy.production_cost FROM household_events ev JOIN households h ON h.id = ev.household_id"
        " LEFT JOIN household_years hy ON hy.household_id = ev.household_id AND hy.year = ev.year"
        " WHERE ev.kind = " + registry::SqlLiteral(registry::EventKind::kExited) +
        " AND h.village_code >= ? AND h.village_code < ?");
    Bind(*s, 1);
    std::map<int, std::optional<Fen>> lines;
    while (s->Step()) {
      auto h = households_.find(s->Int(0));
      if (h == households_.end()) continue;
      const int y = static_cast<int>(s->Int(1));
      if (s->IsNull(2)) {
        AddHousehold("exited_without_income", h->second, std::to_string(y) + "年度脱贫，但没有该年度收入信息", y);
        continue;
      }
      if (!lines.contains(y)) {
        try {
          lines[y] = params.PovertyLine(y);
        } catch (const Error&) {
          lines[y] = std::nullopt;
        }
      }
      if (!lines[y] || s->Int(2) <= 0) continue;
      const Fen per_capita = PerCapita(s->Int(3), s->Int(2));
      if (per_capita < *lines[y]) {
        AddHousehold("exited_income_below_line", h->second,
                     std::to_string(y) + "年度脱贫，人均纯收入" + Yuan(per_capita) + "低于当年扶贫标准" + Yuan(*lines[y]),
                     y);
      }
    }
  }

  void Members() {
    const Date today = clock_.Today();
    std::unordered_map<int64_t, std::vector<const PersonRow*>> living;
    for (const PersonRow& p : persons_) {
      if (p.death) {
        AddPerson("deceased_still_member", p, "已于" + *p.death + "死亡，仍登记为本户成员");
        continue;
      }
      living[p.household_id].push_back(&p);
    }
    for (const auto& [id, h] : households_) {
      if (!Active(h)) continue;
      auto it = living.find(id);
      if (it == living.end()) {
        if (Registered(h)) AddHousehold("household_no_members", h, "户内没有在世的在册成员");
        continue;
      }
      std::vector<const PersonRow*> heads;
      for (const PersonRow* p : it->second) {
        if (p->relation == "head") heads.push_back(p);
      }
      if (heads.empty()) {
        AddHousehold("household_no_head", h, "户内" + std::to_string(it->second.size()) + "名成员中没有户主");
      } else if (heads.size() > 1) {
        std::string names;
        for (const PersonRow* p : heads) names += (names.empty() ? "" : "、") + p->name;
        AddHousehold("household_two_heads", h, std::to_string(heads.size()) + "名户主：" + names);
      }
      for (const PersonRow* p : heads) {
        auto birth = Date::Parse(p->birth);
        if (birth && AgeOn(*birth, today) < 16) {
          AddPerson("head_under_16", *p, "户主" + std::to_string(AgeOn(*birth, today)) + "岁，未满16周岁");
        }
      }
    }
  }

  void Incomes() {
    std::set<int64_t> with_year;
    auto s = db_.Prepare(
        "SELECT hy.household_id, hy.year, hy.wage_income, hy.production_income, hy.property_income,"
        " hy.transfer_income, hy.production_cost FROM household_years hy JOIN households h ON h.id = hy.household_id"
        " WHERE h.village_code >= ? AND h.village_code < ? AND (hy.year = ? OR hy.wage_income < 0 OR"
        " hy.production_income < 0 OR hy.property_income < 0 OR hy.transfer_income < 0 OR hy.production_cost < 0 OR"
        " hy.production_cost > hy.wage_income + hy.production_income + hy.property_income + hy.transfer_income)");
    Bind(*s, 1);
    s->BindInt(3, year_);
    static const char* kNames[] = {"工资性收入", "生产经营性收入", "财产性收入", "转移性收入", "生产经营性支出"};
    while (s->Step()) {
      auto h = households_.find(s->Int(0));
      if (h == households_.end()) continue;
      const int y = static_cast<int>(s->Int(1));
      if (y == year_) with_year.insert(h->first);
      Fen gross = 0;
      for (int c = 0; c < 5; ++c) {
        const Fen v = s->Int(2 + c);
        if (v < 0) {
          AddHousehold("negative_income", h->second, std::to_string(y) + "年度" + kNames[c] + "为" + Yuan(v), y);
        }
        if (c < 4) gross += v;
      }
      const Fen cost = s->Int(6);
      if (cost > gross) {
        AddHousehold("negative_net_income", h->second,
                     std::to_string(y) + "年度生产经营性支出" + Yuan(cost) + "超过总收入" + Yuan(gross), y);
      }
    }
    for (const auto& [id, h] : households_) {
      if (with_year.contains(id) || !Registered(h)) continue;
      if (!h.identified_year || *h.identified_year > year_) continue;
      AddHousehold("missing_household_year", h, "缺少" + std::to_string(year_) + "年度收入和两不愁三保障信息", year_);
    }
  }

  void NotInVillage() {
    auto s = db_.Prepare(
        "SELECT h.id, a.level, a.name FROM households h LEFT JOIN areas a ON a.code = h.village_code"
        " WHERE h.village_code >= ? AND h.village_code < ? AND (a.level IS NULL OR a.level <> 5)");
    Bind(*s, 1);
    while (s->Step()) {
      auto h = households_.find(s->Int(0));
      if (h == households_.end()) continue;
      if (s->IsNull(1)) {
        AddHousehold("household_not_in_village", h->second, "所在区划 " + h->second.village + " 不存在");
      } else {
        const auto level = static_cast<AreaLevel>(s->Int(1));
        AddHousehold("household_not_in_village", h->second,
                     "登记在" + s->Text(2) + "（" + AreaLevelNameZh(level) + "级），不是行政村");
      }
    }
  }

  // Exits of poor villages against the stored village assessments of their exit year.
  void VillageExits() {
    auto s = db_.Prepare(
        "SELECT y.area_code, y.exit_year, a.ready, a.result FROM area_years y LEFT JOIN area_assessments a"
        " ON a.area_code = y.area_code AND a.year = y.exit_year WHERE y.area_code >= ? AND y.area_code < ?"
        " AND y.year = y.exit_year AND y.exit_year IS NOT NULL ORDER BY y.area_code");
    Bind(*s, 1);
    while (s->Step()) {
      if (!s->IsNull(2) && s->Int(2) == 1) continue;
      const int year = static_cast<int>(s->Int(1));
      std::string detail = std::to_string(year) + "年已摘帽，但没有该年度的贫困村退出评估";
      if (!s->IsNull(2)) {
        detail = std::to_string(year) + "年已摘帽，但该年度退出评估未通过";
        const auto result = nlohmann::json::parse(s->Text(3), nullptr, false);
        if (result.is_object() && result.contains("reasons")) {
          for (const auto& r : result["reasons"]) detail += "；" + r.get<std::string>();
        }
      }
      Finding f;
      f.check = "village_exit_not_passed";
      f.severity = SeverityOf(f.check);
      f.village_code = s->Text(0);
      f.year = year;
      f.detail = std::move(detail);
      out_->push_back(std::move(f));
    }
  }

  // Registered households in a house the housing records call dangerous.
  void DangerousHouses() {
    const std::string end = std::min(std::to_string(year_) + "-12-31", clock_.Today().ToString());
    for (const auto& [id, safety] : housing::HouseSafetyOn(db_, lo_, end)) {
      auto h = households_.find(id);
      if (safety.safe || h == households_.end() || !h->second.identified_year) continue;
      AddHousehold("dangerous_house_occupied", h->second,
                   "房屋" + safety.inspected_on + "鉴定为" + safety.grade + "级危房，至" + end + "未验收改造或搬迁",
                   year_);
    }
  }

  // What came in through the public form and the change requests and waits past its deadline today.
  void OverdueIntake() {
    for (const auto& o : grievance::OverdueIntakeOn(db_, lo_, clock_.Today())) {
      const bool application = o.kind == "application";
      Finding f;
      f.check = application ? "application_unanswered" : "change_request_overdue";
      if (!wanted_->contains(f.check)) continue;
      f.severity = SeverityOf(f.check);
      f.village_code = o.area_code;
      if (o.household_id) {
        if (auto h = households_.find(*o.household_id); h != households_.end()) {
          f.household_id = h->second.id;
          f.household_number = h->second.number;
        }
      }
      f.detail = application ? "自主申报" + o.number + "于" + o.since + "登记，应于" + o.deadline + "前答复，至今未答复"
                             : "变更申请" + o.number + "于" + o.since + "提出，应于" + o.deadline + "前审核，至今未审结";
      out_->push_back(std::move(f));
    }
  }

  store::Connection& db_;
  const Clock& clock_;
  const access::PersonalDataProtector& protector_;
  std::string lo_, hi_;
  int year_;
  std::vector<Finding>* out_ = nullptr;
  const std::set<std::string>* wanted_ = nullptr;
  std::unordered_map<int64_t, HouseholdRow> households_;
  std::vector<PersonRow> persons_;
};

}  // namespace

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kInfo: return "info";
  }
  return "error";
}

const char* SeverityNameZh(Severity s) {
  switch (s) {
    case Severity::kError: return "错误";
    case Severity::kWarning: return "警告";
    case Severity::kInfo: return "提示";
  }
  return "错误";
}

std::optional<Severity> ParseSeverity(std::string_view t) {
  if (t == "error" || t == "错误") return Severity::kError;
  if (t == "warning" || t == "警告") return Severity::kWarning;
  if (t == "info" || t == "提示") return Severity::kInfo;
  return std::nullopt;
}

const std::vector<CheckInfo>& CheckCatalogue() { return kCatalogue; }

nlohmann::json CheckCatalogueJson() {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& c : kCatalogue) {
    items.push_back({{"id", c.id},
                     {"severity", SeverityName(c.severity)},
                     {"title", c.title_zh},
                     {"description", c.description},
                     {"available", c.available}});
  }
  return {{"items", items}};
}

QualityService::QualityService(store::Connection& db, const Clock& clock,
                               const access::PersonalDataProtector* protector)
    : db_(db), clock_(clock), protector_(protector) {}

QualityResult QualityService::Run(const Caller& caller, const QualityFilter& filter) {
  if (!access::Can(caller, access::Ability::kReadQuality)) {
    throw Error::PermissionDenied("this role may not run data-quality checks");
  }
  std::string area = filter.area_code.empty() ? caller.area_scope : filter.area_code;
  if (!area.empty()) {
    auto code = NormalizeAreaCode(area);
    if (!code) throw Error::InvalidArgument("bad area code", {{"area", "'" + area + "' is not an area code"}});
    area = *code;
    if (!registry::FindArea(db_, area)) throw Error::NotFound("no area " + area);
  }
  if (!caller.CoversArea(area)) throw Error::PermissionDenied("area " + area + " is outside your scope");
  std::set<std::string> wanted;
  for (const auto& c : kCatalogue) {
    if (!c.available) continue;
    if (filter.check && *filter.check != c.id) continue;
    if (filter.severity && *filter.severity != c.severity) continue;
    wanted.insert(c.id);
  }
  if (filter.check) {
    bool known = false;
    for (const auto& c : kCatalogue) known = known || c.id == *filter.check;
    if (!known) throw Error::InvalidArgument("unknown check", {{"check", "'" + *filter.check + "' is not in the catalogue"}});
  }
  const std::string lo = area, hi = SubtreeEnd(area);
  QualityResult result;
  result.area_code = area;
  if (filter.year) {
    result.year = *filter.year;
  } else {
    auto s = db_.Prepare(
        "SELECT max(hy.year) FROM household_years hy JOIN households h ON h.id = hy.household_id"
        " WHERE h.village_code >= ? AND h.village_code < ?");
    s->BindText(1, lo);
    s->BindText(2, hi);
    result.year = s->Step() && !s->IsNull(0) ? static_cast<int>(s->Int(0)) : clock_.Today().year;
  }
  const access::PersonalDataProtector& protector = protector_ ? *protector_ : access::CurrentProtector();
  Runner runner(db_, clock_, protector, lo, hi, result.year);
  runner.Run(wanted, result.findings);
  // Village names, one query.
  std::map<std::string, std::string> names;
  {
    auto s = db_.Prepare("SELECT code, name FROM areas WHERE code >= ? AND code < ? AND level = 5");
    s->BindText(1, lo);
    s->BindText(2, hi);
    while (s->Step()) names[s->Text(0)] = s->Text(1);
  }
  std::map<std::string, size_t> order;
  for (size_t i = 0; i < kCatalogue.size(); ++i) order[kCatalogue[i].id] = i;
  std::stable_sort(result.findings.begin(), result.findings.end(), [&order](const Finding& a, const Finding& b) {
    return std::tie(a.village_code, a.household_number, order[a.check], a.person_id_masked) <
           std::tie(b.village_code, b.household_number, order[b.check], b.person_id_masked);
  });
  std::map<std::string, AreaCount> by_area;
  std::map<std::string, int64_t> counts;
  for (Finding& f : result.findings) {
    auto n = names.find(f.village_code);
    if (n != names.end()) f.village_name = n->second;
    AreaCount& a = by_area[f.village_code];
    a.area_code = f.village_code;
    a.area_name = f.village_name;
    ++a.total;
    ++a.by_check[f.check];
    ++counts[f.check];
  }
  for (const auto& c : kCatalogue) {
    if (wanted.contains(c.id)) result.counts.push_back({c.id, c.severity, c.title_zh, counts[c.id]});
  }
  for (auto& [code, a] : by_area) result.by_area.push_back(std::move(a));
  return result;
}

nlohmann::json FindingJson(const Finding& f) {
  return {{"check", f.check},
          {"severity", SeverityName(f.severity)},
          {"village_code", f.village_code},
          {"village_name", f.village_name},
          {"household_id", f.household_id ? nlohmann::json(*f.household_id) : nlohmann::json(nullptr)},
          {"household_number", f.household_number},
          {"person_id", f.person_id ? nlohmann::json(*f.person_id) : nlohmann::json(nullptr)},
          {"person_id_number", f.person_id_masked},
          {"person_name", f.person_name},
          {"year", f.year ? nlohmann::json(*f.year) : nlohmann::json(nullptr)},
          {"detail", f.detail}};
}

nlohmann::json QualityResultJson(const QualityResult& r, bool with_findings) {
  nlohmann::json counts = nlohmann::json::array();
  for (const auto& c : r.counts) {
    counts.push_back({{"check", c.id}, {"severity", SeverityName(c.severity)}, {"title", c.title_zh}, {"count", c.count}});
  }
  nlohmann::json areas = nlohmann::json::array();
  for (const auto& a : r.by_area) {
    areas.push_back({{"area_code", a.area_code}, {"area_name", a.area_name}, {"total", a.total}, {"by_check", a.by_check}});
  }
  nlohmann::json j = {{"area_code", r.area_code},
                      {"year", r.year},
                      {"total", r.findings.size()},
                      {"counts", counts},
                      {"by_area", areas}};
  if (with_findings) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& f : r.findings) items.push_back(FindingJson(f));
    j["findings"] = items;
  }
  return j;
}

void WriteFindings(const QualityResult& r, const std::string& path) {
  auto format = io::FormatFromPath(path);
  if (!format) throw Error::InvalidArgument("unknown output format", {{"--output", "'" + path + "': name it .xlsx or .csv"}});
  io::WriterOptions options;
  options.sheet = "数据质量问题";
  auto w = io::OpenTableWriter(path, *format, options);
  w->WriteHeader({"严重程度", "检查项", "检查项代码", "行政村代码", "行政村", "户编号", "姓名", "身份证号", "年度", "问题说明"});
  std::map<std::string, std::string> titles;
  for (const auto& c : kCatalogue) titles[c.id] = c.title_zh;
  for (const auto& f : r.findings) {
    w->WriteRow({std::string(SeverityNameZh(f.severity)), titles[f.check], f.check, f.village_code, f.village_name,
                 f.household_number, f.person_name, f.person_id_masked,
                 f.year ? io::CellValue(int64_t{*f.year}) : io::CellValue(), f.detail});
  }
  w->Close();
}

}  // namespace fupin::dataio
