// `fupin policy check|list|show`, `fupin entitle`, `fupin roster import` and
// `fupin reconcile`: the policy engine from the command line.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <memory>
#include <ostream>

#include "cli/context.h"
#include "core/error.h"
#include "core/money.h"
#include "io/table_writer.h"
#include "policy/entitlements.h"
#include "policy/policy.h"

namespace fupin::cli {
namespace {

struct PolicyOptions {
  std::string dir;                 // --policies
  std::vector<std::string> files;  // check
  std::string id;                  // show
};
struct EntitleOptions {
  std::string dir;
  int year = 0;
  std::string area, policy, as_of;
  bool list = false;
  bool timing = false;
};
struct RosterOptions {
  std::string dir;
  std::string department, policy, file;
  bool skip_invalid = false;
  int year = 0;
};
struct ReconcileOptions {
  std::string dir;
  int year = 0;
  std::string area, policy, output;
};

// --policies DIR, else $FUPIN_POLICIES_DIR, else the policies built into the program.
std::vector<policy::Policy> Policies(const std::string& dir) {
  if (!dir.empty()) return policy::PolicySet(dir);
  if (const char* env = std::getenv("FUPIN_POLICIES_DIR"); env && *env) return policy::PolicySet(env);
  return policy::PolicySet();
}

std::string Years(const policy::Policy& p) {
  return std::to_string(p.from_year) + "-" + (p.to_year == 0 ? "" : std::to_string(p.to_year));
}

void AddPolicyDir(CLI::App* cmd, std::string& dir) {
  cmd->add_option("--policies", dir, "Folder of policy files (default: the shipped ones, or $FUPIN_POLICIES_DIR)");
}

}  // namespace

void AddPolicyCommands(CLI::App& app, Context& ctx) {
  auto* policy = app.add_subcommand("policy", "Policies as data (政策): check, list and show policy files");
  policy->require_subcommand(1);
  {
    auto o = std::make_shared<PolicyOptions>();
    auto* check = policy->add_subcommand("check", "Check policy files; errors give file, line and column");
    check->add_option("FILE", o->files, "Policy files (.toml)")->required();
    check->callback([&ctx, o] {
      nlohmann::json files = nlohmann::json::array();
      std::vector<ErrorDetail> all;
      for (const auto& f : o->files) {
        policy::PolicyCheck c = policy::CheckPolicyFile(f);
        nlohmann::json problems = nlohmann::json::array();
        for (const auto& p : c.problems) {
          problems.push_back({{"path", p.path}, {"problem", p.problem}});
          all.push_back(p);
        }
        files.push_back({{"file", f},
                         {"ok", c.ok()},
                         {"id", c.policy ? nlohmann::json(c.policy->id) : nlohmann::json(nullptr)},
                         {"problems", problems}});
        if (!ctx.json && c.ok()) ctx.out() << f << ": ok (" << c.policy->id << " " << c.policy->name << ")\n";
      }
      if (!all.empty()) {
        // The message first: the order in which arguments are evaluated is unspecified.
        const std::string message = std::to_string(all.size()) + " problem(s) in the policy files";
        throw Error::InvalidArgument(message, std::move(all));
      }
      if (ctx.json) ctx.PrintJson({{"files", files}});
    });
  }
  {
    auto o = std::make_shared<PolicyOptions>();
    auto* list = policy->add_subcommand("list", "List the policies with department, target and years in force");
    AddPolicyDir(list, o->dir);
    list->callback([&ctx, o] {
      auto all = Policies(o->dir);
      if (ctx.json) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& p : all) items.push_back(policy::PolicyJson(p, false));
        ctx.PrintJson({{"items", items}});
        return;
      }
      for (const auto& p : all) {
        ctx.out() << p.id << "\t" << p.name << "\t" << p.department << "\t" << policy::TargetName(p.target) << "\t"
                  << Years(p) << (p.illustrative_amount ? "\t示例金额" : "") << '\n';
      }
    });
  }
  {
    auto o = std::make_shared<PolicyOptions>();
    auto* show = policy->add_subcommand("show", "Show one policy: rule, amount, facts read and basis");
    show->add_option("ID", o->id, "Policy id, e.g. edu.compulsory_living")->required();
    AddPolicyDir(show, o->dir);
    show->callback([&ctx, o] {
      auto all = Policies(o->dir);
      const policy::Policy* found = nullptr;
      for (const auto& p : all) {
        if (p.id == o->id) found = &p;
      }
      if (found == nullptr) {
        std::string known;
        for (const auto& p : all) known += (known.empty() ? "" : ", ") + p.id;
        throw Error(ErrorCode::kNotFound, "no policy " + o->id, {{"ID", "'" + o->id + "' is not one of " + known}});
      }
      if (ctx.json) {
        ctx.PrintJson(policy::PolicyJson(*found, true));
        return;
      }
      const auto& p = *found;
      ctx.out() << p.id << "  " << p.name << "\n部门: " << p.department << "  对象: " << policy::TargetName(p.target)
                << "  年度: " << Years(p) << "\n条件:\n" << p.eligibility.source() << "\n金额(分): "
                << p.amount.source() << (p.illustrative_amount ? "  (示例金额)" : "") << "\n金额说明: " << p.amount_note
                << "\n依据: " << p.basis << "\n读取: ";
      for (size_t i = 0; i < p.facts.size(); ++i) ctx.out() << (i ? ", " : "") << p.facts[i];
      ctx.out() << '\n';
    });
  }

  {
    auto o = std::make_shared<EntitleOptions>();
    auto* entitle = app.add_subcommand(
        "entitle", "Compute who is owed what in a year under the policies (一键式), store it, show what changed");
    entitle->add_option("--year", o->year, "Year")->required();
    entitle->add_option("--area", o->area, "Area code (default: your scope)");
    entitle->add_option("--policy", o->policy, "Only this policy (default: every policy in force)");
    entitle->add_option("--as-of", o->as_of, "Reference date YYYY-MM-DD (default: 31 December, or today)");
    entitle->add_flag("--list", o->list, "List every entitlement with its reason");
    entitle->add_flag("--timing", o->timing, "Show how long reading, evaluating and storing took");
    AddPolicyDir(entitle, o->dir);
    entitle->callback([&ctx, o] {
      policy::EntitlementService service(ctx.connection(), Policies(o->dir));
      policy::EntitlementService::RunInput in;
      in.year = o->year;
      in.area_code = o->area;
      in.policy_id = o->policy;
      if (!o->as_of.empty()) in.ref_date = o->as_of;
      const auto run = service.Run(ctx.caller, in, ctx.progress());
      std::vector<policy::Entitlement> items;
      if (o->list) {
        policy::EntitlementService::ListFilter f;
        f.year = o->year;
        f.area_code = run.area_code;
        f.policy_id = o->policy;
        f.limit = 1000;
        for (;;) {
          auto page = service.List(ctx.caller, f);
          for (auto& e : page.items) items.push_back(std::move(e));
          f.offset += f.limit;
          if (f.offset >= page.total) break;
        }
      }
      if (ctx.json) {
        nlohmann::json j = policy::RunJson(run);
        if (o->timing) {
          j["seconds"] = {{"fill", run.seconds_fill},
                         {"eval", run.seconds_eval},
                         {"rules", run.seconds_rules},
                         {"store", run.seconds_store}};
          j["written"] = run.written;
          j["explained"] = run.explained;
        }
        if (o->list) {
          j["entitlements"] = nlohmann::json::array();
          for (const auto& e : items) j["entitlements"].push_back(policy::EntitlementJson(e));
        }
        ctx.PrintJson(j);
        return;
      }
      auto& out = ctx.out();
      out << run.year << "年 " << (run.area_code.empty() ? "全国" : run.area_code) << " 基准日 " << run.ref_date << ": "
          << run.persons << " 人, " << run.households << " 户; 应享 " << run.entitled << " 人(户)次, 金额 "
          << FormatYuan(run.amount) << " 元\n";
      for (const auto& t : run.by_policy) {
        out << "  " << t.policy_id << "\t" << t.name << "\t" << t.entitled << "\t" << FormatYuan(t.amount) << " 元\n";
      }
      if (run.first_run) {
        out << "首次计算(运行 " << run.id << ")\n";
      } else {
        out << "与上次相比: 新增 " << run.added << ", 取消 " << run.removed << ", 金额变化 " << run.changed << '\n';
        for (const auto& c : run.changes) {
          out << "  " << LabelOf(policy::EntitlementChangeTerms(), c.kind) << " " << c.policy_id
              << " 户 " << c.household_id << (c.person_id ? " 人 " + std::to_string(c.person_id) : "") << " "
              << (c.old_amount ? FormatYuan(*c.old_amount) : "-") << " -> "
              << (c.new_amount ? FormatYuan(*c.new_amount) : "-") << '\n';
        }
      }
      if (o->timing) {
        out << "读取 " << run.seconds_fill << " s, 计算 " << run.seconds_eval << " s (其中规则 " << run.seconds_rules
            << " s), 写入 " << run.seconds_store << " s; 写入 " << run.written << " 条, 新生成说明 " << run.explained
            << " 条\n";
      }
      for (const auto& e : items) {
        out << e.village_name << "\t" << e.household_number << "\t" << (e.person_name.empty() ? "(本户)" : e.person_name)
            << "\t" << e.id_number << "\t" << e.policy_id << "\t" << FormatYuan(e.amount) << "\t" << e.reason << '\n';
      }
    });
  }

  auto* roster = app.add_subcommand("roster", "Rosters of what sector departments delivered (花名册)");
  roster->require_subcommand(1);
  {
    auto o = std::make_shared<RosterOptions>();
    auto* import = roster->add_subcommand("import", "Import a roster (CSV or XLSX: ID number, amount in yuan, date)");
    import->add_option("--department", o->department, "Department code, e.g. education")->required();
    import->add_option("--policy", o->policy, "Policy id")->required();
    import->add_option("--year", o->year, "Year")->required();
    import->add_option("FILE", o->file, "CSV or XLSX file")->required();
    import->add_flag("--skip-invalid", o->skip_invalid, "Import the valid rows and list the others");
    AddPolicyDir(import, o->dir);
    import->callback([&ctx, o] {
      policy::RosterService service(ctx.connection(), Policies(o->dir));
      policy::RosterService::ImportInput in{o->department, o->policy, o->year, o->file};
      in.skip_invalid = o->skip_invalid;
      const auto r = service.Import(ctx.caller, in);
      if (ctx.json) {
        ctx.PrintJson({{"import_id", r.import_id}, {"department", r.department}, {"policy_id", r.policy_id},
                       {"year", r.year}, {"rows", r.rows}, {"imported_rows", r.imported_rows},
                       {"rejected_rows", r.rejected_rows}, {"matched", r.matched}, {"unknown", r.unknown},
                       {"amount", r.amount}, {"replaced", r.replaced}, {"problems", dataio::ImportProblemsJson(r.problems)},
                       {"warnings", r.warnings}});
        return;
      }
      for (const auto& d : dataio::RefusalDetails(r.problems)) ctx.err() << "skipped " << d.path << ": " << d.problem << '\n';
      ctx.out() << "imported " << r.imported_rows << " rows (" << r.matched << " in the registry, " << r.unknown
                << " unknown ID numbers), " << FormatYuan(r.amount) << " yuan"
                << (r.replaced ? ", replacing " + std::to_string(r.replaced) + " rows imported before" : "") << '\n';
    });
  }

  {
    auto o = std::make_shared<ReconcileOptions>();
    auto* reconcile = app.add_subcommand(
        "reconcile", "Compare entitlements with the rosters: 应享未享, 不应享而享, amount differences, unknown IDs");
    reconcile->add_option("--year", o->year, "Year")->required();
    reconcile->add_option("--area", o->area, "Area code (default: your scope)");
    reconcile->add_option("--policy", o->policy, "Only this policy");
    reconcile->add_option("--output", o->output, "Also write every gap to FILE.xlsx or FILE.csv");
    AddPolicyDir(reconcile, o->dir);
    reconcile->callback([&ctx, o] {
      const auto r = policy::Reconcile(ctx.connection(), Policies(o->dir), ctx.caller, o->year, o->area, o->policy);
      if (!o->output.empty()) {
        auto w = io::OpenTableWriter(o->output);
        policy::WriteReconciliation(r, *w);
        w->Close();
      }
      if (ctx.json) {
        ctx.PrintJson(policy::ReconciliationJson(r));
        return;
      }
      auto& out = ctx.out();
      out << r.year << "年 比对: 应享未享 " << r.missed << ", 不应享而享 " << r.unentitled << ", 金额不符 "
          << r.amount_differences << ", 身份证号不在库 " << r.unknown << '\n';
      if (!r.policies_without_rosters.empty()) {
        out << "未报送花名册的政策(未比对):";
        for (const auto& p : r.policies_without_rosters) out << ' ' << p;
        out << '\n';
      }
      for (const auto& g : r.groups) {
        if (g.missed + g.unentitled + g.amount_differences + g.unknown == 0) continue;
        out << "  " << g.area_code << " " << g.area_name << "\t" << g.policy_id << "\t应享 " << g.entitled << " 实发 "
            << g.paid << "\t未享 " << g.missed << " 不应享 " << g.unentitled << " 金额不符 " << g.amount_differences
            << " 不在库 " << g.unknown << '\n';
      }
      for (const auto& i : r.items) {
        out << LabelOf(policy::ReconcileKindTerms(), i.kind) << "\t" << i.policy_id << "\t" << i.village_code << "\t"
            << i.household_number << "\t" << i.person_name << "\t" << i.id_number << "\t应享 "
            << FormatYuan(i.entitled_amount) << "\t实发 " << FormatYuan(i.paid_amount) << '\n';
      }
    });
  }
}

}  // namespace fupin::cli
