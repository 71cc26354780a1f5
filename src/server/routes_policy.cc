// Policies, entitlements and reconciliation (policy module).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>

#include "access/permissions.h"
#include "core/money.h"
#include "io/table_writer.h"
#include "policy/entitlements.h"
#include "server/http_server.h"
#include "server/jobs.h"
#include "server/server_policies.h"

namespace fupin::server {

const std::vector<policy::Policy>& ServerPolicies() {
  static std::once_flag once;
  static std::unique_ptr<std::vector<policy::Policy>> policies;
  std::call_once(once, [] {
    const char* dir = std::getenv("FUPIN_POLICIES_DIR");
    policies = std::make_unique<std::vector<policy::Policy>>(policy::PolicySet(dir && *dir ? dir : ""));
  });
  return *policies;
}

namespace {

// The server's policies apply to the nation: read by whoever may read
// policies (access::Refusal: every role but donors; issue 26, found by the
// access matrix test: the list and each policy were open to donors).
void RequirePolicyRead(const Caller& caller) {
  if (auto refused = access::Refusal(caller, access::Access::kRead, access::Resource::kPolicy, {"", std::nullopt, "policy"})) {
    throw Error::PermissionDenied(*refused);
  }
}

int QueryYear(const ApiRequest& r, bool required) {
  auto y = r.QueryInt("year");
  if (!y) {
    if (required) throw Error::InvalidArgument("missing query parameter", {{"?year", "required"}});
    return 0;
  }
  if (*y < 2000 || *y > 2100) throw Error::InvalidArgument("bad query parameter", {{"?year", "out of range"}});
  return static_cast<int>(*y);
}

// An XLSX sheet written by `write` to a private temporary file, read back
// and removed.
std::string XlsxBytes(const std::string& sheet, const std::function<void(io::TableWriter&)>& write) {
  return io::BytesWrittenTo(".xlsx", [&](const std::string& path) {
    io::WriterOptions options;
    options.sheet = sheet;
    auto w = io::OpenTableWriter(path, io::TableFormat::kXlsx, options);
    write(*w);
    w->Close();
  });
}

constexpr const char* kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// "<what>-<area or nation>-<year>[-<policy>].xlsx"
std::string SheetName(const std::string& what, const std::string& area, int year, const std::string& policy_id) {
  return what + "-" + (area.empty() ? "nation" : area) + "-" + std::to_string(year) +
         (policy_id.empty() ? "" : "-" + policy_id) + ".xlsx";
}

// Every gap of a reconciliation as an XLSX sheet (the same sheet as `fupin reconcile --output`).
std::string ReconciliationXlsxBytes(const policy::Reconciliation& rec) {
  return XlsxBytes("比对结果", [&](io::TableWriter& w) { policy::WriteReconciliation(rec, w); });
}

// The filters of GET /entitlements (and of its XLSX download).
policy::EntitlementService::ListFilter EntitlementFilter(const ApiRequest& r) {
  policy::EntitlementService::ListFilter f;
  f.year = QueryYear(r, true);
  f.area_code = r.Query("area").value_or("");
  f.policy_id = r.Query("policy").value_or("");
  f.household_id = r.QueryInt("household_id");
  return f;
}

// The latest run of the policy alone, else of every policy (as the
// entitlements list shows it), with a page of its changes.
std::optional<policy::EntitlementRun> LatestRunOf(policy::EntitlementService& s, const Caller& caller, int year,
                                                  const std::string& area, const std::string& policy_id,
                                                  const Paging* changes = nullptr) {
  const int64_t limit = changes ? changes->limit : 0;
  const int64_t offset = changes ? changes->offset : 0;
  auto run = policy_id.empty() ? std::nullopt : s.LatestRun(caller, year, area, policy_id, limit, offset);
  if (!run) run = s.LatestRun(caller, year, area, "", limit, offset);
  return run;
}

}  // namespace

void AddPolicyRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/policies", true,
                    [](ApiRequest& r) {
                      RequirePolicyRead(r.caller);
                      nlohmann::json items = nlohmann::json::array();
                      for (const auto& p : ServerPolicies()) items.push_back(policy::PolicyJson(p, false));
                      return ApiResponse::Ok({{"items", items}});
                    },
                    "The policies in force: id, name, department, target, years"});
  routes.push_back({"GET", "/api/v1/policies/{id}", true,
                    [](ApiRequest& r) {
                      RequirePolicyRead(r.caller);
                      const std::string id = r.path.at("id");
                      for (const auto& p : ServerPolicies()) {
                        if (p.id == id) return ApiResponse::Ok(policy::PolicyJson(p, true));
                      }
                      throw Error::NotFound("no policy " + id);
                    },
                    "One policy with its rule, amount, facts read and basis"});
  routes.push_back({"POST", "/api/v1/entitlements/runs", true,
                    [](ApiRequest& r) {
                      const bool as_job = WantsJob(r);
                      BodyReader b(r.body);
                      policy::EntitlementService::RunInput in;
                      in.year = static_cast<int>(b.Int("year", true).value_or(0));
                      in.area_code = b.String("area", false, 12).value_or("");
                      in.policy_id = b.String("policy", false, 80).value_or("");
                      in.ref_date = b.String("ref_date", false, 10);
                      b.Finish();
                      const Clock& clock = *r.clock;
                      auto run = [in, &clock](store::Connection& db, const Caller& caller, Progress& progress) {
                        policy::EntitlementService s(db, ServerPolicies(), clock);
                        return policy::RunJson(s.Run(caller, in, progress));
                      };
                      if (as_job) return StartJob(r, "entitlements.run", 201, run);
                      return ApiResponse::Created(run(r.connection(), r.caller, NoProgress()));
                    },
                    "Compute the entitlements of a year (one click), store them and return what changed"
                    " (?async=true: as a job, 202)"});
  routes.push_back({"GET", "/api/v1/entitlements", true,
                    [](ApiRequest& r) {
                      const Paging paging = ReadPaging(r);
                      policy::EntitlementService::ListFilter f = EntitlementFilter(r);
                      f.limit = paging.limit;
                      f.offset = paging.offset;
                      policy::EntitlementService s(r.connection(), ServerPolicies(), *r.clock);
                      auto page = s.List(r.caller, f);
                      nlohmann::json items = nlohmann::json::array();
                      for (const auto& e : page.items) items.push_back(policy::EntitlementJson(e));
                      nlohmann::json body = PageJson(page.total, paging, items);
                      // The latest run of this policy alone, else of every policy.
                      auto run = LatestRunOf(s, r.caller, f.year, f.area_code, f.policy_id);
                      body["latest_run"] = run ? policy::RunJson(*run) : nlohmann::json(nullptr);
                      return ApiResponse::Ok(body);
                    },
                    "Stored entitlements of a year with their explanations, by area and policy (paginated)"});
  routes.push_back({"GET", "/api/v1/entitlements.xlsx", true,
                    [](ApiRequest& r) {
                      const policy::EntitlementService::ListFilter f = EntitlementFilter(r);
                      policy::EntitlementService s(r.connection(), ServerPolicies(), *r.clock);
                      std::map<std::string, std::string> departments;  // code -> 教育局
                      for (const auto& d : policy::Departments()) departments[std::string(d.code)] = d.label_zh;
                      std::string bytes = XlsxBytes("应享名单", [&](io::TableWriter& w) {
                        w.WriteHeader({"年度", "村代码", "村", "户编号", "享受人", "身份证号", "政策", "政策名称",
                                       "主管部门", "金额(元)", "符合条件说明"});
                        s.ForEach(r.caller, f, [&](const policy::Entitlement& e) {
                          w.WriteRow({int64_t{e.year}, e.village_code, e.village_name, e.household_number,
                                      e.person_id == 0 ? std::string("（本户）") : e.person_name, e.id_number,
                                      e.policy_id, e.policy_name,
                                      departments.contains(e.department) ? departments[e.department] : e.department,
                                      static_cast<double>(e.amount) / 100.0,
                                      e.reason});
                        });
                      });
                      const std::string area = f.area_code.empty() ? r.caller.area_scope : f.area_code;
                      return ApiResponse::File(std::move(bytes), kXlsxType,
                                               SheetName("entitlements", area, f.year, f.policy_id));
                    },
                    "The stored entitlements of the list's filters as an XLSX sheet (every row; masked ID numbers)"});
  routes.push_back({"GET", "/api/v1/entitlements/runs/latest", true,
                    [](ApiRequest& r) {
                      const Paging paging = ReadPaging(r);
                      const int year = QueryYear(r, true);
                      policy::EntitlementService s(r.connection(), ServerPolicies(), *r.clock);
                      auto run = LatestRunOf(s, r.caller, year, r.Query("area").value_or(""),
                                             r.Query("policy").value_or(""), &paging);
                      if (!run) return ApiResponse::Ok({{"run", nullptr}});
                      nlohmann::json j = policy::RunJson(*run);
                      j["limit"] = paging.limit;
                      j["offset"] = paging.offset;
                      return ApiResponse::Ok({{"run", j}});
                    },
                    "The latest run of a year, area and policy (else of every policy) with a page of what it changed"});
  routes.push_back({"GET", "/api/v1/reconciliation", true,
                    [](ApiRequest& r) {
                      const Paging paging = ReadPaging(r);
                      const int year = QueryYear(r, true);
                      auto rec = policy::Reconcile(r.connection(), ServerPolicies(), r.caller, year,
                                                   r.Query("area").value_or(""), r.Query("policy").value_or(""),
                                                   *r.clock);
                      nlohmann::json body = policy::ReconciliationJson(
                          rec, {r.Query("kind").value_or(""), paging.limit, paging.offset});
                      body["limit"] = paging.limit;
                      body["offset"] = paging.offset;
                      return ApiResponse::Ok(body);
                    },
                    "Entitlements against department rosters: 应享未享, 不应享而享, amount differences, unknown IDs"
                    " (counts and groups whole, the gaps paginated)"});
  routes.push_back({"GET", "/api/v1/reconciliation.xlsx", true,
                    [](ApiRequest& r) {
                      const int year = QueryYear(r, true);
                      auto rec = policy::Reconcile(r.connection(), ServerPolicies(), r.caller, year,
                                                   r.Query("area").value_or(""), r.Query("policy").value_or(""),
                                                   *r.clock);
                      return ApiResponse::File(ReconciliationXlsxBytes(rec), kXlsxType,
                                               SheetName("reconciliation", rec.area_code, year, rec.policy_id));
                    },
                    "The reconciliation's gaps as an XLSX sheet (one row per gap)"});
}

}  // namespace fupin::server
