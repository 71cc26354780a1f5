#include "dataio/uploads.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "assessment/schema.h"
#include "assessment/surveys.h"
#include "core/id_number.h"
#include "dataio/schema.h"
#include "io/encoding.h"
#include "io/table_writer.h"
#include "monitoring/schema.h"
#include "policy/entitlements.h"
#include "policy/schema.h"
#include "registry/testing.h"

namespace fupin::dataio {
namespace {

std::string Id(const std::string& first17) { return first17 + IdCheckCharacter(first17); }

std::vector<store::Migration> Extra() {
  auto m = assessment::Migrations();
  for (auto& d : dataio::Migrations()) m.push_back(std::move(d));
  for (auto& d : monitoring::Migrations()) m.push_back(std::move(d));
  for (auto& d : policy::Migrations()) m.push_back(std::move(d));
  return m;
}

// An XLSX file written as a county office's spreadsheet program would: text cells.
std::string XlsxBytes(const std::vector<std::vector<std::string>>& rows) {
  return io::BytesWrittenTo(".xlsx", [&](const std::string& path) {
    auto w = io::OpenTableWriter(path, io::TableFormat::kXlsx);
    w->WriteHeader(rows.front());
    for (size_t i = 1; i < rows.size(); ++i) w->WriteTextRow(rows[i]);
    w->Close();
  });
}

class UploadTest : public ::testing::Test {
 protected:
  UploadTest() : fx_(Extra()), policies_(policy::PolicySet()) { fx_.AddAreas(); }

  nlohmann::json Run(const Upload& u, const Caller* caller = nullptr) {
    return ImportUpload(fx_.db(), caller ? *caller : fx_.admin(), u, policies_, fx_.clock());
  }
  static Upload Persons(std::string name, std::string bytes) {
    Upload u;
    u.kind = UploadKind::kPersons;
    u.file_name = std::move(name);
    u.bytes = std::move(bytes);
    return u;
  }
  int64_t Count(const std::string& sql) { return fx_.db().QueryInt(sql).value_or(-1); }
  static Caller Township(const std::string& scope) {
    Caller c;
    c.user_id = 9;
    c.user_name = "town";
    c.role = Role::kTownship;
    c.area_scope = scope;
    return c;
  }

