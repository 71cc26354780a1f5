#pragma once
// The registry's code lists (代码表: household attributes, causes, relations,
// diseases...): open vocabularies that grow with the provincial lists and that
// code does not branch on, so they have no enum. Each value has a code used in
// the database and the API and the Chinese label the UI shows. Closed sets
// (statuses, steps, kinds) are enums with a core Term table (core/vocabulary.h).
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
std::span<const CodeTerm> HouseholdAttributes();
// 因病 因残 因学 因灾 缺土地 缺水 缺技术 缺劳力 缺资金 交通条件落后 自身发展动力不足
std::span<const CodeTerm> Causes();
// identified exited returned removed deceased
std::span<const CodeTerm> EventKinds();
// poor exited removed deceased (the status an event kind leads to)
std::span<const CodeTerm> HouseholdStatuses();
std::span<const CodeTerm> Relations();
std::span<const CodeTerm> EducationLevels();
std::span<const CodeTerm> HealthStates();
std::span<const CodeTerm> LabourAbilities();
std::span<const CodeTerm> SchoolStatuses();
std::span<const CodeTerm> SchoolStages();
std::span<const CodeTerm> EmploymentStates();
// The 29 diseases of the major-disease special treatment (大病专项救治),
// 2019-2020. Illustrative: verify against the provincial list.
std::span<const CodeTerm> MajorDiseases();
// Rural dibao classes A, B, C (农村低保分类施保).
std::span<const CodeTerm> DibaoClasses();
// Dangerous-house appraisal grades A-D (C 局部危房, D 整栋危房).
std::span<const CodeTerm> HouseGrades();

// Whether `value` is one of the names in `terms`.
bool IsTerm(std::span<const CodeTerm> terms, std::string_view value);
// The Chinese label of a name ("" if unknown).
std::string_view LabelZh(std::span<const CodeTerm> terms, std::string_view name);
// Accepts either the English name or the Chinese label; returns the name.
std::optional<std::string> ParseTerm(std::span<const CodeTerm> terms, std::string_view text);
// "a, b, c" listing of the names, for error messages.
std::string TermNames(std::span<const CodeTerm> terms);

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

// A member's school status in a year (person_years.school_status): a closed
// set, since the exit criteria branch on it (assessment::CompulsorySchoolingMet).
// SchoolStatusTerms() is its one table; SchoolStatuses() gives the same values
// as a code list for the import sheets and the policy catalogue.
enum class SchoolStatus { kNotSchoolAge, kEnrolled, kHomeSchooled, kExempt, kDroppedOut, kGraduated };
std::span<const fupin::Term> SchoolStatusTerms();

// The registry's code lists by name, as GET /api/v1/vocabularies serves them.
struct CodeList {
  const char* name;
  std::span<const CodeTerm> terms;
};
std::span<const CodeList> Vocabularies();

}  // namespace fupin::registry
