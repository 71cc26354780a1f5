// `fupin industry|entity|branch|job|purchase|loan ...`: industry, employment,
// consumption assistance and small loans (issue 21) from the command line.
// Parses, calls one IndustryService function, prints text or --json (the
// API's shapes).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <memory>
#include <ostream>

#include "cli/context.h"
#include "core/error.h"
#include "core/money.h"
#include "industry/import.h"
#include "industry/industry.h"

namespace fupin::cli {
namespace {

using nlohmann::json;

industry::IndustryService Service(Context& ctx) { return industry::IndustryService(ctx.connection(), DefaultClock()); }

Fen Yuan(const std::string& text, const char* option) {
  if (text.empty()) return 0;
  auto fen = ParseYuan(text);
  if (!fen) throw Error::InvalidArgument("bad amount", {{option, "'" + text + "' is not an amount in yuan"}});
  return *fen;
}

int64_t Mu(const std::string& text) {
  size_t used = 0;
  double v = -1;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || v < 0) throw Error::InvalidArgument("bad area", {{"--mu", "'" + text + "' is not a number of mu"}});
  return std::llround(v * 1000);
}

// Prints the items as JSON, or one line each from `line`.
template <typename T, typename ToJson, typename Line>
void PrintList(Context& ctx, const std::vector<T>& items, ToJson to_json, Line line) {
  if (ctx.json) {
    json out = json::array();
    for (const auto& x : items) out.push_back(to_json(x));
    ctx.PrintJson(out);
    return;
  }
  for (const auto& x : items) ctx.out() << line(to_json(x)) << '\n';
}

void Print(Context& ctx, const json& j, const std::string& text) {
  if (ctx.json) ctx.PrintJson(j);
  else ctx.out() << text << '\n';
}

std::string S(const json& j, const char* key) {
  const auto& v = j.at(key);
  return v.is_string() ? v.get<std::string>() : v.dump();
}

void AddIndustryGroup(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("industry", "产业 (industries and the households in them)");
  group->require_subcommand(1);
  {
    struct Options {
      std::string name, unit = "斤";
      std::optional<std::string> code;
    };
    auto o = std::make_shared<Options>();
    auto* add = group->add_subcommand("add", "Add an industry of the county");
    add->add_option("NAME", o->name, "Name (三樟黄贡椒)")->required();
    add->add_option("--unit", o->unit, "Unit of output (default 斤)");
    add->add_option("--code", o->code, "pepper | camellia: an industry the progress report names");
    add->callback([&ctx, o] {
      const auto x = Service(ctx).AddIndustry(ctx.caller, o->name, o->unit, o->code);
      Print(ctx, industry::IndustryJson(x), "产业 " + std::to_string(x.id) + " " + x.name);
    });
  }
  {
    struct Options {
      std::string area;
      int year = 0;
    };
    auto o = std::make_shared<Options>();
    auto* list = group->add_subcommand("list", "Industries with their households, mu, income and subsidies of a year");
    list->add_option("--area", o->area, "Area (default: your scope)");
    list->add_option("--year", o->year, "Year")->required();
    list->callback([&ctx, o] {
      PrintList(ctx, Service(ctx).ListIndustries(ctx.caller, o->area, o->year), industry::IndustryJson, [](const json& j) {
        return S(j, "id") + "\t" + S(j, "name") + "\t" + S(j, "households") + " 户\t" + S(j, "mu") + " 亩\t收入 " +
               S(j, "income_yuan") + " 元\t每亩 " + S(j, "income_per_mu_yuan") + " 元\t奖补 " + S(j, "subsidy_yuan") + " 元";
      });
    });
  }
  {
    struct Options {
      industry::PlantingInput in;
      std::string mu, income, subsidy;
    };
    auto o = std::make_shared<Options>();
    auto* plant = group->add_subcommand("plant", "Record (or replace) a household's row of an industry in a year");
    plant->add_option("--industry", o->in.industry_id, "Industry id")->required();
    plant->add_option("--household", o->in.household_id, "Household id")->required();
    plant->add_option("--year", o->in.year, "Year")->required();
    plant->add_option("--mu", o->mu, "Area planted in mu (1.5)")->required();
    plant->add_option("--output", o->in.output, "Output in the industry's unit");
    plant->add_option("--income", o->income, "Income in yuan");
    plant->add_option("--subsidy", o->subsidy, "Subsidy paid (奖补) in yuan");
    plant->add_option("--disbursement", o->in.disbursement_id, "The projects disbursement the subsidy was paid from");
    plant->callback([&ctx, o] {
      o->in.mu_milli = Mu(o->mu);
      o->in.income_fen = Yuan(o->income, "--income");
      o->in.subsidy_fen = Yuan(o->subsidy, "--subsidy");
      Service(ctx).RecordPlanting(ctx.caller, o->in);
      Print(ctx, {{"industry_id", o->in.industry_id}, {"household_id", o->in.household_id}, {"year", o->in.year}},
            "已记录");
    });
  }
  {
    struct Options {
      std::string kind, file;
    };
    auto o = std::make_shared<Options>();
    auto* imp = group->add_subcommand("import", "Import plantings, entity links, workers, purchases or loans (CSV or XLSX), all or nothing");
    imp->add_option("--kind", o->kind, "plantings | links | workers | purchases | loans")->required();
    imp->add_option("FILE", o->file, "The file")->required();
    imp->callback([&ctx, o] {
      const auto kind = industry::ParseImportKind(o->kind);
      if (!kind) {
        throw Error::InvalidArgument("bad kind", {{"--kind", "'" + o->kind + "' is not plantings, links, workers, purchases or loans"}});
      }
      const auto r = industry::Import(ctx.connection(), ctx.caller, *kind, o->file);
      Print(ctx, {{"kind", r.kind}, {"rows", r.rows}}, "已导入 " + std::to_string(r.rows) + " 行");
    });
  }
}

void AddEntityGroup(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("entity", "新型经营主体 and their links to households (利益联结)");
  group->require_subcommand(1);
  {
    auto in = std::make_shared<industry::EntityInput>();
    auto* add = group->add_subcommand("add", "Add a business entity");
    add->add_option("--name", in->name, "Name")->required();
    add->add_option("--kind", in->kind, "cooperative | enterprise | family_farm | workshop")->required();
    add->add_option("--area", in->area_code, "County, township or village")->required();
    add->add_option("--industry", in->industry_id, "Industry id");
    add->callback([&ctx, in] {
      const auto x = Service(ctx).AddEntity(ctx.caller, *in);
      Print(ctx, industry::EntityJson(x), "经营主体 " + std::to_string(x.id) + " " + x.name);
    });
  }
  {
    struct Options {
      std::string area;
      std::optional<int> year;
    };
    auto o = std::make_shared<Options>();
    auto* list = group->add_subcommand("list", "Entities with their linked households and what they earned");
    list->add_option("--area", o->area, "Area (default: your scope)");
    list->add_option("--year", o->year, "Links of this year (default all)");
    list->callback([&ctx, o] {
      PrintList(ctx, Service(ctx).ListEntities(ctx.caller, o->area, o->year), industry::EntityJson, [](const json& j) {
        return S(j, "id") + "\t" + S(j, "name") + "\t" + S(j, "kind_label") + "\t" + S(j, "area_name") + "\t" +
               S(j, "households") + " 户\t" + S(j, "earned_yuan") + " 元";
      });
    });
  }
  {
    struct Options {
      industry::LinkInput in;
      std::string earned;
    };
    auto o = std::make_shared<Options>();
    auto* link = group->add_subcommand("link", "Record (or replace) how an entity is linked to a household in a year");
    link->add_option("--entity", o->in.entity_id, "Entity id")->required();
    link->add_option("--household", o->in.household_id, "Household id")->required();
    link->add_option("--year", o->in.year, "Year")->required();
    link->add_option("--kind", o->in.link_kind, "orders | work | shares | land_lease | trusteeship")->required();
    link->add_option("--earned", o->earned, "What the household earned from it, yuan");
    link->callback([&ctx, o] {
      o->in.earned_fen = Yuan(o->earned, "--earned");
      Service(ctx).Link(ctx.caller, o->in);
      Print(ctx, {{"entity_id", o->in.entity_id}, {"household_id", o->in.household_id}, {"year", o->in.year}}, "已记录");
    });
  }
}

void AddBranchGroup(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("branch", "Party branches on the industry chain (支部建在产业链上)");
  group->require_subcommand(1);
  {
    auto in = std::make_shared<industry::BranchInput>();
    auto* add = group->add_subcommand("add", "Add a branch with the entities and households it drives");
    add->add_option("--name", in->name, "Name")->required();
    add->add_option("--kind", in->kind, "new | joint | strengthened")->required();
    add->add_option("--area", in->area_code, "Township or village")->required();
    add->add_option("--founded", in->founded_on, "Date founded (default today)");
    add->add_option("--entity", in->entity_ids, "Entity it drives (repeatable)");
    add->add_option("--household", in->household_ids, "Household it drives (repeatable)");
    add->callback([&ctx, in] {
      const auto x = Service(ctx).AddBranch(ctx.caller, *in);
      Print(ctx, industry::BranchJson(x), "党组织 " + std::to_string(x.id) + " " + x.name);
    });
  }
  {
    auto area = std::make_shared<std::string>();
    auto* list = group->add_subcommand("list", "Branches of an area");
    list->add_option("--area", *area, "Area (default: your scope)");
    list->callback([&ctx, area] {
      PrintList(ctx, Service(ctx).ListBranches(ctx.caller, *area), industry::BranchJson, [](const json& j) {
        return S(j, "id") + "\t" + S(j, "name") + "\t" + S(j, "kind_label") + "\t" + S(j, "founded_on") + "\t" +
               S(j, "households") + " 户";
      });
    });
  }
}

void AddJobGroup(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("job", "就业 (workers' situations by year, public-welfare posts)");
  group->require_subcommand(1);
  {
    struct Options {
      industry::WorkerInput in;
      std::string income;
    };
    auto o = std::make_shared<Options>();
    auto* record = group->add_subcommand("record", "Record (or replace) a registered worker's situation in a year");
    record->add_option("--person", o->in.person_id, "Person id")->required();
    record->add_option("--year", o->in.year, "Year")->required();
    record->add_flag("--employed", o->in.employed, "Employed that year (else give --reason)");
    record->add_option("--place", o->in.place, "county | province | outside");
    record->add_option("--channel", o->in.channel, "placement | job_fair | workshop | welfare_post | own");
    record->add_option("--employer", o->in.employer, "Employer");
    record->add_option("--months", o->in.months, "Months worked");
    record->add_option("--income", o->income, "Income of the year, yuan");
    record->add_option("--training", o->in.training, "Training received");
    record->add_option("--reason", o->in.reason, "Not employed: illness disability caring no_skills no_jobs unwilling other");
    record->callback([&ctx, o] {
      o->in.income_fen = Yuan(o->income, "--income");
      const auto w = Service(ctx).RecordWorker(ctx.caller, o->in);
      Print(ctx, industry::WorkerJson(w), "已记录 " + w.name + " " + std::to_string(w.year));
    });
  }
  {
    struct Options {
      industry::WorkerFilter f;
      bool employed = false, idle = false;
    };
    auto o = std::make_shared<Options>();
    auto* list = group->add_subcommand("list", "Workers of a year by area; --not-employed lists who is not, and why");
    list->add_option("--area", o->f.area_code, "Area (default: your scope)");
    list->add_option("--year", o->f.year, "Year")->required();
    list->add_flag("--employed", o->employed, "Only the employed");
    list->add_flag("--not-employed", o->idle, "Only those not employed");
    list->add_option("--limit", o->f.limit, "Page size (1-1000, default 100)");
    list->add_option("--offset", o->f.offset, "Rows to skip");
    list->callback([&ctx, o] {
      if (o->employed != o->idle) o->f.employed = o->employed;
      const auto page = Service(ctx).ListWorkers(ctx.caller, o->f);
      if (ctx.json) {
        json items = json::array();
        for (const auto& w : page.items) items.push_back(industry::WorkerJson(w));
        ctx.PrintJson({{"total", page.total}, {"items", items}});
        return;
      }
      for (const auto& w : page.items) {
        const json j = industry::WorkerJson(w);
        ctx.out() << w.person_id << '\t' << w.name << '\t' << w.household_number << '\t' << w.area_code << '\t'
                  << (w.employed ? S(j, "place_label") + " " + S(j, "channel_label") + " " + w.employer
                                 : "未就业 " + S(j, "reason_label"))
                  << '\n';
      }
      ctx.out() << page.items.size() << " of " << page.total << " workers\n";
    });
  }
  {
    struct Options {
      industry::WelfarePostInput in;
      std::string pay;
    };
    auto o = std::make_shared<Options>();
    auto* add = group->add_subcommand("post-add", "Add a public-welfare post (公益性岗位) with its holder");
    add->add_option("--name", o->in.name, "Post (保洁员)")->required();
    add->add_option("--area", o->in.area_code, "Village (or township)")->required();
    add->add_option("--person", o->in.person_id, "The holder (person id)");
    add->add_option("--pay", o->pay, "Monthly pay, yuan")->required();
    add->add_option("--funded-by", o->in.funded_by, "asset_income | funds")->required();
    add->add_option("--asset", o->in.asset_id, "The productive asset whose income pays it");
    add->add_option("--start", o->in.start_date, "First day (default today)");
    add->add_option("--end", o->in.end_date, "Last day");
    add->callback([&ctx, o] {
      o->in.monthly_pay_fen = Yuan(o->pay, "--pay");
      const auto p = Service(ctx).AddWelfarePost(ctx.caller, o->in);
      Print(ctx, industry::WelfarePostJson(p), "公益性岗位 " + std::to_string(p.id) + " " + p.name);
    });
  }
  {
    auto area = std::make_shared<std::string>();
    auto* list = group->add_subcommand("posts", "Public-welfare posts of an area");
    list->add_option("--area", *area, "Area (default: your scope)");
    list->callback([&ctx, area] {
      PrintList(ctx, Service(ctx).ListWelfarePosts(ctx.caller, *area), industry::WelfarePostJson, [](const json& j) {
        return S(j, "id") + "\t" + S(j, "name") + "\t" + S(j, "area_code") + "\t" + S(j, "holder") + "\t" +
               S(j, "monthly_pay_yuan") + " 元/月\t" + S(j, "funded_by_label");
      });
    });
  }
}

// `purchase list`: a page of purchases, newest first, with the count and sum of all.
void AddPurchaseList(CLI::App& group, Context& ctx) {
  auto f = std::make_shared<industry::PurchaseFilter>();
  auto* list = group.add_subcommand("list", "Purchases of an area, newest first, a page at a time, with the total");
  list->add_option("--area", f->area_code, "Area (default: your scope)");
  list->add_option("--year", f->year, "Year of the purchase");
  list->add_option("--product", f->product_id, "Product id");
  list->add_option("--buyer-kind", f->buyer_kind, "unit | union | company | cadre | other");
  list->add_option("--limit", f->limit, "Rows a page (1-1000)")->capture_default_str();
  list->add_option("--offset", f->offset, "Rows skipped")->capture_default_str();
  list->callback([&ctx, f] {
    const auto page = Service(ctx).ListPurchases(ctx.caller, *f);
    const json j = industry::PurchasePageJson(page, f->limit, f->offset);
    if (ctx.json) {
      ctx.PrintJson(j);
      return;
    }
    for (const auto& x : j["items"]) {
      ctx.out() << S(x, "id") << '\t' << S(x, "date") << '\t' << S(x, "product") << '\t' << S(x, "buyer_kind_label")
                << ' ' << S(x, "buyer") << '\t' << S(x, "channel_label") << '\t' << S(x, "amount_yuan") << " 元\n";
    }
    ctx.out() << "共 " << page.total << " 笔，" << FormatYuan(page.amount_fen) << " 元\n";
  });
}

void AddPurchaseGroup(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("purchase", "消费扶贫 (certified products and their purchases)");
  group->require_subcommand(1);
  {
    auto in = std::make_shared<industry::ProductInput>();
    auto* add = group->add_subcommand("product-add", "Certify a product (扶贫产品认定) of a household, entity or village");
    add->add_option("--name", in->name, "Product")->required();
    add->add_option("--category", in->category, "Category");
    add->add_option("--certificate", in->certificate_no, "Certificate number");
    add->add_option("--certified", in->certified_on, "Date certified (default today)");
    add->add_option("--supplier-kind", in->supplier_kind, "household | entity | village")->required();
    add->add_option("--household", in->household_id, "The supplying household");
    add->add_option("--entity", in->entity_id, "The supplying entity");
    add->add_option("--area", in->area_code, "The supplying village");
    add->callback([&ctx, in] {
      const auto p = Service(ctx).AddProduct(ctx.caller, *in);
      Print(ctx, industry::ProductJson(p), "产品 " + std::to_string(p.id) + " " + p.name);
    });
  }
  {
    auto area = std::make_shared<std::string>();
    auto* list = group->add_subcommand("products", "Certified products of an area with what they sold");
    list->add_option("--area", *area, "Area (default: your scope)");
    list->callback([&ctx, area] {
      PrintList(ctx, Service(ctx).ListProducts(ctx.caller, *area), industry::ProductJson, [](const json& j) {
        return S(j, "id") + "\t" + S(j, "name") + "\t" + S(j, "supplier_kind_label") + " " + S(j, "supplier") + "\t" +
               S(j, "sold_yuan") + " 元";
      });
    });
  }
  {
    struct Options {
      industry::PurchaseInput in;
      std::string amount;
    };
    auto o = std::make_shared<Options>();
    auto* add = group->add_subcommand("add", "Record a purchase of a certified product");
    add->add_option("--product", o->in.product_id, "Product id")->required();
    add->add_option("--date", o->in.date, "Date (default today)");
    add->add_option("--buyer-kind", o->in.buyer_kind, "unit | union | company | cadre | other")->required();
    add->add_option("--buyer", o->in.buyer, "Buyer")->required();
    add->add_option("--channel", o->in.channel, "fair | ecommerce | canteen | market | tourism | other")->required();
    add->add_option("--amount", o->amount, "Amount, yuan")->required();
    add->callback([&ctx, o] {
      o->in.amount_fen = Yuan(o->amount, "--amount");
      const auto p = Service(ctx).RecordPurchase(ctx.caller, o->in);
      Print(ctx, industry::PurchaseJson(p), "购买 " + std::to_string(p.id) + " " + FormatYuan(p.amount_fen) + " 元");
    });
  }
  {
    struct Options {
      std::string area, by = "year";
      std::optional<int> year;
    };
    auto o = std::make_shared<Options>();
    auto* totals = group->add_subcommand("totals", "Purchases added up by year, area or channel");
    totals->add_option("--area", o->area, "Area (default: your scope)");
    totals->add_option("--year", o->year, "Only this year");
    totals->add_option("--by", o->by, "year | area | channel (default year)");
    totals->callback([&ctx, o] {
      const auto t = Service(ctx).Totals(ctx.caller, o->area, o->year, o->by);
      if (ctx.json) {
        ctx.PrintJson(industry::PurchaseTotalsJson(t));
        return;
      }
      for (const auto& r : t.rows) ctx.out() << r.label << '\t' << r.purchases << " 笔\t" << FormatYuan(r.amount_fen) << " 元\n";
      ctx.out() << "合计\t" << t.total.purchases << " 笔\t" << FormatYuan(t.total.amount_fen) << " 元\n";
    });
  }
}

void AddLoanGroup(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("loan", "扶贫小额信贷 (small loans to registered households)");
  group->require_subcommand(1);
  {
    struct Options {
      industry::LoanInput in;
      std::string amount, subsidy;
    };
    auto o = std::make_shared<Options>();
    auto* add = group->add_subcommand("add", "Record a loan to a household");
    add->add_option("--household", o->in.household_id, "Household id")->required();
    add->add_option("--bank", o->in.bank, "Bank")->required();
    add->add_option("--amount", o->amount, "Amount, yuan")->required();
    add->add_option("--issued", o->in.issued_on, "Date issued")->required();
    add->add_option("--due", o->in.due_on, "Date due")->required();
    add->add_option("--purpose", o->in.purpose, "Use")->required();
    add->add_option("--entity", o->in.entity_id, "The entity the loan bought a share in (入股)");
    add->add_option("--interest-subsidy", o->subsidy, "Interest subsidy (贴息), yuan");
    add->callback([&ctx, o] {
      o->in.amount_fen = Yuan(o->amount, "--amount");
      o->in.interest_subsidy_fen = Yuan(o->subsidy, "--interest-subsidy");
      const auto l = Service(ctx).AddLoan(ctx.caller, o->in);
      Print(ctx, industry::LoanJson(l), "贷款 " + std::to_string(l.id) + " " + FormatYuan(l.amount_fen) + " 元");
    });
  }
  {
    struct Options {
      int64_t id = 0;
      std::string date, amount;
    };
    auto o = std::make_shared<Options>();
    auto* repay = group->add_subcommand("repay", "Record a repayment (not beyond what is owed)");
    repay->add_option("ID", o->id, "Loan id")->required();
    repay->add_option("--date", o->date, "Date (default today)");
    repay->add_option("--amount", o->amount, "Amount, yuan")->required();
    repay->callback([&ctx, o] {
      const auto l = Service(ctx).Repay(ctx.caller, o->id, o->date, Yuan(o->amount, "--amount"));
      Print(ctx, industry::LoanJson(l), "贷款 " + std::to_string(l.id) + " 已还 " + FormatYuan(l.repaid_fen) + " 元");
    });
  }
  {
    struct Options {
      std::string area;
      bool overdue = false;
    };
    auto o = std::make_shared<Options>();
    auto* list = group->add_subcommand("list", "Loans of an area; --overdue: due and not repaid in full");
    list->add_option("--area", o->area, "Area (default: your scope)");
    list->add_flag("--overdue", o->overdue, "Only overdue loans");
    list->callback([&ctx, o] {
      PrintList(ctx, Service(ctx).ListLoans(ctx.caller, o->area, o->overdue), industry::LoanJson, [](const json& j) {
        return S(j, "id") + "\t" + S(j, "household_number") + "\t" + S(j, "bank") + "\t" + S(j, "amount_yuan") +
               " 元\t到期 " + S(j, "due_on") + "\t未还 " + S(j, "owed_yuan") + " 元" +
               (j["overdue"].get<bool>() ? "\t逾期" : "");
      });
    });
  }
}

// Corrections (`entity edit|delete`, `purchase product-edit|product-delete`,
// `loan edit|delete`): --version is the version read (the list's `version`);
// a stale one is refused (conflict) and nothing changes.
void AddEntityCorrections(CLI::App& group, Context& ctx) {
  {
    struct Options {
      int64_t id = 0, version = 0;
      industry::EntityInput in;
    };
    auto o = std::make_shared<Options>();
    auto* edit = group.add_subcommand("edit", "Correct an entity: the whole record as `entity add` takes it");
    edit->add_option("ID", o->id, "Entity id")->required();
    edit->add_option("--version", o->version, "The version read (entity list --json)")->required();
    edit->add_option("--name", o->in.name, "Name")->required();
    edit->add_option("--kind", o->in.kind, "cooperative | enterprise | family_farm | workshop")->required();
    edit->add_option("--area", o->in.area_code, "County, township or village")->required();
    edit->add_option("--industry", o->in.industry_id, "Industry id");
    edit->callback([&ctx, o] {
      const auto x = Service(ctx).UpdateEntity(ctx.caller, o->id, o->in, o->version);
      Print(ctx, industry::EntityJson(x), "经营主体 " + std::to_string(x.id) + " 已更正（版本 " + std::to_string(x.version) + "）");
    });
  }
  auto o = std::make_shared<std::pair<int64_t, int64_t>>();
  auto* del = group.add_subcommand("delete", "Delete an entity that no link, branch, product or loan refers to");
  del->add_option("ID", o->first, "Entity id")->required();
  del->add_option("--version", o->second, "The version read")->required();
  del->callback([&ctx, o] {
    Service(ctx).DeleteEntity(ctx.caller, o->first, o->second);
    Print(ctx, {{"id", o->first}, {"deleted", true}}, "经营主体 " + std::to_string(o->first) + " 已删除");
  });
}

void AddProductCorrections(CLI::App& group, Context& ctx) {
  {
    struct Options {
      int64_t id = 0, version = 0;
      industry::ProductEdit in;
    };
    auto o = std::make_shared<Options>();
    auto* edit = group.add_subcommand("product-edit", "Correct a product's name, category, certificate and day certified");
    edit->add_option("ID", o->id, "Product id")->required();
    edit->add_option("--version", o->version, "The version read (purchase products --json)")->required();
    edit->add_option("--name", o->in.name, "Product")->required();
    edit->add_option("--category", o->in.category, "Category");
    edit->add_option("--certificate", o->in.certificate_no, "Certificate number");
    edit->add_option("--certified", o->in.certified_on, "Date certified")->required();
    edit->callback([&ctx, o] {
      const auto x = Service(ctx).UpdateProduct(ctx.caller, o->id, o->in, o->version);
      Print(ctx, industry::ProductJson(x), "产品 " + std::to_string(x.id) + " 已更正（版本 " + std::to_string(x.version) + "）");
    });
  }
  auto o = std::make_shared<std::pair<int64_t, int64_t>>();
  auto* del = group.add_subcommand("product-delete", "Delete a product with no purchases");
  del->add_option("ID", o->first, "Product id")->required();
  del->add_option("--version", o->second, "The version read")->required();
  del->callback([&ctx, o] {
    Service(ctx).DeleteProduct(ctx.caller, o->first, o->second);
    Print(ctx, {{"id", o->first}, {"deleted", true}}, "产品 " + std::to_string(o->first) + " 已删除");
  });
}

void AddLoanCorrections(CLI::App& group, Context& ctx) {
  {
    struct Options {
      int64_t id = 0, version = 0;
      industry::LoanInput in;
      std::string amount, subsidy;
    };
    auto o = std::make_shared<Options>();
    auto* edit = group.add_subcommand("edit", "Correct a loan: the whole record as `loan add` takes it, without the household");
    edit->add_option("ID", o->id, "Loan id")->required();
    edit->add_option("--version", o->version, "The version read (loan list --json)")->required();
    edit->add_option("--bank", o->in.bank, "Bank")->required();
    edit->add_option("--amount", o->amount, "Amount, yuan (not below what is repaid)")->required();
    edit->add_option("--issued", o->in.issued_on, "Date issued")->required();
    edit->add_option("--due", o->in.due_on, "Date due")->required();
    edit->add_option("--purpose", o->in.purpose, "Use")->required();
    edit->add_option("--entity", o->in.entity_id, "The entity the loan bought a share in (入股)");
    edit->add_option("--interest-subsidy", o->subsidy, "Interest subsidy (贴息), yuan");
    edit->callback([&ctx, o] {
      o->in.amount_fen = Yuan(o->amount, "--amount");
      o->in.interest_subsidy_fen = Yuan(o->subsidy, "--interest-subsidy");
      const auto l = Service(ctx).UpdateLoan(ctx.caller, o->id, o->in, o->version);
      Print(ctx, industry::LoanJson(l), "贷款 " + std::to_string(l.id) + " 已更正（版本 " + std::to_string(l.version) + "）");
    });
  }
  auto o = std::make_shared<std::pair<int64_t, int64_t>>();
  auto* del = group.add_subcommand("delete", "Delete a loan with no repayments");
  del->add_option("ID", o->first, "Loan id")->required();
  del->add_option("--version", o->second, "The version read")->required();
  del->callback([&ctx, o] {
    Service(ctx).DeleteLoan(ctx.caller, o->first, o->second);
    Print(ctx, {{"id", o->first}, {"deleted", true}}, "贷款 " + std::to_string(o->first) + " 已删除");
  });
}

}  // namespace

void AddIndustryCommands(CLI::App& app, Context& ctx) {
  AddIndustryGroup(app, ctx);
  AddEntityGroup(app, ctx);
  AddBranchGroup(app, ctx);
  AddJobGroup(app, ctx);
  AddPurchaseGroup(app, ctx);
  AddLoanGroup(app, ctx);
  AddPurchaseList(*app.get_subcommand("purchase"), ctx);
  AddEntityCorrections(*app.get_subcommand("entity"), ctx);
  AddProductCorrections(*app.get_subcommand("purchase"), ctx);
  AddLoanCorrections(*app.get_subcommand("loan"), ctx);
}

}  // namespace fupin::cli
