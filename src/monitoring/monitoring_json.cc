#include "monitoring/monitoring_json.h"

namespace fupin::monitoring {
namespace {

template <typename T>
nlohmann::json Opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json ThresholdJson(const Threshold& t) {
  return {{"id", t.id},           {"year", t.year},     {"province", t.province},
          {"line", FormatYuan(t.line)}, {"source", t.source}, {"set_by", t.set_by}};
}

nlohmann::json ParameterJson(const RuleParameter& p) {
  return {{"name", p.name},   {"value", p.value},   {"enabled", p.enabled}, {"unit", p.unit},
          {"label", p.label_zh}, {"kind", WireOf(ParameterKindTerms(), p.kind)}, {"source", p.source}, {"set_by", p.set_by}};
}

nlohmann::json AlertImportJson(const AlertImportResult& r) {
  return {{"import_id", r.import_id}, {"kind", r.kind},         {"year", r.year},
          {"rows", r.rows},           {"imported", r.imported}, {"skipped_rows", r.skipped_rows},
          {"rejected_rows", r.rejected_rows}, {"problems", dataio::ImportProblemsJson(r.problems)},
          {"dry_run", r.dry_run}};
}

nlohmann::json AlertJson(const Alert& a) {
  return {{"id", a.id},
          {"kind", a.kind},
          {"year", a.year},
          {"person_id", a.person_id},
          {"household_id", a.household_id},
          {"household_number", a.household_number},
          {"date", a.date},
          {"amount", a.amount ? nlohmann::json(FormatYuan(*a.amount)) : nlohmann::json(nullptr)},
          {"note", a.note}};
}

nlohmann::json CandidateJson(const Candidate& c) {
  nlohmann::json hits = nlohmann::json::array();
  for (const auto& h : c.hits) {
    nlohmann::json values = nlohmann::json::object();
    for (const auto& [k, v] : h.values) values[k] = v;
    hits.push_back({{"rule", WireOf(RiskRuleTerms(), h.rule)}, {"label", h.label_zh}, {"values", values}});
  }
  return {{"household_id", c.household_id},
          {"household_number", c.household_number},
          {"village_code", c.village_code},
          {"registry_status", c.registry_status},
          {"category", WireOf(CategoryTerms(), c.category)},
          {"category_label", LabelOf(CategoryTerms(), c.category)},
          {"members", c.members},
          {"rules", hits},
          {"case_id", Opt(c.case_id)},
          {"opened", c.opened}};
}

nlohmann::json ScanJson(const ScanResult& r) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& c : r.candidates) items.push_back(CandidateJson(c));
  return {{"year", r.year},
          {"area_code", r.area_code},
          {"line", FormatYuan(r.line)},
          {"households_scanned", r.households_scanned},
          {"cases_opened", r.cases_opened},
          {"total", r.candidates.size()},
          {"candidates", items}};
}

nlohmann::json StepJson(const CaseStep& s) {
  return {{"id", s.id},         {"step", s.step},       {"label", StepLabelZh(s.step)},
          {"action", s.action}, {"date", s.date},       {"end_date", Opt(s.end_date)},
          {"returned_to", Opt(s.returned_to)},          {"note", s.note},
          {"actor", s.actor},   {"role", s.role},       {"recorded_at", s.recorded_at}};
}

nlohmann::json MeasureJson(const Measure& m) {
  return {{"id", m.id},
          {"case_id", m.case_id},
          {"kind", WireOf(MeasureKindTerms(), m.kind)},
          {"description", m.description},
          {"policy_id", Opt(m.policy_id)},
          {"responsible", m.responsible},
          {"start_date", m.start_date},
          {"status", WireOf(MeasureStatusTerms(), m.status)},
          {"result", m.result},
          {"recorded_by", m.recorded_by}};
}

