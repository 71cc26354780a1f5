#include "assessment/params.h"

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "access/audit.h"
#include "access/permissions.h"
#include "assessment/criteria.h"
#include "core/area_code.h"
#include "core/error.h"

namespace fupin::assessment {
namespace {

const ParameterSpec* FindSpec(const std::string& name) {
  for (const auto& s : ParameterSpecs()) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

std::optional<double> ParseNumber(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return v;
}

Parameter Read(store::Statement& s) {
  Parameter p;
  p.id = s.Int(0);
  p.name = s.Text(1);
  p.key = s.Text(2);
  p.value = s.Text(3);
  p.source = s.Text(4);
  p.effective_from = s.Text(5);
  p.set_by = s.Text(6);
  p.set_at = s.Int(7) == 0 ? "" : FormatTimestamp(s.Int(7));
  return p;
}

// ParamKey::kNone has no term: WireOf gives "" for it, as the wire has it.
constexpr Term kParamKeys[] = {{static_cast<int>(ParamKey::kYear), "year", "年度"},
                                {static_cast<int>(ParamKey::kProvince), "province", "省份代码"},
                                {static_cast<int>(ParamKey::kIndicator), "indicator", "指标"}};
constexpr Term kParamValues[] = {{static_cast<int>(ParamValue::kYuan), "yuan", "元"},
                                 {static_cast<int>(ParamValue::kPercent), "percent", "百分比（%）"},
                                 {static_cast<int>(ParamValue::kDays), "days", "天"},
                                 {static_cast<int>(ParamValue::kNumber), "number", "数值"},
                                 {static_cast<int>(ParamValue::kList), "list", "清单"}};
// The ids are places in the table: nothing switches on a facility. The
// indicators are the exit criteria (kCriteria in criteria.h).
constexpr Term kFacilities[] = {{0, "road", "通硬化路"}, {1, "water", "饮水"},   {2, "power", "通动力电"},
                                {3, "clinic", "卫生室"}, {4, "broadband", "宽带网络"},
                                {5, "culture_centre", "综合文化服务中心"}};

constexpr const char* kColumns = "id, name, key, value, source, effective_from, set_by, set_at";

}  // namespace

std::span<const Term> ParamKeyTerms() { return kParamKeys; }
std::span<const Term> ParamValueTerms() { return kParamValues; }
std::span<const Term> ParamIndicatorTerms() { return kCriteria; }
std::span<const Term> VillageFacilityTerms() { return kFacilities; }

const std::vector<ParameterSpec>& ParameterSpecs() {
  using K = ParamKey;
  using V = ParamValue;
  static const std::vector<ParameterSpec> specs = {
      {"poverty_line", K::kYear, V::kYuan, "贫困线（元/人·年）"},
      {"exit_threshold", K::kProvince, V::kPercent, "贫困村、贫困县退出贫困发生率上限（%）"},
      {"county_wrong_exit_max", K::kNone, V::kPercent, "贫困县错退率上限（%）"},
      {"county_missed_max", K::kNone, V::kPercent, "贫困县漏评率上限（%）"},
      {"county_satisfaction_min", K::kNone, V::kPercent, "贫困县群众认可度下限（%）"},
      {"notice_min_days", K::kNone, V::kDays, "退出公示最少天数"},
      {"monitoring_line", K::kYear, V::kYuan, "防返贫监测线（元/人·年）"},
      {"village_facilities", K::kNone, V::kList, "贫困村退出须具备的设施"},
      {"village_collective_income_min", K::kNone, V::kYuan, "村集体经济收入下限（元/年）"},
      {"af_weight", K::kIndicator, V::kNumber, "多维贫困指标权重（阿尔基尔—福斯特方法）"},
      {"af_k", K::kNone, V::kNumber, "多维贫困剥夺临界值 k"},
      {"pairing_household_limit", K::kNone, V::kNumber, "每名帮扶干部结对户数上限"},
      {"visit_interval_days", K::kNone, V::kDays, "结对帮扶走访间隔（天）"},
      // Read by the policies (policy migration 401 seeds them; docs/POLICY.md).
      {"dibao_standard_a", K::kYear, V::kYuan, "农村低保A类标准（元/人·年）"},
      {"dibao_standard_b", K::kYear, V::kYuan, "农村低保B类标准（元/人·年）"},
      {"dibao_standard_c", K::kYear, V::kYuan, "农村低保C类标准（元/人·年）"},
      {"destitute_standard", K::kYear, V::kYuan, "特困人员基本生活标准（元/人·年）"},
      {"medical_premium", K::kYear, V::kYuan, "城乡居民医保个人缴费标准（元/人·年）"},
      {"pension_premium_min", K::kYear, V::kYuan, "城乡居民养老保险最低缴费档次（元/人·年）"},
  };
  return specs;
}

std::vector<Parameter> Parameters::List(const Caller& caller, bool history, const std::string& name) {
  // Every parameter is set for the nation or a province, so it applies to
  // the caller's scope: whoever reads parameters at all reads them all.
  access::Audit audit(db_, clock_);
  access::Guard(audit).RequireRead(caller, access::Resource::kParams, {caller.area_scope, std::nullopt, "param/"});
  std::string sql = std::string("SELECT ") + kColumns + " FROM assessment_parameters p WHERE (?1 = '' OR name = ?1)";
  if (!history) {
    sql += " AND id = (SELECT max(id) FROM assessment_parameters q WHERE q.name = p.name AND q.key = p.key)";
  }
  sql += " ORDER BY name, CASE WHEN substr(key, 1, 1) BETWEEN '0' AND '9' THEN length(key) ELSE 0 END, key, id";
  auto s = db_.Prepare(sql);
  s->BindText(1, name);
  std::vector<Parameter> out;
  while (s->Step()) out.push_back(Read(*s));
  return out;
}

namespace {

// The key a parameter takes: a year, a province (or "" for the default), an indicator, or none.
void CheckKey(ParamKey k, const std::string& key, std::vector<ErrorDetail>& problems) {
  switch (k) {
    case ParamKey::kYear: {
      auto y = ParseNumber(key);
      if (!y || *y < 2000 || *y > 2100 || key.size() != 4) problems.push_back({"key", "'" + key + "' is not a year"});
      break;
    }
    case ParamKey::kProvince:
      if (!key.empty() && (key.size() != 2 || LevelOfCode(key) != AreaLevel::kProvince)) {
        problems.push_back({"key", "'" + key + "' is not a province code (2 digits) or empty for the default"});
      }
      break;
    case ParamKey::kIndicator:
      if (!FindWire(kCriteria, key)) problems.push_back({"key", "'" + key + "' is not one of " + WireList(kCriteria)});
      break;
    case ParamKey::kNone:
      if (!key.empty()) problems.push_back({"key", "this parameter takes no key"});
      break;
  }
}

// A list value: comma-separated facilities, each one of the table's.
void CheckList(const std::string& value, std::vector<ErrorDetail>& problems) {
  size_t start = 0;
  while (start <= value.size() && !value.empty()) {
    size_t comma = value.find(',', start);
    if (comma == std::string::npos) comma = value.size();
    const std::string item = value.substr(start, comma - start);
    if (!FindWire(kFacilities, item)) problems.push_back({"value", "'" + item + "' is not one of " + WireList(kFacilities)});
    start = comma + 1;
  }
}

// The value: a list of facilities, or a non-negative number within its kind's bounds.
void CheckValue(const ParameterSpec& spec, const std::string& name, const std::string& value,
                std::vector<ErrorDetail>& problems) {
  if (spec.value == ParamValue::kList) {
    CheckList(value, problems);
    return;
  }
  auto n = ParseNumber(value);
  if (!n || *n < 0) {
    problems.push_back({"value", "'" + value + "' is not a non-negative number"});
  } else if (spec.value == ParamValue::kPercent && *n > 100) {
    problems.push_back({"value", "a percentage must be at most 100"});
  } else if (spec.value == ParamValue::kDays && (*n != static_cast<double>(static_cast<int>(*n)) || *n > 365)) {
    problems.push_back({"value", "must be a whole number of days up to 365"});
  } else if (name == "af_k" && (*n <= 0 || *n > 1)) {
    problems.push_back({"value", "k must be above 0 and at most 1"});
  }
}

}  // namespace

Parameter Parameters::Set(const Caller& caller, const std::string& name, const std::string& key,
                          const std::string& value, const std::string& source,
                          const std::optional<std::string>& effective_from) {
  std::vector<ErrorDetail> problems;
  const ParameterSpec* spec = FindSpec(name);
  if (!spec) {
    std::string names;
    for (const auto& s : ParameterSpecs()) names += (names.empty() ? "" : ", ") + std::string(s.name);
    throw Error::InvalidArgument("unknown parameter", {{"name", "'" + name + "' is not one of " + names}});
  }
  CheckKey(spec->key, key, problems);
  CheckValue(*spec, name, value, problems);
  if (source.empty()) problems.push_back({"source", "say where the figure comes from or why it changes"});
  std::string from = clock_.Today().ToString();
  if (effective_from) {
    if (!Date::Parse(*effective_from)) {
      problems.push_back({"effective_from", "'" + *effective_from + "' is not a date YYYY-MM-DD"});
    } else {
      from = *effective_from;
    }
  }
  if (!problems.empty()) throw Error::InvalidArgument("invalid parameter value", problems);
  // The area the value applies to: its province, or the nation ("") for the
  // rest. Only a caller whose scope covers that area may change it
  // (docs/ACCESS.md: administrators and county offices); checked before the
  // transaction so that the refusal's audit entry stays.
  const std::string area = spec->key == ParamKey::kProvince ? key : "";
  const std::string entity = "param/" + name + (key.empty() ? "" : "/" + key);
  access::Audit audit(db_, clock_);
  access::Guard(audit).RequireWrite(caller, access::Resource::kParams, {area, std::nullopt, entity});
  // The new row and its audit entry (with the value it replaces) together or not at all.
  store::Transaction tx(db_);
  const std::optional<std::string> before = Find(name, key);
  auto s = db_.Prepare(std::string("INSERT INTO assessment_parameters (name, key, value, source, effective_from,"
                                   " set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ") + kColumns);
  s->BindText(1, name);
  s->BindText(2, key);
  s->BindText(3, value);
  s->BindText(4, source);
  s->BindText(5, from);
  s->BindText(6, caller.user_name);
  s->BindInt(7, clock_.NowSeconds());
  s->Step();
  Parameter p = Read(*s);
  s->Reset();
  access::AuditEvent event;
  event.action = "param.set";
  event.entity = entity;
  event.area_code = area;
  if (before) event.before = nlohmann::json{{"value", *before}}.dump();
  event.after = nlohmann::json{{"value", p.value}, {"source", p.source}, {"effective_from", p.effective_from}}.dump();
  audit.Record(caller, event);
  tx.Commit();
  return p;
}

std::optional<std::string> Parameters::Find(const std::string& name, const std::string& key) {
  auto s = db_.Prepare("SELECT value FROM assessment_parameters WHERE name = ? AND key = ? ORDER BY id DESC LIMIT 1");
  s->BindText(1, name);
  s->BindText(2, key);
  if (!s->Step()) return std::nullopt;
  return s->Text(0);
}

std::string Parameters::Text(const std::string& name, const std::string& key) {
  auto v = Find(name, key);
  if (!v) {
    throw Error::FailedPrecondition("parameter " + name + (key.empty() ? "" : " [" + key + "]") + " is not set",
                                    {{name, "set it with `fupin params set " + name + " " + key + " VALUE`"}});
  }
  return *v;
}

double Parameters::Number(const std::string& name, const std::string& key) {
  const std::string text = Text(name, key);
  auto n = ParseNumber(text);
  if (!n) throw Error::Internal("parameter " + name + " holds '" + text + "', not a number");
  return *n;
}

Fen Parameters::PovertyLine(int year) {
  const std::string text = Text("poverty_line", std::to_string(year));
  auto fen = ParseYuan(text);
  if (!fen) throw Error::Internal("poverty_line " + std::to_string(year) + " holds '" + text + "'");
  return *fen;
}

double Parameters::ExitThresholdPercent(const std::string& area_code) {
  if (area_code.size() >= 2) {
    if (auto v = Find("exit_threshold", area_code.substr(0, 2))) {
      if (auto n = ParseNumber(*v)) return *n;
    }
  }
  return Number("exit_threshold", "");
}

Parameter Parameters::InForce(const std::string& name, const std::string& key) {
  auto s = db_.Prepare(std::string("SELECT ") + kColumns +
                       " FROM assessment_parameters WHERE name = ? AND key = ? ORDER BY id DESC LIMIT 1");
  s->BindText(1, name);
  s->BindText(2, key);
  if (!s->Step()) {
    throw Error::FailedPrecondition("parameter " + name + (key.empty() ? "" : " [" + key + "]") + " is not set",
                                    {{name, "set it with `fupin params set " + name + " VALUE" +
                                                (key.empty() ? "" : " --key " + key) + "`"}});
  }
  return Read(*s);
}

Parameter Parameters::ExitThresholdFor(const std::string& area_code) {
  if (area_code.size() >= 2 && Find("exit_threshold", area_code.substr(0, 2))) {
    return InForce("exit_threshold", area_code.substr(0, 2));
  }
  return InForce("exit_threshold", "");
}

std::map<std::string, std::string> Parameters::All(const std::string& name) {
  auto s = db_.Prepare(
      "SELECT key, value FROM assessment_parameters p WHERE name = ?"
      " AND id = (SELECT max(id) FROM assessment_parameters q WHERE q.name = p.name AND q.key = p.key)");
  s->BindText(1, name);
  std::map<std::string, std::string> out;
  while (s->Step()) out[s->Text(0)] = s->Text(1);
  return out;
}

}  // namespace fupin::assessment
