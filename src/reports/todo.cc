#include "reports/todo.h"

#include <array>

#include <nlohmann/json.hpp>

#include "access/abilities.h"
#include "assessment/exits.h"
#include "assistance/assistance.h"
#include "core/error.h"
#include "grievance/changes.h"
#include "grievance/grievances.h"
#include "monitoring/monitoring.h"
#include "social/social.h"

namespace fupin::reports {
namespace {

// Needs published by village cadres and waiting for a township's or the
// county office's review.
std::vector<TodoItem> NeedsToReview(const TodoContext& c) {
  if (!access::Can(c.caller, access::Ability::kReviewNeeds)) return {};
  social::SocialService social(c.db, c.clock);
  social::NeedFilter f;
  f.status = "pending_review";
  f.limit = 1;
  const int64_t n = social.ListNeeds(c.caller, f).total;
  return {{"needs_review", "待审核的需求", n, "/needs?tab=board&status=pending_review", ""}};
}

// Monitoring cases being identified whose next step the caller's role does.
std::vector<TodoItem> MonitoringSteps(const TodoContext& c) {
  using access::Ability;
  if (!access::Can(c.caller, Ability::kMonitoringVillageStep) &&
      !access::Can(c.caller, Ability::kMonitoringTownshipStep) &&
      !access::Can(c.caller, Ability::kMonitoringCountyStep)) {
    return {};
  }
  monitoring::MonitoringService service(c.db, c.clock);
  int64_t n = 0;
  std::string note;
  for (const auto& [stage, count] : service.WaitingStages(c.caller, "")) {
    if (!monitoring::MayDoStep(c.caller, stage)) continue;
    n += count;
    note += (note.empty() ? "" : "，") + std::string(monitoring::StepLabelZh(stage)) + " " + std::to_string(count) + " 户";
  }
  return {{"monitoring_steps", "待办理的监测认定步骤", n, "/monitoring?tab=cases&status=identifying", note}};
}

// Monitoring steps waiting too long, households monitored too long.
std::vector<TodoItem> MonitoringOverdue(const TodoContext& c) {
  if (!access::Can(c.caller, access::Ability::kReadMonitoring)) return {};
  monitoring::MonitoringService service(c.db, c.clock);
  int64_t steps = 0;
  int64_t too_long = 0;
  for (const auto& item : service.Overdue(c.caller, "")) (item.kind == monitoring::OverdueKind::kStepOverdue ? steps : too_long) += 1;
  std::string note = "步骤超期 " + std::to_string(steps) + " 件，监测超期 " + std::to_string(too_long) + " 户";
  return {{"monitoring_overdue", "超期的监测事项", steps + too_long, "/monitoring?tab=overdue", note}};
}

// A paired cadre's own households whose next visit is due (today or before).
std::vector<TodoItem> VisitsDue(const TodoContext& c) {
  if (!access::Can(c.caller, access::Ability::kOwnPairingsOnly)) return {};
  assistance::AssistanceService service(c.db, c.clock);
  int64_t n = 0;
  try {
    for (const auto& h : service.MyView(c.caller).households) n += h.overdue ? 1 : 0;
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kNotFound) throw;  // a login not (yet) linked to a cadre has no pairings
  }
  return {{"visits_due", "应走访的结对户", n, "/assistance?tab=mine", ""}};
}

// Poor households in the middle of their exit procedure, by the step they wait for.
std::vector<TodoItem> ExitsWaiting(const TodoContext& c) {
  if (!access::Can(c.caller, access::Ability::kWriteRegistry)) return {};
  assessment::ExitService exits(c.db, c.clock);
  const assessment::ExitQueue q = exits.Waiting(c.caller);
  const std::string link = "/exits";
  return {{"exits_verify", "待核实的拟退出户（已村评议）", q.awaiting_verification, link, ""},
          {"exits_notice", "待公示的拟退出户（已核实）", q.awaiting_notice, link, ""},
          {"exits_record", "公示期满待销号的户", q.awaiting_record, link, ""}};
}

// Change requests the caller reviews or approves now, and their own sent back (issue 23).
std::vector<TodoItem> ChangesWaiting(const TodoContext& c) {
  using access::Ability;
  if (!access::Can(c.caller, Ability::kProposeChange) && !access::Can(c.caller, Ability::kReviewChange) &&
      !access::Can(c.caller, Ability::kApproveChange)) {
    return {};
  }
  const grievance::ChangePage page = grievance::ChangeRequests(c.db, c.clock).Waiting(c.caller, 1);
  return {{"changes_waiting", "待审核的变更申请", page.total, "/changes",
           page.overdue > 0 ? "其中已超期 " + std::to_string(page.overdue) + " 件" : ""}};
}

// Open grievances in the scope of someone who handles them (issue 23).
std::vector<TodoItem> GrievancesWaiting(const TodoContext& c) {
  if (!access::Can(c.caller, access::Ability::kHandleGrievance)) return {};
  const grievance::GrievancePage page = grievance::Grievances(c.db, c.clock).Waiting(c.caller, 1);
  return {{"grievances_open", "待办理的信访申诉", page.total, "/grievances",
           page.overdue > 0 ? "其中已超期 " + std::to_string(page.overdue) + " 件" : ""}};
}

constexpr std::array<TodoProvider, 7> kProviders = {NeedsToReview, MonitoringSteps,  MonitoringOverdue, VisitsDue,
                                                    ExitsWaiting,  ChangesWaiting, GrievancesWaiting};

}  // namespace

std::span<const TodoProvider> TodoProviders() { return kProviders; }

std::vector<TodoItem> ListTodo(store::Connection& db, const Caller& caller, const Clock& clock) {
  const TodoContext context{db, caller, clock};
  std::vector<TodoItem> out;
  for (const TodoProvider provider : TodoProviders()) {
    for (auto& item : provider(context)) out.push_back(std::move(item));
  }
  return out;
}

nlohmann::json TodoJson(const std::vector<TodoItem>& items) {
  nlohmann::json list = nlohmann::json::array();
  int64_t total = 0;
  for (const auto& i : items) {
    list.push_back({{"key", i.key}, {"title_zh", i.title_zh}, {"count", i.count}, {"link", i.link}, {"note_zh", i.note_zh}});
    total += i.count;
  }
  return {{"items", list}, {"total", total}};
}

}  // namespace fupin::reports
