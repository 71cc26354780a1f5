#include "social/social_json.h"

#include "core/money.h"

namespace fupin::social {
namespace {

nlohmann::json Opt(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }
nlohmann::json Yuan(const std::optional<Fen>& v) { return v ? nlohmann::json(FormatYuan(*v)) : nlohmann::json(nullptr); }

}  // namespace

nlohmann::json DonorToJson(const Donor& d) {
  return {{"id", d.id},
          {"user_id", d.user_id},
          {"user_name", d.user_name},
          {"display_name", d.display_name},
          {"kind", d.kind},
          {"county_code", d.county_code},
          {"township_code", Opt(d.township_code)},
          {"interests", d.interests},
          {"team", Opt(d.team)},
          {"registered_on", d.registered_on},
          {"version", d.version}};
}

nlohmann::json NeedToJson(const Need& n) {
  nlohmann::json j = {{"id", n.id},
                      {"village_code", n.village_code},
                      {"village_name", n.village_name},
                      {"township_name", n.township_name},
                      {"category", n.category},
                      {"title", n.title},
                      {"description", n.description},
                      {"amount", Yuan(n.amount)},
                      {"items", n.items},
                      {"deadline", n.deadline},
                      {"urgency", n.urgency},
                      {"status", WireOf(NeedStatusTerms(), n.status)},
                      {"close_reason", Opt(n.close_reason)},
                      {"published_on", Opt(n.published_on)},
                      {"closed_on", Opt(n.closed_on)},
                      {"received", FormatYuan(n.received)},
                      {"pledges", n.pledges},
                      {"dockings", n.dockings},
                      {"version", n.version}};
  if (n.household_id) j["household_id"] = *n.household_id;
  if (n.submitted_by) j["submitted_by"] = *n.submitted_by;
  if (n.reviewed_by) j["reviewed_by"] = *n.reviewed_by;
  if (n.review_note) j["review_note"] = *n.review_note;
  return j;
}

nlohmann::json PledgeToJson(const Pledge& p) {
  return {{"id", p.id},           {"need_id", p.need_id},       {"donor_id", p.donor_id},
          {"donor_name", p.donor_name}, {"village_code", p.village_code}, {"amount", Yuan(p.amount)},
          {"items", p.items},     {"pledged_on", p.pledged_on}, {"status", WireOf(PledgeStatusTerms(), p.status)}};
}

nlohmann::json DockingToJson(const Docking& k) {
  return {{"id", k.id},
          {"pledge_id", k.pledge_id},
          {"need_id", k.need_id},
          {"donor_id", k.donor_id},
          {"donor_name", k.donor_name},
          {"village_code", k.village_code},
          {"amount", Yuan(k.amount)},
          {"items", k.items},
          {"delivered_on", k.delivered_on},
          {"recorded_by", k.recorded_by},
          {"status", WireOf(DockingStatusTerms(), k.status)},
          {"confirmed_by", Opt(k.confirmed_by)},
          {"confirmed_on", Opt(k.confirmed_on)},
          {"note", k.note}};
}

nlohmann::json FeedbackToJson(const Feedback& f) {
  return {{"id", f.id},     {"docking_id", f.docking_id},   {"kind", f.kind},
          {"text", f.text}, {"recorded_by", f.recorded_by}, {"recorded_on", f.recorded_on}};
}

nlohmann::json FiguresToJson(const SocialFigures& f) {
  return {{"app_household_registration_rate", f.app_household_registration_rate()},
          {"households_registered", f.households_registered},
          {"households_on_app", f.households_on_app},
          {"donors_registered", f.donors_registered},
          {"needs_published", f.needs_published},
          {"dockings_succeeded", f.dockings_succeeded}};
}

}  // namespace fupin::social
