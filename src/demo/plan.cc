#include "demo/plan.h"

#include "access/personal_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "core/error.h"
#include "registry/batch.h"
#include "registry/population.h"
#include "store/copy.h"

namespace fupin::demo::internal {
namespace {

constexpr std::array<Fen, 7> kLines = {280000, 285500, 295200, 295200, 299500, 321800, 400000};

// Common surnames of Hengyang, most frequent first, with rough weights.
constexpr std::array<std::string_view, 40> kSurnames = {
    "刘", "李", "王", "陈", "谭", "罗", "周", "彭", "曾", "肖", "欧阳", "赵", "阳", "邓",
    "蒋", "唐", "胡", "朱", "颜", "文", "戴", "廖", "成", "贺", "许", "谢", "旷", "向",
    "康", "段", "宁", "谷", "匡", "汤", "黄", "张", "杨", "邹", "尹", "龙"};
constexpr std::array<std::string_view, 36> kMaleChars = {
    "国", "建", "华", "明", "军", "平", "志", "伟", "强", "勇", "德", "文", "春", "海", "林", "生", "福", "金",
    "长", "清", "荣", "贵", "云", "斌", "超", "俊", "浩", "宇", "杰", "涛", "峰", "辉", "湘", "东", "衡", "满"};
constexpr std::array<std::string_view, 36> kFemaleChars = {
    "秀", "英", "兰", "芳", "梅", "娟", "霞", "红", "玉", "珍", "凤", "莲", "桂", "华", "琴", "敏", "丽", "艳",
    "燕", "萍", "婷", "静", "雪", "慧", "月", "春", "菊", "娥", "妹", "翠", "萱", "欣", "怡", "佳", "湘", "梓"};

constexpr std::array<std::string_view, 11> kCauseNames = {
    "illness",        "disability",     "schooling",       "disaster",       "lack_of_land",      "lack_of_water",
    "lack_of_skills", "lack_of_labour", "lack_of_capital", "poor_transport", "lack_of_motivation"};
// Shares of main causes in Hunan's registry (因病 about two in five).
constexpr std::array<double, 11> kCauseWeights = {0.40, 0.12, 0.09, 0.02, 0.01, 0.005, 0.11, 0.07, 0.13, 0.015, 0.03};

Date AddDays(const Date& d, int64_t days) { return Date::FromDays(d.ToDays() + days); }

Date BirthForAge(Prng& rng, const Date& ref, int age) {
  // Born between (age + 1) years and age years before ref, so AgeOn(birth, ref) == age.
  Date start{ref.year - age - 1, ref.month, std::min(ref.day, 28)};
  return AddDays(start, rng.Between(1, 364));
}

int AgeAt(const PersonPlan& p, const Date& d) { return AgeOn(p.birth, d); }

std::string DrawEducation(Prng& rng, int age) {
  if (age < 3) return "none";
  if (age < 6) return "preschool";
  if (age < 12) return "primary";
  if (age < 15) return "junior";
  if (age >= 60) {
    const double w[] = {0.35, 0.45, 0.17, 0.03};
    const char* v[] = {"none", "primary", "junior", "senior"};
    return v[rng.Pick(w)];
  }
  if (age >= 40) {
    const double w[] = {0.07, 0.40, 0.42, 0.11};
    const char* v[] = {"none", "primary", "junior", "senior"};
    return v[rng.Pick(w)];
  }
  const double w[] = {0.10, 0.55, 0.20, 0.10, 0.05};
  const char* v[] = {"primary", "junior", "senior", "vocational", "college"};
  return v[rng.Pick(w)];
}

void DrawHealth(Prng& rng, PersonPlan& p, int age, bool frail) {
  double disabled = age < 16 ? 0.015 : age < 45 ? 0.06 : age < 60 ? 0.10 : 0.14;
  double major = age < 16 ? 0.01 : age < 45 ? 0.025 : age < 60 ? 0.05 : 0.07;
  double chronic = age < 16 ? 0.02 : age < 45 ? 0.06 : age < 60 ? 0.18 : 0.33;
  if (frail) {
    disabled *= 1.6;
    major *= 1.5;
    chronic *= 1.3;
  }
  const double x = rng.Unit();
  if (x < disabled) {
    p.health = "disabled";
    const double w[] = {0.10, 0.20, 0.35, 0.35};
    p.disability_grade = static_cast<int>(rng.Pick(w)) + 1;
  } else if (x < disabled + major) {
    p.health = "major_disease";
  } else if (x < disabled + major + chronic) {
    p.health = "chronic";
  } else {
    p.health = "healthy";
  }
}

std::string DrawLabour(Prng& rng, const PersonPlan& p, int age) {
  if (age < 16) return "none";
  auto pick = [&rng](double full, double partial) -> std::string {
    const double x = rng.Unit();
    if (x < full) return "full";
    if (x < full + partial) return "partial";
    return "none";
  };
  if (age >= 65) return p.health == "healthy" ? pick(0.0, 0.45) : pick(0.0, 0.15);
  if (p.health == "disabled") {
    return p.disability_grade.value_or(4) <= 2 ? pick(0.0, 0.10) : pick(0.25, 0.50);
  }
  if (p.health == "major_disease") return pick(0.0, 0.35);
  if (p.health == "chronic") return pick(0.40, 0.45);
  return age >= 55 ? pick(0.65, 0.30) : pick(0.90, 0.08);
}

PersonPlan MakePerson(Prng& rng, const Date& ref, int age, Sex sex, const std::string& relation,
                      const std::string& surname, bool frail) {
  PersonPlan p;
  p.sex = sex;
  p.birth = BirthForAge(rng, ref, std::max(age, 0));
  p.relation = relation;
  p.name = MakeName(rng, sex, surname);
  p.preschool_track = rng.Chance(0.75);
  p.senior_track = rng.Chance(0.72);
  p.vocational = rng.Chance(0.35);
  p.college_track = p.senior_track && rng.Chance(0.30);
  DrawHealth(rng, p, age, frail);
  p.labour_ability = DrawLabour(rng, p, age);
  // Education as it stands on ref: children by their stage, adults drawn.
  if (age < 15) {
    p.education = DrawEducation(rng, age);
  } else if (age <= 18) {
    p.education = p.senior_track ? (p.vocational ? "vocational" : "senior") : "junior";
  } else if (age <= 30 && p.college_track) {
    p.education = "college";
  } else {
    p.education = DrawEducation(rng, age);
  }
  p.ethnicity = rng.Chance(0.006) ? "瑶族" : "汉族";
  p.medical_draw = rng.Unit();
  p.pension_draw = rng.Unit();
  p.work_draw = rng.Unit();
  return p;
}

Sex Other(Sex s) { return s == Sex::kMale ? Sex::kFemale : Sex::kMale; }
Sex AnySex(Prng& rng) { return rng.Chance(0.52) ? Sex::kMale : Sex::kFemale; }

}  // namespace

Fen PovertyLine(int year) {
  if (year < kFirstYear || year > kLastYear) throw Error::Internal("no poverty line for " + std::to_string(year));
  return kLines[static_cast<size_t>(year - kFirstYear)];
}

std::string MakeName(Prng& rng, Sex sex, const std::string& surname) {
  std::string name = surname;
  if (name.empty()) {
    // Roughly Zipf-like: earlier surnames more frequent.
    std::array<double, kSurnames.size()> w{};
    for (size_t i = 0; i < w.size(); ++i) w[i] = 1.0 / static_cast<double>(i + 3);
    name = std::string(kSurnames[rng.Pick(w)]);
  }
  const auto& chars = sex == Sex::kMale ? kMaleChars : kFemaleChars;
  name += chars[rng.Below(chars.size())];
  if (rng.Chance(0.8)) name += chars[rng.Below(chars.size())];
  return name;
}

std::string Surname(const std::string& name) {
  if (name.rfind("欧阳", 0) == 0) return "欧阳";
  return name.substr(0, 3);  // one CJK character in UTF-8
}

std::vector<PersonPlan> ComposeHousehold(Prng& rng, int size, const Date& ref, bool frail) {
  std::vector<PersonPlan> out;
  const int shift = frail ? 8 : 0;
  int head_age;
  bool spouse = true;
  if (size == 1) {
    head_age = static_cast<int>(rng.Between(48, 90));
    spouse = false;
  } else if (size == 2) {
    head_age = static_cast<int>(rng.Between(40 + shift, 84));
    spouse = rng.Chance(head_age >= 58 ? 0.75 : 0.35);
  } else {
    head_age = static_cast<int>(rng.Between(30 + shift / 2, size >= 5 ? 72 : 64));
    spouse = rng.Chance(0.85);
  }
  const Sex head_sex = rng.Chance(size == 1 ? 0.62 : 0.86) ? Sex::kMale : Sex::kFemale;
  out.push_back(MakePerson(rng, ref, head_age, head_sex, "head", "", frail));
  const std::string family = head_sex == Sex::kMale ? Surname(out[0].name) : "";
  if (spouse) {
    const int age = std::clamp(head_age + static_cast<int>(rng.Between(-5, 3)), 22, 95);
    out.push_back(MakePerson(rng, ref, age, Other(head_sex), "spouse", "", frail));
  }
  int rest = size - static_cast<int>(out.size());
  const std::string child_surname = family.empty() ? "" : family;
  if (rest <= 0) return out;
  if (head_age >= 52 && rest >= 2 && rng.Chance(0.7)) {
    // Three generations: an adult child, possibly their spouse, grandchildren.
    const int child_age = std::max(20, head_age - static_cast<int>(rng.Between(24, 32)));
    const Sex child_sex = rng.Chance(0.7) ? Sex::kMale : Sex::kFemale;
    out.push_back(MakePerson(rng, ref, child_age, child_sex, "child",
                             child_surname, frail));
    --rest;
    const std::string grand_surname = child_sex == Sex::kMale ? Surname(out.back().name) : "";
    if (rest >= 2 && rng.Chance(0.8)) {
      const int age = std::clamp(child_age + static_cast<int>(rng.Between(-4, 3)), 20, 70);
      out.push_back(MakePerson(rng, ref, age, Other(child_sex), "child_in_law", "", frail));
      --rest;
    }
    const int max_grand = std::clamp(child_age - 20, 0, 17);
    for (; rest > 0; --rest) {
      out.push_back(MakePerson(rng, ref, static_cast<int>(rng.Between(0, max_grand)), AnySex(rng), "grandchild",
                               grand_surname, frail));
    }
    return out;
  }
  if (head_age <= 50 && rng.Chance(0.35)) {
    const int parents = rest >= 3 && rng.Chance(0.4) ? 2 : 1;
    for (int i = 0; i < parents; ++i) {
      const int age = std::min(96, head_age + static_cast<int>(rng.Between(22, 32)));
      const Sex s = parents == 2 ? (i == 0 ? Sex::kMale : Sex::kFemale) : AnySex(rng);
      out.push_back(MakePerson(rng, ref, age, s, "parent", s == Sex::kMale ? Surname(out[0].name) : "", frail));
      --rest;
    }
  }
  const int oldest = std::max(0, std::min(head_age - 20, 30));
  const int youngest = std::max(0, std::min(oldest, head_age - 46));
  for (; rest > 0; --rest) {
    out.push_back(MakePerson(rng, ref, static_cast<int>(rng.Between(youngest, oldest)), AnySex(rng), "child",
                             child_surname, frail));
  }
  return out;
}

void ChooseCauses(Prng& rng, HouseholdPlan& h, bool frail) {
  std::array<double, 11> w = kCauseWeights;
  const Date ref = h.identified_date;
  bool has_student_age = false, has_adult = false, any_full = false;
  for (const auto& p : h.persons) {
    const int age = AgeAt(p, ref);
    if (age >= 12 && age <= 21) has_student_age = true;
    if (age >= 18) has_adult = true;
    if (p.labour_ability == "full") any_full = true;
  }
  if (!has_student_age) w[2] = 0;
  if (frail) {
    w[0] *= 1.3;
    w[1] *= 1.6;
    w[7] *= 2.0;
  }
  if (!any_full) w[7] *= 2.5;
  h.main_cause = std::string(kCauseNames[rng.Pick(w)]);
  // Make the members agree with the main cause.
  std::vector<size_t> adults;
  for (size_t i = 0; i < h.persons.size(); ++i) {
    if (AgeAt(h.persons[i], ref) >= 18 || !has_adult) adults.push_back(i);
  }
  auto find = [&h](std::string_view health) {
    for (auto& p : h.persons) {
      if (p.health == health) return &p;
    }
    return static_cast<PersonPlan*>(nullptr);
  };
  if (h.main_cause == "illness") {
    PersonPlan* p = find("major_disease");
    if (!p) p = find("chronic");
    if (!p) {
      p = &h.persons[adults[rng.Below(adults.size())]];
      p->health = rng.Chance(0.45) ? "major_disease" : "chronic";
      p->disability_grade.reset();
      if (p->labour_ability == "full") p->labour_ability = "partial";
    }
    p->cause_holder = true;
  } else if (h.main_cause == "disability") {
    PersonPlan* p = find("disabled");
    if (!p) {
      p = &h.persons[adults[rng.Below(adults.size())]];
      p->health = "disabled";
      p->disability_grade = static_cast<int>(rng.Between(1, 4));
      if (*p->disability_grade <= 2) p->labour_ability = "none";
      else if (p->labour_ability == "full") p->labour_ability = "partial";
    }
    p->cause_holder = true;
  }
  // Up to two other causes.
  const int others = static_cast<int>(rng.Pick(std::array<double, 3>{0.35, 0.45, 0.20}));
  for (int i = 0; i < others; ++i) {
    const std::string c(kCauseNames[rng.Pick(kCauseWeights)]);
    if (c == h.main_cause || std::find(h.other_causes.begin(), h.other_causes.end(), c) != h.other_causes.end()) {
      continue;
    }
    if (c == "schooling" && !has_student_age) continue;
    h.other_causes.push_back(c);
  }
  // Attribute: the destitute are old people living alone without labour; dibao for the weakest.
  const auto& head = h.persons[0];
  const int head_age = AgeAt(head, ref);
  if (h.persons.size() == 1 && head_age >= 60 && head.labour_ability != "full" && rng.Chance(frail ? 0.7 : 0.45)) {
    h.attribute = "destitute";
  } else if (rng.Chance(frail ? 0.38 : (h.main_cause == "illness" || h.main_cause == "disability") ? 0.22 : 0.10)) {
    h.attribute = "dibao";
  } else {
    h.attribute = "general";
  }
}

void AddDeceasedMember(Prng& rng, HouseholdPlan& h, const Date& last) {
  const Date ident = h.identified_date;
  const int head_age = AgeAt(h.persons[0], ident);
  bool has_spouse = false;
  for (const auto& p : h.persons) has_spouse = has_spouse || p.relation == "spouse";
  std::string relation;
  int age;
  Sex sex;
  if (!has_spouse && head_age >= 55) {
    relation = "spouse";
    sex = Other(h.persons[0].sex);
    age = std::clamp(head_age + static_cast<int>(rng.Between(-3, 5)), 60, 96);
  } else if (head_age <= 62) {
    relation = "parent";
    sex = AnySex(rng);
    age = std::min(98, head_age + static_cast<int>(rng.Between(22, 32)));
    if (age < 62) return;
  } else {
    return;
  }
  const int64_t from = ident.ToDays() + 60;
  const int64_t to = last.ToDays();
  if (to <= from) return;
  PersonPlan p = MakePerson(rng, ident, age, sex, relation,
                            sex == Sex::kMale && relation == "parent" ? Surname(h.persons[0].name) : "", false);
  if (p.health == "healthy") p.health = "chronic";
  p.labour_ability = p.health == "chronic" && age < 70 ? "partial" : "none";
  p.death = Date::FromDays(rng.Between(from, to));
  h.persons.push_back(std::move(p));
}

bool IsMemberOn(const HouseholdPlan& h, const PersonPlan& p, const Date& date) {
  const Date start = std::max(h.identified_date, p.birth);
  if (date < start) return false;
  return !p.death || *p.death > date;
}

int MembersOn(const HouseholdPlan& h, const Date& date) {
  int n = 0;
  for (const auto& p : h.persons) n += IsMemberOn(h, p, date) ? 1 : 0;
  return n;
}

std::string StatusOn(const HouseholdPlan& h, const Date& date) {
  std::string status = "unregistered";
  for (const auto& e : h.events) {
    if (e.date > date) break;
    if (e.kind == "identified" || e.kind == "returned") status = "poor";
    else status = e.kind;  // exited, removed
  }
  return status;
}

void BuildEvents(Prng& rng, HouseholdPlan& h, const Date& last_date) {
  h.events.clear();
  h.events.push_back({h.identified_date, h.identified_year, "identified",
                      h.identified_year == kFirstYear ? "2014年精准识别建档立卡" : "动态调整新识别纳入"});
  auto exit_date = [&rng, &last_date](int year) {
    if (year == last_date.year) {
      return Date::FromDays(rng.Between(Date{year, 6, 1}.ToDays(), last_date.ToDays() - 5));
    }
    return Date{year, 12, static_cast<int>(rng.Between(1, 20))};
  };
  const char* exit_reason = "人均纯收入稳定超过当年扶贫标准，两不愁三保障达标，经村评议、驻村工作队核实、公示后销号";
  if (h.fate == Fate::kRemoved) {
    const Date d = Date::FromDays(rng.Between(std::max(Date{h.removed_year, 3, 1}.ToDays(), h.identified_date.ToDays() + 90),
                                              Date{h.removed_year, 11, 30}.ToDays()));
    static constexpr std::array<const char*, 5> kReasons = {
        "精准识别回头看：家庭成员有财政供养人员", "精准识别回头看：城镇购有商品房", "精准识别回头看：家有小轿车",
        "精准识别回头看：家庭人均收入明显高于扶贫标准", "精准识别回头看：家庭成员经营企业"};
    h.events.push_back({d, h.removed_year, "removed", kReasons[rng.Below(kReasons.size())]});
    return;
  }
  if (h.return_year > 0) {
    h.events.push_back({exit_date(h.first_exit_year), h.first_exit_year, "exited", exit_reason});
    h.events.push_back({Date{h.return_year, static_cast<int>(rng.Between(5, 9)), static_cast<int>(rng.Between(1, 28))},
                        h.return_year, "returned", "家庭成员患大病，医疗支出大，人均纯收入低于扶贫标准"});
  }
  if (h.fate == Fate::kExited) h.events.push_back({exit_date(h.exit_year), h.exit_year, "exited", exit_reason});
}

Schooling SchoolingIn(const PersonPlan& p, int year) {
  const int age = AgeOn(p.birth, Date{year, 9, 1});
  if (age < 3) return {"not_school_age", std::nullopt};
  if (age < 6) return p.preschool_track ? Schooling{"enrolled", "preschool"} : Schooling{"not_school_age", std::nullopt};
  if (age <= 15) {
    if (p.dropout_year == year) return {"dropped_out", age < 12 ? "primary" : "junior"};
    if (p.home_schooled_from > 0 && year >= p.home_schooled_from) {
      return {"home_schooled", age < 12 ? "primary" : "junior"};
    }
    return {"enrolled", age < 12 ? std::string("primary") : std::string("junior")};
  }
  if (age <= 18) {
    if (p.senior_track) return {"enrolled", p.vocational ? "vocational" : "senior"};
    return {"graduated", std::nullopt};
  }
  if (age <= 22) {
    if (p.college_track) return {"enrolled", "college"};
    return {"graduated", std::nullopt};
  }
  return {"not_school_age", std::nullopt};
}

bool WorkingAgeOutOfSchool(const PersonPlan& p, const Date& date) {
  const int age = AgeOn(p.birth, date);
  return age >= 16 && age <= 64 && !SchoolingIn(p, date.year).in_school();
}

namespace {

// Collects a row's values in order and folds them into a running FNV-1a checksum.
class Row {
 public:
  explicit Row(uint64_t& checksum) : sum_(checksum) {}
  Row& Int(int64_t v) {
    values_.emplace_back(v);
    Mix(std::to_string(v));
    return *this;
  }
  Row& Text(std::string_view v) {
    values_.emplace_back(std::string(v));
    Mix(v);
    return *this;
  }
  Row& Null() {
    values_.emplace_back(nullptr);
    Mix("\x01null");
    return *this;
  }
  Row& OptText(const std::optional<std::string>& v) { return v ? Text(*v) : Null(); }
  Row& OptInt(const std::optional<int64_t>& v) { return v ? Int(*v) : Null(); }
  // A value the registry stores in its own form (an ID number: encrypted,
  // blind-indexed, masked): folded into the checksum as given, not collected,
  // so the same seed gives the same checksum although every ciphertext differs.
  Row& Checked(std::string_view v) {
    Mix(v);
    return *this;
  }
  // The values, ending the row in the checksum.
  std::vector<store::Value> Take() {
    Mix("\n");
    return std::move(values_);
  }

