// End-to-end test of the social-assistance flow through `fupin serve`: a donor
// registers and logs in, a cadre publishes a need for a household, a township
// reviewer approves it, the donor pledges and reports the delivery, the cadre
// confirms it, records a second delivery and the household's thanks, and the
// county reads the figures. Donors never reach registry records or other
// donors' data; planted ID and phone numbers are refused.
#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "support/process.h"
#include "support/server.h"

namespace fupin::testing {
namespace {

using nlohmann::json;

constexpr const char* kVillage = "430424100200";

TEST(SocialE2eTest, TheWholeFlowThroughTheApi) {
  TempDir dir;
  const std::string db = dir.File("fupin.db");
  WriteAreaFixture(dir.path(), 2, 2);
  ASSERT_EQ(RunFupin(db, {"areas", "import", dir.path()}).exit_code, 0);
  for (const auto& [name, role, area] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"admin", "administrator", ""},
           {"county", "county_office", "430424"},
           {"town", "township", "430424100"},
           {"cadre", "village_cadre", kVillage}}) {
    std::vector<std::string> args = {"user", "add", name, "--role", role};
    if (!area.empty()) {
      args.push_back("--area");
      args.push_back(area);
    }
    auto r = RunFupin(db, args, name + "-Passw0rd\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  ServerProcess server(db);
  auto as = [&](const std::string& user) {
    ApiClient c(server.port());
    auto r = c.Login(user, user + "-Passw0rd");
    EXPECT_EQ(r.status, 201) << r.text;
    return c;
  };
  ApiClient admin = as("admin");
  auto hh = admin.Post("/api/v1/households", {{"number", "H-1"}, {"village_code", kVillage}, {"identified_year", 2014},
                                              {"phone", "13973412345"}, {"main_cause", "illness"}});
  ASSERT_EQ(hh.status, 201) << hh.text;
  const int64_t household = hh.body["id"].get<int64_t>();
  const std::string id_number = MakeIdNumber("43042419700305001");
  ASSERT_EQ(admin.Post("/api/v1/persons", {{"household_id", household}, {"id_number", id_number}, {"name", "户主"},
                                           {"relation", "head"}, {"health", "major_disease"}})
                .status,
            201);

  // Donors register without logging in; the body is checked strictly.
  ApiClient anonymous(server.port());
  auto bad = anonymous.Post("/api/v1/donors", {{"user_name", "x"}, {"password", "x-Passw0rd"}, {"display_name", "x"},
                                               {"county_code", "430424"}, {"colour", "red"}});
  EXPECT_EQ(bad.status, 400);
  auto reg = anonymous.Post("/api/v1/donors", {{"user_name", "alice"},
                                               {"password", "alice-Passw0rd"},
                                               {"display_name", "爱心人士甲"},
                                               {"county_code", "430424"},
                                               {"township_code", "430424100"},
                                               {"interests", {"education"}}});
  ASSERT_EQ(reg.status, 201) << reg.text;
  const int64_t alice_id = reg.body["id"].get<int64_t>();
  auto reg2 = anonymous.Post("/api/v1/donors", {{"user_name", "bob"}, {"password", "bob-Passw0rd"},
                                                {"display_name", "爱心企业乙"}, {"kind", "enterprise"},
                                                {"county_code", "430424"}, {"team", "supervisors"}});
  ASSERT_EQ(reg2.status, 201) << reg2.text;
  const int64_t bob_id = reg2.body["id"].get<int64_t>();
  ApiClient alice = as("alice");
  ApiClient bob = as("bob");
  EXPECT_EQ(alice.Get("/api/v1/me").body["role"], "donor");
  EXPECT_EQ(alice.Get("/api/v1/donors/me").body["display_name"], "爱心人士甲");

  // A cadre publishes a need; planted ID and phone numbers are refused.
  ApiClient cadre = as("cadre");
  json need = {{"household_id", household}, {"category", "education"}, {"title", "孩子上学的学习用品"},
               {"description", "家中孩子读初中。"}, {"amount", "1000"}, {"deadline", "2099-12-31"},
               {"urgency", "urgent"}};
  json planted = need;
  planted["description"] = "户主身份证" + id_number;
  auto refused = cadre.Post("/api/v1/needs", planted);
  ASSERT_EQ(refused.status, 400) << refused.text;
  EXPECT_EQ(refused.body["error"]["details"][0]["path"], "description");
  EXPECT_EQ(refused.text.find(id_number), std::string::npos);
  planted = need;
  planted["title"] = "联系电话 139-7341-2345";
  refused = cadre.Post("/api/v1/needs", planted);
  ASSERT_EQ(refused.status, 400) << refused.text;
  EXPECT_EQ(refused.body["error"]["details"][0]["path"], "title");
  EXPECT_NE(refused.text.find("139******45"), std::string::npos) << refused.text;
  EXPECT_EQ(alice.Post("/api/v1/needs", need).status, 403);
  auto published = cadre.Post("/api/v1/needs", need);
  ASSERT_EQ(published.status, 201) << published.text;
  const std::string need_path = "/api/v1/needs/" + std::to_string(published.body["id"].get<int64_t>());
  EXPECT_EQ(published.body["status"], "pending_review");

  // Not public before review.
  EXPECT_EQ(alice.Get(need_path).status, 404);
  EXPECT_EQ(cadre.Post(need_path + "/review", {{"approve", true}}).status, 403);
  ApiClient town = as("town");
  auto reviewed = town.Post(need_path + "/review", {{"approve", true}, {"note", "核实无误"}});
  ASSERT_EQ(reviewed.status, 200) << reviewed.text;
  EXPECT_EQ(reviewed.body["status"], "open");

  // What the donor sees: the need, the village, the category; nothing of the household.
  auto seen = alice.Get(need_path);
  ASSERT_EQ(seen.status, 200);
  for (const auto& r : {seen.text, alice.Get("/api/v1/needs?category=education").text,
                        alice.Get("/api/v1/need-suggestions").text}) {
    EXPECT_EQ(r.find(id_number), std::string::npos) << r;
    EXPECT_EQ(r.find("13973412345"), std::string::npos) << r;
    EXPECT_EQ(r.find("major_disease"), std::string::npos) << r;
    EXPECT_EQ(r.find("illness"), std::string::npos) << r;
    EXPECT_EQ(r.find("household"), std::string::npos) << r;
    EXPECT_NE(r.find(kVillage), std::string::npos) << r;
  }
  EXPECT_EQ(alice.Get("/api/v1/need-suggestions").body["items"][0]["reasons"][0], "same_township");
  EXPECT_TRUE(cadre.Get(need_path).body.contains("household_id"));

  // No registry record, no other donor's data, by any route.
  EXPECT_EQ(alice.Get("/api/v1/households").status, 403);
  EXPECT_EQ(alice.Get("/api/v1/households/" + std::to_string(household)).status, 403);
  EXPECT_EQ(alice.Get("/api/v1/donors").status, 403);
  EXPECT_EQ(alice.Get("/api/v1/donors/" + std::to_string(bob_id)).status, 403);
  EXPECT_EQ(alice.Get("/api/v1/donors/" + std::to_string(alice_id)).status, 200);
  EXPECT_EQ(alice.Get("/api/v1/pledges?donor_id=" + std::to_string(bob_id)).status, 403);
  EXPECT_EQ(alice.Get("/api/v1/needs?household_id=" + std::to_string(household)).status, 400);
  EXPECT_EQ(alice.Get("/api/v1/pledges/undelivered").status, 403);
  EXPECT_EQ(alice.Get("/api/v1/social/figures?area=430424").status, 403);

  // Pledge, report, confirm; a second pledge recorded by the cadre closes the need.
  auto p1 = alice.Post(need_path + "/pledges", {{"amount", "600"}});
  ASSERT_EQ(p1.status, 201) << p1.text;
  auto p2 = bob.Post(need_path + "/pledges", {{"amount", 400}});
  ASSERT_EQ(p2.status, 201) << p2.text;
  EXPECT_EQ(alice.Get("/api/v1/pledges").body["total"], 1);  // only her own
  EXPECT_EQ(bob.Get("/api/v1/pledges").body["total"], 2);    // the supervision team sees all
  const std::string pledge1 = "/api/v1/pledges/" + std::to_string(p1.body["id"].get<int64_t>());
  const std::string pledge2 = "/api/v1/pledges/" + std::to_string(p2.body["id"].get<int64_t>());
  EXPECT_EQ(alice.Post(pledge2 + "/dockings", {{"amount", 400}}).status, 403);
  auto d1 = alice.Post(pledge1 + "/dockings", {{"amount", "600"}});
  ASSERT_EQ(d1.status, 201) << d1.text;
  EXPECT_EQ(d1.body["status"], "reported");
  const std::string docking1 = "/api/v1/dockings/" + std::to_string(d1.body["id"].get<int64_t>());
  EXPECT_EQ(alice.Post(docking1 + "/confirm", {{"confirmed", true}}).status, 403);
  auto c1 = cadre.Post(docking1 + "/confirm", {{"confirmed", true}});
  ASSERT_EQ(c1.status, 200) << c1.text;
  EXPECT_EQ(c1.body["status"], "confirmed");
  EXPECT_EQ(alice.Get(need_path).body["status"], "open");
  auto d2 = cadre.Post(pledge2 + "/dockings", {{"amount", "400"}});
  ASSERT_EQ(d2.status, 201) << d2.text;
  EXPECT_EQ(d2.body["status"], "confirmed");
  auto closed = alice.Get(need_path);
  EXPECT_EQ(closed.body["status"], "closed");
  EXPECT_EQ(closed.body["close_reason"], "amount_reached");
  EXPECT_EQ(closed.body["received"], "1000.00");
  EXPECT_EQ(alice.Post(need_path + "/pledges", {{"amount", 1}}).status, 422);  // failed_precondition

  // The household's thanks, through the cadre; a phone number in it is refused.
  EXPECT_EQ(cadre.Post(docking1 + "/feedback", {{"kind", "thanks"}, {"text", "谢谢！电话13812345678"}}).status, 400);
  ASSERT_EQ(cadre.Post(docking1 + "/feedback", {{"kind", "thanks"}, {"text", "收到了，谢谢！"}}).status, 201);
  EXPECT_EQ(alice.Get(docking1 + "/feedback").body["items"].size(), 1u);
  EXPECT_EQ(bob.Get("/api/v1/dockings").body["total"], 2);

  // The figures for the progress report.
  ApiClient county = as("county");
  auto figures = county.Get("/api/v1/social/figures?area=430424");
  ASSERT_EQ(figures.status, 200) << figures.text;
  EXPECT_EQ(figures.body["needs_published"], 1);
  EXPECT_EQ(figures.body["dockings_succeeded"], 2);
  EXPECT_EQ(figures.body["donors_registered"], 2);
  EXPECT_EQ(figures.body["app_household_registration_rate"], 100.0);

  // Every write is in the audit trail.
  auto audit = admin.Get("/api/v1/audit?limit=500");
  std::set<std::string> actions;
  for (const auto& e : audit.body["items"]) actions.insert(e["action"].get<std::string>());
  for (const char* a : {"donor.register", "need.publish", "need.approve", "pledge.create", "docking.record",
                        "docking.confirm", "feedback.record", "household.app_enrol", "access.denied"}) {
    EXPECT_TRUE(actions.contains(a)) << a;
  }

  // Registration is throttled per address (5 an hour; 2 made above, 1 refused by the service counts too).
  int status = 0;
  for (int i = 0; i < 6 && status != 429; ++i) {
    status = anonymous
                 .Post("/api/v1/donors", {{"user_name", "d" + std::to_string(i)},
                                          {"password", "d-Passw0rd-" + std::to_string(i)},
                                          {"display_name", "d"},
                                          {"county_code", "430424"}})
                 .status;
  }
  EXPECT_EQ(status, 429);
}

}  // namespace
}  // namespace fupin::testing
