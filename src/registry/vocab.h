#pragma once
// The registry's controlled vocabularies: each value has an English name used
// in code, the database and the API, and the Chinese label the UI shows.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/vocabulary.h"

namespace fupin::registry {

// One value of a code list: its code ("illness") and label ("因病").
struct CodeTerm {
  std::string_view name;
  std::string_view label_zh;
};

// 一般贫困户 · 低保贫困户 · 特困供养户 · 非贫困户 (monitored households never registered)
std::span<const Term> HouseholdAttributes();
// 因病 因残 因学 因灾 缺土地 缺水 缺技术 缺劳力 缺资金 交通条件落后 自身发展动力不足
std::span<const Term> Causes();
// identified exited returned removed deceased
std::span<const Term> EventKinds();
// poor exited removed deceased (the status an event kind leads to)
std::span<const Term> HouseholdStatuses();
std::span<const Term> Relations();
std::span<const Term> EducationLevels();
std::span<const Term> HealthStates();
std::span<const Term> LabourAbilities();
std::span<const Term> SchoolStatuses();
std::span<const Term> SchoolStages();
std::span<const Term> EmploymentStates();
// The 29 diseases of the major-disease special treatment (大病专项救治),
// 2019-2020. Illustrative: verify against the provincial list.
std::span<const Term> MajorDiseases();
// Rural dibao classes A, B, C (农村低保分类施保).
std::span<const Term> DibaoClasses();
// Dangerous-house appraisal grades A-D (C 局部危房, D 整栋危房).
std::span<const Term> HouseGrades();

// Whether `value` is one of the names in `terms`.
bool IsTerm(std::span<const Term> terms, std::string_view value);
// The Chinese label of a name ("" if unknown).
std::string_view LabelZh(std::span<const Term> terms, std::string_view name);
// Accepts either the English name or the Chinese label; returns the name.
std::optional<std::string> ParseTerm(std::span<const Term> terms, std::string_view text);
// "a, b, c" listing of the names, for error messages.
std::string TermNames(std::span<const Term> terms);

// The status a household has after an event of this kind.
std::string_view StatusAfter(std::string_view event_kind);

// Household statuses and event kinds as types: the id of a value is its place
// in the one table (HouseholdStatuses(), EventKinds()); VocabularyTest checks
// that both tables keep this order.
enum class HouseholdState { kPoor, kExited, kRemoved, kDeceased, kUnregistered };
enum class EventKind { kIdentified, kExited, kReturned, kRemoved, kDeceased };
std::string_view StatusName(HouseholdState status);
std::optional<HouseholdState> ParseStatus(std::string_view name);
std::string_view EventKindName(EventKind kind);
std::optional<EventKind> ParseEventKind(std::string_view name);

// The registry's vocabularies by name, as GET /api/v1/vocabularies serves them.
struct NamedTerms {
  const char* name;
  std::span<const Term> terms;
};
std::span<const NamedTerms> Vocabularies();

}  // namespace fupin::registry
