// The access matrix as a test (issue 26): every route of the OpenAPI document
// is called without a session and as every role (scoped to township
// 430424100; the donor is a registered donor), on objects in scope, of an
// unpaired household in the same village, of another township and of another
// county, and each answer is compared with the table in docs/ACCESS.md
// ("Route × role"). A route missing from the table, or a row for a route that
// does not exist, fails the test.
//
// FUPIN_PRINT_ACCESS_MATRIX=1 prints the rows the server gives, to review
// against the rules above the table when a route is added or changed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "support/process.h"
#include "support/server.h"

namespace fupin::testing {
namespace {

using nlohmann::json;

// The variants of a scoped route: the paired household's objects (in scope),
// an unpaired household in the same village, another township, another county.
constexpr size_t kVariants = 4;
const char* const kVillages[kVariants] = {"430424100200", "430424100200", "430424101200", "430426100200"};
const char* const kTownships[kVariants] = {"430424100", "430424100", "430424101", "430426100"};
const char* const kCounties[kVariants] = {"430424", "430424", "430424", "430426"};

const std::vector<std::string> kRoles = {"administrator", "county_office",     "township", "village_cadre",
                                         "paired_cadre",  "sector_department", "donor",    "auditor"};
constexpr const char* kScope = "430424100";

std::string PasswordOf(const std::string& user) { return user + "-Passw0rd"; }

// Two counties of Hunan: 430424 with townships 100 and 101, 430426 with 100.
void WriteAreas(const std::string& dir) {
  WriteText(dir + "/provinces.csv", "code,name\n43,\"湖南省\"\n");
  WriteText(dir + "/cities.csv", "code,name,provinceCode\n4304,\"衡阳市\",43\n");
  WriteText(dir + "/areas.csv", "code,name,cityCode,provinceCode\n430424,\"衡东县\",4304,43\n430426,\"祁东县\",4304,43\n");
  WriteText(dir + "/streets.csv",
            "code,name,areaCode,provinceCode,cityCode\n430424100,\"甲镇\",430424,43,4304\n"
            "430424101,\"乙镇\",430424,43,4304\n430426100,\"丙镇\",430426,43,4304\n");
  WriteText(dir + "/villages.csv",
            "code,name,streetCode,provinceCode,cityCode,areaCode\n"
            "430424100200,\"甲村\",430424100,43,4304,430424\n430424101200,\"乙村\",430424101,43,4304,430424\n"
            "430426100200,\"丙村\",430426100,43,4304,430426\n");
}

// One letter per answer: A allowed (2xx), U 401, D 403, N 404, T 429,
// V refused as invalid (400, 409, 413, 422, 428), E anything else (5xx).
char Letter(int status) {
  if (status >= 200 && status < 300) return 'A';
  switch (status) {
    case 401: return 'U';
    case 403: return 'D';
    case 404: return 'N';
    case 429: return 'T';
    case 400:
    case 409:
    case 413:
    case 422:
    case 428: return 'V';
    default: return 'E';
  }
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// "| GET /api/v1/x | U | AADD | ... |" rows of the table in docs/ACCESS.md.
std::map<std::string, std::vector<std::string>> ReadTable() {
  std::ifstream in(SourceDir() + "/docs/ACCESS.md");
  std::map<std::string, std::vector<std::string>> rows;
  const std::regex row(R"(^\| `?((GET|POST|PUT|PATCH|DELETE) /api/v1/[^ |`]*)`? \|(.*)\|\s*$)");
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;
    std::vector<std::string> cells;
    std::stringstream s(m[3].str());
    std::string cell;
    while (std::getline(s, cell, '|')) {
      cell.erase(0, cell.find_first_not_of(' '));
      cell.erase(cell.find_last_not_of(' ') + 1);
      cells.push_back(cell);
    }
    rows[m[1].str()] = cells;
  }
  return rows;
}

class AccessMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("fupin.db");
    WriteAreas(dir_.path());
    ASSERT_EQ(RunFupin(db_, {"areas", "import", dir_.path()}).exit_code, 0);
    auto add_user = [&](const std::string& name, const std::string& role, const std::string& area) {
      auto r = AddUser(db_, name, role, area, PasswordOf(name));
      ASSERT_EQ(r.exit_code, 0) << r.err;
    };
    add_user("root", "administrator", "");
    add_user("reviewer", "administrator", "");  // a need is reviewed by another than who submitted it
    for (const auto& role : kRoles) {
      if (role != "donor") add_user(role, role, kScope);
    }
    server_ = std::make_unique<ServerProcess>(db_);
    root_ = std::make_unique<ApiClient>(server_->port());
    ASSERT_EQ(root_->Login("root", PasswordOf("root")).status, 201);
    ApiClient anonymous(server_->port());
    auto donor = anonymous.Post("/api/v1/donors", {{"user_name", "donor"},
                                                   {"password", PasswordOf("donor")},
                                                   {"display_name", "爱心人士"},
                                                   {"county_code", "430424"},
                                                   {"township_code", kScope}});
    ASSERT_EQ(donor.status, 201) << donor.text;
    ids_["donors"] = {donor.body["id"].get<int64_t>()};
    BuildObjects();
  }

