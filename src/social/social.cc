#include "social/social.h"

#include <unordered_set>
#include <algorithm>
#include <array>
#include <tuple>
#include <cmath>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "access/abilities.h"
#include "access/accounts.h"
#include "access/audit.h"
#include "access/pairing.h"
#include "access/permissions.h"
#include "core/area_code.h"
#include "core/error.h"
#include "social/internal.h"
#include "social/terms.h"
#include "social/text_check.h"
#include "registry/status.h"
#include "registry/vocab.h"

namespace fupin::social {

using internal::AreaRange;
using internal::JoinComma;
using internal::SplitComma;

namespace {

using access::Audit;
using access::Guard;
using access::Resource;
using access::Target;

constexpr std::array<const char*, 3> kKinds = {"individual", "enterprise", "organisation"};
constexpr std::array<const char*, 4> kTeams = {"volunteers", "experts", "supervisors", "ambassadors"};

template <size_t N>
bool OneOf(const std::array<const char*, N>& names, std::string_view value) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return value == n; });
}

template <size_t N>
std::string Names(const std::array<const char*, N>& names) {
  std::string out;
  for (const char* n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

// Cadres work for households (enrol them, publish their needs, record and
// confirm dockings); donors pledge (access::Ability, docs/ACCESS.md).
bool IsCadre(const Caller& c) { return access::Can(c, access::Ability::kWriteSocial); }
bool IsReviewer(const Caller& c) { return access::Can(c, access::Ability::kReviewNeeds); }
bool IsDonor(const Caller& c) { return access::Can(c, access::Ability::kPledge); }

// Whether a need in this state is on the public board (open or closed).
bool IsPublished(std::optional<NeedStatus> s) { return s == NeedStatus::kOpen || s == NeedStatus::kClosed; }

// The stored (and wire) string of a status, and the status of a stored string (a string outside
// the table is a broken store, named: never a status passed along).
std::string Wire(NeedStatus v) { return WireOf(NeedStatusTerms(), v); }
std::string Wire(PledgeStatus v) { return WireOf(PledgeStatusTerms(), v); }
std::string Wire(DockingStatus v) { return WireOf(DockingStatusTerms(), v); }
std::string Wire(NeedCloseReason v) { return WireOf(NeedCloseReasonTerms(), v); }
// "'open'": a status as an SQL literal, from the table.
template <class E>
std::string Sql(E v) {
  return "'" + Wire(v) + "'";
}
template <class E>
E Stored(std::span<const Term> terms, const std::string& text, const char* column) {
  const auto value = ParseWire<E>(terms, text);
  if (!value) throw Error::Internal(std::string(column) + " holds '" + text + "', not one of " + WireList(terms));
  return *value;
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char ch : s) {
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// A Guard that knows the pairings, so that a paired cadre reaches the needs
// of the households paired with them (and nothing of the others).
Guard PairedGuard(Audit& audit, store::Connection& db, const Clock& clock) {
  return Guard(audit, access::ActivePairingCheck(db, clock.Today()));
}

// Records a refusal of social records (the one shape of access::Deny) and throws.
[[noreturn]] void Deny(Audit& audit, const Caller& caller, const std::string& entity, const std::string& area,
                       const std::string& reason) {
  access::Deny(audit, caller, {access::Access::kWrite, Resource::kSocial, Target{area, std::nullopt, entity}, reason, std::nullopt});
}

void CheckPublicText(std::vector<ErrorDetail>& problems, const std::string& field, const std::string& text,
                     const Date& today) {
  for (const auto& f : FindPersonalData(text, today)) {
    problems.push_back({field, DescribeFinding(f) + "; public text must not carry ID or phone numbers"});
  }
}

std::optional<Date> ParseDateField(std::vector<ErrorDetail>& problems, const std::string& field,
                                   const std::string& text) {
  auto d = Date::Parse(text);
  if (!d) problems.push_back({field, "'" + text + "' is not a date (YYYY-MM-DD)"});
  return d;
}

constexpr std::string_view kDonorSelect =
    "SELECT d.id, d.user_id, u.name, d.display_name, d.kind, d.county_code, d.township_code, d.interests, d.team,"
    " d.registered_on, d.version FROM donor_profiles d JOIN users u ON u.id = d.user_id";

Donor ReadDonor(const store::Statement& s) {
  Donor d;
  d.id = s.Int(0);
  d.user_id = s.Int(1);
  d.user_name = s.Text(2);
  d.display_name = s.Text(3);
  d.kind = s.Text(4);
  d.county_code = s.Text(5);
  d.township_code = s.OptionalText(6);
  d.interests = SplitComma(s.Text(7));
  d.team = s.OptionalText(8);
  d.registered_on = s.Text(9);
  d.version = s.Int(10);
  return d;
}

std::optional<Donor> LoadDonor(store::Connection& db, const std::string& where, int64_t value) {
  auto s = db.Prepare(std::string(kDonorSelect) + " WHERE " + where);
  s->BindInt(1, value);
  if (!s->Step()) return std::nullopt;
  return ReadDonor(*s);
}

std::string DonorArea(const Donor& d) { return d.township_code.value_or(d.county_code); }

std::string DonorJson(const Donor& d) {
  return nlohmann::json{{"display_name", d.display_name},
                        {"kind", d.kind},
                        {"county_code", d.county_code},
                        {"township_code", d.township_code ? nlohmann::json(*d.township_code) : nullptr},
                        {"interests", d.interests},
                        {"team", d.team ? nlohmann::json(*d.team) : nullptr},
                        {"version", d.version}}
      .dump();
}

constexpr std::string_view kNeedSelect =
    "SELECT n.id, n.household_id, n.village_code, COALESCE(v.name, ''), COALESCE(t.name, ''), n.category, n.title,"
    " n.description, n.amount_fen, n.items, n.deadline, n.urgency, n.status, n.close_reason, n.submitted_by,"
    " n.reviewed_by, n.review_note, n.published_on, n.closed_on, n.received_fen, n.pledge_count, n.docking_count,"
    " n.version FROM needs n LEFT JOIN areas v ON v.code = n.village_code"
    " LEFT JOIN areas t ON t.code = substr(n.village_code, 1, 9)";

Need ReadNeed(const store::Statement& s, bool full) {
  Need n;
  n.id = s.Int(0);
  if (full) n.household_id = s.Int(1);
  n.village_code = s.Text(2);
  n.village_name = s.Text(3);
  n.township_name = s.Text(4);
  n.category = s.Text(5);
  n.title = s.Text(6);
  n.description = s.Text(7);
  n.amount = s.OptionalInt(8);
  n.items = s.Text(9);
  n.deadline = s.Text(10);
  n.urgency = s.Text(11);
  n.status = Stored<NeedStatus>(NeedStatusTerms(), s.Text(12), "needs.status");
  n.close_reason = s.OptionalText(13);
  if (full) {
    n.submitted_by = s.Text(14);
    n.reviewed_by = s.OptionalText(15);
    n.review_note = s.Text(16);
  }
  n.published_on = s.OptionalText(17);
  n.closed_on = s.OptionalText(18);
  n.received = s.Int(19);
  n.pledges = s.Int(20);
  n.dockings = s.Int(21);
  n.version = s.Int(22);
  return n;
}

std::string NeedJson(const Need& n) {
  return nlohmann::json{{"village_code", n.village_code},
                        {"category", n.category},
                        {"title", n.title},
                        {"description", n.description},
                        {"amount_fen", n.amount ? nlohmann::json(*n.amount) : nullptr},
                        {"items", n.items},
                        {"deadline", n.deadline},
                        {"urgency", n.urgency},
                        {"status", Wire(n.status)},
                        {"close_reason", n.close_reason ? nlohmann::json(*n.close_reason) : nullptr},
                        {"received_fen", n.received},
                        {"version", n.version}}
      .dump();
}

constexpr std::string_view kPledgeSelect =
    "SELECT p.id, p.need_id, p.donor_id, d.display_name, n.village_code, p.amount_fen, p.items, p.pledged_on,"
    " p.status FROM pledges p JOIN needs n ON n.id = p.need_id JOIN donor_profiles d ON d.id = p.donor_id";

Pledge ReadPledge(const store::Statement& s) {
  Pledge p;
  p.id = s.Int(0);
  p.need_id = s.Int(1);
  p.donor_id = s.Int(2);
  p.donor_name = s.Text(3);
  p.village_code = s.Text(4);
  p.amount = s.OptionalInt(5);
  p.items = s.Text(6);
  p.pledged_on = s.Text(7);
  p.status = Stored<PledgeStatus>(PledgeStatusTerms(), s.Text(8), "pledges.status");
  return p;
}

std::string PledgeJson(const Pledge& p) {
  return nlohmann::json{{"need_id", p.need_id},
                        {"donor_id", p.donor_id},
                        {"amount_fen", p.amount ? nlohmann::json(*p.amount) : nullptr},
                        {"items", p.items},
                        {"pledged_on", p.pledged_on},
                        {"status", Wire(p.status)}}
      .dump();
}

constexpr std::string_view kDockingSelect =
    "SELECT k.id, k.pledge_id, k.need_id, k.donor_id, d.display_name, n.village_code, k.amount_fen, k.items,"
    " k.delivered_on, k.recorded_by, k.status, k.confirmed_by, k.confirmed_on, k.note FROM dockings k"
    " JOIN needs n ON n.id = k.need_id JOIN donor_profiles d ON d.id = k.donor_id";

Docking ReadDocking(const store::Statement& s) {
  Docking k;
  k.id = s.Int(0);
  k.pledge_id = s.Int(1);
  k.need_id = s.Int(2);
  k.donor_id = s.Int(3);
  k.donor_name = s.Text(4);
  k.village_code = s.Text(5);
  k.amount = s.OptionalInt(6);
  k.items = s.Text(7);
  k.delivered_on = s.Text(8);
  k.recorded_by = s.Text(9);
  k.status = Stored<DockingStatus>(DockingStatusTerms(), s.Text(10), "dockings.status");
  k.confirmed_by = s.OptionalText(11);
  k.confirmed_on = s.OptionalText(12);
  k.note = s.Text(13);
  return k;
}

std::string DockingJson(const Docking& k) {
  return nlohmann::json{{"pledge_id", k.pledge_id},
                        {"need_id", k.need_id},
                        {"donor_id", k.donor_id},
                        {"amount_fen", k.amount ? nlohmann::json(*k.amount) : nullptr},
                        {"items", k.items},
                        {"delivered_on", k.delivered_on},
                        {"status", Wire(k.status)},
                        {"note", k.note}}
      .dump();
}

void TouchNeed(store::Connection& db, int64_t need_id) {
  auto s = db.Prepare("INSERT INTO need_changes (need_id) VALUES (?)");
  s->BindInt(1, need_id);
  s->Run();
}

std::optional<std::string> HouseholdVillage(store::Connection& db, int64_t household_id) {
  auto s = db.Prepare("SELECT village_code FROM households WHERE id = ?");
  s->BindInt(1, household_id);
  if (!s->Step()) return std::nullopt;
  return s->Text(0);
}

void ValidateInterests(std::vector<ErrorDetail>& problems, const std::vector<std::string>& interests) {
  for (size_t i = 0; i < interests.size(); ++i) {
    if (CategoryIndex(interests[i]) < 0) {
      problems.push_back({"interests/" + std::to_string(i),
                          "unknown category " + interests[i] +
                              " (production, living, education, medical, employment, other)"});
    }
  }
}

void ValidateResidence(store::Connection& db, std::vector<ErrorDetail>& problems, const std::string& county,
                       const std::optional<std::string>& township) {
  auto level_of = [&db](const std::string& code) -> std::optional<int64_t> {
    auto s = db.Prepare("SELECT level FROM areas WHERE code = ?");
    s->BindText(1, code);
    if (!s->Step()) return std::nullopt;
    return s->Int(0);
  };
  if (county.size() != 6 || level_of(county) != 3) {
    problems.push_back({"county_code", "'" + county + "' is not a known county (6 digits)"});
  }
  if (township) {
    if (township->size() != 9 || !township->starts_with(county) || level_of(*township) != 4) {
      problems.push_back({"township_code", "'" + *township + "' is not a known township of county " + county});
    }
  }
}

}  // namespace

// ---------------------------------------------------------------- donors

Donor SocialService::RegisterDonor(const DonorRegistration& r, const access::PasswordHasher& hasher,
                                   std::string_view source, const RegistrationLimits& limits) {
  const int64_t now = clock_.NowSeconds();
  {
    auto count = db_.Prepare(
        "SELECT (SELECT COUNT(*) FROM donor_registration_attempts WHERE source = ? AND at > ?),"
        " (SELECT COUNT(*) FROM donor_registration_attempts WHERE at > ?)");
    count->BindText(1, source);
    count->BindInt(2, now - 3600);
    count->BindInt(3, now - 3600);
    count->Step();
    if (count->Int(0) >= limits.per_source_per_hour) {
      throw Error(ErrorCode::kResourceExhausted, "too many donor registrations from this address; try again later");
    }
    if (count->Int(1) >= limits.total_per_hour) {
      throw Error(ErrorCode::kResourceExhausted, "too many donor registrations at the moment; try again later");
    }
    store::Transaction tx(db_);
    auto insert = db_.Prepare("INSERT INTO donor_registration_attempts (source, at) VALUES (?, ?)");
    insert->BindText(1, source);
    insert->BindInt(2, now);
    insert->Run();
    auto prune = db_.Prepare("DELETE FROM donor_registration_attempts WHERE at < ?");
    prune->BindInt(1, now - 86400);
    prune->Run();
    tx.Commit();
  }

  std::vector<ErrorDetail> problems;
  const size_t name_length = CodePoints(r.display_name);
  if (name_length == 0 || name_length > 100) problems.push_back({"display_name", "must have 1 to 100 characters"});
  CheckPublicText(problems, "display_name", r.display_name, clock_.Today());
  if (!OneOf(kKinds, r.kind)) problems.push_back({"kind", "must be one of " + Names(kKinds)});
  ValidateResidence(db_, problems, r.county_code, r.township_code);
  ValidateInterests(problems, r.interests);
  if (r.team && !OneOf(kTeams, *r.team)) problems.push_back({"team", "must be one of " + Names(kTeams)});
  if (!problems.empty()) throw Error::InvalidArgument("the donor registration is not valid", std::move(problems));

  // The account is made by the registration desk, an administrator of the
  // nation that exists only for this (user id 0 in the audit trail).
  const Caller registrar = access::RegistrationDesk();
  access::Accounts accounts(db_, clock_, hasher);
  store::Transaction tx(db_);
  const access::User user = accounts.AddUser(registrar, {r.user_name, access::SelfRegisteredRole(), ""}, r.password);
  auto insert = db_.Prepare(
      "INSERT INTO donor_profiles (user_id, display_name, kind, county_code, township_code, interests, team,"
      " registered_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  insert->BindInt(1, user.id);
  insert->BindText(2, r.display_name);
  insert->BindText(3, r.kind);
  insert->BindText(4, r.county_code);
  insert->BindOptionalText(5, r.township_code);
  insert->BindText(6, JoinComma(r.interests));
  insert->BindOptionalText(7, r.team);
  insert->BindText(8, clock_.Today().ToString());
  insert->BindInt(9, now);
  insert->BindInt(10, now);
  insert->Step();
  const int64_t id = insert->Int(0);
  insert.reset();
  Donor donor = *LoadDonor(db_, "d.id = ?", id);
  Audit(db_, clock_).Record(user.AsCaller(), {"donor.register", "donor/" + std::to_string(id), DonorArea(donor),
                                              std::nullopt, DonorJson(donor)});
  tx.Commit();
  return donor;
}

Donor SocialService::MyProfile(const Caller& caller) {
  auto d = LoadDonor(db_, "d.user_id = ?", caller.user_id);
  if (!d) throw Error::NotFound("user " + caller.user_name + " has no donor profile");
  return *d;
}

Donor SocialService::GetDonor(const Caller& caller, int64_t donor_id) {
  Audit audit(db_, clock_);
  auto d = LoadDonor(db_, "d.id = ?", donor_id);
  const std::string entity = "donor/" + std::to_string(donor_id);
  if (IsDonor(caller)) {
    if (!d || d->user_id != caller.user_id) Deny(audit, caller, entity, "", "donors read only their own profile");
    return *d;
  }
  if (!d) throw Error::NotFound("no donor " + std::to_string(donor_id));
  PairedGuard(audit, db_, clock_).RequireRead(caller, Resource::kSocial, Target{DonorArea(*d), std::nullopt, entity});
  return *d;
}

Donor SocialService::UpdateDonor(const Caller& caller, int64_t donor_id, int64_t expected_version,
                                 const DonorPatch& patch) {
  Audit audit(db_, clock_);
  const std::string entity = "donor/" + std::to_string(donor_id);
  auto before = LoadDonor(db_, "d.id = ?", donor_id);
  const bool own = before && before->user_id == caller.user_id && IsDonor(caller);
  if (!own && !access::Can(caller, access::Ability::kManageDonors)) {
    Deny(audit, caller, entity, before ? DonorArea(*before) : "", "only the donor changes their profile");
  }
  if (!before) throw Error::NotFound("no donor " + std::to_string(donor_id));
  if (!own) PairedGuard(audit, db_, clock_).RequireWrite(caller, Resource::kSocial, Target{DonorArea(*before), std::nullopt, entity});
  if (before->version != expected_version) {
    throw Error::Conflict("donor " + std::to_string(donor_id) + " was changed by someone else; reload and try again");
  }
  Donor after = *before;
  if (patch.display_name) after.display_name = *patch.display_name;
  if (patch.county_code) after.county_code = *patch.county_code;
  if (patch.township_code) after.township_code = *patch.township_code;
  if (patch.interests) after.interests = *patch.interests;
  if (patch.team) after.team = *patch.team;
  std::vector<ErrorDetail> problems;
  const size_t name_length = CodePoints(after.display_name);
  if (name_length == 0 || name_length > 100) problems.push_back({"display_name", "must have 1 to 100 characters"});
  CheckPublicText(problems, "display_name", after.display_name, clock_.Today());
  ValidateResidence(db_, problems, after.county_code, after.township_code);
  ValidateInterests(problems, after.interests);
  if (after.team && !OneOf(kTeams, *after.team)) problems.push_back({"team", "must be one of " + Names(kTeams)});
  if (!problems.empty()) throw Error::InvalidArgument("the donor profile is not valid", std::move(problems));

  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "UPDATE donor_profiles SET display_name = ?, county_code = ?, township_code = ?, interests = ?, team = ?,"
      " version = version + 1, updated_at = ? WHERE id = ? AND version = ?");
  s->BindText(1, after.display_name);
  s->BindText(2, after.county_code);
  s->BindOptionalText(3, after.township_code);
  s->BindText(4, JoinComma(after.interests));
  s->BindOptionalText(5, after.team);
  s->BindInt(6, clock_.NowSeconds());
  s->BindInt(7, donor_id);
  s->BindInt(8, expected_version);
  if (s->Run() != 1) throw Error::Conflict("donor " + std::to_string(donor_id) + " was changed by someone else");
  after = *LoadDonor(db_, "d.id = ?", donor_id);
  audit.Record(caller, {"donor.update", entity, DonorArea(after), DonorJson(*before), DonorJson(after)});
  tx.Commit();
  return after;
}

Page<Donor> SocialService::ListDonors(const Caller& caller, const std::string& area_code,
                                      const std::optional<std::string>& team, int64_t limit, int64_t offset) {
  Audit audit(db_, clock_);
  if (IsDonor(caller)) Deny(audit, caller, "donor/", "", "donors do not read other donors");
  const access::ReadScope scope = access::ReadScopeFor(caller, Resource::kSocial);
  if (!scope.allowed) Deny(audit, caller, "donor/", area_code, std::string(RoleName(caller.role)) + " may not read social");
  std::string prefix = scope.area_prefix;
  if (!area_code.empty()) {
    PairedGuard(audit, db_, clock_).RequireRead(caller, Resource::kSocial, Target{area_code, std::nullopt, "donor/"});
    prefix = area_code;
  }
  if (limit < 1 || limit > 500) throw Error::InvalidArgument("bad limit", {{"limit", "must be 1 to 500"}});
  const auto [lo, hi] = AreaRange(prefix);
  const std::string where =
      " WHERE COALESCE(d.township_code, d.county_code) >= ?1 AND COALESCE(d.township_code, d.county_code) < ?2"
      " AND (?3 = '' OR d.team = ?3)";
  Page<Donor> page;
  auto count = db_.Prepare("SELECT COUNT(*) FROM donor_profiles d" + where);
  count->BindText(1, lo);
  count->BindText(2, hi);
  count->BindText(3, team.value_or(""));
  count->Step();
  page.total = count->Int(0);
  auto s = db_.Prepare(std::string(kDonorSelect) + where + " ORDER BY d.id LIMIT ?4 OFFSET ?5");
  s->BindText(1, lo);
  s->BindText(2, hi);
  s->BindText(3, team.value_or(""));
  s->BindInt(4, limit);
  s->BindInt(5, offset);
  while (s->Step()) page.items.push_back(ReadDonor(*s));
  return page;
}

// ---------------------------------------------------------------- households on the platform

void SocialService::EnrolHousehold(const Caller& caller, int64_t household_id, const std::optional<std::string>& date) {
  Audit audit(db_, clock_);
  const std::string entity = "household/" + std::to_string(household_id);
  if (!IsCadre(caller)) Deny(audit, caller, entity, "", "only cadres enrol households on the platform");
  auto village = HouseholdVillage(db_, household_id);
  if (!village) throw Error::NotFound("no household " + std::to_string(household_id));
  PairedGuard(audit, db_, clock_).RequireWrite(caller, Resource::kSocial, Target{*village, household_id, entity});
  std::string on = clock_.Today().ToString();
  if (date) {
    std::vector<ErrorDetail> problems;
    auto d = ParseDateField(problems, "date", *date);
    if (d && *d > clock_.Today()) problems.push_back({"date", "lies in the future"});
    if (!problems.empty()) throw Error::InvalidArgument("bad enrolment date", std::move(problems));
    on = *date;
  }
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO household_app_registrations (household_id, enrolled_on, enrolled_by, created_at)"
      " VALUES (?, ?, ?, ?) ON CONFLICT (household_id) DO NOTHING");
  s->BindInt(1, household_id);
  s->BindText(2, on);
  s->BindText(3, caller.user_name);
  s->BindInt(4, clock_.NowSeconds());
  if (s->Run() == 1) {
    audit.Record(caller, {"household.app_enrol", entity, *village, std::nullopt,
                          nlohmann::json{{"enrolled_on", on}}.dump()});
  }
  tx.Commit();
}

// ---------------------------------------------------------------- needs

Need SocialService::PublishNeed(const Caller& caller, const NeedInput& in) {
  Audit audit(db_, clock_);
  const std::string entity = "household/" + std::to_string(in.household_id);
  if (!IsCadre(caller)) Deny(audit, caller, "need/", "", "only cadres publish needs for a household");
  auto village = HouseholdVillage(db_, in.household_id);
  if (!village) {
    throw Error::InvalidArgument("no such household", {{"household_id", "no household " + std::to_string(in.household_id)}});
  }
  PairedGuard(audit, db_, clock_).RequireWrite(caller, Resource::kSocial, Target{*village, in.household_id, entity});

  const Date today = clock_.Today();
  std::vector<ErrorDetail> problems;
  if (CategoryIndex(in.category) < 0) {
    problems.push_back({"category", "must be one of production, living, education, medical, employment, other"});
  }
  const size_t title_length = CodePoints(in.title);
  if (title_length == 0 || title_length > 100) problems.push_back({"title", "must have 1 to 100 characters"});
  if (CodePoints(in.description) > 2000) problems.push_back({"description", "must have at most 2000 characters"});
  if (CodePoints(in.items) > 500) problems.push_back({"items", "must have at most 500 characters"});
  if (in.amount && *in.amount <= 0) problems.push_back({"amount", "must be more than 0"});
  if (!in.amount && in.items.empty()) problems.push_back({"amount", "give an amount, items, or both"});
  if (auto d = ParseDateField(problems, "deadline", in.deadline); d && *d < today) {
    problems.push_back({"deadline", "lies in the past"});
  }
  if (UrgencyIndex(in.urgency) < 0) problems.push_back({"urgency", "must be normal, urgent or critical"});
  CheckPublicText(problems, "title", in.title, today);
  CheckPublicText(problems, "description", in.description, today);
  CheckPublicText(problems, "items", in.items, today);
  if (!problems.empty()) throw Error::InvalidArgument("the need cannot be published", std::move(problems));

  const int64_t now = clock_.NowSeconds();
  store::Transaction tx(db_);
  // The cadre acting for the household registers it on the platform, if not yet.
  auto enrol = db_.Prepare(
      "INSERT INTO household_app_registrations (household_id, enrolled_on, enrolled_by, created_at)"
      " VALUES (?, ?, ?, ?) ON CONFLICT (household_id) DO NOTHING");
  enrol->BindInt(1, in.household_id);
  enrol->BindText(2, today.ToString());
  enrol->BindText(3, caller.user_name);
  enrol->BindInt(4, now);
  if (enrol->Run() == 1) {
    audit.Record(caller, {"household.app_enrol", entity, *village, std::nullopt,
                          nlohmann::json{{"enrolled_on", today.ToString()}}.dump()});
  }
  auto s = db_.Prepare(
      "INSERT INTO needs (household_id, village_code, category, title, description, amount_fen, items, deadline,"
      " urgency, status, submitted_by, submitted_on, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, " + Sql(NeedStatus::kPendingReview) + ", ?, ?, ?, ?) RETURNING id");
  s->BindInt(1, in.household_id);
  s->BindText(2, *village);
  s->BindText(3, in.category);
  s->BindText(4, in.title);
  s->BindText(5, in.description);
  s->BindOptionalInt(6, in.amount);
  s->BindText(7, in.items);
  s->BindText(8, in.deadline);
  s->BindText(9, in.urgency);
  s->BindText(10, caller.user_name);
  s->BindText(11, today.ToString());
  s->BindInt(12, now);
  s->BindInt(13, now);
  s->Step();
  const int64_t id = s->Int(0);
  s.reset();
  TouchNeed(db_, id);
  auto load = db_.Prepare(std::string(kNeedSelect) + " WHERE n.id = ?");
  load->BindInt(1, id);
  load->Step();
  Need need = ReadNeed(*load, true);
  load.reset();
  audit.Record(caller, {"need.publish", "need/" + std::to_string(id), *village, std::nullopt, NeedJson(need)});
  tx.Commit();
  return need;
}

namespace {

// A need with the household and area as the service needs them for checks.
std::optional<Need> LoadNeed(store::Connection& db, int64_t id) {
  auto s = db.Prepare(std::string(kNeedSelect) + " WHERE n.id = ?");
  s->BindInt(1, id);
  if (!s->Step()) return std::nullopt;
  return ReadNeed(*s, true);
}

Need MustLoadNeed(store::Connection& db, int64_t id) {
  auto n = LoadNeed(db, id);
  if (!n) throw Error::NotFound("no need " + std::to_string(id));
  return *n;
}

// Releases the open pledges of a need that closed.
void ReleasePledges(store::Connection& db, int64_t need_id) {
  auto s = db.Prepare("UPDATE pledges SET status = " + Sql(PledgeStatus::kReleased) + " WHERE need_id = ? AND status = " +
                      Sql(PledgeStatus::kOpen));
  s->BindInt(1, need_id);
  s->Run();
}

}  // namespace

Need SocialService::ReviewNeed(const Caller& caller, int64_t need_id, bool approve, const std::string& note) {
  Audit audit(db_, clock_);
  const std::string entity = "need/" + std::to_string(need_id);
  const Need before = MustLoadNeed(db_, need_id);
  if (!IsReviewer(caller)) Deny(audit, caller, entity, before.village_code, "only townships and the county office review needs");
  PairedGuard(audit, db_, clock_).RequireWrite(caller, Resource::kSocial, Target{before.village_code, std::nullopt, entity});
  if (before.status != NeedStatus::kPendingReview) {
    throw Error::FailedPrecondition("need " + std::to_string(need_id) + " is " + Wire(before.status) +
                                    ", not waiting for review");
  }
  if (before.submitted_by == caller.user_name) {
    throw Error::FailedPrecondition("a need is reviewed by someone other than the cadre who submitted it");
  }
  std::vector<ErrorDetail> problems;
  if (!approve && note.empty()) problems.push_back({"note", "say why the need is rejected"});
  if (CodePoints(note) > 500) problems.push_back({"note", "must have at most 500 characters"});
  if (!problems.empty()) throw Error::InvalidArgument("bad review", std::move(problems));
  const std::string today = clock_.Today().ToString();
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "UPDATE needs SET status = ?, reviewed_by = ?, review_note = ?, published_on = ?, version = version + 1,"
      " updated_at = ? WHERE id = ?");
  s->BindText(1, Wire(approve ? NeedStatus::kOpen : NeedStatus::kRejected));
  s->BindText(2, caller.user_name);
  s->BindText(3, note);
  if (approve) s->BindText(4, today);
  else s->BindNull(4);
  s->BindInt(5, clock_.NowSeconds());
  s->BindInt(6, need_id);
  s->Run();
  TouchNeed(db_, need_id);
  Need after = MustLoadNeed(db_, need_id);
  audit.Record(caller, {approve ? "need.approve" : "need.reject", entity, after.village_code, NeedJson(before),
                        NeedJson(after)});
  tx.Commit();
  return after;
}

