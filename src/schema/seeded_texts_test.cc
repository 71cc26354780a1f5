// What the migrations seed is read by people: the sources and set_by of the
// parameters (政策参数, 监测参数, 监测线) are shown by the web UI in Chinese,
// so after every migration has run none of them holds a Latin word of three
// letters or more (the browser walk's rule, web/tests/e2e.mjs englishIn, with
// its allow list: XLSX and CSV, the file formats users see in their office
// software). Runs on SQLite and (pg. copy) PostgreSQL.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "access/schema.h"
#include "registry/schema.h"
#include "registry/testing.h"
#include "schema/all_migrations.h"

namespace fupin {
namespace {

// The Latin words of three letters or more in `text` that are not allowed.
std::vector<std::string> LatinWords(const std::string& text) {
  static const std::set<std::string> kAllowed = {"XLSX", "CSV"};
  auto latin = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  std::vector<std::string> words;
  for (size_t i = 0; i < text.size();) {
    if (!latin(text[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && latin(text[end])) ++end;
    std::string word = text.substr(i, end - i);
    if (word.size() >= 3 && !kAllowed.contains(word)) words.push_back(word);
    i = end;
  }
  return words;
}

// Every migration of the application; the fixture adds the registry's and
// access's itself.
std::vector<store::Migration> ModuleMigrations() {
  std::set<int> own;
  for (const auto& m : registry::Migrations()) own.insert(m.id);
  for (const auto& m : access::Migrations()) own.insert(m.id);
  std::vector<store::Migration> rest;
  for (auto& m : AllMigrations()) {
    if (!own.contains(m.id)) rest.push_back(std::move(m));
  }
  return rest;
}

TEST(SeededTextsTest, ParameterSourcesAndSetByAreChinese) {
  registry::testing::RegistryFixture fx(ModuleMigrations());
  const std::vector<std::string> tables = {"assessment_parameters", "monitoring_parameters", "monitoring_thresholds"};
  int rows = 0;
  for (const auto& table : tables) {
    auto s = fx.db().Prepare("SELECT id, source, set_by FROM " + table + " ORDER BY id");
    while (s->Step()) {
      ++rows;
      for (int column : {1, 2}) {
        const std::string text = s->Text(column);
        const auto words = LatinWords(text);
        std::string joined;
        for (const auto& w : words) joined += " " + w;
        EXPECT_TRUE(words.empty()) << table << " row " << s->Int(0) << (column == 1 ? " source" : " set_by") << ": \""
                                   << text << "\" holds" << joined;
      }
    }
  }
  // The seeded rows are there (a test that read no row would prove nothing).
  EXPECT_GT(rows, 50);
}

TEST(SeededTextsTest, TheRuleFindsLatinWords) {
  EXPECT_EQ(LatinWords("国家农村贫困标准；source: policy-facts.md"), (std::vector<std::string>{"source", "policy", "facts"}));
  EXPECT_TRUE(LatinWords("导出 XLSX、CSV；AF 方法；2020年").empty());
}

}  // namespace
}  // namespace fupin