 private:
  void Mix(std::string_view v) {
    for (char c : v) {
      sum_ ^= static_cast<uint8_t>(c);
      sum_ *= 1099511628211ULL;
    }
    sum_ ^= 0x1f;
    sum_ *= 1099511628211ULL;
  }
  uint64_t& sum_;
  std::vector<store::Value> values_;
};

int64_t Seconds(const Date& d) { return d.ToDays() * 86400 + 9 * 3600; }

// The fields the demo gives per row, in the order of the Row calls below.
const std::vector<std::string> kHouseholdFields = {"village_code", "attribute", "main_cause",
                                                   "other_causes", "address",   "phone"};
const std::vector<std::string> kPersonFields = {"name",   "ethnicity",        "education",      "health",
                                                "disability_grade", "labour_ability", "phone", "death_date"};
const std::vector<std::string> kHouseholdYearFields = {
    "members",      "wage_income",     "production_income", "property_income",    "transfer_income",
    "production_cost", "food_secure", "clothing_secure",   "housing_safe", "drinking_water_safe"};
const std::vector<std::string> kPersonYearFields = {"school_status", "school_stage", "medical_insured",
                                                    "pension_insured", "employment"};

// Rows of a run of households, written through the registry's batch functions
// (and the exit steps, the assessment module's table, after their households).
struct Pending {
  std::vector<registry::NewHousehold> households;
  std::vector<registry::NewEvent> events;
  std::vector<std::vector<store::Value>> exit_steps;
  std::vector<registry::NewPerson> persons;
  std::vector<registry::NewMembership> memberships;
  std::vector<registry::YearRow> household_years;
  std::vector<registry::YearRow> person_years;

