#pragma once
// Grievances and appeals (信访与申诉), issue 23.
//
// Intake from any channel (the 12317 hotline, a letter, a visit, online, a
// cadre on the complainant's behalf, a household's own application): who
// (or anonymous), about which household or matter, the category, the text.
// The deadline follows from the category (table grievance_categories,
// configuration). Steps: received → accepted (受理, with the responsible
// unit) → investigating → answered (the answer) → closed (with the
// complainant's satisfaction); an answered or closed grievance may be
// reopened (back to investigating). A grievance that finds a registry error
// opens a change request linked to it (ChangeRequests::Propose).
//
// The complainant's name and phone are personal data: stored encrypted,
// shown masked, revealed in full only to those who handle grievances, each
// time audited. Access (src/access abilities): record_grievance to take one
// in, read_grievances to read, handle_grievance for the steps; all within
// the caller's area scope. docs/GRIEVANCES.md.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/caller.h"
#include "core/date.h"
#include "core/vocabulary.h"
#include "grievance/changes.h"
#include "store/database.h"

namespace fupin::grievance {

// grievance_channel, grievance_status, grievance_step, satisfaction (the
// categories are a table: GrievanceCategories).
std::vector<Vocabulary> GrievanceVocabularies();

// SQL literals from the tables, for the module's queries elsewhere (signals):
// "('received', 'accepted', 'investigating')", the statuses still open, and
// "'self_application'", the channel of the public applications (自主申报).
std::string OpenStatusesSql();
std::string ApplicationChannelSql();

enum class GrievanceStatus { kReceived, kAccepted, kInvestigating, kAnswered, kClosed };
// A step of a grievance's history (grievance_steps.step, the wire "step" of POST .../steps).
enum class GrievanceStepKind { kReceived, kAccepted, kInvestigating, kAnswered, kClosed, kReopened, kChangeRequested };
std::span<const Term> GrievanceStatusTerms();
std::span<const Term> GrievanceStepTerms();

struct Category {
  std::string code, label_zh;
  int64_t deadline_days = 0;
};
std::vector<Category> GrievanceCategories(store::Connection& db);

struct GrievanceInput {
  std::string channel;   // hotline letter visit online cadre self_application
  std::string category;  // grievance_categories.code
  std::string area_code; // where the matter is: a village, township or county
  std::optional<int64_t> household_id;  // the household it is about; its village is the area
  bool anonymous = false;
  std::optional<std::string> complainant;  // name; required unless anonymous
  std::optional<std::string> phone;
  std::string text;
  std::string received_on;  // YYYY-MM-DD; default today (Beijing)
};

// A household's own application (自主申报) from the public form: taken in as
// a grievance of channel and category self_application, for the village
// cadre to verify.
struct ApplicationInput {
  std::string name;
  std::string id_number;     // checked as the registry checks it (GB 11643)
  std::string phone;
  std::string village_code;  // a village (12 digits) in the area tree
  std::string applies_for;   // monitoring | assistance
  std::string text;          // what happened
};

// What the applicant may see of their application (number and phone given).
struct ApplicationState {
  std::string number, status, status_label, received_on, deadline;
  std::optional<std::string> answered_on;
  std::string answer;
};

struct GrievanceStep {
  std::string step;  // received accepted investigating answered closed reopened change_requested
  std::string actor;
  std::string note;
  int64_t at = 0;
};

struct Grievance {
  int64_t id = 0;
  std::string number;
  std::string channel, category;
  std::string area_code, area_name;
  std::optional<int64_t> household_id;
  bool anonymous = false;
  std::optional<std::string> complainant;  // masked
  std::optional<std::string> phone;        // masked
  std::string text, unit;
  GrievanceStatus status = GrievanceStatus::kReceived;
  std::string received_on, deadline;
  std::optional<std::string> answered_on, closed_on;
  std::string answer;
  std::optional<std::string> satisfaction;
  std::optional<int64_t> change_request_id;
  bool overdue = false;   // not yet answered and past its deadline
  int64_t version = 0;
  std::vector<GrievanceStep> steps;  // filled by Get
};

// Which grievances a list shows by status: a named group (the open ones:
// received, accepted or investigating; all of them) or those of one status.
// The default, when the caller names none, is the service's choice: open.
struct GrievanceStatusFilter {
  enum class Group { kOpen, kAll, kOne };
  Group group = Group::kOpen;
  GrievanceStatus status = GrievanceStatus::kReceived;  // with kOne
};
// The filter of a wire value ("open", "all" or a status), read once where it
// comes in; nullopt gives the default. Anything else is InvalidArgument
// naming `field` and the accepted values.
GrievanceStatusFilter ParseGrievanceStatusFilter(const std::optional<std::string>& wire,
                                                 const std::string& field = "status");

struct GrievanceFilter {
  std::string area_code;            // "" = the caller's scope
  GrievanceStatusFilter status;     // open by default
  std::string category;
  bool overdue_only = false;
  std::optional<int> year;          // received in that year
  std::optional<int64_t> household_id;
  int64_t limit = 50;
  int64_t offset = 0;
};

struct GrievancePage {
  std::vector<Grievance> items;  // oldest first
  int64_t total = 0;
  int64_t overdue = 0;
};

// Figures of an area and year, grouped by the area's children, the category
// or the year.
struct GrievanceFigureRow {
  std::string key, label;
  int64_t received = 0;
  int64_t answered = 0;         // answered or closed
  int64_t answered_on_time = 0; // answered on or before the deadline
  int64_t overdue = 0;          // not answered and past the deadline today
  int64_t rated = 0;            // closed with a satisfaction
  int64_t satisfied = 0;        // satisfied or basically satisfied
};
struct GrievanceFigures {
  std::string area_code;
  std::optional<int> year;
  std::string by;  // area | category | channel | year
  std::vector<GrievanceFigureRow> rows;
  GrievanceFigureRow total;
};

struct Complainant {
  std::string name;   // "" when anonymous
  std::string phone;  // "" when none
};

class Grievances {
 public:
  explicit Grievances(store::Connection& db, const Clock& clock = DefaultClock(),
                      const access::PersonalDataProtector* protector = nullptr);

