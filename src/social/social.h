#pragma once
// Social assistance (社会扶贫): donors, the needs village cadres publish for
// households, pledges, dockings (对接) and the household's feedback.
//
// Who may do what (every call takes the Caller; refusals throw
// permission_denied and are recorded in the audit trail; docs/SOCIAL.md):
//  - anyone: register as a donor (RegisterDonor, throttled per source and in total);
//  - donors: read and change their own profile, browse published needs (never
//    the household's number, ID numbers, phone, health or income), get
//    suggestions, pledge, report a docking of their own pledge, read their own
//    pledges and dockings. Never another donor's profile or pledges.
//  - supervisors (donors in the supervisors team, the county office,
//    administrators, auditors): every pledge and docking in scope, and the
//    donors who pledged and never delivered;
//  - village cadres, townships, the county office, administrators (in scope):
//    enrol households on the platform, publish needs for a household, report
//    and confirm dockings, mark a need fulfilled, record feedback, get donors
//    suggested for a need, read donors;
//  - reviewers (townships, the county office, administrators): approve or
//    reject a need before it is public.
// Every write is audited in its own transaction. Public text (title,
// description, items, feedback) that contains an ID number or a phone number
// is refused, naming the field and the masked finding.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/password.h"
#include "core/caller.h"
#include "core/date.h"
#include "core/money.h"
#include "social/need_index.h"
#include "store/database.h"
#include "social/terms.h"

namespace fupin::social {

struct DonorRegistration {
  std::string user_name;     // login name (access rules: 1-64 characters, no spaces)
  std::string password;      // access password rules
  std::string display_name;  // shown to cadres: a person's or an organisation's name
  std::string kind = "individual";  // individual | enterprise | organisation
  std::string county_code;          // 6-digit county of residence (must exist)
  std::optional<std::string> township_code;  // 9-digit township inside it
  std::vector<std::string> interests;        // need categories
  std::optional<std::string> team;           // volunteers | experts | supervisors | ambassadors
};

// Self-registration is public; these bound how fast accounts can be made.
struct RegistrationLimits {
  int64_t per_source_per_hour = 5;
  int64_t total_per_hour = 500;
};

struct Donor {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string user_name;
  std::string display_name;
  std::string kind;
  std::string county_code;
  std::optional<std::string> township_code;
  std::vector<std::string> interests;
  std::optional<std::string> team;
  std::string registered_on;
  int64_t version = 0;
};

struct DonorPatch {
  std::optional<std::string> display_name;
  std::optional<std::string> county_code;
  std::optional<std::optional<std::string>> township_code;
  std::optional<std::vector<std::string>> interests;
  std::optional<std::optional<std::string>> team;
};

struct NeedInput {
  int64_t household_id = 0;
  std::string category;   // production living education medical employment other
  std::string title;      // public, at most 100 characters
  std::string description;  // public, at most 2000 characters
  std::optional<Fen> amount;  // money asked for; at least one of amount and items
  std::string items;          // things asked for (public)
  std::string deadline;       // YYYY-MM-DD, not before today
  std::string urgency = "normal";  // normal urgent critical
};

struct Need {
  int64_t id = 0;
  std::optional<int64_t> household_id;  // cadres only; never for donors
  std::string village_code;
  std::string village_name;
  std::string township_name;
  std::string category;
  std::string title;
  std::string description;
  std::optional<Fen> amount;
  std::string items;
  std::string deadline;
  std::string urgency;
  NeedStatus status = NeedStatus::kPendingReview;
  std::optional<std::string> close_reason;
  std::optional<std::string> submitted_by;  // cadres only
  std::optional<std::string> reviewed_by;   // cadres only
  std::optional<std::string> review_note;   // cadres only
  std::optional<std::string> published_on;
  std::optional<std::string> closed_on;
  Fen received = 0;
  int64_t pledges = 0;
  int64_t dockings = 0;
  int64_t version = 0;
};

struct NeedFilter {
  std::string area_code;                // any level; "" = the caller's scope
  std::optional<std::string> category;
  std::optional<Fen> min_amount;
  std::optional<Fen> max_amount;
  std::optional<std::string> urgency;
  std::optional<std::string> status;    // donors see only open and closed needs
  std::optional<int64_t> household_id;  // cadres only
  int64_t limit = 50;                   // 1..500
  int64_t offset = 0;
};

struct NeedPage {
  int64_t total = 0;
  std::vector<Need> items;  // newest first
};

struct NeedSuggestion {
  Need need;
  std::vector<std::string> reasons;  // same_township same_county interest urgent critical little_help
};

struct DonorSuggestion {
  Donor donor;
  std::vector<std::string> reasons;  // same_township same_county interest reliable
  int64_t dockings_confirmed = 0;
  int64_t pledges_undelivered = 0;
};

struct Pledge {
  int64_t id = 0;
  int64_t need_id = 0;
  int64_t donor_id = 0;
  std::string donor_name;
  std::string village_code;
  std::optional<Fen> amount;
  std::string items;
  std::string pledged_on;
  PledgeStatus status = PledgeStatus::kOpen;
};

struct Docking {
  int64_t id = 0;
  int64_t pledge_id = 0;
  int64_t need_id = 0;
  int64_t donor_id = 0;
  std::string donor_name;
  std::string village_code;
  std::optional<Fen> amount;
  std::string items;
  std::string delivered_on;
  std::string recorded_by;
  DockingStatus status = DockingStatus::kReported;
  std::optional<std::string> confirmed_by;
  std::optional<std::string> confirmed_on;
  std::string note;
};

struct Feedback {
  int64_t id = 0;
  int64_t docking_id = 0;
  std::string kind;  // thanks complaint
  std::string text;
  std::string recorded_by;
  std::string recorded_on;
};

struct ActivityFilter {
  std::optional<int64_t> need_id;
  std::optional<int64_t> donor_id;
  std::optional<std::string> status;
  int64_t limit = 50;  // 1..500
  int64_t offset = 0;
};

template <typename T>
struct Page {
  int64_t total = 0;
  std::vector<T> items;
};

struct UndeliveredPledge {
  Pledge pledge;
  int64_t days_open = 0;
};

class SocialService {
 public:
  // `index`, when given, is the process's suggestion index (the server keeps
  // one); without it SuggestNeeds loads a fresh one.
  SocialService(store::Connection& db, const Clock& clock, NeedIndex* index = nullptr)
      : db_(db), clock_(clock), index_(index) {}

