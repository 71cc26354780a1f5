// `fupin social ...`: the social-assistance platform from the command line.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <ostream>

#include "cli/context.h"
#include "core/error.h"
#include "core/money.h"
#include "social/demo.h"
#include "social/social.h"
#include "social/social_json.h"

namespace fupin::cli {
namespace {

struct NeedList {
  std::string area, category, urgency, status, min_amount, max_amount;
  int64_t limit = 50, offset = 0;
};
struct NeedPublish {
  social::NeedInput in;
  std::string amount;
};
struct NeedReview {
  int64_t id = 0;
  bool approve = false, reject = false;
  std::string note;
};
struct Enrol {
  int64_t household = 0;
  std::string date;
};
struct Activity {
  std::optional<int64_t> need, donor;
  std::string status;
  int64_t limit = 50, offset = 0;
};
struct Figures {
  std::string area;
  int year = 0;
  std::string as_of;
};
struct Demo {
  social::DemoOptions options;
  uint64_t seed = 2020;
};

std::optional<Fen> OptionalYuan(const std::string& text, const char* option) {
  if (text.empty()) return std::nullopt;
  auto fen = ParseYuan(text);
  if (!fen) throw Error::InvalidArgument("bad amount", {{option, "'" + text + "' is not an amount in yuan"}});
  return fen;
}

std::optional<std::string> NonEmpty(const std::string& s) { return s.empty() ? std::nullopt : std::optional(s); }

void PrintNeed(Context& ctx, const social::Need& n) {
  if (ctx.json) {
    ctx.PrintJson(social::NeedToJson(n));
    return;
  }
  ctx.out() << "需求 " << n.id << " [" << WireOf(social::NeedStatusTerms(), n.status) << "] " << n.village_name << " " << n.category << " " << n.title
            << (n.amount ? " 金额 " + FormatYuan(*n.amount) + " 元" : "") << " 已到位 " << FormatYuan(n.received)
            << " 元, 对接 " << n.dockings << " 次\n";
}

}  // namespace

void AddSocialCommands(CLI::App& app, Context& ctx) {
  auto* social = app.add_subcommand("social", "Social assistance (社会扶贫): needs, pledges, dockings, figures");
  social->require_subcommand(1);
  {
    auto o = std::make_shared<NeedList>();
    auto* c = social->add_subcommand("needs", "List needs");
    c->add_option("--area", o->area, "Area (any level)");
    c->add_option("--category", o->category, "production | living | education | medical | employment | other");
    c->add_option("--urgency", o->urgency, "normal | urgent | critical");
    c->add_option("--status", o->status, "pending_review | rejected | open | closed");
    c->add_option("--min-amount", o->min_amount, "Yuan");
    c->add_option("--max-amount", o->max_amount, "Yuan");
    c->add_option("--limit", o->limit, "Rows (1-500)");
    c->add_option("--offset", o->offset, "Rows to skip");
    c->callback([&ctx, o] {
      social::NeedFilter f;
      f.area_code = o->area;
      f.category = NonEmpty(o->category);
      f.urgency = NonEmpty(o->urgency);
      f.status = NonEmpty(o->status);
      f.min_amount = OptionalYuan(o->min_amount, "--min-amount");
      f.max_amount = OptionalYuan(o->max_amount, "--max-amount");
      f.limit = o->limit;
      f.offset = o->offset;
      social::SocialService s(ctx.connection(), DefaultClock());
      auto page = s.ListNeeds(ctx.caller, f);
      if (ctx.json) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& n : page.items) items.push_back(social::NeedToJson(n));
        ctx.PrintJson({{"total", page.total}, {"items", items}});
        return;
      }
      ctx.out() << "共 " << page.total << " 条需求\n";
      for (const auto& n : page.items) PrintNeed(ctx, n);
    });
  }
  {
    auto o = std::make_shared<NeedPublish>();
    auto* c = social->add_subcommand("publish", "Publish a need for a household (waits for review)");
    c->add_option("--household", o->in.household_id, "Household id")->required();
    c->add_option("--category", o->in.category, "production | living | education | medical | employment | other")
        ->required();
    c->add_option("--title", o->in.title, "Title (public)")->required();
    c->add_option("--description", o->in.description, "Description (public)");
    c->add_option("--amount", o->amount, "Yuan asked for");
    c->add_option("--items", o->in.items, "Things asked for (public)");
    c->add_option("--deadline", o->in.deadline, "YYYY-MM-DD")->required();
    c->add_option("--urgency", o->in.urgency, "normal | urgent | critical");
    c->callback([&ctx, o] {
      social::NeedInput in = o->in;
      in.amount = OptionalYuan(o->amount, "--amount");
      social::SocialService s(ctx.connection(), DefaultClock());
      PrintNeed(ctx, s.PublishNeed(ctx.caller, in));
    });
  }
  {
    auto o = std::make_shared<NeedReview>();
    auto* c = social->add_subcommand("review", "Approve or reject a need");
    c->add_option("ID", o->id, "Need id")->required();
    auto* a = c->add_flag("--approve", o->approve, "Approve: the need becomes public");
    auto* r = c->add_flag("--reject", o->reject, "Reject (give --note)");
    a->excludes(r);
    c->add_option("--note", o->note, "Reason");
    c->callback([&ctx, o] {
      if (o->approve == o->reject) throw Error::InvalidArgument("say --approve or --reject", {{"--approve", "missing"}});
      social::SocialService s(ctx.connection(), DefaultClock());
      PrintNeed(ctx, s.ReviewNeed(ctx.caller, o->id, o->approve, o->note));
    });
  }
  {
    auto o = std::make_shared<NeedReview>();
    auto* c = social->add_subcommand("fulfil", "Close an open need as fulfilled");
    c->add_option("ID", o->id, "Need id")->required();
    c->add_option("--note", o->note, "Why");
    c->callback([&ctx, o] {
      social::SocialService s(ctx.connection(), DefaultClock());
      PrintNeed(ctx, s.MarkFulfilled(ctx.caller, o->id, o->note));
    });
  }
  {
    auto o = std::make_shared<Enrol>();
    auto* c = social->add_subcommand("enrol", "Register a household on the platform");
    c->add_option("HOUSEHOLD", o->household, "Household id")->required();
    c->add_option("--date", o->date, "YYYY-MM-DD (default today)");
    c->callback([&ctx, o] {
      social::SocialService s(ctx.connection(), DefaultClock());
      s.EnrolHousehold(ctx.caller, o->household, NonEmpty(o->date));
      if (ctx.json) ctx.PrintJson({{"household_id", o->household}, {"enrolled", true}});
      else ctx.out() << "户 " << o->household << " 已注册社会扶贫平台\n";
    });
  }
  for (const std::string kind : {"pledges", "dockings"}) {
    auto o = std::make_shared<Activity>();
    auto* c = social->add_subcommand(kind, kind == "pledges" ? "List pledges" : "List dockings");
    c->add_option("--need", o->need, "Need id");
    c->add_option("--donor", o->donor, "Donor id");
    c->add_option("--status", o->status, "Status");
    c->add_option("--limit", o->limit, "Rows (1-500)");
    c->add_option("--offset", o->offset, "Rows to skip");
    c->callback([&ctx, o, kind] {
      social::ActivityFilter f{o->need, o->donor, NonEmpty(o->status), o->limit, o->offset};
      social::SocialService s(ctx.connection(), DefaultClock());
      nlohmann::json items = nlohmann::json::array();
      int64_t total = 0;
      if (kind == "pledges") {
        auto page = s.ListPledges(ctx.caller, f);
        total = page.total;
        for (const auto& p : page.items) items.push_back(social::PledgeToJson(p));
      } else {
        auto page = s.ListDockings(ctx.caller, f);
        total = page.total;
        for (const auto& d : page.items) items.push_back(social::DockingToJson(d));
      }
      if (ctx.json) {
        ctx.PrintJson({{"total", total}, {"items", items}});
        return;
      }
      ctx.out() << "共 " << total << (kind == "pledges" ? " 条认捐\n" : " 次对接\n");
      for (const auto& i : items) {
        ctx.out() << i["id"] << " 需求 " << i["need_id"] << " " << i["donor_name"].get<std::string>() << " "
                  << (i["amount"].is_null() ? std::string("-") : i["amount"].get<std::string>()) << " "
                  << i["status"].get<std::string>() << '\n';
      }
    });
  }
  {
    auto days = std::make_shared<int64_t>(30);
    auto* c = social->add_subcommand("undelivered", "Pledges open for --days or more without a docking");
    c->add_option("--days", *days, "Days (default 30)");
    c->callback([&ctx, days] {
      social::SocialService s(ctx.connection(), DefaultClock());
      auto list = s.ListUndeliveredPledges(ctx.caller, *days);
      if (ctx.json) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& u : list) {
          auto j = social::PledgeToJson(u.pledge);
          j["days_open"] = u.days_open;
          items.push_back(j);
        }
        ctx.PrintJson({{"items", items}});
        return;
      }
      ctx.out() << "认捐未兑现 " << list.size() << " 条\n";
      for (const auto& u : list) {
        ctx.out() << u.pledge.id << " " << u.pledge.donor_name << " 需求 " << u.pledge.need_id << " 已 " << u.days_open
                  << " 天\n";
      }
    });
  }
  {
    auto o = std::make_shared<Figures>();
    auto* c = social->add_subcommand("figures", "The social-assistance figures of the progress report");
    c->add_option("--area", o->area, "Area (any level)")->required();
    c->add_option("--year", o->year, "Year")->required();
    c->add_option("--as-of", o->as_of, "YYYY-MM-DD in the year (default 31 December)");
    c->callback([&ctx, o] {
      Date as_of{o->year, 12, 31};
      if (!o->as_of.empty()) {
        auto d = Date::Parse(o->as_of);
        if (!d) throw Error::InvalidArgument("bad date", {{"--as-of", "'" + o->as_of + "' is not YYYY-MM-DD"}});
        as_of = *d;
      }
      auto f = social::ProgressFigures(ctx.connection(), ctx.caller, o->area, o->year, as_of);
      if (ctx.json) {
        ctx.PrintJson(social::FiguresToJson(f));
        return;
      }
      ctx.out() << "贫困户注册率 " << f.app_household_registration_rate() << "% (" << f.households_on_app << "/"
                << f.households_registered << ")\n"
                << "爱心人士注册 " << f.donors_registered << " 人\n"
                << "发布需求 " << f.needs_published << " 条\n"
                << "对接成功 " << f.dockings_succeeded << " 次\n";
    });
  }
  {
    auto o = std::make_shared<Demo>();
    auto* c = social->add_subcommand("demo", "Generate demo donors, needs and dockings over the registry of an area");
    c->add_option("--area", o->options.area_code, "Area (default 430424)");
    c->add_option("--seed", o->seed, "Seed (default 2020)");
    c->add_option("--donors", o->options.donors, "Donors (default 35540)");
    c->add_option("--needs", o->options.needs, "Published needs (default 8414)");
    c->add_option("--dockings", o->options.dockings, "Confirmed dockings (default 37326)");
    c->add_option("--as-of", o->options.as_of, "Last date (default 2020-09-30)");
    c->callback([&ctx, o] {
      auto s = social::GenerateDemo(ctx.connection(), o->seed, ctx.caller, o->options);
      if (ctx.json) {
        ctx.PrintJson({{"households_enrolled", s.households_enrolled}, {"donors", s.donors}, {"needs", s.needs},
                       {"needs_open", s.needs_open}, {"pledges", s.pledges}, {"dockings", s.dockings},
                       {"feedback", s.feedback}});
        return;
      }
      ctx.out() << "注册贫困户 " << s.households_enrolled << " 户, 爱心人士 " << s.donors << " 人, 需求 " << s.needs
                << " 条, 对接 " << s.dockings << " 次\n";
    });
  }
}

}  // namespace fupin::cli