  // Takes a grievance in; every problem of the input named, nothing stored on any.
  Grievance Intake(const Caller& caller, const GrievanceInput& input);
  Grievance Get(const Caller& caller, int64_t id);
  GrievancePage List(const Caller& caller, const GrievanceFilter& filter);

  // received -> accepted, with the responsible unit.
  Grievance Accept(const Caller& caller, int64_t id, int64_t expected_version, const std::string& unit,
                   const std::string& note = "");
  // investigating | answered (text: the answer) | closed (satisfaction) | reopened (text: why):
  // the wire string of grievance_step, parsed here once for the route and the command line
  // (another value is refused naming "step").
  Grievance Step(const Caller& caller, int64_t id, int64_t expected_version, const std::string& step,
                 const std::string& text, const std::optional<std::string>& satisfaction = std::nullopt);
  // Proposes a change request for the registry error the grievance found and links it.
  Grievance RequestChange(const Caller& caller, int64_t id, int64_t expected_version, const ChangeProposal& proposal);
  // The complainant in full, for those who handle grievances; audited.
  Complainant Reveal(const Caller& caller, int64_t id);

  // The public form: every problem of the input named (the challenge's too,
  // checked by the caller: see challenge.h), nothing stored on any. The
  // applicant's ID number is stored encrypted; when it is a registered
  // person's, the grievance is about their household. Recorded in the audit
  // trail by the "public-application" desk (user 0).
  Grievance SubmitApplication(const ApplicationInput& input, Problems problems = {});
  // NotFound unless the number and the phone belong together.
  ApplicationState ApplicationStateOf(const std::string& number, const std::string& phone);

  GrievanceFigures Figures(const Caller& caller, const std::string& area_code, std::optional<int> year,
                           const std::string& by);
  // Grievances waiting for the caller (handlers: every open one in scope), oldest first.
  GrievancePage Waiting(const Caller& caller, int64_t limit = 50);

 private:
  Grievance Record(const Caller& caller, const GrievanceInput& input, const std::string& area, int64_t days,
                   const ApplicationInput* application);
  store::Connection& db_;
  const Clock& clock_;
  const access::PersonalDataProtector& protector_;
};

nlohmann::json GrievanceJson(const Grievance& g);
nlohmann::json GrievancePageJson(const GrievancePage& page);
nlohmann::json GrievanceFiguresJson(const GrievanceFigures& figures);
nlohmann::json ApplicationStateJson(const ApplicationState& state);

}  // namespace fupin::grievance
