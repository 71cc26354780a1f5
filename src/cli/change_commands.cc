// `fupin change|grievance|application ...`: change requests to the registry,
// grievances and households' own applications (issue 23) from the command
// line. Parses, calls one service function, prints text or --json.
// The command line acts as the local operator (user 0), who holds the
// database file: the two-person rule of the service does not hold it back.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <memory>
#include <sstream>

#include "cli/context.h"
#include "core/error.h"
#include "grievance/changes.h"
#include "grievance/grievances.h"

namespace fupin::cli {
namespace {

using nlohmann::json;

void PrintRequest(Context& ctx, const grievance::ChangeRequest& r) {
  if (ctx.json) {
    ctx.PrintJson(grievance::ChangeRequestJson(r));
    return;
  }
  const json j = grievance::ChangeRequestJson(r);
  ctx.out() << "变更申请 " << r.id << "  " << j["kind_label"].get<std::string>() << "  " << r.entity << "  "
            << j["status_label"].get<std::string>() << " (version " << r.version << ")\n";
  ctx.out() << "  " << r.area_name << "  提出 " << r.proposed_on << " " << r.proposer << "  " << r.age_days << " 天"
            << (r.overdue ? "  已超期" : "") << (r.stale ? "  记录已变" : "") << "\n";
  for (const auto& d : r.diff) ctx.out() << "  " << d.field << ": " << d.before.dump() << " -> " << d.after.dump() << "\n";
  ctx.out() << "  理由: " << r.reason << "\n";
  for (const auto& s : r.steps) ctx.out() << "  " << s.step << "  " << s.actor << "  " << s.note << "\n";
}

json ChangeJson(const std::string& text, const std::string& file) {
  std::string source = text;
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) throw Error::NotFound("cannot read " + file);
    std::stringstream buffer;
    buffer << in.rdbuf();
    source = buffer.str();
  }
  json change = json::parse(source, nullptr, false);
  if (change.is_discarded()) {
    throw Error::InvalidArgument("invalid change", {{file.empty() ? "--change" : "--change-file", "is not JSON"}});
  }
  return change;
}

