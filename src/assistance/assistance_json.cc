#include "assistance/assistance_json.h"

#include <cmath>

#include "access/personal_data.h"
#include "registry/registry_json.h"

namespace fupin::assistance {
namespace {

nlohmann::json Opt(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }
double Round2(double v) { return std::round(v * 100.0) / 100.0; }

nlohmann::json CountsJson(const CoverageCounts& c) {
  return {{"area_code", c.area_code},
          {"area_name", c.area_name},
          {"poor_villages", c.poor_villages},
          {"poor_villages_with_team", c.poor_villages_with_team},
          {"resident_coverage_rate", Round2(c.resident_coverage_rate())},
          {"households_registered", c.households_registered},
          {"households_paired", c.households_paired},
          {"pairing_coverage_rate", Round2(c.pairing_coverage_rate())},
          {"households_overdue", c.households_overdue}};
}

}  // namespace

nlohmann::json GapJson(const HouseholdGap& g) {
  return {{"household_id", g.household_id}, {"number", g.number},
          {"village_code", g.village_code}, {"village_name", g.village_name},
          {"status", g.status},             {"last_visit", Opt(g.last_visit)},
          {"cadre", g.cadre_name}};
}

nlohmann::json CadreJson(const Cadre& c) {
  return {{"id", c.id},
          {"code", Opt(c.code)},
          {"name", c.name},
          {"unit", c.unit},
          {"position", c.position},
          {"phone", c.phone ? nlohmann::json(access::MaskPhone(*c.phone)) : nlohmann::json(nullptr)},
          {"area_code", c.area_code},
          {"user", Opt(c.user_name)},
          {"left_on", Opt(c.left_on)},
          {"active_households", c.active_households}};
}

nlohmann::json DepartmentJson(const Department& d) {
  return {{"id", d.id}, {"area_code", d.area_code}, {"name", d.name}, {"responsibility", d.responsibility}};
}

nlohmann::json LeaderLinkJson(const LeaderLink& l) {
  return {{"id", l.id},         {"cadre_id", l.cadre_id},     {"cadre", l.cadre_name},
          {"position", l.position}, {"area_code", l.area_code}, {"area_name", l.area_name},
          {"start_date", l.start_date}, {"end_date", Opt(l.end_date)}};
}

nlohmann::json TeamJson(const WorkTeam& t) {
  nlohmann::json members = nlohmann::json::array();
  for (const auto& m : t.members) {
    members.push_back({{"id", m.id}, {"cadre_id", m.cadre_id}, {"cadre", m.cadre_name}, {"unit", m.unit},
                       {"role", m.role}, {"start_date", m.start_date}, {"end_date", Opt(m.end_date)}});
  }
  return {{"id", t.id},
          {"village_code", t.village_code},
          {"village_name", t.village_name},
          {"dispatching_unit", t.dispatching_unit},
          {"start_date", t.start_date},
          {"end_date", Opt(t.end_date)},
          {"members", members}};
}

nlohmann::json PairingJson(const Pairing& p) {
  return {{"id", p.id},
          {"cadre_id", p.cadre_id},
          {"cadre", p.cadre_name},
          {"household_id", p.household_id},
          {"household_number", p.household_number},
          {"village_code", p.village_code},
          {"start_date", p.start_date},
          {"end_date", Opt(p.end_date)},
          {"end_reason", Opt(p.end_reason)},
          {"handed_to", p.handed_to ? nlohmann::json(*p.handed_to) : nlohmann::json(nullptr)}};
}

nlohmann::json HandoverJson(const HandoverResult& r) {
  return {{"from_cadre_id", r.from_cadre_id}, {"to_cadre_id", r.to_cadre_id}, {"date", r.date},
          {"ended", r.ended}, {"opened", r.opened}};
}

nlohmann::json VisitJson(const Visit& v) {
  return {{"id", v.id},     {"household_id", v.household_id}, {"cadre_id", v.cadre_id}, {"cadre", v.cadre_name},
          {"date", v.date}, {"done", v.done}, {"promised", v.promised}, {"recorded_by", v.recorded_by}};
}

nlohmann::json MyHouseholdsJson(const MyHouseholds& view) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& h : view.households) {
    items.push_back({{"household_id", h.household_id},
                     {"number", h.number},
                     {"village_code", h.village_code},
                     {"village_name", h.village_name},
                     {"status", h.status},
                     {"paired_since", h.paired_since},
                     {"last_visit", Opt(h.last_visit)},
                     {"next_visit_due", h.next_visit_due},
                     {"overdue", h.overdue},
                     {"last_promised", h.last_promised}});
  }
  return {{"cadre", CadreJson(view.cadre)}, {"visit_interval_days", view.visit_interval_days}, {"households", items}};
}

nlohmann::json CoverageJson(const CoverageReport& r) {
  nlohmann::json breakdown = nlohmann::json::array();
  for (const auto& c : r.townships) breakdown.push_back(CountsJson(c));
  nlohmann::json villages = nlohmann::json::array();
  for (const auto& v : r.villages_without_team) villages.push_back({{"village_code", v.village_code}, {"village_name", v.village_name}});
  nlohmann::json without = nlohmann::json::array();
  for (const auto& g : r.households_without_cadre) without.push_back(GapJson(g));
  nlohmann::json late = nlohmann::json::array();
  for (const auto& g : r.households_not_visited) late.push_back(GapJson(g));
  nlohmann::json over = nlohmann::json::array();
  for (const auto& c : r.cadres_over_limit) {
    over.push_back({{"cadre_id", c.cadre_id}, {"name", c.name}, {"unit", c.unit}, {"households", c.households}});
  }
  return {{"as_of", r.as_of},
          {"pairing_household_limit", r.pairing_household_limit},
          {"visit_interval_days", r.visit_interval_days},
          {"total", CountsJson(r.total)},
          {"breakdown", breakdown},
          {"gaps",
           {{"villages_without_team", villages},
            {"households_without_cadre", without},
            {"households_not_visited", late},
            {"cadres_over_limit", over}}}};
}

nlohmann::json FiguresJson(const std::vector<AssistanceFigure>& figures) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& f : figures) {
    if (f.is_rate) {
      out[f.key] = {{"value", Round2(f.denominator == 0 ? 100.0 : 100.0 * static_cast<double>(f.numerator) /
                                                                        static_cast<double>(f.denominator))},
                    {"numerator", f.numerator},
                    {"denominator", f.denominator}};
    } else {
      out[f.key] = f.count;
    }
  }
  return out;
}

nlohmann::json ImportJson(const ImportResult& r) {
  return {{"kind", r.kind}, {"rows", r.rows}, {"added", r.added}};
}

}  // namespace fupin::assistance