nlohmann::json CaseJson(const Case& c) {
  nlohmann::json j = {{"id", c.id},
                      {"household_id", c.household_id},
                      {"household_number", c.household_number},
                      {"village_code", c.village_code},
                      {"village_name", c.village_name},
                      {"year", c.year},
                      {"category", WireOf(CategoryTerms(), c.category)},
                      {"category_label", LabelOf(CategoryTerms(), c.category)},
                      {"source", c.source},
                      {"risks", nlohmann::json::parse(c.risks.empty() ? "[]" : c.risks)},
                      {"note", c.note},
                      {"status", WireOf(CaseStatusTerms(), c.status)},
                      {"stage", Opt(c.stage)},
                      {"stage_label", c.stage ? nlohmann::json(StepLabelZh(*c.stage)) : nlohmann::json(nullptr)},
                      {"alert_date", c.alert_date},
                      {"stage_since", c.stage_since},
                      {"entered_on", Opt(c.entered_on)},
                      {"closed_on", Opt(c.closed_on)},
                      {"opened_by", c.opened_by},
                      {"version", c.version}};
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : c.steps) steps.push_back(StepJson(s));
  nlohmann::json measures = nlohmann::json::array();
  for (const auto& m : c.measures) measures.push_back(MeasureJson(m));
  j["steps"] = steps;
  j["measures"] = measures;
  if (c.elimination) {
    const auto& e = *c.elimination;
    j["elimination"] = {{"date", e.date},
                        {"reason", WireOf(EliminationReasonTerms(), e.reason)},
                        {"evidence", e.evidence},
                        {"checks", nlohmann::json::parse(e.checks.empty() ? "{}" : e.checks)},
                        {"decided_by", e.decided_by},
                        {"role", e.role}};
  } else {
    j["elimination"] = nullptr;
  }
  return j;
}

nlohmann::json CasePageJson(const CasePage& page, int64_t limit, int64_t offset) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& c : page.items) {
    nlohmann::json j = CaseJson(c);
    j.erase("steps");
    j.erase("measures");
    j.erase("elimination");
    items.push_back(std::move(j));
  }
  return {{"total", page.total}, {"limit", limit}, {"offset", offset}, {"items", items}};
}

nlohmann::json OverdueJson(const std::vector<OverdueItem>& items) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& i : items) {
    a.push_back({{"case_id", i.case_id},
                 {"household_number", i.household_number},
                 {"village_code", i.village_code},
                 {"category", WireOf(CategoryTerms(), i.category)},
                 {"kind", WireOf(OverdueKindTerms(), i.kind)},
                 {"stage", i.stage.empty() ? nlohmann::json(nullptr) : nlohmann::json(i.stage)},
                 {"since", i.since},
                 {"days", i.days},
                 {"limit_days", i.limit}});
  }
  return {{"total", items.size()}, {"items", a}};
}

nlohmann::json FiguresJson(const MonitoringFigures& f) {
  nlohmann::json areas = nlohmann::json::array();
  for (const auto& a : f.by_area) {
    areas.push_back({{"area_code", a.area_code},
                     {"area_name", a.area_name},
                     {"identifying", a.identifying},
                     {"monitored", a.monitored},
                     {"eliminated", a.eliminated}});
  }
  return {{"area_code", f.area_code},
          {"year", f.year},
          {"as_of", f.as_of},
          {"households", f.households},
          {"persons", f.persons},
          {"by_category", {{"unstable", f.unstable}, {"marginal", f.marginal}, {"sudden", f.sudden}}},
          {"monitored_by_category",
           {{"unstable", f.monitored_unstable}, {"marginal", f.monitored_marginal}, {"sudden", f.monitored_sudden}}},
          {"by_status",
           {{"identifying", f.identifying}, {"monitored", f.monitored}, {"eliminated", f.eliminated},
            {"rejected", f.rejected}}},
          {"registered_persons", f.registered_persons},
          {"share_percent", f.share_percent()},
          {"days_to_entry", {{"cases", f.entries_timed}, {"average", f.days_to_entry_average()}, {"max", f.days_to_entry_max}}},
          {"days_to_elimination",
           {{"cases", f.eliminations_timed}, {"average", f.days_to_elimination_average()}, {"max", f.days_to_elimination_max}}},
          {"by_area", areas}};
}

}  // namespace fupin::monitoring