Need SocialService::GetNeed(const Caller& caller, int64_t need_id) {
  Audit audit(db_, clock_);
  const std::string entity = "need/" + std::to_string(need_id);
  auto need = LoadNeed(db_, need_id);
  const bool donor = IsDonor(caller);
  // Donors never learn that an unpublished need exists.
  if (!need || (donor && !IsPublished(need->status))) {
    throw Error::NotFound("no need " + std::to_string(need_id));
  }
  PairedGuard(audit, db_, clock_).RequireRead(caller, Resource::kSocial, Target{need->village_code, need->household_id, entity});
  if (donor) {
    need->household_id.reset();
    need->submitted_by.reset();
    need->reviewed_by.reset();
    need->review_note.reset();
  }
  return *need;
}

NeedPage SocialService::ListNeeds(const Caller& caller, const NeedFilter& f) {
  Audit audit(db_, clock_);
  const access::ReadScope scope = access::ReadScopeFor(caller, Resource::kSocial);
  if (!scope.allowed) Deny(audit, caller, "need/", f.area_code, std::string(RoleName(caller.role)) + " may not read social");
  const bool donor = IsDonor(caller);
  std::vector<ErrorDetail> problems;
  if (f.limit < 1 || f.limit > 500) problems.push_back({"limit", "must be 1 to 500"});
  if (f.offset < 0) problems.push_back({"offset", "must not be negative"});
  if (f.category && CategoryIndex(*f.category) < 0) problems.push_back({"category", "unknown category " + *f.category});
  if (f.urgency && UrgencyIndex(*f.urgency) < 0) problems.push_back({"urgency", "must be normal, urgent or critical"});
  if (f.status) {
    if (!ParseNeedStatus(*f.status)) problems.push_back({"status", "unknown status " + *f.status});
    else if (donor && !IsPublished(ParseNeedStatus(*f.status))) problems.push_back({"status", "donors see open and closed needs only"});
  }
  if (donor && f.household_id) problems.push_back({"household_id", "donors do not look needs up by household"});
  if (!problems.empty()) throw Error::InvalidArgument("bad need filter", std::move(problems));
  std::string prefix = scope.area_prefix;
  if (!f.area_code.empty()) {
    auto area = NormalizeAreaCode(f.area_code);
    if (!area) throw Error::InvalidArgument("bad area", {{"area_code", "'" + f.area_code + "' is not an area code"}});
    if (AreaContains(*area, caller.area_scope)) {
      prefix = caller.area_scope;
    } else {
      PairedGuard(audit, db_, clock_).RequireRead(caller, Resource::kSocial, Target{*area, std::nullopt, "need/"});
      prefix = *area;
    }
  }
  // Named, not a structured binding: the lambda below captures them (clang 14 refuses that).
  const auto range = AreaRange(prefix);
  const std::string& lo = range.first;
  const std::string& hi = range.second;
  std::string where =
      " WHERE n.village_code >= ?1 AND n.village_code < ?2 AND (?3 = '' OR n.category = ?3)"
      " AND (CAST(?4 AS BIGINT) IS NULL OR n.amount_fen >= ?4) AND (CAST(?5 AS BIGINT) IS NULL OR n.amount_fen <= ?5)"
      " AND (?6 = '' OR n.urgency = ?6)"
      " AND (?7 = '' OR n.status = ?7) AND (?8 = 0 OR n.household_id = ?8)";
  if (donor) where += " AND n.status IN (" + Sql(NeedStatus::kOpen) + ", " + Sql(NeedStatus::kClosed) + ")";
  // A paired cadre: only needs of the households paired with them.
  // (Numbered parameters without gaps: PostgreSQL must see each one used; a NULL
  // parameter tested alone needs its type, hence the CASTs.)
  if (scope.paired_households_only) where += " AND n.household_id IN (" + access::PairedHouseholdIdsSql(9, 10) + ")";
  const int paging = scope.paired_households_only ? 11 : 9;
  const std::string today = clock_.Today().ToString();
  auto bind = [&](store::Statement& s) {
    s.BindText(1, lo);
    s.BindText(2, hi);
    s.BindText(3, f.category.value_or(""));
    s.BindOptionalInt(4, f.min_amount);
    s.BindOptionalInt(5, f.max_amount);
    s.BindText(6, f.urgency.value_or(""));
    s.BindText(7, f.status.value_or(""));
    s.BindInt(8, f.household_id.value_or(0));
    if (scope.paired_households_only) {
      s.BindInt(9, caller.user_id);
      s.BindText(10, today);
    }
  };
  NeedPage page;
  auto count = db_.Prepare("SELECT COUNT(*) FROM needs n" + where);
  bind(*count);
  count->Step();
  page.total = count->Int(0);
  auto s = db_.Prepare(std::string(kNeedSelect) + where + " ORDER BY n.id DESC LIMIT ?" + std::to_string(paging) +
                       " OFFSET ?" + std::to_string(paging + 1));
  bind(*s);
  s->BindInt(paging, f.limit);
  s->BindInt(paging + 1, f.offset);
  while (s->Step()) page.items.push_back(ReadNeed(*s, !donor));
  return page;
}