  int64_t Created(const HttpResult& r) {
    EXPECT_TRUE(r.status == 200 || r.status == 201) << r.status << " " << r.text;
    return r.body.is_object() && r.body.contains("id") ? r.body["id"].get<int64_t>() : 0;
  }

  // One of each kind of object per variant, made by the nation's administrator.
  void BuildObjects() {
    ApiClient donor(server_->port());
    ASSERT_EQ(donor.Login("donor", PasswordOf("donor")).status, 201);
    ApiClient reviewer(server_->port());
    ASSERT_EQ(reviewer.Login("reviewer", PasswordOf("reviewer")).status, 201);
    const char* numbers[kVariants] = {"IN-PAIRED", "IN-UNPAIRED", "TOWN2", "COUNTY2"};
    for (size_t v = 0; v < kVariants; ++v) {
      auto& r = *root_;
      const int64_t h = Created(r.Post("/api/v1/households",
                                       {{"number", numbers[v]}, {"village_code", kVillages[v]}, {"identified_year", 2014}}));
      ids_["households"].push_back(h);
      ids_["persons"].push_back(Created(r.Post(
          "/api/v1/persons", {{"household_id", h},
                              {"id_number", MakeIdNumber("4304241980010100" + std::to_string(v))},
                              {"name", "户主" + std::to_string(v)},
                              {"relation", "head"}})));
      json cadre = {{"name", "干部" + std::to_string(v)}, {"unit", "县教育局"}, {"area_code", kTownships[v]}};
      if (v == 0) cadre["user"] = "paired_cadre";
      const int64_t c = Created(r.Post("/api/v1/cadres", cadre));
      ids_["cadres"].push_back(c);
      ids_["pairings"].push_back(Created(
          r.Post("/api/v1/pairings", {{"cadre_id", c}, {"household_id", h}, {"start_date", "2015-01-01"}})));
      ids_["work-teams"].push_back(Created(r.Post(
          "/api/v1/work-teams",
          {{"village_code", kVillages[v]}, {"dispatching_unit", "县教育局"}, {"start_date", "2015-10-01"}})));
      const int64_t n = Created(r.Post("/api/v1/needs", {{"household_id", h},
                                                         {"category", "education"},
                                                         {"title", "学习用品"},
                                                         {"description", "家中孩子读初中。"},
                                                         {"amount", "1000"},
                                                         {"deadline", "2099-12-31"}}));
      Created(reviewer.Post("/api/v1/needs/" + std::to_string(n) + "/review", {{"approve", true}}));
      ids_["needs"].push_back(n);
      const int64_t p = Created(donor.Post("/api/v1/needs/" + std::to_string(n) + "/pledges", {{"amount", "100"}}));
      ids_["pledges"].push_back(p);
      ids_["dockings"].push_back(
          Created(donor.Post("/api/v1/pledges/" + std::to_string(p) + "/dockings", {{"amount", "100"}})));
      const std::string user = "target" + std::to_string(v);
      ids_["users"].push_back(Created(r.Post("/api/v1/users", {{"name", user},
                                                               {"role", "village_cadre"},
                                                               {"area_code", kVillages[v]},
                                                               {"password", PasswordOf(user)}})));
    }
  }