  void Flush(store::Connection& db, registry::RegistryBatch& batch) {
    static const std::vector<std::string> kStepCols = {"household_id", "year", "step",  "date",
                                                       "end_date",     "note", "actor", "recorded_at"};
    batch.AddHouseholds(kHouseholdFields, households);
    batch.AppendEvents(events);
    if (!exit_steps.empty()) {
      auto w = db.BulkInsert("exit_steps", kStepCols);
      for (const auto& r : exit_steps) w->Append(r);
      w->Finish();
    }
    batch.AddPersons(kPersonFields, persons);
    batch.OpenMemberships(memberships);
    batch.WriteHouseholdYears(kHouseholdYearFields, household_years, false);
    batch.WritePersonYears(kPersonYearFields, person_years, false);
    *this = Pending();
  }
};

constexpr size_t kFlushHouseholds = 2000;

}  // namespace

WriteCounts WritePlan(store::Connection& db, Prng& rng, const std::vector<VillagePlan>& villages,
                      std::vector<HouseholdPlan>& households, const Date& last_date, Progress& progress,
                      AfterWrite after) {
  WriteCounts c;
  // The villages' yearly facts in one batch: the registry keeps the rural
  // population of the areas above with them (registry/population.h).
  std::vector<registry::AreaYearRow> area_years;
  area_years.reserve(villages.size() * static_cast<size_t>(kLastYear - kFirstYear + 1));
  for (const auto& v : villages) {
    for (int y = kFirstYear; y <= kLastYear; ++y) {
      const int64_t population = v.population[static_cast<size_t>(y - kFirstYear)];
      Row r(c.checksum);
      r.Text(v.code).Int(y).Int(population).Int(v.poor ? 1 : 0);
      std::optional<int> exit_year;
      if (v.poor && y >= v.exit_year) exit_year = v.exit_year;
      if (exit_year) r.Int(*exit_year); else r.Null();
      r.Take();
      area_years.push_back({v.code, y, population, v.poor, exit_year});
    }
  }
  registry::WriteAreaYears(db, area_years);
  int64_t next_household = db.QueryInt("SELECT COALESCE(MAX(id), 0) FROM households").value_or(0) + 1;
  int64_t next_person = db.QueryInt("SELECT COALESCE(MAX(id), 0) FROM persons").value_or(0) + 1;
  registry::RegistryBatch batch(db, access::CurrentProtector(), Seconds(last_date), "demo");
  Pending pending;

  ProgressStage stage(progress, "store", static_cast<int64_t>(households.size()));
  for (auto& h : households) {
    stage.Advance();
    const VillagePlan& v = villages[h.village];
    const int64_t hid = next_household++;
    const int64_t created = Seconds(h.identified_date);
    {
      // The first event is the identification: the registry records it with the household.
      const Event& identified = h.events.front();
      std::string others;
      for (const auto& o : h.other_causes) others += (others.empty() ? "" : ",") + o;
      Row r(c.checksum);
      r.Int(hid).Text(h.number);
      r.Text(v.code).Int(h.identified_year).Text(h.attribute).Text(h.main_cause).Text(others).Text(h.address)
          .OptText(h.persons[0].phone).Int(created).Int(created);
      std::vector<store::Value> all = r.Take();
      registry::NewHousehold n;
      n.id = hid;
      n.number = h.number;
      n.identified_year = h.identified_year;
      n.identified_date = identified.date.ToString();
      n.identified_reason = identified.reason;
      n.created_at = created;
      n.values = {all[2], all[4], all[5], all[6], all[7], all[8]};
      pending.households.push_back(std::move(n));
      ++c.households;
    }
    for (size_t i = 0; i < h.events.size(); ++i) {
      const Event& e = h.events[i];
      Row r(c.checksum);
      r.Int(hid).Text(e.kind).Int(e.year).Text(e.date.ToString()).Text(e.reason).Int(Seconds(e.date));
      r.Take();
      if (i > 0) pending.events.push_back({hid, e.kind, e.year, e.date.ToString(), e.reason, Seconds(e.date)});
      ++c.events;
      if (e.kind != "exited") continue;
      const Date appraisal = Date::FromDays(e.date.ToDays() - rng.Between(25, 35));
      const Date verification = Date::FromDays(appraisal.ToDays() + rng.Between(2, 5));
      const Date notice = Date::FromDays(verification.ToDays() + rng.Between(1, 3));
      const Date notice_end = Date::FromDays(notice.ToDays() + rng.Between(7, 9));
      const struct {
        const char* step = nullptr;
        Date date;
        std::optional<std::string> end;
        const char* note = nullptr;
      } steps[] = {
          {"appraisal", appraisal, std::nullopt, "村民代表大会评议：收入稳定超过扶贫标准，同意退出"},
          {"verification", verification, std::nullopt, "驻村工作队入户核实：收入和两不愁三保障达标"},
          {"notice", notice, notice_end.ToString(), "在村务公开栏公示，无异议"},
      };
      for (const auto& st : steps) {
        Row sr(c.checksum);
        sr.Int(hid).Int(e.year).Text(st.step).Text(st.date.ToString()).OptText(st.end).Text(st.note)
            .Int(Seconds(st.date));
        std::vector<store::Value> row = sr.Take();
        row.insert(row.end() - 1, std::string("demo"));  // actor, before recorded_at
        pending.exit_steps.push_back(std::move(row));
        ++c.exit_steps;
      }
    }
    const int last_year = h.fate == Fate::kRemoved ? h.removed_year : last_date.year;
    // Yearly facts use the status and membership at the end of the year (or on last_date).
    auto year_end = [&last_date](int y) { return y == last_date.year ? last_date : Date{y, 12, 31}; };
    for (const auto& p : h.persons) {
      const int64_t pid = next_person++;
      const Date start = std::max(h.identified_date, p.birth);
      {
        // Sex and birth date are read from the ID number by the registry; the
        // checksum still folds the plan's values in.
        Row r(c.checksum);
        r.Int(pid).Checked(p.id_number).Text(p.name).Checked(SexName(p.sex)).Checked(p.birth.ToString())
            .Text(p.ethnicity).Text(p.education).Text(p.health)
            .OptInt(p.disability_grade ? std::optional<int64_t>(*p.disability_grade) : std::nullopt)
            .Text(p.labour_ability).OptText(p.phone)
            .OptText(p.death ? std::optional<std::string>(p.death->ToString()) : std::nullopt)
            .Checked(std::to_string(Seconds(start))).Checked(std::to_string(Seconds(start)));
        std::vector<store::Value> values = r.Take();
        values.erase(values.begin());  // the id
        pending.persons.push_back({pid, p.id_number, Seconds(start), std::move(values)});
        ++c.persons;
      }
      {
        Row r(c.checksum);
        r.Int(pid).Int(hid).Text(p.relation).Text(start.ToString());
        if (p.death) r.Text(p.death->ToString()).Text("deceased"); else r.Null().Null();
        r.Take();
        pending.memberships.push_back({pid, hid, p.relation, start.ToString(),
                                       p.death ? std::optional<std::string>(p.death->ToString()) : std::nullopt,
                                       p.death ? std::optional<std::string>("deceased") : std::nullopt});
      }
      for (int y = h.identified_year; y <= last_year; ++y) {
        const Date end = year_end(y);
        if (!IsMemberOn(h, p, end)) continue;
        const Schooling school = SchoolingIn(p, y);
        const std::string status = StatusOn(h, end);
        const int age = AgeOn(p.birth, Date{y, 9, 30});
        // Medical insurance: fully subsidised for the registered from 2016, and always in and after the exit year.
        bool medical;
        if (h.fate == Fate::kRemoved) medical = p.medical_draw < 0.9;
        else if (y >= 2016 || status == "exited") medical = true;
        else medical = p.medical_draw < (y == 2014 ? 0.91 : 0.96);
        // Pension insurance: residents aged 16 and over out of school; the disabled paid by the government from 2016.
        std::optional<int64_t> pension = 0;
        if (age >= 60) pension = 1;
        else if (age >= 16 && !school.in_school()) {
          const double rate = 0.70 + 0.04 * (y - kFirstYear);
          pension = (p.health == "disabled" && y >= 2016) || p.pension_draw < rate ? 1 : 0;
        }
        // Employment: the last year is set by the scenario; earlier years grow towards it.
        std::string employment = "not_in_labour_force";
        const bool labour = (p.labour_ability == "full" || p.labour_ability == "partial") &&
                            WorkingAgeOutOfSchool(p, Date{y, 9, 30});
        if (labour) {
          if (y == last_date.year) {
            employment = p.employment_last;
          } else {
            const double rate = (p.labour_ability == "full" ? 0.62 : 0.38) + 0.035 * (y - kFirstYear);
            const bool employed = p.work_draw < rate;
            employment = employed ? (p.employment_kind.empty() ? "local" : p.employment_kind) : "unemployed";
          }
        }
        Row r(c.checksum);
        r.Int(pid).Int(y).Text(school.status).OptText(school.stage).Int(medical ? 1 : 0).OptInt(pension)
            .Text(employment).Checked(std::to_string(Seconds(end)));
        std::vector<store::Value> values = r.Take();
        values.erase(values.begin(), values.begin() + 2);  // the key
        pending.person_years.push_back({pid, y, Seconds(end), std::move(values)});
        ++c.person_years;
      }
    }
    // Household facts and income by component, every year from identification.
    bool any_old = false;
    for (const auto& p : h.persons) any_old = any_old || AgeOn(p.birth, last_date) >= 60;
    for (int y = h.identified_year; y <= last_year; ++y) {
      const Date end = year_end(y);
      const int members = MembersOn(h, end);
      if (members == 0) continue;
      const std::string status = StatusOn(h, end);
      const Fen line = PovertyLine(y);
      double ratio;
      if (h.fate == Fate::kRemoved) {
        ratio = 1.8 + 1.6 * rng.Unit();
      } else if (status == "exited") {
        const int since = h.return_year > 0 && y >= h.exit_year ? y - h.exit_year
                          : h.first_exit_year > 0         ? y - h.first_exit_year
                                                          : y - h.exit_year;
        ratio = h.income_ratio + 0.05 * since + 0.03 * rng.Unit();
      } else {
        ratio = 0.55 + 0.40 * rng.Unit();
      }
      const Fen per_capita = static_cast<Fen>(static_cast<double>(line) * ratio) + 100;
      const Fen net = per_capita * members;
      int employed = 0;
      for (const auto& p : h.persons) {
        if (!IsMemberOn(h, p, end)) continue;
        const bool labour = (p.labour_ability == "full" || p.labour_ability == "partial") &&
                            WorkingAgeOutOfSchool(p, Date{y, 9, 30});
        if (labour && (y == last_date.year ? p.employment_last != "unemployed"
                                           : p.work_draw < (p.labour_ability == "full" ? 0.62 : 0.38) +
                                                               0.035 * (y - kFirstYear))) {
          ++employed;
        }
      }
      double transfer = h.attribute == "destitute" ? 0.75 : h.attribute == "dibao" ? 0.45 : 0.12;
      if (any_old) transfer += 0.08;
      const double wage = employed > 0 ? std::min(0.70, 0.35 + 0.12 * employed) * (1.0 - transfer) : 0.05;
      const double property = y >= 2017 ? 0.04 : 0.01;  // photovoltaic dividends from 2017
      const Fen t = static_cast<Fen>(static_cast<double>(net) * transfer);
      const Fen w = static_cast<Fen>(static_cast<double>(net) * wage);
      const Fen q = static_cast<Fen>(static_cast<double>(net) * property);
      Fen pn = net - t - w - q;  // net production income
      Fen tt = t;
      if (pn < 0) {
        tt += pn;
        pn = 0;
      }
      const Fen production = pn * 10 / 7;
      const Fen cost = production - pn;
      const bool housing = h.housing_fixed_year == 0 || y >= h.housing_fixed_year;
      const bool water = h.water_fixed_year == 0 || y >= h.water_fixed_year;
      Row r(c.checksum);
      r.Int(hid).Int(y).Int(members).Int(w).Int(production).Int(q).Int(tt).Int(cost).Int(1).Int(1)
          .Int(housing ? 1 : 0).Int(water ? 1 : 0).Checked(std::to_string(Seconds(end)));
      std::vector<store::Value> values = r.Take();
      values.erase(values.begin(), values.begin() + 2);  // the key
      pending.household_years.push_back({hid, y, Seconds(end), std::move(values)});
      ++c.household_years;
    }
    if (pending.households.size() >= kFlushHouseholds) pending.Flush(db, batch);
    if (after == AfterWrite::kRelease) h = HouseholdPlan{};  // its rows are in `pending` or written
  }
  pending.Flush(db, batch);
  if (after == AfterWrite::kRelease) std::vector<HouseholdPlan>().swap(households);
  batch.Finish();
  // The rows above carry their ids; later writers let the database number theirs.
  store::AdvanceIdentitySequences(db);
  return c;
}

}  // namespace fupin::demo::internal