Need SocialService::MarkFulfilled(const Caller& caller, int64_t need_id, const std::string& note) {
  Audit audit(db_, clock_);
  const std::string entity = "need/" + std::to_string(need_id);
  const Need before = MustLoadNeed(db_, need_id);
  if (!IsCadre(caller)) Deny(audit, caller, entity, before.village_code, "only cadres mark a need fulfilled");
  PairedGuard(audit, db_, clock_).RequireWrite(caller, Resource::kSocial, Target{before.village_code, before.household_id, entity});
  if (before.status != NeedStatus::kOpen) {
    throw Error::FailedPrecondition("need " + std::to_string(need_id) + " is " + Wire(before.status) + ", not open");
  }
  if (CodePoints(note) > 500) throw Error::InvalidArgument("bad note", {{"note", "must have at most 500 characters"}});
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "UPDATE needs SET status = " + Sql(NeedStatus::kClosed) +
      ", close_reason = " + Sql(NeedCloseReason::kMarkedFulfilled) + ", closed_on = ?,"
      " review_note = CASE WHEN ? = '' THEN review_note ELSE ? END, version = version + 1, updated_at = ? WHERE id = ?");
  s->BindText(1, clock_.Today().ToString());
  s->BindText(2, note);
  s->BindText(3, note);
  s->BindInt(4, clock_.NowSeconds());
  s->BindInt(5, need_id);
  s->Run();
  ReleasePledges(db_, need_id);
  TouchNeed(db_, need_id);
  Need after = MustLoadNeed(db_, need_id);
  audit.Record(caller, {"need.fulfil", entity, after.village_code, NeedJson(before), NeedJson(after)});
  tx.Commit();
  return after;
}

