// Policies, entitlements and reconciliation (policy module).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "core/money.h"
#include "io/table_writer.h"
#include "policy/entitlements.h"
#include "server/http_server.h"
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

int QueryYear(const ApiRequest& r, bool required) {
  auto y = r.QueryInt("year");
  if (!y) {
    if (required) throw Error::InvalidArgument("missing query parameter", {{"?year", "required"}});
    return 0;
  }
  if (*y < 2000 || *y > 2100) throw Error::InvalidArgument("bad query parameter", {{"?year", "out of range"}});
  return static_cast<int>(*y);
}

// Every gap of a reconciliation as an XLSX sheet (the columns of `fupin
// reconcile --output`, with the area's name), written to a private temporary
// file, read back and removed.
std::string ReconciliationXlsxBytes(const policy::Reconciliation& rec) {
  std::map<std::string, std::string> area_names;
  for (const auto& g : rec.groups) area_names[g.area_code] = g.area_name;
  std::string path = "/tmp/fupin-reconcile-XXXXXX.xlsx";
  const int fd = mkstemps(path.data(), 5);
  if (fd < 0) throw Error::Internal("cannot create a temporary file for the XLSX reconciliation");
  close(fd);
  struct Cleanup {
    const std::string& file;
    ~Cleanup() { std::remove(file.c_str()); }
  } cleanup{path};
  {
    io::WriterOptions options;
    options.sheet = "比对结果";
    auto w = io::OpenTableWriter(path, io::TableFormat::kXlsx, options);
    w->WriteHeader({"类别", "政策", "政策名称", "地区代码", "地区", "户编号", "姓名", "身份证号", "应享金额(元)",
                    "实发金额(元)", "说明"});
    for (const auto& i : rec.items) {
      const auto name = area_names.find(i.village_code);
      w->WriteRow({std::string(policy::ReconcileKindZh(i.kind)), i.policy_id, i.policy_name, i.village_code,
                   name == area_names.end() ? std::string() : name->second, i.household_number, i.person_name,
                   i.id_number, FormatYuan(i.entitled_amount), FormatYuan(i.paid_amount), i.reason});
    }
    w->Close();
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace

void AddPolicyRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/policies", true,
                    [](ApiRequest&) {
                      nlohmann::json items = nlohmann::json::array();
                      for (const auto& p : ServerPolicies()) items.push_back(policy::PolicyJson(p, false));
                      return ApiResponse::Ok({{"items", items}});
                    },
                    "The policies in force: id, name, department, target, years"});
  routes.push_back({"GET", "/api/v1/policies/{id}", true,
                    [](ApiRequest& r) {
                      const std::string id = r.path.at("id");
                      for (const auto& p : ServerPolicies()) {
                        if (p.id == id) return ApiResponse::Ok(policy::PolicyJson(p, true));
                      }
                      throw Error::NotFound("no policy " + id);
                    },
                    "One policy with its rule, amount, facts read and basis"});
  routes.push_back({"POST", "/api/v1/entitlements/runs", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      policy::EntitlementService::RunInput in;
                      in.year = static_cast<int>(b.Int("year", true).value_or(0));
                      in.area_code = b.String("area", false, 12).value_or("");
                      in.policy_id = b.String("policy", false, 80).value_or("");
                      in.ref_date = b.String("ref_date", false, 10);
                      b.Finish();
                      policy::EntitlementService s(r.connection(), ServerPolicies(), *r.clock);
                      return ApiResponse::Created(policy::RunJson(s.Run(r.caller, in)));
                    },
                    "Compute the entitlements of a year (one click), store them and return what changed"});
  routes.push_back({"GET", "/api/v1/entitlements", true,
                    [](ApiRequest& r) {
                      const Paging paging = ReadPaging(r);
                      policy::EntitlementService::ListFilter f;
                      f.year = QueryYear(r, true);
                      f.area_code = r.Query("area").value_or("");
                      f.policy_id = r.Query("policy").value_or("");
                      f.household_id = r.QueryInt("household_id");
                      f.limit = paging.limit;
                      f.offset = paging.offset;
                      policy::EntitlementService s(r.connection(), ServerPolicies(), *r.clock);
                      auto page = s.List(r.caller, f);
                      nlohmann::json items = nlohmann::json::array();
                      for (const auto& e : page.items) items.push_back(policy::EntitlementJson(e));
                      nlohmann::json body = PageJson(page.total, paging, items);
                      // The latest run of this policy alone, else of every policy.
                      auto run = f.policy_id.empty() ? std::nullopt
                                                     : s.LatestRun(r.caller, f.year, f.area_code, f.policy_id);
                      if (!run) run = s.LatestRun(r.caller, f.year, f.area_code, "");
                      body["latest_run"] = run ? policy::RunJson(*run) : nlohmann::json(nullptr);
                      return ApiResponse::Ok(body);
                    },
                    "Stored entitlements of a year with their explanations, by area and policy (paginated)"});
  routes.push_back({"GET", "/api/v1/reconciliation", true,
                    [](ApiRequest& r) {
                      const int year = QueryYear(r, true);
                      auto rec = policy::Reconcile(r.connection(), ServerPolicies(), r.caller, year,
                                                   r.Query("area").value_or(""), r.Query("policy").value_or(""),
                                                   *r.clock);
                      return ApiResponse::Ok(policy::ReconciliationJson(rec));
                    },
                    "Entitlements against department rosters: 应享未享, 不应享而享, amount differences, unknown IDs"});
  routes.push_back({"GET", "/api/v1/reconciliation.xlsx", true,
                    [](ApiRequest& r) {
                      const int year = QueryYear(r, true);
                      auto rec = policy::Reconcile(r.connection(), ServerPolicies(), r.caller, year,
                                                   r.Query("area").value_or(""), r.Query("policy").value_or(""),
                                                   *r.clock);
                      const std::string name = "reconciliation-" + (rec.area_code.empty() ? "nation" : rec.area_code) +
                                               "-" + std::to_string(year) +
                                               (rec.policy_id.empty() ? "" : "-" + rec.policy_id) + ".xlsx";
                      return ApiResponse::File(ReconciliationXlsxBytes(rec),
                                               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
                    },
                    "The reconciliation's gaps as an XLSX sheet (one row per gap)"});
}

}  // namespace fupin::server
