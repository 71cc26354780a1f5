#include "social/text_check.h"

#include <gtest/gtest.h>

#include "core/id_number.h"

namespace fupin::social {
namespace {

const Date kToday{2026, 11, 28};

std::string ValidId(const std::string& first17) { return first17 + IdCheckCharacter(first17); }

std::vector<std::string> Kinds(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& f : FindPersonalData(text, kToday)) out.push_back(WireOf(PersonalDataKindTerms(), f.kind));
  return out;
}

TEST(TextCheckTest, FindsAnIdNumberAndMasksIt) {
  const std::string id = ValidId("43042419800101002");
  auto found = FindPersonalData("户主身份证" + id + "，请联系村委", kToday);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, PersonalDataKind::kIdNumber);
  EXPECT_EQ(found[0].masked, MaskIdNumber(id));
  EXPECT_EQ(found[0].masked.find("19800101"), std::string::npos);
}

TEST(TextCheckTest, FindsAnIdNumberEndingInXAndSplitBySpaces) {
  // Find a 17-digit stem whose check character is X.
  std::string id;
  for (int seq = 0; seq < 1000 && id.empty(); ++seq) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%03d", seq);
    const std::string first17 = std::string("43042419900215") + buf;
    if (IdCheckCharacter(first17) == 'X') id = first17 + 'x';
  }
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(Kinds("证件 " + id), std::vector<std::string>{"id_number"});
  const std::string spaced = id.substr(0, 6) + " " + id.substr(6, 8) + " " + id.substr(14);
  EXPECT_EQ(Kinds("号码：" + spaced), std::vector<std::string>{"id_number"});
}

TEST(TextCheckTest, FindsAnOldFifteenDigitIdNumber) {
  EXPECT_EQ(Kinds("老身份证430424800101123"), std::vector<std::string>{"id_number"});
}

TEST(TextCheckTest, FindsMobilePhonesInManyShapes) {
  EXPECT_EQ(Kinds("电话13812345678"), std::vector<std::string>{"mobile_phone"});
  EXPECT_EQ(Kinds("电话 138 1234 5678"), std::vector<std::string>{"mobile_phone"});
  EXPECT_EQ(Kinds("电话 138-1234-5678"), std::vector<std::string>{"mobile_phone"});
  EXPECT_EQ(Kinds("电话 +86 13812345678"), std::vector<std::string>{"mobile_phone"});
  EXPECT_EQ(Kinds("电话１３８１２３４５６７８"), std::vector<std::string>{"mobile_phone"});  // full-width
  auto found = FindPersonalData("联系13812345678", kToday);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].masked, "138******78");
}

TEST(TextCheckTest, FindsLandlinesWithAnAreaCode) {
  EXPECT_EQ(Kinds("村委会0734-5212345"), std::vector<std::string>{"landline_phone"});
  EXPECT_EQ(Kinds("村委会(0734)5212345"), std::vector<std::string>{"landline_phone"});
  EXPECT_EQ(Kinds("村委会（0734）5212345"), std::vector<std::string>{"landline_phone"});
  EXPECT_EQ(Kinds("村委会010-62345678"), std::vector<std::string>{"landline_phone"});
}

TEST(TextCheckTest, LeavesDatesAmountsAndShortNumbersAlone) {
  EXPECT_TRUE(Kinds("截止2020-09-30，需要3000元，共2 袋化肥，3 个孩子").empty());
  EXPECT_TRUE(Kinds("2019年至2020年，面积1.5亩").empty());
  EXPECT_TRUE(Kinds("需要5000 元和 12345678 个").empty());
  // 18 digits that are not a valid ID number (wrong check digit) are not an ID.
  std::string id = ValidId("43042419800101002");
  id.back() = id.back() == '1' ? '2' : '1';
  EXPECT_TRUE(Kinds("编号" + id).empty());
}

TEST(TextCheckTest, ReportsEveryFindingOnce) {
  const std::string id = ValidId("43042419800101002");
  auto found = FindPersonalData(id + "，13812345678，又是13812345678", kToday);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(DescribeFinding(found[1]), "contains a mobile phone number (138******78)");
}

}  // namespace
}  // namespace fupin::social