// ---------------------------------------------------------------- suggestions

std::vector<NeedSuggestion> SocialService::SuggestNeeds(const Caller& caller, int64_t limit) {
  Audit audit(db_, clock_);
  if (!IsDonor(caller)) Deny(audit, caller, "need/", "", "suggestions of needs are for donors");
  if (limit < 1 || limit > 100) throw Error::InvalidArgument("bad limit", {{"limit", "must be 1 to 100"}});
  const Donor me = MyProfile(caller);
  NeedIndex local;
  NeedIndex& index = index_ ? *index_ : local;
  index.Refresh(db_);
  DonorPreferences prefs;
  prefs.county_code = me.county_code;
  prefs.township_code = me.township_code.value_or("");
  for (const auto& i : me.interests) {
    if (int c = CategoryIndex(i); c >= 0) prefs.interests |= 1u << c;
  }
  prefs.area_prefix = caller.area_scope;
  prefs.today = clock_.Today();
  const auto ranked = index.Top(prefs, static_cast<size_t>(limit));
  if (ranked.empty()) return {};
  std::string in;
  for (size_t i = 0; i < ranked.size(); ++i) in += i ? ", ?" : "?";
  // By id only: a condition on status would let the planner walk the status index instead.
  auto s = db_.Prepare(std::string(kNeedSelect) + " WHERE n.id IN (" + in + ")");
  for (size_t i = 0; i < ranked.size(); ++i) s->BindInt(static_cast<int>(i + 1), ranked[i].id);
  std::unordered_map<int64_t, Need> needs;
  while (s->Step()) {
    Need n = ReadNeed(*s, false);
    if (n.status == NeedStatus::kOpen) needs.emplace(n.id, std::move(n));
  }
  std::vector<NeedSuggestion> out;
  for (const auto& r : ranked) {
    auto it = needs.find(r.id);
    if (it == needs.end()) continue;  // closed since the index looked
    NeedSuggestion sug{it->second, {}};
    if (r.same_township) sug.reasons.push_back("same_township");
    else if (r.same_county) sug.reasons.push_back("same_county");
    if (r.interest) sug.reasons.push_back("interest");
    if (r.urgency == 2) sug.reasons.push_back("critical");
    if (r.urgency == 1) sug.reasons.push_back("urgent");
    if (r.pledges == 0) sug.reasons.push_back("no_help_yet");
    out.push_back(std::move(sug));
  }
  return out;
}