  registry::testing::RegistryFixture fx_;
  std::vector<policy::Policy> policies_;
};

const std::vector<std::string> kHeader = {"户编号", "行政村代码", "识别年度", "姓名", "身份证号", "与户主关系"};

TEST_F(UploadTest, XlsxAndGbkCsvImportAsTheCliDoes) {
  const auto xlsx = XlsxBytes({kHeader,
                               {"H1", "430424100200", "2014", "张一", Id("43042419700101001"), "户主"},
                               {"H1", "430424100200", "2014", "张二", Id("43042419720101002"), "配偶"}});
  const auto j = Run(Persons("人员.xlsx", xlsx));
  EXPECT_EQ(j["kind"], "persons");
  EXPECT_EQ(j["households_added"], 1);
  EXPECT_EQ(j["persons_added"], 2);
  EXPECT_TRUE(j["written"].get<bool>());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'import.persons'"), 1);

  // GBK, as Excel on a Chinese Windows saves CSV.
  const std::string csv = io::Utf8ToGb18030("户编号,行政村代码,识别年度,姓名,身份证号,与户主关系\nH2,430424100201,2015,李四," +
                                            Id("43042419800101003") + ",户主\n");
  ASSERT_FALSE(io::IsValidUtf8(csv));
  const auto g = Run(Persons("人员.csv", csv));
  EXPECT_EQ(g["households_added"], 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM persons WHERE name = '李四'"), 1);
}

TEST_F(UploadTest, ARefusedFileNamesEveryProblemAndWritesNothingADryRunWritesNothing) {
  const std::string bad = "户编号,行政村代码,识别年度,姓名,身份证号,与户主关系\n"
                          "H1,430424100200,2014,张一," + Id("43042419700101001") + ",户主\n"
                          "H2,430424100200,2014,李一,430424197001010010,户主\n"
                          "H3,430424999999,2014,王一," + Id("43042419700101003") + ",户主\n";
  for (bool dry : {false, true}) {
    Upload u = Persons("p.csv", bad);
    u.dry_run = dry;
    try {
      Run(u);
      FAIL() << "accepted a bad file";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      std::set<std::string> paths;
      for (const auto& d : e.details()) paths.insert(d.path);
      EXPECT_TRUE(paths.contains("第3行 身份证号")) << e.details().front().path;
      EXPECT_TRUE(paths.contains("第4行 行政村代码"));
      for (const auto& d : e.details()) EXPECT_EQ(d.problem.find("430424197001010010"), std::string::npos) << "unmasked";
    }
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM households"), 0);

  // skip_invalid on a dry run: what would be imported, and the rows left out, as values.
  Upload u = Persons("p.csv", bad);
  u.dry_run = true;
  u.skip_invalid = true;
  const auto j = Run(u);
  EXPECT_EQ(j["imported_rows"], 1);
  EXPECT_EQ(j["rejected_rows"], 2);
  ASSERT_EQ(j["problems"].size(), 2u);
  EXPECT_EQ(j["problems"][0]["row"], 3);
  EXPECT_EQ(j["problems"][0]["column"], "身份证号");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM households"), 0);
}

TEST_F(UploadTest, ATownshipCannotImportIntoAnotherTownshipAndAnAuditorNotAtAll) {
  const std::string csv = "户编号,行政村代码,识别年度,姓名,身份证号,与户主关系\n"
                          "H1,430424100200,2014,张一," + Id("43042419700101001") + ",户主\n"
                          "H2,430424101200,2014,李一," + Id("43042419700101002") + ",户主\n";
  const Caller town = Township("430424100");
  try {
    Run(Persons("p.csv", csv), &town);
    FAIL() << "imported into another township";
  } catch (const Error& e) {
    ASSERT_EQ(e.details().size(), 1u);
    EXPECT_EQ(e.details()[0].path, "第3行 行政村代码");
    EXPECT_NE(e.details()[0].problem.find("管辖范围"), std::string::npos);
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM households"), 0);
  Caller auditor = town;
  auditor.role = Role::kAuditor;
  try {
    Run(Persons("p.csv", csv), &auditor);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kPermissionDenied);
  }
}

TEST_F(UploadTest, AlertAndRosterUploadsCheckDryRunAndImport) {
  const int64_t h = fx_.AddHousehold("H1", "430424100200", 2014);
  fx_.AddPerson(h, "19700101", "head", "张一");
  // The fixture's first person: 430424, born 19700101, sequence 001.
  const std::string number = Id("43042419700101001");

  Upload a;
  a.kind = UploadKind::kAlerts;
  a.file_name = "medical.csv";
  a.alert_kind = "medical";
  a.year = fx_.clock().Today().year;
  const std::string date = fx_.clock().Today().ToString();
  a.bytes = "身份证号,日期,金额\n" + number + "," + date + ",30000\n";
  a.dry_run = true;
  auto j = Run(a);
  EXPECT_EQ(j["kind"], "alerts");
  EXPECT_EQ(j["imported_rows"], 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM monitoring_alerts"), 0);
  a.dry_run = false;
  j = Run(a);
  EXPECT_EQ(j["imported_rows"], 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM monitoring_alerts"), 1);
  // Another township's cadre may not import alerts of this village.
  const Caller other = Township("430424101");
  EXPECT_THROW(Run(a, &other), Error);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM monitoring_alerts"), 1);

  Upload r;
  r.kind = UploadKind::kRosters;
  r.file_name = "edu.csv";
  r.department = "education";
  r.policy_id = "edu.senior_grant";
  r.year = fx_.clock().Today().year;
  r.bytes = "身份证号,金额,日期,区划代码\n" + number + ",1000," + date + ",430424100200\n";
  r.dry_run = true;
  j = Run(r);
  EXPECT_EQ(j["rows"], 1);
  EXPECT_EQ(j["matched"], 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM roster_entries"), 0);
  r.dry_run = false;
  Run(r);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM roster_entries"), 1);
  // A roster takes the one policy of every import: a bad row refuses it
  // whole, named in Chinese; skip_invalid imports the good rows and reports
  // the bad one with its row, column, value and reason.
  r.bytes = "身份证号,金额（元）,发放日期,区划代码\n" + number + ",\"1,000.50\"," + date + ",430424100200\n" + number +
            ",一千," + date + ",\n";
  try {
    Run(r);
    FAIL() << "a roster with a bad amount was imported";
  } catch (const Error& e) {
    ASSERT_EQ(e.details().size(), 1u);
    EXPECT_EQ(e.details()[0].path, "第3行 金额（元）");
    EXPECT_EQ(e.details()[0].problem, "“一千”：不是金额（元，最多两位小数，不能为负）");
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM roster_entries"), 1);
  r.skip_invalid = true;
  j = Run(r);
  EXPECT_EQ(j["rows"], 2);
  EXPECT_EQ(j["imported_rows"], 1);
  EXPECT_EQ(j["rejected_rows"], 1);
  ASSERT_EQ(j["problems"].size(), 1u);
  EXPECT_EQ(j["problems"][0]["row"], 3);
  EXPECT_EQ(j["problems"][0]["column"], "金额（元）");
  EXPECT_EQ(j["problems"][0]["value"], "一千");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM roster_entries"), 1);
  EXPECT_EQ(Count("SELECT amount FROM roster_entries"), 100050);
  r.skip_invalid = false;
  r.bytes = "身份证号,金额,日期,区划代码\n" + number + ",1000," + date + ",430424100200\n";
  // A county department may not put a row in another county.
  Caller department;
  department.user_id = 5;
  department.user_name = "edu";
  department.role = Role::kSectorDepartment;
  department.area_scope = "430424";
  r.bytes = "身份证号,金额,日期,区划代码\n" + number + ",1000," + date + ",430426100200\n";
  EXPECT_THROW(Run(r, &department), Error);
  // A township reads rosters but does not import them.
  const Caller town = Township("430424100");
  r.bytes = "身份证号,金额,日期\n" + number + ",1000," + date + "\n";
  try {
    Run(r, &town);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kPermissionDenied);
  }
}

// The CSV template of `kind` with one row: each value under the template's
// own header (compared as the importer does); every value must find its header.
std::string FilledTemplate(UploadKind kind, const std::map<std::string, std::string>& values) {
  const TemplateFile t = UploadTemplate(kind, io::TableFormat::kCsv);
  const io::Table table = io::ReadTable(*io::OpenTableBytes(t.bytes, t.file_name));
  std::string header, row;
  size_t used = 0;
  for (size_t c = 0; c < table.rows.at(0).cells.size(); ++c) {
    const std::string& cell = table.rows[0].cells[c];
    auto it = values.find(NormalizeHeader(cell));
    used += it != values.end();
    header += (c ? "," : "") + cell;
    row += (c ? ",\"" : "\"") + (it != values.end() ? it->second : "") + "\"";
  }
  EXPECT_EQ(used, values.size()) << UploadKindName(kind) << ": " << header;
  return header + "\n" + row + "\n";
}

// Every kind's template is generated from its declaration; filled with one
// valid row, as a clerk types it, it imports.
TEST_F(UploadTest, EachTemplateFilledWithOneValidRowImports) {
  const int64_t h = fx_.AddHousehold("H1", "430424100200", 2014);
  fx_.AddPerson(h, "19700101", "head", "张一");
  const std::string number = Id("43042419700101001");
  const Date today = fx_.clock().Today();

  auto j = Run(Persons("p.csv", FilledTemplate(UploadKind::kPersons, {{"户编号", "T1"},
                                                                      {"行政村代码", "430424100200"},
                                                                      {"识别年度", "2014年"},
                                                                      {"姓名", "王五"},
                                                                      {"身份证号", Id("43042419800101002")},
                                                                      {"与户主关系", "户主"}})));
  EXPECT_EQ(j["imported_rows"], 1);

  Upload a;
  a.kind = UploadKind::kAlerts;
  a.file_name = "a.csv";
  a.alert_kind = "medical";
  a.year = today.year;
  a.bytes = FilledTemplate(UploadKind::kAlerts, {{"身份证号", number}, {"日期", today.ToString()}, {"金额", "1,234.50"}});
  EXPECT_EQ(Run(a)["imported_rows"], 1);

  Upload r;
  r.kind = UploadKind::kRosters;
  r.file_name = "r.csv";
  r.department = "education";
  r.policy_id = "edu.senior_grant";
  r.year = today.year;
  r.bytes = FilledTemplate(UploadKind::kRosters, {{"身份证号", number}, {"金额", "１０００"}, {"日期", today.ToString()}});
  EXPECT_EQ(Run(r)["imported_rows"], 1);

  const std::string path = ::testing::TempDir() + "/survey-template.csv";
  std::ofstream(path, std::ios::binary) << FilledTemplate(
      UploadKind::kSurveys, {{"类型", "群众认可度"}, {"年度", "2020"}, {"村代码", "430424100200"},
                             {"调查日期", "2020年12月12日"}, {"调查对象", "李四"}, {"是否满意", "√"}});
  assessment::SurveyService surveys(fx_.db(), fx_.clock());
  EXPECT_EQ(surveys.Import(fx_.admin(), path).imported, 1);
  std::filesystem::remove(path);
}

TEST_F(UploadTest, TemplatesReadBackWithTheirHeaders) {
  for (auto kind : {UploadKind::kPersons, UploadKind::kHouseholdYears, UploadKind::kAlerts, UploadKind::kRosters,
                    UploadKind::kSurveys, UploadKind::kCadres, UploadKind::kTeams, UploadKind::kPairings}) {
    for (auto format : {io::TableFormat::kXlsx, io::TableFormat::kCsv}) {
      const TemplateFile t = UploadTemplate(kind, format);
      EXPECT_FALSE(t.bytes.empty());
      const io::Table table = io::ReadTable(*io::OpenTableBytes(t.bytes, t.file_name));
      ASSERT_FALSE(table.rows.empty()) << t.file_name;
      const char* first = kind == UploadKind::kPersons || kind == UploadKind::kHouseholdYears ? "户编号"
                          : kind == UploadKind::kSurveys                                        ? "类型"
                          : kind == UploadKind::kCadres                                         ? "姓名"
                          : kind == UploadKind::kTeams                                          ? "村"
                          : kind == UploadKind::kPairings                                       ? "户编号"
                                                                                                : "身份证号";
      EXPECT_NE(std::string(table.rows[0].cell(0)).find(first), std::string::npos)
          << t.file_name << ": " << table.rows[0].cell(0);
    }
  }
  EXPECT_EQ(ParseUploadKind("household-years"), UploadKind::kHouseholdYears);
  EXPECT_FALSE(ParseUploadKind("everything"));
}

}  // namespace
}  // namespace fupin::dataio