void AddPropose(CLI::App& change, Context& ctx) {
  struct Options {
    grievance::ChangeProposal p;
    std::string text, file;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = change.add_subcommand("propose", "Propose a change to a household or person");
  cmd->add_option("--kind", o->p.kind,
                  "household_add household_update household_status person_add person_update person_move")
      ->required();
  cmd->add_option("--change", o->text, "The change as JSON (docs/CHANGES.md)");
  cmd->add_option("--change-file", o->file, "A file holding the change as JSON");
  cmd->add_option("--reason", o->p.reason, "Why")->required();
  cmd->add_option("--evidence", o->p.evidence, "A file reference (repeatable)");
  cmd->callback([&ctx, o] {
    o->p.change = ChangeJson(o->text, o->file);
    grievance::ChangeRequests svc(ctx.connection(), DefaultClock());
    PrintRequest(ctx, svc.Propose(ctx.caller, o->p));
  });
}

void AddList(CLI::App& change, Context& ctx) {
  auto f = std::make_shared<grievance::ChangeFilter>();
  auto status = std::make_shared<std::optional<std::string>>();
  auto* list = change.add_subcommand("list", "List change requests by area and age (pending by default)");
  list->add_option("--area", f->area_code, "Area (default: your scope)");
  list->add_option("--status", *status, "pending (default), all, proposed, reviewed, approved, rejected, sent_back");
  list->add_option("--kind", f->kind, "Kind of change");
  list->add_flag("--overdue", f->overdue_only, "Only those past their deadline");
  list->add_option("--limit", f->limit, "Page size (1-500, default 50)");
  list->add_option("--offset", f->offset, "Rows to skip");
  list->callback([&ctx, f, status] {
    f->status = grievance::ParseChangeStatusFilter(*status);
    grievance::ChangeRequests svc(ctx.connection(), DefaultClock());
    const auto page = svc.List(ctx.caller, *f);
    if (ctx.json) {
      ctx.PrintJson(grievance::ChangePageJson(page));
      return;
    }
    for (const auto& r : page.items) {
      ctx.out() << r.id << '\t' << WireOf(grievance::ChangeKindTerms(), r.kind) << '\t' << r.entity << '\t'
                << r.area_name << '\t' << WireOf(grievance::ChangeStatusTerms(), r.status) << '\t'
                << r.proposed_on << '\t' << r.age_days << " 天" << (r.overdue ? "\t已超期" : "") << '\n';
    }
    ctx.out() << page.items.size() << " of " << page.total << " change requests, " << page.overdue << " overdue\n";
  });
}

// approve | reject | send-back | resubmit ID --version V [--reason|--note TEXT]
void AddStep(CLI::App& change, Context& ctx, const char* name, const char* help, bool reason_required) {
  struct Options {
    int64_t id = 0, version = 0;
    std::string text;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = change.add_subcommand(name, help);
  cmd->add_option("ID", o->id, "Change request id")->required();
  cmd->add_option("--version", o->version, "The version you read (fupin change show)")->required();
  auto* text = cmd->add_option(reason_required ? "--reason" : "--note", o->text, reason_required ? "Why" : "A note");
  if (reason_required) text->required();
  const std::string step = name;
  cmd->callback([&ctx, o, step] {
    grievance::ChangeRequests svc(ctx.connection(), DefaultClock());
    if (step == "approve") PrintRequest(ctx, svc.Approve(ctx.caller, o->id, o->version, o->text));
    else if (step == "reject") PrintRequest(ctx, svc.Reject(ctx.caller, o->id, o->version, o->text));
    else if (step == "send-back") PrintRequest(ctx, svc.SendBack(ctx.caller, o->id, o->version, o->text));
    else PrintRequest(ctx, svc.Resubmit(ctx.caller, o->id, o->version, o->text));
  });
}

}  // namespace

void AddChangeCommands(CLI::App& app, Context& ctx) {
  auto* change = app.add_subcommand("change", "变更申请 (change requests to the registry)");
  change->require_subcommand(1);
  AddPropose(*change, ctx);
  AddList(*change, ctx);
  {
    auto id = std::make_shared<int64_t>(0);
    auto* show = change->add_subcommand("show", "Show a change request with its difference and steps");
    show->add_option("ID", *id, "Change request id")->required();
    show->callback([&ctx, id] {
      grievance::ChangeRequests svc(ctx.connection(), DefaultClock());
      PrintRequest(ctx, svc.Get(ctx.caller, *id));
    });
  }
  AddStep(*change, ctx, "approve", "Review (township) or approve (county): an approval changes the registry", false);
  AddStep(*change, ctx, "reject", "Reject, with the reason", true);
  AddStep(*change, ctx, "send-back", "Send back to the proposer, with the reason", true);
  AddStep(*change, ctx, "resubmit", "Hand a request sent back in again", false);
}

namespace {

void PrintGrievance(Context& ctx, const grievance::Grievance& g) {
  const json j = grievance::GrievanceJson(g);
  if (ctx.json) {
    ctx.PrintJson(j);
    return;
  }
  ctx.out() << "信访件 " << g.number << " (id " << g.id << ", version " << g.version << ")  "
            << j["channel_label"].get<std::string>() << "  " << g.category << "  " << j["status_label"].get<std::string>()
            << (g.overdue ? "  已超期" : "") << "\n";
  ctx.out() << "  " << g.area_name << "  登记 " << g.received_on << "  期限 " << g.deadline << "  "
            << (g.anonymous ? "匿名" : g.complainant.value_or("")) << "\n  " << g.text << "\n";
  if (!g.answer.empty()) ctx.out() << "  答复: " << g.answer << "\n";
  for (const auto& s : g.steps) ctx.out() << "  " << s.step << "  " << s.actor << "  " << s.note << "\n";
}

void AddGrievanceIntake(CLI::App& grievance, Context& ctx) {
  auto in = std::make_shared<grievance::GrievanceInput>();
  auto* add = grievance.add_subcommand("add", "Take a grievance in (信访登记)");
  add->add_option("--channel", in->channel, "hotline letter visit online cadre")->required();
  add->add_option("--category", in->category,
                  "wrongly_excluded wrongly_included benefit_not_received cadre_conduct funds_projects other")
      ->required();
  add->add_option("--area", in->area_code, "Area of the matter (or --household)");
  add->add_option("--household", in->household_id, "The household it is about");
  add->add_flag("--anonymous", in->anonymous, "No complainant");
  add->add_option("--complainant", in->complainant, "The complainant's name");
  add->add_option("--phone", in->phone, "The complainant's phone");
  add->add_option("--text", in->text, "What it is about")->required();
  add->add_option("--date", in->received_on, "Date received (default today)");
  add->callback([&ctx, in] {
    grievance::Grievances svc(ctx.connection(), DefaultClock());
    PrintGrievance(ctx, svc.Intake(ctx.caller, *in));
  });
}

void AddGrievanceList(CLI::App& grievance, Context& ctx) {
  auto f = std::make_shared<grievance::GrievanceFilter>();
  auto status = std::make_shared<std::optional<std::string>>();
  auto* list = grievance.add_subcommand("list", "List grievances by area and age (open ones by default)");
  list->add_option("--area", f->area_code, "Area (default: your scope)");
  list->add_option("--status", *status, "open (default), all, received, accepted, investigating, answered, closed");
  list->add_option("--category", f->category, "Category");
  list->add_flag("--overdue", f->overdue_only, "Only those past their deadline");
  list->add_option("--year", f->year, "Received in this year");
  list->add_option("--limit", f->limit, "Page size (1-500, default 50)");
  list->add_option("--offset", f->offset, "Rows to skip");
  list->callback([&ctx, f, status] {
    f->status = grievance::ParseGrievanceStatusFilter(*status);
    grievance::Grievances svc(ctx.connection(), DefaultClock());
    const auto page = svc.List(ctx.caller, *f);
    if (ctx.json) {
      ctx.PrintJson(grievance::GrievancePageJson(page));
      return;
    }
    for (const auto& g : page.items) {
      ctx.out() << g.id << '\t' << g.number << '\t' << g.category << '\t' << g.area_name << '\t'
                << WireOf(grievance::GrievanceStatusTerms(), g.status) << '\t'
                << g.deadline << (g.overdue ? "\t已超期" : "") << '\n';
    }
    ctx.out() << page.items.size() << " of " << page.total << " grievances, " << page.overdue << " overdue\n";
  });
}

void AddGrievanceSteps(CLI::App& grievance, Context& ctx) {
  struct Options {
    int64_t id = 0, version = 0;
    std::string step, text, unit;
    std::optional<std::string> satisfaction;
  };
  auto o = std::make_shared<Options>();
  auto* accept = grievance.add_subcommand("accept", "Accept (受理) a grievance and assign the responsible unit");
  accept->add_option("ID", o->id, "Grievance id")->required();
  accept->add_option("--version", o->version, "The version you read")->required();
  accept->add_option("--unit", o->unit, "The responsible unit")->required();
  accept->add_option("--note", o->text, "A note");
  accept->callback([&ctx, o] {
    grievance::Grievances svc(ctx.connection(), DefaultClock());
    PrintGrievance(ctx, svc.Accept(ctx.caller, o->id, o->version, o->unit, o->text));
  });
  auto* step = grievance.add_subcommand("step", "investigating | answered --text ANSWER | closed [--satisfaction] | reopened --text WHY");
  step->add_option("ID", o->id, "Grievance id")->required();
  step->add_option("STEP", o->step, "investigating answered closed reopened")->required();
  step->add_option("--version", o->version, "The version you read")->required();
  step->add_option("--text", o->text, "The answer, or why it is reopened");
  step->add_option("--satisfaction", o->satisfaction, "satisfied basically_satisfied dissatisfied");
  step->callback([&ctx, o] {
    grievance::Grievances svc(ctx.connection(), DefaultClock());
    PrintGrievance(ctx, svc.Step(ctx.caller, o->id, o->version, o->step, o->text, o->satisfaction));
  });
}

void AddGrievanceFigures(CLI::App& grievance, Context& ctx) {
  struct Options {
    std::string area, by = "area";
    std::optional<int> year;
  };
  auto o = std::make_shared<Options>();
  auto* figures = grievance.add_subcommand("figures", "Received, answered on time, overdue, satisfaction");
  figures->add_option("--area", o->area, "Area (default: your scope)");
  figures->add_option("--year", o->year, "Received in this year");
  figures->add_option("--by", o->by, "area (default), category, channel, year");
  figures->callback([&ctx, o] {
    grievance::Grievances svc(ctx.connection(), DefaultClock());
    const auto f = svc.Figures(ctx.caller, o->area, o->year, o->by);
    if (ctx.json) {
      ctx.PrintJson(grievance::GrievanceFiguresJson(f));
      return;
    }
    ctx.out() << "key\tlabel\treceived\tanswered\ton_time\toverdue\trated\tsatisfied\n";
    for (const auto& r : f.rows) {
      ctx.out() << r.key << '\t' << r.label << '\t' << r.received << '\t' << r.answered << '\t' << r.answered_on_time
                << '\t' << r.overdue << '\t' << r.rated << '\t' << r.satisfied << '\n';
    }
  });
}

}  // namespace

void AddGrievanceCommands(CLI::App& app, Context& ctx) {
  auto* grievance = app.add_subcommand("grievance", "信访与申诉 (grievances and appeals)");
  grievance->require_subcommand(1);
  AddGrievanceIntake(*grievance, ctx);
  AddGrievanceList(*grievance, ctx);
  {
    auto id = std::make_shared<int64_t>(0);
    auto* show = grievance->add_subcommand("show", "Show a grievance with its steps");
    show->add_option("ID", *id, "Grievance id")->required();
    show->callback([&ctx, id] {
      grievance::Grievances svc(ctx.connection(), DefaultClock());
      PrintGrievance(ctx, svc.Get(ctx.caller, *id));
    });
  }
  AddGrievanceSteps(*grievance, ctx);
  AddGrievanceFigures(*grievance, ctx);

  auto* application = app.add_subcommand("application", "自主申报 (households' own applications)");
  application->require_subcommand(1);
  struct Lookup {
    std::string number, phone;
  };
  auto o = std::make_shared<Lookup>();
  auto* show = application->add_subcommand("show", "The state of an application by its number and phone");
  show->add_option("NUMBER", o->number, "The application's number (XF...)")->required();
  show->add_option("--phone", o->phone, "The applicant's phone")->required();
  show->callback([&ctx, o] {
    grievance::Grievances svc(ctx.connection(), DefaultClock());
    const auto state = svc.ApplicationStateOf(o->number, o->phone);
    if (ctx.json) {
      ctx.PrintJson(grievance::ApplicationStateJson(state));
      return;
    }
    ctx.out() << state.number << "  " << state.status_label << "  登记 " << state.received_on << "  期限 "
              << state.deadline << (state.answer.empty() ? "" : "\n  答复: " + state.answer) << "\n";
  });
}

}  // namespace fupin::cli