std::vector<DonorSuggestion> SocialService::SuggestDonors(const Caller& caller, int64_t need_id, int64_t limit) {
  Audit audit(db_, clock_);
  const std::string entity = "need/" + std::to_string(need_id);
  const Need need = MustLoadNeed(db_, need_id);
  if (!IsCadre(caller)) Deny(audit, caller, entity, need.village_code, "only cadres get donors suggested");
  PairedGuard(audit, db_, clock_).RequireRead(caller, Resource::kSocial, Target{need.village_code, need.household_id, entity});
  if (limit < 1 || limit > 100) throw Error::InvalidArgument("bad limit", {{"limit", "must be 1 to 100"}});
  const std::string county = need.village_code.substr(0, 6);
  const std::string township = need.village_code.substr(0, 9);
  const std::string stale = Date::FromDays(clock_.Today().ToDays() - 30).ToString();
  auto q = db_.Prepare(
      "SELECT d.id, d.user_id, u.name, d.display_name, d.kind, d.county_code, d.township_code, d.interests, d.team,"
      " d.registered_on, d.version,"
      " (CASE WHEN d.township_code = ?1 THEN 2 WHEN d.county_code = ?2 THEN 1 ELSE 0 END) AS locality,"
      " (CASE WHEN (',' || d.interests || ',') LIKE ?3 THEN 1 ELSE 0 END) AS interest,"
      " COALESCE(c.confirmed, 0) AS confirmed, COALESCE(o.undelivered, 0) AS undelivered"
      " FROM donor_profiles d JOIN users u ON u.id = d.user_id"
      " LEFT JOIN (SELECT donor_id, COUNT(*) AS confirmed FROM dockings WHERE status = " + Sql(DockingStatus::kConfirmed) +
      "   GROUP BY donor_id) c ON c.donor_id = d.id"
      " LEFT JOIN (SELECT donor_id, COUNT(*) AS undelivered FROM pledges WHERE status = " + Sql(PledgeStatus::kOpen) +
      " AND pledged_on <= ?4"
      "   GROUP BY donor_id) o ON o.donor_id = d.id"
      " WHERE d.id NOT IN (SELECT donor_id FROM pledges WHERE need_id = ?5 AND status <> " +
      Sql(PledgeStatus::kWithdrawn) + ")"
      " ORDER BY locality DESC, interest DESC, (undelivered > 0) ASC, confirmed DESC, d.id LIMIT ?6");
  q->BindText(1, township);
  q->BindText(2, county);
  q->BindText(3, "%," + need.category + ",%");
  q->BindText(4, stale);
  q->BindInt(5, need_id);
  q->BindInt(6, limit);
  std::vector<DonorSuggestion> out;
  while (q->Step()) {
    DonorSuggestion d;
    d.donor = ReadDonor(*q);
    const int64_t locality = q->Int(11);
    if (locality == 2) d.reasons.push_back("same_township");
    else if (locality == 1) d.reasons.push_back("same_county");
    if (q->Int(12) == 1) d.reasons.push_back("interest");
    d.dockings_confirmed = q->Int(13);
    d.pledges_undelivered = q->Int(14);
    if (d.dockings_confirmed > 0 && d.pledges_undelivered == 0) d.reasons.push_back("reliable");
    out.push_back(std::move(d));
  }
  return out;
}

