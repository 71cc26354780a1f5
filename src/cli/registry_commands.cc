#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <ostream>

#include "cli/context.h"
#include "industry/industry.h"
#include "projects/projects.h"
#include "housing/housing.h"
#include "assessment/exits.h"
#include "core/error.h"
#include "core/money.h"
#include "dataio/exports.h"
#include "registry/households.h"
#include "registry/registry_json.h"

namespace fupin::cli {
namespace {

// Option values live as long as the callback that reads them.
struct HouseholdAdd {
  registry::HouseholdInput in;
  std::string other_causes;
};
struct HouseholdRef {
  std::optional<int64_t> id;
  std::optional<std::string> number;
};
struct HouseholdList {
  registry::HouseholdRegistry::ListFilter filter;
  std::optional<std::string> status;
  std::optional<int> year;
  std::optional<std::string> output;  // every matching household to FILE.xlsx / FILE.csv
};
struct HouseholdYearOptions {
  int64_t id = 0;
  int year = 0;
  int members = 0;
  std::string wage = "0", production = "0", property = "0", transfer = "0", cost = "0";
  std::optional<int> food, clothing, housing, water;
  std::optional<std::string> dibao_class, house_grade;
  std::optional<int> relocation, pv_share;
  std::optional<std::string> pepper_mu, camellia_mu;
};
struct PersonRef {
  std::optional<int64_t> id;
  std::optional<std::string> id_number;
  bool unmasked = false;
};
struct PersonMove {
  int64_t id = 0;
  int64_t to = 0;
  std::string relation = "other";
  std::string date;
  std::string reason;
};
struct PersonYearOptions {
  int64_t id = 0;
  registry::PersonYear facts;
  std::optional<int> medical, pension, chronic_contract;
};

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Fen Yuan(const std::string& text, const char* option) {
  auto fen = ParseYuan(text);
  if (!fen) {
    throw Error::InvalidArgument(std::string("invalid amount for ") + option,
                                 {{option, "'" + text + "' is not an amount in yuan (at most two decimals)"}});
  }
  return *fen;
}

std::optional<bool> Flag01(const std::optional<int>& v, const char* option) {
  if (!v) return std::nullopt;
  if (*v != 0 && *v != 1) throw Error::InvalidArgument(std::string("invalid ") + option, {{option, "must be 0 or 1"}});
  return *v == 1;
}

void PrintHousehold(Context& ctx, const registry::Household& h) {
  if (ctx.json) {
    ctx.PrintJson(registry::HouseholdJson(h));
    return;
  }
  auto& out = ctx.out();
  const nlohmann::json j = registry::HouseholdJson(h);
  out << "户 " << h.number << " (id " << h.id << ")  " << h.village_name << " " << h.village_code << '\n'
      << "  状态 " << j["status_label"].get<std::string>() << "  属性 " << j["attribute_label"].get<std::string>()
      << "  致贫原因 " << j["main_cause_label"].get<std::string>() << "  识别年度 "
      << (h.identified_year ? std::to_string(*h.identified_year) : "-") << '\n';
  for (const auto& m : j.value("members", nlohmann::json::array())) {
    out << "  成员 " << m["person_id"] << " " << m["name"].get<std::string>() << " "
        << m["id_number"].get<std::string>() << " " << m["relation_label"].get<std::string>() << '\n';
  }
  for (const auto& e : h.events) {
    out << "  " << e.date << " " << e.kind << " (" << e.year << ") " << e.reason << " — " << e.actor << '\n';
  }
  for (const auto& y : h.years) {
    out << "  " << y.year << " 人均纯收入 " << FormatYuan(y.per_capita_net_income()) << " 元 (" << y.members
        << " 人)\n";
  }
}

// The household's industries, links, jobs and loans, one line each.
void PrintHouseholdIndustry(Context& ctx, const industry::HouseholdIndustry& x) {
  auto& out = ctx.out();
  for (const auto& p : x.plantings) {
    out << "  产业 " << p.year << "年 " << p.industry << " " << static_cast<double>(p.mu_milli) / 1000.0 << " 亩 收入 "
        << FormatYuan(p.income_fen) << " 元" << (p.subsidy_fen ? " 奖补 " + FormatYuan(p.subsidy_fen) + " 元" : "") << '\n';
  }
  for (const auto& l : x.links) {
    out << "  利益联结 " << l.year << "年 " << l.entity << " " << LabelOfWire(industry::LinkKinds(), l.link_kind) << " "
        << FormatYuan(l.earned_fen) << " 元\n";
  }
  for (const auto& w : x.jobs) {
    out << "  就业 " << w.year << "年 " << w.name << " "
        << (w.employed ? std::string(LabelOfWire(industry::WorkPlaces(), w.place)) + " " + w.employer
                       : "未就业（" + std::string(LabelOfWire(industry::NotEmployedReasons(), w.reason)) + "）")
        << '\n';
  }
  for (const auto& l : x.loans) {
    out << "  小额信贷 " << l.bank << " " << FormatYuan(l.amount_fen) << " 元 " << l.issued_on << "~" << l.due_on
        << " 已还 " << FormatYuan(l.repaid_fen) << " 元" << (l.overdue ? " 逾期" : "") << '\n';
  }
}

}  // namespace

void AddRegistryCommands(CLI::App& app, Context& ctx) {
  auto* household = app.add_subcommand("household", "Registered households (贫困户)");
  household->require_subcommand(1);

  {
    auto o = std::make_shared<HouseholdAdd>();
    auto* add = household->add_subcommand("add", "Add a household");
    add->add_option("--number", o->in.number, "Household number (户编号)")->required();
    add->add_option("--village", o->in.village_code, "Village area code")->required();
    add->add_option("--identified-year", o->in.identified_year, "Year it was identified as poor (建档立卡)");
    add->add_option("--identified-date", o->in.identified_date, "Date of identification (default 1 January)");
    add->add_option("--attribute", o->in.attribute, "general | dibao | destitute | none (or 一般贫困户 ...)");
    add->add_option("--main-cause", o->in.main_cause, "Main cause of poverty (illness, disability, ... or 因病 ...)");
    add->add_option("--other-causes", o->other_causes, "Other causes, comma-separated");
    add->add_option("--address", o->in.address, "Address");
    add->add_option("--phone", o->in.phone, "Phone number");
    add->callback([&ctx, o] {
      o->in.other_causes = SplitComma(o->other_causes);
      registry::HouseholdRegistry reg(ctx.connection());
      const int64_t id = reg.AddHousehold(ctx.caller, o->in);
      PrintHousehold(ctx, reg.GetHousehold(ctx.caller, id));
    });
  }
  {
    auto o = std::make_shared<HouseholdRef>();
    auto* show = household->add_subcommand("show", "Show a household with members, history and yearly facts");
    show->add_option("ID", o->id, "Household id");
    show->add_option("--number", o->number, "Household number instead of the id");
    show->callback([&ctx, o] {
      registry::HouseholdRegistry reg(ctx.connection());
      if (!o->number && !o->id) throw Error::InvalidArgument("give a household id or --number", {{"ID", "missing"}});
      const registry::Household h =
          o->number ? reg.GetHouseholdByNumber(ctx.caller, *o->number) : reg.GetHousehold(ctx.caller, *o->id);
      // What the household received from projects and assets (issue 20).
      const auto received = projects::ProjectService(ctx.connection(), DefaultClock()).HouseholdReceipts(ctx.caller, h.id);
      // Its industries, links to entities, jobs and loans (issue 21).
      const auto earning = industry::IndustryService(ctx.connection(), DefaultClock()).ForHousehold(ctx.caller, h.id);
      // Its house and relocation (issue 22).
      const auto house = housing::HousingService(ctx.connection(), DefaultClock()).ForHousehold(ctx.caller, h.id);
      if (ctx.json) {
        nlohmann::json j = registry::HouseholdJson(h);
        j["received"] = nlohmann::json::array();
        for (const auto& r : received) j["received"].push_back(projects::ReceiptJson(r));
        j["industry"] = industry::HouseholdIndustryJson(earning);
        j["housing"] = housing::HouseholdHousingJson(house);
        ctx.PrintJson(j);
        return;
      }
      PrintHousehold(ctx, h);
      for (const auto& r : received) {
        ctx.out() << "  受益 " << (r.kind == "project" ? "项目" : r.kind == "dividend" ? "分红" : r.kind == "station" ? "光伏电站" : "到户资产")
                  << " " << r.name << (r.year ? " " + std::to_string(*r.year) + "年" : "")
                  << (r.amount_fen ? " " + FormatYuan(r.amount_fen) + " 元" : "") << '\n';
      }
      PrintHouseholdIndustry(ctx, earning);
      for (const auto& i : house.inspections) {
        ctx.out() << "  住房鉴定 " << i.date << " " << i.grade << "级" << (i.plate ? " 已挂牌" : "") << '\n';
      }
      for (const auto& r : house.renovations) {
        ctx.out() << "  危房改造 " << r.start_date << " 验收 " << r.accepted_on.value_or("未验收") << '\n';
      }
      if (house.relocation) {
        ctx.out() << "  易地搬迁 " << house.relocation->moved_on << " 入住 " << house.relocation->site_name << " "
                  << house.relocation->persons << " 人\n";
      }
    });
  }
  {
    auto o = std::make_shared<HouseholdList>();
    auto* list = household->add_subcommand("list", "List households by area, status and year");
    list->add_option("--area", o->filter.area_code, "Area code at any level");
    list->add_option("--status", o->status, "poor | exited | removed | deceased | unregistered");
    list->add_option("--year", o->year, "Status at the end of this year; alone: identified by then");
    list->add_option("--phone", o->filter.phone, "Households with this full phone number (theirs or a member's)");
    list->add_option("--q", o->filter.q, "Find: household number, the head's full name or a member's full ID number");
    list->add_option("--limit", o->filter.limit, "Page size (1-1000, default 50)");
    list->add_option("--offset", o->filter.offset, "Rows to skip");
    list->add_option("--output", o->output, "Write every matching household to FILE.xlsx or FILE.csv");
    list->callback([&ctx, o] {
      o->filter.status = o->status;
      o->filter.year = o->year;
      if (o->output) {
        const int64_t n = dataio::ExportHouseholds(ctx.connection(), ctx.caller, o->filter, *o->output);
        if (ctx.json) ctx.PrintJson({{"output", *o->output}, {"households", n}});
        else ctx.out() << n << " households written to " << *o->output << '\n';
        return;
      }
      registry::HouseholdRegistry reg(ctx.connection());
      const auto page = reg.ListHouseholds(ctx.caller, o->filter);
      if (ctx.json) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& h : page.items) items.push_back(registry::HouseholdJson(h));
        ctx.PrintJson({{"total", page.total}, {"limit", o->filter.limit}, {"offset", o->filter.offset}, {"items", items}});
        return;
      }
      for (const auto& h : page.items) {
        ctx.out() << h.id << '\t' << h.number << '\t' << (h.head_name.empty() ? "-" : h.head_name) << '\t'
                  << h.township_name << '\t' << h.village_name << '\t' << h.status << '\n';
      }
      ctx.out() << page.items.size() << " of " << page.total << " households\n";
    });
  }
  {
    struct EventOptions {
      registry::HouseholdRegistry::EventInput in;
      std::optional<std::string> override_reason;
    };
    auto e = std::make_shared<EventOptions>();
    auto* o = &e->in;
    auto* event = household->add_subcommand("event", "Record a status event (identified, exited, returned, removed, deceased)");
    event->add_option("ID", o->household_id, "Household id")->required();
    event->add_option("--kind", o->kind, "identified | exited | returned | removed | deceased")->required();
    event->add_option("--date", o->date, "Date YYYY-MM-DD")->required();
    event->add_option("--year", o->year, "Poverty year it counts for (the date's year or the one before)");
    event->add_option("--reason", o->reason, "Reason");
    event->add_option("--override-reason", e->override_reason,
                      "exited only: administrator or county office exits although a check fails, for this reason");
    event->callback([&ctx, e, o] {
      registry::HouseholdRegistry reg(ctx.connection());
      if (o->kind == "exited") {
        // An exit goes through the exit procedure's checks (assessment::ExitService).
        assessment::ExitService exits(ctx.connection());
        exits.Exit(ctx.caller, {o->household_id, o->date, o->year, o->reason, e->override_reason});
      } else {
        reg.RecordEvent(ctx.caller, *o);
      }
      PrintHousehold(ctx, reg.GetHousehold(ctx.caller, o->household_id));
    });
  }
  {
    auto o = std::make_shared<HouseholdYearOptions>();
    auto* year = household->add_subcommand("year", "Record a household's facts for a year (income in yuan, 两不愁三保障)");
    year->add_option("ID", o->id, "Household id")->required();
    year->add_option("--year", o->year, "Year")->required();
    year->add_option("--members", o->members, "Persons counted (default: current members)");
    year->add_option("--wage", o->wage, "Wage income, yuan");
    year->add_option("--production", o->production, "Production income, yuan");
    year->add_option("--property", o->property, "Property income, yuan");
    year->add_option("--transfer", o->transfer, "Transfer income, yuan");
    year->add_option("--cost", o->cost, "Production cost, yuan");
    year->add_option("--food", o->food, "Food secure: 1 or 0");
    year->add_option("--clothing", o->clothing, "Clothing secure: 1 or 0");
    year->add_option("--housing", o->housing, "Housing safe: 1 or 0");
    year->add_option("--water", o->water, "Drinking water safe: 1 or 0");
    year->add_option("--dibao-class", o->dibao_class, "Rural dibao class: A, B or C");
    year->add_option("--house-grade", o->house_grade, "Dangerous-house grade: A, B, C or D");
    year->add_option("--relocation", o->relocation, "On the relocation plan: 1 or 0");
    year->add_option("--pepper-mu", o->pepper_mu, "Area planted with pepper, mu (two decimals)");
    year->add_option("--camellia-mu", o->camellia_mu, "Area planted with camellia, mu (two decimals)");
    year->add_option("--pv-share", o->pv_share, "Shares a photovoltaic station's income: 1 or 0");
    year->callback([&ctx, o] {
      registry::HouseholdYear f;
      f.year = o->year;
      f.members = o->members;
      f.wage_income = Yuan(o->wage, "--wage");
      f.production_income = Yuan(o->production, "--production");
      f.property_income = Yuan(o->property, "--property");
      f.transfer_income = Yuan(o->transfer, "--transfer");
      f.production_cost = Yuan(o->cost, "--cost");
      f.food_secure = Flag01(o->food, "--food");
      f.clothing_secure = Flag01(o->clothing, "--clothing");
      f.housing_safe = Flag01(o->housing, "--housing");
      f.drinking_water_safe = Flag01(o->water, "--water");
      f.dibao_class = o->dibao_class;
      f.house_grade = o->house_grade;
      f.relocation = Flag01(o->relocation, "--relocation");
      f.pv_share = Flag01(o->pv_share, "--pv-share");
      // Mu with two decimals read like yuan with two decimals: hundredths.
      if (o->pepper_mu) f.pepper_area = Yuan(*o->pepper_mu, "--pepper-mu");
      if (o->camellia_mu) f.camellia_area = Yuan(*o->camellia_mu, "--camellia-mu");
      registry::HouseholdRegistry reg(ctx.connection());
      reg.SetHouseholdYear(ctx.caller, o->id, f);
      PrintHousehold(ctx, reg.GetHousehold(ctx.caller, o->id));
    });
  }

  auto* person = app.add_subcommand("person", "Persons in registered households");
  person->require_subcommand(1);
  {
    auto o = std::make_shared<registry::PersonInput>();
    auto* add = person->add_subcommand("add", "Add a person to a household (sex and birth date come from the ID number)");
    add->add_option("--household", o->household_id, "Household id")->required();
    add->add_option("--id-number", o->id_number, "ID number (GB 11643, 18 characters)")->required();
    add->add_option("--name", o->name, "Name")->required();
    add->add_option("--relation", o->relation, "head | spouse | child | ... (or 户主 ...)");
    add->add_option("--start-date", o->start_date, "Member since (default today)");
    add->add_option("--ethnicity", o->ethnicity, "Ethnicity (default 汉族)");
    add->add_option("--education", o->education, "none | primary | junior | senior | vocational | college | unknown");
    add->add_option("--health", o->health, "healthy | chronic | major_disease | disabled");
    add->add_option("--disability-grade", o->disability_grade, "1-4");
    add->add_option("--labour", o->labour_ability, "full | partial | none | unknown");
    add->add_option("--phone", o->phone, "Phone number");
    add->callback([&ctx, o] {
      registry::PersonRegistry reg(ctx.connection());
      const auto p = reg.AddPerson(ctx.caller, *o);
      if (ctx.json) {
        ctx.PrintJson(registry::PersonJson(p));
      } else {
        for (const auto& w : p.warnings) ctx.err() << "warning: " << w << '\n';
        ctx.out() << "added person " << p.id << " " << p.name << " (" << p.sex << ", born " << p.birth_date
                  << ") to household " << o->household_id << '\n';
      }
    });
  }
  {
    auto o = std::make_shared<PersonRef>();
    auto* show = person->add_subcommand("show", "Show a person with memberships and yearly facts");
    show->add_option("ID", o->id, "Person id");
    show->add_option("--id-number", o->id_number, "Find by ID number instead");
    show->add_flag("--unmasked", o->unmasked, "Show the full ID and phone numbers (recorded in the audit trail)");
    show->callback([&ctx, o] {
      registry::PersonRegistry reg(ctx.connection());
      registry::Person p;
      if (o->id_number) {
        p = reg.GetPersonByIdNumber(ctx.caller, *o->id_number);
      } else if (o->id) {
        p = reg.GetPerson(ctx.caller, *o->id);
      } else {
        throw Error::InvalidArgument("give a person id or --id-number", {{"ID", "missing"}});
      }
      nlohmann::json j = registry::PersonJson(p);
      if (o->unmasked) {
        j["id_number"] = reg.RevealIdNumber(ctx.caller, p.id);
        if (p.phone) j["phone"] = reg.RevealPhone(ctx.caller, p.id);
      }
      if (ctx.json) {
        ctx.PrintJson(j);
        return;
      }
      ctx.out() << p.id << " " << p.name << " " << j["id_number"].get<std::string>() << " " << p.sex << " "
                << p.birth_date << " " << p.health << '\n';
      for (const auto& m : p.memberships) {
        ctx.out() << "  household " << m.household_number << " " << m.relation << " from " << m.start_date
                  << (m.end_date ? " to " + *m.end_date : "") << '\n';
      }
    });
  }
  {
    auto o = std::make_shared<PersonMove>();
    auto* move = person->add_subcommand("move", "Move a person to another household, keeping the history");
    move->add_option("ID", o->id, "Person id")->required();
    move->add_option("--to", o->to, "Household id")->required();
    move->add_option("--date", o->date, "Date of the move YYYY-MM-DD")->required();
    move->add_option("--relation", o->relation, "Relation to the new head");
    move->add_option("--reason", o->reason, "Reason (marriage, split, ...)");
    move->callback([&ctx, o] {
      registry::PersonRegistry reg(ctx.connection());
      reg.MovePerson(ctx.caller, o->id, o->to, o->relation, o->date, o->reason);
      const auto p = reg.GetPerson(ctx.caller, o->id);
      if (ctx.json) {
        ctx.PrintJson(registry::PersonJson(p));
      } else {
        ctx.out() << "moved person " << p.id << " to household " << o->to << '\n';
      }
    });
  }
  {
    auto o = std::make_shared<PersonYearOptions>();
    auto* year = person->add_subcommand("year", "Record a person's facts for a year (school, insurance, work)");
    year->add_option("ID", o->id, "Person id")->required();
    year->add_option("--year", o->facts.year, "Year")->required();
    year->add_option("--school-status", o->facts.school_status, "enrolled | home_schooled | exempt | dropped_out | ...");
    year->add_option("--school-stage", o->facts.school_stage, "preschool | primary | junior | senior | vocational | college");
    year->add_option("--medical-insured", o->medical, "1 or 0");
    year->add_option("--pension-insured", o->pension, "1 or 0");
    year->add_option("--employment", o->facts.employment, "unemployed | local | migrant | public_welfare_job | ...");
    year->add_option("--major-disease", o->facts.major_disease, "One of the 29 major diseases (name or Chinese label)");
    year->add_option("--chronic-contract", o->chronic_contract, "Signed a family-doctor contract: 1 or 0");
    year->callback([&ctx, o] {
      o->facts.chronic_contract = Flag01(o->chronic_contract, "--chronic-contract");
      o->facts.medical_insured = Flag01(o->medical, "--medical-insured");
      o->facts.pension_insured = Flag01(o->pension, "--pension-insured");
      registry::PersonRegistry reg(ctx.connection());
      reg.SetPersonYear(ctx.caller, o->id, o->facts);
      const auto p = reg.GetPerson(ctx.caller, o->id);
      if (ctx.json) {
        ctx.PrintJson(registry::PersonJson(p));
      } else {
        ctx.out() << "recorded " << o->facts.year << " facts of person " << p.id << '\n';
      }
    });
  }
}

}  // namespace fupin::cli
