// `fupin house|relocation|village-facilities ...`: safe housing, relocation
// and village infrastructure (issue 22, docs/HOUSING.md) from the command
// line. Parses, calls one service function, prints text or --json.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <ostream>

#include "cli/context.h"
#include "core/error.h"
#include "core/money.h"
#include "dataio/clerk_values.h"
#include "housing/housing.h"
#include "housing/import.h"

namespace fupin::cli {
namespace {

using nlohmann::json;

housing::HousingService Service(Context& ctx) { return housing::HousingService(ctx.connection(), DefaultClock()); }

Fen Yuan(const std::string& text, const char* option) {
  auto fen = ParseYuan(text);
  if (!fen || *fen < 0) throw Error::InvalidArgument("bad amount", {{option, "'" + text + "' is not an amount in yuan"}});
  return *fen;
}

void PrintInspection(Context& ctx, const housing::Inspection& i) {
  if (ctx.json) return ctx.PrintJson(housing::InspectionJson(i));
  ctx.out() << "鉴定 " << i.id << "  " << (i.household_number.empty() ? i.householder : "户 " + i.household_number) << "  "
            << i.village_name << "  " << i.date << "  " << i.grade << "级" << (i.plate ? "  已挂牌" : "") << "  "
            << i.inspector << '\n';
}

void PrintRenovation(Context& ctx, const housing::Renovation& r) {
  const json j = housing::RenovationJson(r);
  if (ctx.json) return ctx.PrintJson(j);
  ctx.out() << "改造 " << r.id << "  鉴定 " << r.inspection_id << "  " << j["kind_zh"].get<std::string>() << "  补助 "
            << FormatYuan(r.subsidy_fen) << " 元  开工 " << r.start_date << "  竣工 " << r.finish_date.value_or("—")
            << "  验收 " << r.accepted_on.value_or("—") << '\n';
}

void PrintRelocation(Context& ctx, const housing::Relocation& r) {
  if (ctx.json) return ctx.PrintJson(housing::RelocationJson(r));
  ctx.out() << "户 " << r.household_number << "  " << r.persons << " 人  迁往 " << r.site_name << "  入住 " << r.moved_on
            << "  拆旧 " << r.demolished_on.value_or("—") << (r.reclaimed ? "  已复垦" : "") << '\n';
}

const char* YesNo(bool v) { return v ? "是" : "否"; }

void PrintVillage(Context& ctx, const housing::Infrastructure& v) {
  const auto f = housing::FacilitiesOf(v);
  ctx.out() << v.village_name << " " << v.village_code << "  " << v.year << "年\n"
            << "  通村硬化路 " << YesNo(f.road) << "  自然村通硬化路 " << v.natural_villages_reached << "/"
            << v.natural_villages << '\n'
            << "  安全饮水 " << registry::LabelZh(housing::WaterSupplies(), v.water_supply) << "  自来水入户 "
            << YesNo(v.tap_water) << '\n'
            << "  配变容量 " << static_cast<double>(v.transformer_kva_milli) / 1000.0 << " 千伏安  " << v.households
            << " 户  户均 " << static_cast<double>(v.KvaPerHouseholdMilli()) / 1000.0 << " 千伏安\n"
            << "  通宽带 " << YesNo(f.broadband) << "  标准化卫生室 " << YesNo(f.clinic) << "  综合文化服务中心 "
            << YesNo(f.culture_centre) << '\n'
            << "  村集体经济收入 " << FormatYuan(v.collective_income_fen) << " 元\n";
}

void AddHouseCommands(CLI::App& app, Context& ctx) {
  auto* house = app.add_subcommand("house", "住房安全 (house inspections and renovations)");
  house->require_subcommand(1);
  {
    struct Options {
      housing::Inspection in;
      int64_t household = 0;
    };
    auto o = std::make_shared<Options>();
    auto* inspect = house->add_subcommand("inspect", "Record a house inspection (住房安全鉴定)");
    inspect->add_option("--household", o->household, "A registered household's id");
    inspect->add_option("--village", o->in.village_code, "Village code (a household outside the registry)");
    inspect->add_option("--householder", o->in.householder, "Householder (a household outside the registry)");
    inspect->add_option("--key-group", o->in.key_group, "registered_poor dibao destitute poor_disabled other");
    inspect->add_option("--date", o->in.date, "Date of the inspection")->required();
    inspect->add_option("--inspector", o->in.inspector, "Inspector or unit")->required();
    inspect->add_option("--grade", o->in.grade, "A B C D")->required();
    inspect->add_flag("--plate", o->in.plate, "The plate (挂牌) is up");
    inspect->callback([&ctx, o] {
      if (o->household > 0) o->in.household_id = o->household;
      PrintInspection(ctx, Service(ctx).Inspect(ctx.caller, o->in));
    });
  }
  {
    struct Options {
      housing::Renovation in;
      std::string subsidy = "0", finish, accepted;
    };
    auto o = std::make_shared<Options>();
    auto* renovate = house->add_subcommand("renovate", "Record a renovation (危房改造) of a C or D house");
    renovate->add_option("INSPECTION", o->in.inspection_id, "The inspection that graded the house")->required();
    renovate->add_option("--kind", o->in.kind, "repair rebuild built_on_behalf unit_bought")->required();
    renovate->add_option("--subsidy", o->subsidy, "Subsidy in yuan");
    renovate->add_option("--start", o->in.start_date, "Start date")->required();
    renovate->add_option("--finish", o->finish, "Finish date");
    renovate->add_option("--accepted", o->accepted, "Acceptance date (验收)");
    renovate->callback([&ctx, o] {
      o->in.subsidy_fen = Yuan(o->subsidy, "--subsidy");
      if (!o->finish.empty()) o->in.finish_date = o->finish;
      if (!o->accepted.empty()) o->in.accepted_on = o->accepted;
      PrintRenovation(ctx, Service(ctx).Renovate(ctx.caller, o->in));
    });
  }
  {
    struct Options {
      int64_t id = 0;
      std::string finish, accepted;
    };
    auto o = std::make_shared<Options>();
    auto* accept = house->add_subcommand("accept", "Record a renovation's finish and acceptance (验收)");
    accept->add_option("RENOVATION", o->id, "Renovation id")->required();
    accept->add_option("--finish", o->finish, "Finish date")->required();
    accept->add_option("--accepted", o->accepted, "Acceptance date")->required();
    accept->callback([&ctx, o] { PrintRenovation(ctx, Service(ctx).Accept(ctx.caller, o->id, o->finish, o->accepted)); });
  }
  {
    auto f = std::make_shared<housing::InspectionFilter>();
    auto* list = house->add_subcommand("list", "List house inspections of an area");
    list->add_option("--area", f->area_code, "Area (default: your scope)");
    list->add_option("--grade", f->grade, "A B C D");
    list->add_flag("--dangerous", f->dangerous_only, "C and D only");
    list->add_option("--limit", f->limit, "Page size (1-1000, default 100)");
    list->add_option("--offset", f->offset, "Rows to skip");
    list->callback([&ctx, f] {
      const auto items = Service(ctx).ListInspections(ctx.caller, *f);
      if (ctx.json) {
        json out = json::array();
        for (const auto& i : items) out.push_back(housing::InspectionJson(i));
        return ctx.PrintJson({{"items", out}});
      }
      for (const auto& i : items) PrintInspection(ctx, i);
    });
  }
  {
    struct Options {
      std::string area, date;
    };
    auto o = std::make_shared<Options>();
    auto* dangerous = house->add_subcommand("dangerous", "人不住危房: houses graded C or D, not renovated, not left");
    dangerous->add_option("--area", o->area, "Area (default: your scope)");
    dangerous->add_option("--date", o->date, "On this date (default today)");
    dangerous->callback([&ctx, o] {
      const auto items = Service(ctx).DangerousHouses(ctx.caller, o->area, o->date);
      json out = json::array();
      for (const auto& d : items) {
        json j = housing::InspectionJson(d.inspection);
        j["renovation_id"] = d.renovation_id ? json(*d.renovation_id) : json();
        out.push_back(std::move(j));
      }
      if (ctx.json) return ctx.PrintJson({{"items", out}, {"count", out.size()}});
      for (const auto& d : items) PrintInspection(ctx, d.inspection);
      ctx.out() << items.size() << " 处危房未改造\n";
    });
  }
  {
    struct Options {
      std::string kind, file;
    };
    auto o = std::make_shared<Options>();
    auto* imp = house->add_subcommand("import", "Import inspections, renovations, relocations or village infrastructure (CSV or XLSX), all or nothing");
    imp->add_option("--kind", o->kind, "inspections | renovations | relocations | village-infrastructure")->required();
    imp->add_option("file", o->file, "The sheet (docs/HOUSING.md lists the columns)")->required();
    imp->callback([&ctx, o] {
      const auto kind = housing::ParseImportKind(o->kind);
      if (!kind) {
        throw Error::InvalidArgument("bad kind", {{"--kind", "'" + o->kind + "' is not inspections, renovations, "
                                                                             "relocations or village-infrastructure"}});
      }
      const auto r = housing::Import(ctx.connection(), ctx.caller, *kind, o->file);
      if (ctx.json) ctx.PrintJson({{"kind", r.kind}, {"rows", r.rows}, {"added", r.added}});
      else ctx.out() << "导入 " << r.added << " 条 (" << r.kind << ", 读取 " << r.rows << " 行)\n";
    });
  }
}

void AddRelocationCommands(CLI::App& app, Context& ctx) {
  auto* relocation = app.add_subcommand("relocation", "易地扶贫搬迁 (relocation sites and relocated households)");
  relocation->require_subcommand(1);
  {
    auto o = std::make_shared<housing::Site>();
    auto* add = relocation->add_subcommand("site-add", "Record a relocation site (安置点)");
    add->add_option("--name", o->name, "Name")->required();
    add->add_option("--kind", o->kind, "centralised | scattered")->required();
    add->add_option("--township", o->township_code, "Township code")->required();
    add->add_option("--capacity", o->capacity, "Households it takes");
    add->callback([&ctx, o] {
      const auto s = Service(ctx).AddSite(ctx.caller, *o);
      if (ctx.json) return ctx.PrintJson(housing::SiteJson(s));
      ctx.out() << "安置点 " << s.id << "  " << s.name << "  " << s.township_name << '\n';
    });
  }
  {
    auto area = std::make_shared<std::string>();
    auto* sites = relocation->add_subcommand("sites", "List relocation sites with the households moved there");
    sites->add_option("--area", *area, "Area (default: your scope)");
    sites->callback([&ctx, area] {
      const auto items = Service(ctx).ListSites(ctx.caller, *area);
      json out = json::array();
      for (const auto& s : items) out.push_back(housing::SiteJson(s));
      if (ctx.json) return ctx.PrintJson({{"items", out}});
      for (const auto& s : items) {
        ctx.out() << s.id << '\t' << s.name << '\t' << s.township_name << '\t' << s.households << " 户 " << s.persons
                  << " 人\n";
      }
    });
  }
  {
    struct Options {
      housing::Relocation in;
      std::string demolished;
      int medical = -1;
      int64_t jobs = -1, school = -1;
    };
    auto o = std::make_shared<Options>();
    auto* add = relocation->add_subcommand("add", "Record a registered household's relocation");
    add->add_option("--household", o->in.household_id, "Household id")->required();
    add->add_option("--site", o->in.site_id, "Site id")->required();
    add->add_option("--moved-on", o->in.moved_on, "Date it moved in")->required();
    add->add_option("--demolished-on", o->demolished, "Date the old house was demolished (拆旧)");
    add->add_flag("--reclaimed", o->in.reclaimed, "The old site is reclaimed (复垦)");
    add->add_option("--jobs", o->jobs, "Persons given a job");
    add->add_option("--school-transfers", o->school, "Children moved to a school near the site");
    add->add_option("--medical-transferred", o->medical, "Medical insurance and care transferred (1/0)");
    add->callback([&ctx, o] {
      if (!o->demolished.empty()) o->in.demolished_on = o->demolished;
      if (o->jobs >= 0) o->in.jobs = o->jobs;
      if (o->school >= 0) o->in.school_transfers = o->school;
      if (o->medical >= 0) o->in.medical_transferred = o->medical != 0;
      PrintRelocation(ctx, Service(ctx).Relocate(ctx.caller, o->in));
    });
  }
  {
    struct Options {
      std::string area;
      int64_t limit = 100, offset = 0;
    };
    auto o = std::make_shared<Options>();
    auto* list = relocation->add_subcommand("list", "List relocated households of an area (by the village they left)");
    list->add_option("--area", o->area, "Area (default: your scope)");
    list->add_option("--limit", o->limit, "Page size (1-1000, default 100)");
    list->add_option("--offset", o->offset, "Rows to skip");
    list->callback([&ctx, o] {
      const auto items = Service(ctx).ListRelocations(ctx.caller, o->area, o->limit, o->offset);
      json out = json::array();
      for (const auto& r : items) out.push_back(housing::RelocationJson(r));
      if (ctx.json) return ctx.PrintJson({{"items", out}});
      for (const auto& r : items) PrintRelocation(ctx, r);
    });
  }
}

bool Flag(const std::string& text, const char* option) {
  const auto v = dataio::ReadYesNo(text);
  if (!v) throw Error::InvalidArgument("bad flag", {{option, "'" + text + "' is not yes/no (1/0, 是/否)"}});
  return *v;
}

void AddVillageFacilityCommands(CLI::App& app, Context& ctx) {
  auto* village = app.add_subcommand("village-facilities", "基础设施 (each village's infrastructure checklist per year)");
  village->require_subcommand(1);
  {
    struct Options {
      housing::Infrastructure in;
      std::string road, tap, broadband, clinic, culture, kva = "0", income = "0";
    };
    auto o = std::make_shared<Options>();
    auto* set = village->add_subcommand("set", "Record (replace) a village's infrastructure of a year");
    set->add_option("VILLAGE", o->in.village_code, "Village code")->required();
    set->add_option("--year", o->in.year, "Year")->required();
    set->add_option("--road", o->road, "Hardened road to the village (1/0)")->required();
    set->add_option("--natural-villages", o->in.natural_villages, "Natural villages (自然村)")->required();
    set->add_option("--reached", o->in.natural_villages_reached, "Of them reached by a hardened road")->required();
    set->add_option("--water", o->in.water_supply, "centralised | scattered | none")->required();
    set->add_option("--tap", o->tap, "Tap water in the houses (1/0)")->required();
    set->add_option("--households", o->in.households, "Households of the village")->required();
    set->add_option("--kva", o->kva, "Transformer capacity, kVA")->required();
    set->add_option("--broadband", o->broadband, "Broadband (1/0)")->required();
    set->add_option("--clinic", o->clinic, "Standard clinic (1/0)")->required();
    set->add_option("--culture-centre", o->culture, "Cultural service centre (1/0)")->required();
    set->add_option("--income", o->income, "Collective income of the year, yuan")->required();
    set->callback([&ctx, o] {
      auto& v = o->in;
      v.road_hardened = Flag(o->road, "--road");
      v.tap_water = Flag(o->tap, "--tap");
      v.broadband = Flag(o->broadband, "--broadband");
      v.clinic = Flag(o->clinic, "--clinic");
      v.culture_centre = Flag(o->culture, "--culture-centre");
      const auto kva = dataio::ReadHundredths(o->kva);
      if (!kva || *kva < 0) throw Error::InvalidArgument("bad capacity", {{"--kva", "'" + o->kva + "' is not kVA"}});
      v.transformer_kva_milli = *kva * 10;
      v.collective_income_fen = Yuan(o->income, "--income");
      const auto out = Service(ctx).SetInfrastructure(ctx.caller, v);
      if (ctx.json) return ctx.PrintJson(housing::InfrastructureJson(out));
      PrintVillage(ctx, out);
    });
  }
  {
    struct Options {
      std::string area;
      int year = 0;
    };
    auto o = std::make_shared<Options>();
    auto* list = village->add_subcommand("list", "Each village's checklist of a year");
    list->add_option("--area", o->area, "Area (default: your scope)");
    list->add_option("--year", o->year, "Year")->required();
    list->callback([&ctx, o] {
      const auto items = Service(ctx).ListInfrastructure(ctx.caller, o->area, o->year);
      json out = json::array();
      for (const auto& v : items) out.push_back(housing::InfrastructureJson(v));
      if (ctx.json) return ctx.PrintJson({{"items", out}});
      for (const auto& v : items) PrintVillage(ctx, v);
    });
  }
}

}  // namespace

void AddHousingCommands(CLI::App& app, Context& ctx) {
  AddHouseCommands(app, ctx);
  AddRelocationCommands(app, ctx);
  AddVillageFacilityCommands(app, ctx);
}

}  // namespace fupin::cli