// ---------------------------------------------------------------- pledges and dockings

Pledge SocialService::PledgeToNeed(const Caller& caller, int64_t need_id, std::optional<Fen> amount,
                                   const std::string& items) {
  Audit audit(db_, clock_);
  const std::string entity = "need/" + std::to_string(need_id);
  if (!IsDonor(caller)) Deny(audit, caller, entity, "", "only donors pledge");
  const Donor me = MyProfile(caller);
  auto need = LoadNeed(db_, need_id);
  if (!need || !IsPublished(need->status)) {
    throw Error::NotFound("no need " + std::to_string(need_id));
  }
  PairedGuard(audit, db_, clock_).RequireWrite(caller, Resource::kSocial, Target{need->village_code, std::nullopt, entity});
  if (need->status != NeedStatus::kOpen) {
    throw Error::FailedPrecondition("need " + std::to_string(need_id) + " is closed");
  }
  // A need whose deadline has passed takes no new pledge (已截止); the board marks it.
  if (!need->deadline.empty() && need->deadline < clock_.Today().ToString()) {
    throw Error::FailedPrecondition("need " + std::to_string(need_id) + " closed for pledges on its deadline " +
                                    need->deadline);
  }
  std::vector<ErrorDetail> problems;
  if (amount && *amount <= 0) problems.push_back({"amount", "must be more than 0"});
  if (!amount && items.empty()) problems.push_back({"amount", "give an amount, items, or both"});
  if (CodePoints(items) > 500) problems.push_back({"items", "must have at most 500 characters"});
  CheckPublicText(problems, "items", items, clock_.Today());
  if (!problems.empty()) throw Error::InvalidArgument("the pledge is not valid", std::move(problems));
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO pledges (need_id, donor_id, amount_fen, items, pledged_on, status, created_at)"
      " VALUES (?, ?, ?, ?, ?, " + Sql(PledgeStatus::kOpen) + ", ?) RETURNING id");
  s->BindInt(1, need_id);
  s->BindInt(2, me.id);
  s->BindOptionalInt(3, amount);
  s->BindText(4, items);
  s->BindText(5, clock_.Today().ToString());
  s->BindInt(6, clock_.NowSeconds());
  s->Step();
  const int64_t id = s->Int(0);
  s.reset();
  auto u = db_.Prepare("UPDATE needs SET pledge_count = pledge_count + 1, version = version + 1, updated_at = ? WHERE id = ?");
  u->BindInt(1, clock_.NowSeconds());
  u->BindInt(2, need_id);
  u->Run();
  TouchNeed(db_, need_id);
  auto load = db_.Prepare(std::string(kPledgeSelect) + " WHERE p.id = ?");
  load->BindInt(1, id);
  load->Step();
  Pledge pledge = ReadPledge(*load);
  load.reset();
  audit.Record(caller, {"pledge.create", "pledge/" + std::to_string(id), pledge.village_code, std::nullopt,
                        PledgeJson(pledge)});
  tx.Commit();
  return pledge;
}

namespace {

std::optional<Pledge> LoadPledge(store::Connection& db, int64_t id) {
  auto s = db.Prepare(std::string(kPledgeSelect) + " WHERE p.id = ?");
  s->BindInt(1, id);
  if (!s->Step()) return std::nullopt;
  return ReadPledge(*s);
}

std::optional<Docking> LoadDocking(store::Connection& db, int64_t id) {
  auto s = db.Prepare(std::string(kDockingSelect) + " WHERE k.id = ?");
  s->BindInt(1, id);
  if (!s->Step()) return std::nullopt;
  return ReadDocking(*s);
}

}  // namespace

Pledge SocialService::WithdrawPledge(const Caller& caller, int64_t pledge_id) {
  Audit audit(db_, clock_);
  const std::string entity = "pledge/" + std::to_string(pledge_id);
  auto before = LoadPledge(db_, pledge_id);
  std::optional<Donor> me;
  if (IsDonor(caller)) me = LoadDonor(db_, "d.user_id = ?", caller.user_id);
  if (!before || !me || before->donor_id != me->id) {
    if (!before && IsDonor(caller)) throw Error::NotFound("no pledge " + std::to_string(pledge_id));
    Deny(audit, caller, entity, before ? before->village_code : "", "only the donor who pledged withdraws a pledge");
  }
  if (before->status != PledgeStatus::kOpen) {
    throw Error::FailedPrecondition("pledge " + std::to_string(pledge_id) + " is " + Wire(before->status));
  }
  store::Transaction tx(db_);
  auto s = db_.Prepare("UPDATE pledges SET status = " + Sql(PledgeStatus::kWithdrawn) + " WHERE id = ?");
  s->BindInt(1, pledge_id);
  s->Run();
  auto u = db_.Prepare("UPDATE needs SET pledge_count = pledge_count - 1, version = version + 1, updated_at = ? WHERE id = ?");
  u->BindInt(1, clock_.NowSeconds());
  u->BindInt(2, before->need_id);
  u->Run();
  TouchNeed(db_, before->need_id);
  Pledge after = *LoadPledge(db_, pledge_id);
  audit.Record(caller, {"pledge.withdraw", entity, after.village_code, PledgeJson(*before), PledgeJson(after)});
  tx.Commit();
  return after;
}

namespace {

// Applies a confirmation to the docking, the pledge and the need; inside the caller's transaction.
void ApplyConfirmation(store::Connection& db, const Clock& clock, const Caller& caller, const Docking& docking,
                       bool confirmed, const std::string& note) {
  const std::string today = clock.Today().ToString();
  auto s = db.Prepare("UPDATE dockings SET status = ?, confirmed_by = ?, confirmed_on = ?, note = ? WHERE id = ?");
  s->BindText(1, Wire(confirmed ? DockingStatus::kConfirmed : DockingStatus::kRejected));
  s->BindText(2, caller.user_name);
  s->BindText(3, today);
  s->BindText(4, note);
  s->BindInt(5, docking.id);
  s->Run();
  if (!confirmed) {
    // The help did not arrive as reported: the pledge is open again.
    auto p = db.Prepare("UPDATE pledges SET status = " + Sql(PledgeStatus::kOpen) + " WHERE id = ? AND status = " +
                        Sql(PledgeStatus::kDelivered));
    p->BindInt(1, docking.pledge_id);
    p->Run();
    return;
  }
  auto n = db.Prepare(
      "UPDATE needs SET received_fen = received_fen + ?, docking_count = docking_count + 1, version = version + 1,"
      " updated_at = ? WHERE id = ?");
  n->BindInt(1, docking.amount.value_or(0));
  n->BindInt(2, clock.NowSeconds());
  n->BindInt(3, docking.need_id);
  n->Run();
  auto close = db.Prepare(
      "UPDATE needs SET status = " + Sql(NeedStatus::kClosed) + ", close_reason = " +
          Sql(NeedCloseReason::kAmountReached) + ", closed_on = ?"
      " WHERE id = ? AND status = " + Sql(NeedStatus::kOpen) + " AND amount_fen IS NOT NULL AND received_fen >= amount_fen");
  close->BindText(1, today);
  close->BindInt(2, docking.need_id);
  if (close->Run() == 1) ReleasePledges(db, docking.need_id);
  TouchNeed(db, docking.need_id);
}

}  // namespace