  // The requests for one route: kVariants of them when the route reaches a
  // record or an area, else one.
  std::vector<std::string> Paths(const std::string& pattern, const json& op) {
    std::set<std::string> query;
    // Read through find(): json::value("in", "") makes GCC 12 report -Wnull-dereference.
    if (const auto params = op.find("parameters"); params != op.end() && params->is_array()) {
      for (const auto& p : *params) {
        const auto in = p.find("in");
        const auto name = p.find("name");
        if (in != p.end() && *in == "query" && name != p.end() && name->is_string()) {
          query.insert(name->get_ref<const std::string&>());
        }
      }
    }
    static const std::regex kind_id(R"(/api/v1/(?:[a-z-]+/)*?([a-z-]+)/\{id\})");
    std::string kind;
    std::smatch m;
    if (std::regex_search(pattern, m, kind_id)) kind = m[1].str();
    // A query parameter naming an object (?household_id=, ?need_id=): the variant's object.
    auto id_kind = [&](const std::string& name) -> std::string {
      if (name.size() < 4 || name.substr(name.size() - 3) != "_id") return "";
      const std::string k = name.substr(0, name.size() - 3) + "s";
      return ids_.contains(k) && ids_[k].size() == kVariants ? k : "";
    };
    bool query_object = false;
    for (const auto& name : query) query_object = query_object || !id_kind(name).empty();
    const bool scoped = (!kind.empty() && ids_.contains(kind) && ids_[kind].size() == kVariants) ||
                        pattern.find("{code}") != std::string::npos ||
                        (pattern.find('{') == std::string::npos && (query.contains("area") || query_object));
    std::vector<std::string> out;
    for (size_t v = 0; v < (scoped ? kVariants : 1); ++v) {
      std::string path = pattern;
      auto put = [&](const std::string& name, const std::string& value) {
        const size_t at = path.find(name);
        if (at != std::string::npos) path.replace(at, name.size(), value);
      };
      put("{id}", !kind.empty() && ids_.contains(kind) ? std::to_string(ids_[kind][std::min(v, ids_[kind].size() - 1)])
                                                      : "1");
      put("{code}", pattern.find("/counties/") != std::string::npos ? kCounties[v] : kVillages[v]);
      put("{year}", "2020");
      put("{measure_id}", "1");
      put("{name}", "pairing_household_limit");
      put("{kind}", "persons");
      std::string q;
      auto add = [&](const std::string& name, const std::string& value) {
        if (query.contains(name)) q += (q.empty() ? "?" : "&") + name + "=" + value;
      };
      if (pattern.find('{') == std::string::npos) add("area", kTownships[v]);
      for (const auto& name : query) {
        if (const std::string k = id_kind(name); !k.empty()) add(name, std::to_string(ids_[k][v]));
      }
      add("q", "%E7%94%B2");  // 甲
      add("year", "2020");
      add("from", "2014");
      add("to", "2020");
      out.push_back(path + q);
    }
    return out;
  }

  TempDir dir_;
  std::string db_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<ApiClient> root_;
  std::map<std::string, std::vector<int64_t>> ids_;
};

TEST_F(AccessMatrixTest, EveryRouteAnswersEveryRoleAsTheTableInAccessMdSays) {
  const auto table = ReadTable();
  ASSERT_FALSE(table.empty()) << "no route rows in docs/ACCESS.md";
  const auto doc = root_->Get("/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  std::map<std::string, ApiClient> clients;
  auto login = [&](const std::string& role) {
    ApiClient c(server_->port());
    EXPECT_EQ(c.Login(role, PasswordOf(role)).status, 201) << role;
    return c;
  };
  for (const auto& role : kRoles) clients.emplace(role, login(role));
  const bool print = std::getenv("FUPIN_PRINT_ACCESS_MATRIX") != nullptr;
  std::set<std::string> seen;
  for (const auto& [pattern, methods] : doc.body["paths"].items()) {
    for (const auto& [method, op] : methods.items()) {
      const std::string m = Upper(method);
      const std::string route = m + " " + pattern;
      seen.insert(route);
      const std::vector<std::string> paths = Paths(pattern, op);
      const std::string body = m == "GET" || m == "DELETE" ? "" : "{}";
      std::vector<std::string> got;
      got.push_back(std::string(1, Letter(ApiClient(server_->port()).Raw(m, paths[0], body).status)));
      for (const auto& role : kRoles) {
        std::string cell;
        for (const auto& path : paths) {
          // Logging out ends the session: use one of its own.
          ApiClient own = route == "DELETE /api/v1/sessions/current" ? login(role) : clients.at(role);
          cell += Letter(own.Raw(m, path, body).status);
        }
        got.push_back(cell);
      }
      if (print) {
        std::cout << "| " << route << " |";
        for (const auto& c : got) std::cout << " " << c << " |";
        std::cout << "\n";
      }
      auto it = table.find(route);
      if (it == table.end()) {
        ADD_FAILURE() << route << " has no row in the route × role table of docs/ACCESS.md: review what"
                      << " FUPIN_PRINT_ACCESS_MATRIX=1 prints for it against the rules there, then add the row";
        continue;
      }
      ASSERT_EQ(it->second.size(), got.size()) << route << ": the row needs anon and " << kRoles.size() << " roles";
      EXPECT_EQ(it->second[0], got[0]) << route << " without a session";
      for (size_t i = 0; i < kRoles.size(); ++i) {
        EXPECT_EQ(it->second[i + 1], got[i + 1]) << route << " as " << kRoles[i] << " (" << paths.size()
                                                 << " variant(s): " << paths.back() << ")";
      }
    }
  }
  for (const auto& [route, cells] : table) {
    EXPECT_TRUE(seen.contains(route)) << route << " is in docs/ACCESS.md but not in openapi.json";
  }
}

}  // namespace
}  // namespace fupin::testing