  // Public self-registration: an access user with the role donor (national
  // scope, so they can browse every area's needs) and a donor profile.
  // `source` identifies where the request came from (the client address);
  // kResourceExhausted past the limits. Invalid input: kInvalidArgument with
  // one detail per field; a taken name: kAlreadyExists.
  Donor RegisterDonor(const DonorRegistration& registration, const access::PasswordHasher& hasher,
                      std::string_view source, const RegistrationLimits& limits = {});
  // The calling donor's own profile (kNotFound if they have none).
  Donor MyProfile(const Caller& caller);
  Donor GetDonor(const Caller& caller, int64_t donor_id);
  Donor UpdateDonor(const Caller& caller, int64_t donor_id, int64_t expected_version, const DonorPatch& patch);
  Page<Donor> ListDonors(const Caller& caller, const std::string& area_code, const std::optional<std::string>& team,
                         int64_t limit, int64_t offset);

  // Enrols a household on the platform (idempotent: the first date stays).
  void EnrolHousehold(const Caller& caller, int64_t household_id, const std::optional<std::string>& date = {});

  Need PublishNeed(const Caller& caller, const NeedInput& input);  // status pending_review
  Need ReviewNeed(const Caller& caller, int64_t need_id, bool approve, const std::string& note);
  Need GetNeed(const Caller& caller, int64_t need_id);
  NeedPage ListNeeds(const Caller& caller, const NeedFilter& filter);
  // Closes an open need as fulfilled (a cadre decides the help is enough).
  Need MarkFulfilled(const Caller& caller, int64_t need_id, const std::string& note);

  std::vector<NeedSuggestion> SuggestNeeds(const Caller& caller, int64_t limit = 20);
  std::vector<DonorSuggestion> SuggestDonors(const Caller& caller, int64_t need_id, int64_t limit = 20);

  Pledge PledgeToNeed(const Caller& caller, int64_t need_id, std::optional<Fen> amount, const std::string& items);
  Pledge WithdrawPledge(const Caller& caller, int64_t pledge_id);
  // Help arrived: reported by the pledging donor or a cadre in scope.
  Docking RecordDocking(const Caller& caller, int64_t pledge_id, std::optional<Fen> amount, const std::string& items,
                        const std::optional<std::string>& delivered_on = {});
  // A cadre confirms (or rejects) a reported docking. A confirmed docking adds
  // its amount to the need; when the amount asked for is reached the need closes.
  Docking ConfirmDocking(const Caller& caller, int64_t docking_id, bool confirmed, const std::string& note);
  Feedback RecordFeedback(const Caller& caller, int64_t docking_id, const std::string& kind, const std::string& text);
  std::vector<Feedback> ListFeedback(const Caller& caller, int64_t docking_id);

  Page<Pledge> ListPledges(const Caller& caller, const ActivityFilter& filter);
  Page<Docking> ListDockings(const Caller& caller, const ActivityFilter& filter);
  // Pledges still open `days` or more days after they were made (supervisors).
  std::vector<UndeliveredPledge> ListUndeliveredPledges(const Caller& caller, int64_t days = 30);

 private:
  store::Connection& db_;
  const Clock& clock_;
  NeedIndex* index_;
};

// The social-assistance figures of the progress report (figures.md), from
// the records, for `area_code` (any level; the caller must read social data
// there), cumulative up to `as_of` (which must lie in `year`):
//  - app_household_registration_rate = households_on_app / households_registered,
//    where households_registered are the households whose status on as_of is
//    poor or exited (the registry's 建档立卡 households, as the progress
//    report counts them) and households_on_app those of them a cadre enrolled
//    on or before as_of (household_app_registrations);
//  - donors_registered: donor profiles registered on or before as_of whose
//    county or township of residence lies in the area (for a village: none);
//  - needs_published: needs of households in the area approved (published) on
//    or before as_of, whatever happened to them later;
//  - dockings_succeeded: dockings confirmed on or before as_of for needs in the area.
struct SocialFigures {
  int64_t households_registered = 0;  // the rate's denominator
  int64_t households_on_app = 0;      // the rate's numerator
  int64_t donors_registered = 0;
  int64_t needs_published = 0;
  int64_t dockings_succeeded = 0;
  // Percent, two decimals (0 when there is no household).
  double app_household_registration_rate() const;
};
SocialFigures ProgressFigures(store::Connection& db, const Caller& caller, const std::string& area_code, int year,
                              const Date& as_of);

}  // namespace fupin::social