Docking SocialService::RecordDocking(const Caller& caller, int64_t pledge_id, std::optional<Fen> amount,
                                     const std::string& items, const std::optional<std::string>& delivered_on) {
  Audit audit(db_, clock_);
  const std::string entity = "pledge/" + std::to_string(pledge_id);
  auto pledge = LoadPledge(db_, pledge_id);
  if (IsDonor(caller)) {
    auto me = LoadDonor(db_, "d.user_id = ?", caller.user_id);
    if (!pledge) throw Error::NotFound("no pledge " + std::to_string(pledge_id));
    if (!me || pledge->donor_id != me->id) {
      Deny(audit, caller, entity, pledge->village_code, "donors report dockings of their own pledges only");
    }
  } else {
    if (!IsCadre(caller)) Deny(audit, caller, entity, "", "only the donor or a cadre records a docking");
    if (!pledge) throw Error::NotFound("no pledge " + std::to_string(pledge_id));
    PairedGuard(audit, db_, clock_).RequireWrite(caller, Resource::kSocial, Target{pledge->village_code, std::nullopt, entity});
  }
  if (pledge->status != PledgeStatus::kOpen && pledge->status != PledgeStatus::kReleased) {
    throw Error::FailedPrecondition("pledge " + std::to_string(pledge_id) + " is " + Wire(pledge->status) +
                                    "; a docking is recorded once per pledge");
  }
  const Date today = clock_.Today();
  std::vector<ErrorDetail> problems;
  std::string on = today.ToString();
  if (delivered_on) {
    auto d = ParseDateField(problems, "delivered_on", *delivered_on);
    if (d && *d > today) problems.push_back({"delivered_on", "lies in the future"});
    if (d && d->ToString() < pledge->pledged_on) problems.push_back({"delivered_on", "lies before the pledge"});
    on = *delivered_on;
  }
  if (amount && *amount <= 0) problems.push_back({"amount", "must be more than 0"});
  if (!amount && items.empty()) problems.push_back({"amount", "give an amount, items, or both"});
  if (CodePoints(items) > 500) problems.push_back({"items", "must have at most 500 characters"});
  CheckPublicText(problems, "items", items, today);
  if (!problems.empty()) throw Error::InvalidArgument("the docking is not valid", std::move(problems));

  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO dockings (pledge_id, need_id, donor_id, amount_fen, items, delivered_on, recorded_by, status,"
      " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, " + Sql(DockingStatus::kReported) + ", ?) RETURNING id");
  s->BindInt(1, pledge_id);
  s->BindInt(2, pledge->need_id);
  s->BindInt(3, pledge->donor_id);
  s->BindOptionalInt(4, amount);
  s->BindText(5, items);
  s->BindText(6, on);
  s->BindText(7, caller.user_name);
  s->BindInt(8, clock_.NowSeconds());
  s->Step();
  const int64_t id = s->Int(0);
  s.reset();
  auto p = db_.Prepare("UPDATE pledges SET status = " + Sql(PledgeStatus::kDelivered) + " WHERE id = ?");
  p->BindInt(1, pledge_id);
  p->Run();
  Docking docking = *LoadDocking(db_, id);
  audit.Record(caller, {"docking.record", "docking/" + std::to_string(id), docking.village_code, std::nullopt,
                        DockingJson(docking)});
  // A cadre who records the help as it arrives confirms it at the same time.
  if (!IsDonor(caller)) {
    ApplyConfirmation(db_, clock_, caller, docking, true, "");
    Docking after = *LoadDocking(db_, id);
    audit.Record(caller, {"docking.confirm", "docking/" + std::to_string(id), after.village_code,
                          DockingJson(docking), DockingJson(after)});
    docking = after;
  }
  tx.Commit();
  return docking;
}

Docking SocialService::ConfirmDocking(const Caller& caller, int64_t docking_id, bool confirmed, const std::string& note) {
  Audit audit(db_, clock_);
  const std::string entity = "docking/" + std::to_string(docking_id);
  auto before = LoadDocking(db_, docking_id);
  if (!IsCadre(caller)) Deny(audit, caller, entity, before ? before->village_code : "", "only cadres confirm dockings");
  if (!before) throw Error::NotFound("no docking " + std::to_string(docking_id));
  PairedGuard(audit, db_, clock_).RequireWrite(caller, Resource::kSocial, Target{before->village_code, std::nullopt, entity});
  if (before->status != DockingStatus::kReported) {
    throw Error::FailedPrecondition("docking " + std::to_string(docking_id) + " is already " + Wire(before->status));
  }
  std::vector<ErrorDetail> problems;
  if (!confirmed && note.empty()) problems.push_back({"note", "say why the docking is rejected"});
  if (CodePoints(note) > 500) problems.push_back({"note", "must have at most 500 characters"});
  CheckPublicText(problems, "note", note, clock_.Today());
  if (!problems.empty()) throw Error::InvalidArgument("bad confirmation", std::move(problems));
  store::Transaction tx(db_);
  ApplyConfirmation(db_, clock_, caller, *before, confirmed, note);
  Docking after = *LoadDocking(db_, docking_id);
  audit.Record(caller, {confirmed ? "docking.confirm" : "docking.reject", entity, after.village_code,
                        DockingJson(*before), DockingJson(after)});
  tx.Commit();
  return after;
}

Feedback SocialService::RecordFeedback(const Caller& caller, int64_t docking_id, const std::string& kind,
                                       const std::string& text) {
  Audit audit(db_, clock_);
  const std::string entity = "docking/" + std::to_string(docking_id);
  auto docking = LoadDocking(db_, docking_id);
  if (!IsCadre(caller)) Deny(audit, caller, entity, docking ? docking->village_code : "", "only cadres record the household's feedback");
  if (!docking) throw Error::NotFound("no docking " + std::to_string(docking_id));
  PairedGuard(audit, db_, clock_).RequireWrite(caller, Resource::kSocial, Target{docking->village_code, std::nullopt, entity});
  if (docking->status != DockingStatus::kConfirmed) {
    throw Error::FailedPrecondition("feedback is recorded for confirmed dockings; docking " +
                                    std::to_string(docking_id) + " is " + Wire(docking->status));
  }
  std::vector<ErrorDetail> problems;
  if (!FindWire(FeedbackKindTerms(), kind)) problems.push_back({"kind", "must be " + WireList(FeedbackKindTerms())});
  const size_t length = CodePoints(text);
  if (length == 0 || length > 1000) problems.push_back({"text", "must have 1 to 1000 characters"});
  CheckPublicText(problems, "text", text, clock_.Today());
  if (!problems.empty()) throw Error::InvalidArgument("the feedback is not valid", std::move(problems));
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO docking_feedback (docking_id, kind, text, recorded_by, recorded_on, created_at)"
      " VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
  s->BindInt(1, docking_id);
  s->BindText(2, kind);
  s->BindText(3, text);
  s->BindText(4, caller.user_name);
  s->BindText(5, clock_.Today().ToString());
  s->BindInt(6, clock_.NowSeconds());
  s->Step();
  Feedback f{s->Int(0), docking_id, kind, text, caller.user_name, clock_.Today().ToString()};
  s.reset();
  audit.Record(caller, {"feedback.record", "feedback/" + std::to_string(f.id), docking->village_code, std::nullopt,
                        nlohmann::json{{"docking_id", docking_id}, {"kind", kind}, {"text", text}}.dump()});
  tx.Commit();
  return f;
}

namespace {

bool IsSupervisor(store::Connection& db, const Caller& caller) {
  if (access::Can(caller, access::Ability::kSuperviseSocial)) return true;
  if (!IsDonor(caller)) return false;
  auto d = LoadDonor(db, "d.user_id = ?", caller.user_id);
  return d && d->team == "supervisors";
}

// The WHERE clause and bindings that limit pledges or dockings (alias `t`) to
// what the caller may see; throws for callers who see none.
struct ActivityScope {
  std::string lo, hi;
  std::optional<int64_t> own_donor;  // a donor who is not a supervisor sees only their own
  std::optional<int64_t> paired_user;  // a paired cadre: only needs of households paired with this user
  std::string today;
};

ActivityScope ScopeForActivity(store::Connection& db, const Clock& clock, const Caller& caller,
                               const ActivityFilter& f, const std::string& kind) {
  Audit audit(db, clock);
  ActivityScope scope;
  if (f.limit < 1 || f.limit > 500) throw Error::InvalidArgument("bad limit", {{"limit", "must be 1 to 500"}});
  if (IsDonor(caller) && !IsSupervisor(db, caller)) {
    auto me = LoadDonor(db, "d.user_id = ?", caller.user_id);
    if (!me) throw Error::NotFound("user " + caller.user_name + " has no donor profile");
    if (f.donor_id && *f.donor_id != me->id) {
      Deny(audit, caller, kind + "/", "", "donors read only their own " + kind + "s");
    }
    scope.own_donor = me->id;
  }
  const access::ReadScope read = access::ReadScopeFor(caller, Resource::kSocial);
  if (!read.allowed) Deny(audit, caller, kind + "/", "", std::string(RoleName(caller.role)) + " may not read social");
  std::tie(scope.lo, scope.hi) = AreaRange(read.area_prefix);
  if (read.paired_households_only) scope.paired_user = caller.user_id;
  scope.today = clock.Today().ToString();
  return scope;
}

// One page of pledges or dockings (table `table` under alias `alias`, joined
// to needs as n) within `scope`, filtered by donor, need and status, newest first.
template <typename Row>
Page<Row> ListActivity(store::Connection& db, const ActivityScope& scope, const ActivityFilter& f,
                       std::string_view table, char alias, std::string_view select,
                       Row (*read)(const store::Statement&)) {
  const std::string a(1, alias);
  const std::string where = " WHERE n.village_code >= ?1 AND n.village_code < ?2 AND (?3 = 0 OR " + a +
                            ".donor_id = ?3) AND (?4 = 0 OR " + a + ".need_id = ?4) AND (?5 = '' OR " + a +
                            ".status = ?5)" +
                            (scope.paired_user ? " AND n.household_id IN (" + access::PairedHouseholdIdsSql(6, 7) + ")"
                                               : std::string());
  const int paging = scope.paired_user ? 8 : 6;  // numbered parameters without gaps (PostgreSQL)
  auto bind = [&](store::Statement& s) {
    s.BindText(1, scope.lo);
    s.BindText(2, scope.hi);
    s.BindInt(3, scope.own_donor.value_or(f.donor_id.value_or(0)));
    s.BindInt(4, f.need_id.value_or(0));
    s.BindText(5, f.status.value_or(""));
    if (scope.paired_user) {
      s.BindInt(6, *scope.paired_user);
      s.BindText(7, scope.today);
    }
  };
  Page<Row> page;
  auto count = db.Prepare("SELECT COUNT(*) FROM " + std::string(table) + " " + a + " JOIN needs n ON n.id = " + a +
                          ".need_id" + where);
  bind(*count);
  count->Step();
  page.total = count->Int(0);
  auto s = db.Prepare(std::string(select) + where + " ORDER BY " + a + ".id DESC LIMIT ?" + std::to_string(paging) +
                      " OFFSET ?" + std::to_string(paging + 1));
  bind(*s);
  s->BindInt(paging, f.limit);
  s->BindInt(paging + 1, f.offset);
  while (s->Step()) page.items.push_back(read(*s));
  return page;
}

}  // namespace

std::vector<Feedback> SocialService::ListFeedback(const Caller& caller, int64_t docking_id) {
  ActivityFilter f;
  auto scope = ScopeForActivity(db_, clock_, caller, f, "docking");
  auto docking = LoadDocking(db_, docking_id);
  if (!docking || (scope.own_donor && docking->donor_id != *scope.own_donor) || docking->village_code < scope.lo ||
      docking->village_code >= scope.hi) {
    throw Error::NotFound("no docking " + std::to_string(docking_id));
  }
  if (scope.paired_user) {
    // A paired cadre: only dockings for needs of households paired with them.
    Audit audit(db_, clock_);
    const Need need = MustLoadNeed(db_, docking->need_id);
    PairedGuard(audit, db_, clock_).RequireRead(caller, Resource::kSocial,
                     Target{need.village_code, need.household_id, "docking/" + std::to_string(docking_id)});
  }
  auto s = db_.Prepare(
      "SELECT id, docking_id, kind, text, recorded_by, recorded_on FROM docking_feedback WHERE docking_id = ? ORDER BY id");
  s->BindInt(1, docking_id);
  std::vector<Feedback> out;
  while (s->Step()) out.push_back({s->Int(0), s->Int(1), s->Text(2), s->Text(3), s->Text(4), s->Text(5)});
  return out;
}

Page<Pledge> SocialService::ListPledges(const Caller& caller, const ActivityFilter& f) {
  return ListActivity<Pledge>(db_, ScopeForActivity(db_, clock_, caller, f, "pledge"), f, "pledges", 'p', kPledgeSelect,
                              ReadPledge);
}

Page<Docking> SocialService::ListDockings(const Caller& caller, const ActivityFilter& f) {
  return ListActivity<Docking>(db_, ScopeForActivity(db_, clock_, caller, f, "docking"), f, "dockings", 'k',
                               kDockingSelect, ReadDocking);
}

std::vector<UndeliveredPledge> SocialService::ListUndeliveredPledges(const Caller& caller, int64_t days) {
  Audit audit(db_, clock_);
  if (!IsSupervisor(db_, caller)) {
    Deny(audit, caller, "pledge/", "", "only supervisors (the supervision team, the county office) see undelivered pledges");
  }
  if (days < 1 || days > 3650) throw Error::InvalidArgument("bad days", {{"days", "must be 1 to 3650"}});
  const access::ReadScope read = access::ReadScopeFor(caller, Resource::kSocial);
  const auto [lo, hi] = AreaRange(read.area_prefix);
  const int64_t today = clock_.Today().ToDays();
  auto s = db_.Prepare(std::string(kPledgeSelect) +
                       " WHERE p.status = " + Sql(PledgeStatus::kOpen) +
                       " AND p.pledged_on <= ? AND n.village_code >= ? AND n.village_code < ?"
                       " ORDER BY p.pledged_on, p.id LIMIT 1000");
  s->BindText(1, Date::FromDays(today - days).ToString());
  s->BindText(2, lo);
  s->BindText(3, hi);
  std::vector<UndeliveredPledge> out;
  while (s->Step()) {
    UndeliveredPledge u;
    u.pledge = ReadPledge(*s);
    u.days_open = today - Date::Parse(u.pledge.pledged_on).value_or(clock_.Today()).ToDays();
    out.push_back(std::move(u));
  }
  return out;
}

// ---------------------------------------------------------------- figures

double SocialFigures::app_household_registration_rate() const {
  if (households_registered == 0) return 0;
  return std::round(10000.0 * static_cast<double>(households_on_app) / static_cast<double>(households_registered)) /
         100.0;
}

SocialFigures ProgressFigures(store::Connection& db, const Caller& caller, const std::string& area_code, int year,
                              const Date& as_of) {
  auto area = NormalizeAreaCode(area_code);
  if (!area_code.empty() && !area) {
    throw Error::InvalidArgument("bad area", {{"area_code", "'" + area_code + "' is not an area code"}});
  }
  if (as_of.year != year) throw Error::InvalidArgument("bad date", {{"as_of", "must lie in " + std::to_string(year)}});
  const std::string code = area.value_or("");
  Audit audit(db, DefaultClock());
  // The figures count registry households: not for donors, whatever their scope.
  if (IsDonor(caller)) Deny(audit, caller, "social/figures", code, "donors do not read the progress figures");
  Guard(audit).RequireRead(caller, Resource::kSocial, Target{code, std::nullopt, "social/figures"});
  const auto [lo, hi] = AreaRange(code);
  const std::string date = as_of.ToString();
  SocialFigures f;
  {
    // Registered (poor or exited) on the as-of date, and of those enrolled on the platform by then.
    const auto statuses = registry::StatusesOn(db, code, date);
    auto s = db.Prepare(
        "SELECT r.household_id FROM household_app_registrations r JOIN households h ON h.id = r.household_id"
        " WHERE h.village_code >= ? AND h.village_code < ? AND r.enrolled_on <= ?");
    s->BindText(1, lo);
    s->BindText(2, hi);
    s->BindText(3, date);
    std::unordered_set<int64_t> on_app;
    while (s->Step()) on_app.insert(s->Int(0));
    for (const auto& [id, h] : statuses) {
      const auto status = registry::ParseStatus(h.status);
      if (status != registry::HouseholdState::kPoor && status != registry::HouseholdState::kExited) continue;
      ++f.households_registered;
      if (on_app.contains(id)) ++f.households_on_app;
    }
  }
  {
    auto s = db.Prepare(
        "SELECT COUNT(*) FROM donor_profiles WHERE COALESCE(township_code, county_code) >= ?"
        " AND COALESCE(township_code, county_code) < ? AND registered_on <= ?");
    s->BindText(1, lo);
    s->BindText(2, hi);
    s->BindText(3, date);
    s->Step();
    f.donors_registered = s->Int(0);
  }
  {
    auto s = db.Prepare(
        "SELECT COUNT(*) FROM needs WHERE village_code >= ? AND village_code < ? AND published_on IS NOT NULL"
        " AND published_on <= ?");
    s->BindText(1, lo);
    s->BindText(2, hi);
    s->BindText(3, date);
    s->Step();
    f.needs_published = s->Int(0);
  }
  {
    auto s = db.Prepare(
        "SELECT COUNT(*) FROM dockings k JOIN needs n ON n.id = k.need_id WHERE n.village_code >= ?"
        " AND n.village_code < ? AND k.status = " + Sql(DockingStatus::kConfirmed) + " AND k.confirmed_on <= ?");
    s->BindText(1, lo);
    s->BindText(2, hi);
    s->BindText(3, date);
    s->Step();
    f.dockings_succeeded = s->Int(0);
  }
  return f;
}

}  // namespace fupin::social
