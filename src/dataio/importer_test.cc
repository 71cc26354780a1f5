#include "dataio/importer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "access/audit.h"
#include "assessment/schema.h"
#include "core/id_number.h"
#include "dataio/schema.h"
#include "dataio/templates.h"
#include "io/encoding.h"
#include "io/table.h"
#include "registry/households.h"
#include "registry/testing.h"

namespace fupin::dataio {
namespace {

std::string Id(const std::string& first17) { return first17 + IdCheckCharacter(first17); }

std::vector<store::Migration> Extra() {
  auto m = assessment::Migrations();
  for (auto& d : dataio::Migrations()) m.push_back(std::move(d));
  return m;
}

const char* kHeader =
    "户编号,行政村代码,识别年度,贫困户属性,主要致贫原因,其他致贫原因,家庭住址,姓名,身份证号,与户主关系,入户日期,"
    "文化程度,健康状况,年度,在校状况\n";

class ImportTest : public ::testing::Test {
 protected:
  ImportTest() : fx_(Extra()) {
    fx_.AddAreas();
    dir_ = std::filesystem::temp_directory_path() / ("fupin-import-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  ~ImportTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  ImportReport Import(TemplateKind kind, const std::string& path, ImportOptions options = {},
                      const Caller* caller = nullptr) {
    Importer importer(fx_.db(), fx_.clock());
    return importer.Import(caller ? *caller : fx_.admin(), kind, path, options);
  }

  int64_t Count(const std::string& sql) { return fx_.db().QueryInt(sql).value_or(-1); }

  // Two households, five persons.
  std::string GoodPersons() {
    return std::string(kHeader) +
           "H001,430424100200,2014,一般贫困户,因病,缺技术、缺资金,甲村一组,张建国," + Id("43042419700101001") +
           ",户主,2014-01-01,初中,健康,2019,\n"
           "H001,,,,,,,刘桂兰," + Id("43042419720315002") + ",配偶,2014-01-01,小学,长期慢性病,2019,\n"
           "H001,430424100200,2014,一般贫困户,因病,缺技术、缺资金,甲村一组,张小军," + Id("43042420100601003") +
           ",子女,2014-01-01,小学,健康,2019,在校\n"
           "H002,430424100201,2015,dibao,disability,,乙村,赵德胜," + Id("43042419550505005") +
           ",head,2015-01-01,none,disabled,,\n"
           "H002,430424100201,2015,dibao,disability,,乙村,赵四," + Id("43042419800808007") +
           ",child,2015/1/1,junior,healthy,,\n";
  }

  registry::testing::RegistryFixture fx_;
  std::filesystem::path dir_;
};

TEST_F(ImportTest, TemplatesReadBackWithEveryColumnRecognised) {
  for (auto kind : {TemplateKind::kPersons, TemplateKind::kHouseholdYears}) {
    for (auto format : {io::TableFormat::kXlsx, io::TableFormat::kCsv}) {
      const std::string path =
          (dir_ / (std::string(TemplateKindName(kind)) + "." + io::TableFormatName(format))).string();
      WriteTemplate(kind, format, path);
      const io::Table t = io::ReadTable(path);
      ASSERT_EQ(t.rows.size(), 1u) << path;
      EXPECT_EQ(t.rows[0].cells.size(), Columns(kind).size());
      if (format == io::TableFormat::kXlsx) {
        EXPECT_EQ(t.sheet, TemplateSheetName(kind));
      }
      std::vector<ImportProblem> problems;
      EXPECT_EQ(CheckTableOnly(kind, t, Date{2026, 11, 28}, problems), 0u);
      EXPECT_TRUE(problems.empty()) << problems.front().reason;
    }
  }
}

TEST_F(ImportTest, ImportsPersonsWithEncryptedIdNumbersAndEvents) {
  const auto r = Import(TemplateKind::kPersons, Write("p.csv", GoodPersons()));
  ASSERT_TRUE(r.problems.empty()) << r.problems.front().reason;
  EXPECT_TRUE(r.written);
  EXPECT_EQ(r.rows, 5u);
  EXPECT_EQ(r.households_added, 2);
  EXPECT_EQ(r.persons_added, 5);
  EXPECT_EQ(r.person_years, 1);  // only the child has a school status
  registry::HouseholdRegistry hr(fx_.db(), fx_.clock());
  const auto h = hr.GetHouseholdByNumber(fx_.admin(), "H001");
  EXPECT_EQ(h.village_code, "430424100200");
  EXPECT_EQ(h.status, "poor");
  EXPECT_EQ(h.members.size(), 3u);
  EXPECT_EQ(h.other_causes, (std::vector<std::string>{"lack_of_skills", "lack_of_capital"}));
  registry::PersonRegistry pr(fx_.db(), fx_.clock());
  const auto p = pr.GetPersonByIdNumber(fx_.admin(), Id("43042419720315002"));
  EXPECT_EQ(p.name, "刘桂兰");
  EXPECT_EQ(p.sex, "female");
  EXPECT_EQ(p.relation, "spouse");
  EXPECT_EQ(p.health, "chronic");
  EXPECT_EQ(p.id_number, MaskIdNumber(Id("43042419720315002")));
  EXPECT_EQ(pr.RevealIdNumber(fx_.admin(), p.id), Id("43042419720315002"));
  // The ID numbers are nowhere in plain text.
  EXPECT_EQ(Count("SELECT count(*) FROM persons WHERE id_number_masked LIKE '%19720315%'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM household_events WHERE kind = 'identified'"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM import_runs"), 1);
  access::Audit audit(fx_.db(), fx_.clock());
  EXPECT_TRUE(audit.Verify().ok);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'import.persons'"), 1);
}

TEST_F(ImportTest, ReimportUpdatesByNumberAndIdNumberAndRecordsTheChanges) {
  ASSERT_TRUE(Import(TemplateKind::kPersons, Write("p.csv", GoodPersons())).written);
  // 张建国 is renamed, 赵四 moves to H001 as a grandchild... of sorts, H002's address changes.
  const std::string again = std::string(kHeader) +
                            "H001,430424100200,2014,一般贫困户,因病,,甲村一组,张建华," + Id("43042419700101001") +
                            ",户主,,,,,\n"
                            "H001,,,,,,,赵四," + Id("43042419800808007") + ",其他,2020-05-01,,,,\n"
                            "H002,430424100201,2015,dibao,disability,,乙村二组,赵德胜," + Id("43042419550505005") +
                            ",head,,,,,\n";
  const auto r = Import(TemplateKind::kPersons, Write("p2.csv", again));
  ASSERT_TRUE(r.problems.empty()) << r.problems.front().reason;
  EXPECT_EQ(r.households_added, 0);
  EXPECT_EQ(r.households_updated, 1);  // H002's address (H001's blank other causes keep the old ones)
  EXPECT_EQ(r.persons_added, 0);
  EXPECT_EQ(r.persons_updated, 1);
  EXPECT_EQ(r.persons_moved, 1);
  registry::PersonRegistry pr(fx_.db(), fx_.clock());
  const auto moved = pr.GetPersonByIdNumber(fx_.admin(), Id("43042419800808007"));
  ASSERT_EQ(moved.memberships.size(), 2u);
  EXPECT_EQ(moved.memberships[0].end_date.value_or(""), "2020-05-01");
  EXPECT_EQ(moved.memberships[1].household_number, "H001");
  EXPECT_EQ(moved.relation, "other");
  const auto head = pr.GetPersonByIdNumber(fx_.admin(), Id("43042419700101001"));
  EXPECT_EQ(head.name, "张建华");
  EXPECT_EQ(head.version, 2);
  registry::HouseholdRegistry hr(fx_.db(), fx_.clock());
  EXPECT_EQ(hr.GetHouseholdByNumber(fx_.admin(), "H002").address, "乙村二组");
  EXPECT_EQ(hr.GetHouseholdByNumber(fx_.admin(), "H001").other_causes.size(), 2u);
  EXPECT_EQ(Count("SELECT count(*) FROM import_changes WHERE field = 'name' AND old_value = '张建国' AND new_value = '张建华'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM import_changes WHERE field = 'address' AND new_value = '乙村二组'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM import_changes WHERE field = 'household' AND new_value = 'H001'"), 1);
  // Importing the same file again changes nothing.
  const auto same = Import(TemplateKind::kPersons, Write("p3.csv", again));
  EXPECT_EQ(same.households_updated + same.persons_updated + same.persons_moved, 0);
}

// Every kind of mistake, each in its own row.
std::string PlantedErrors() {
  return std::string(kHeader) +
         "H001,430424100200,2014,一般贫困户,因病,,甲村,张一," + Id("43042419700101001") + ",户主,,,,,\n"  // 2 fine
         "H001,430424100200,2014,一般贫困户,因病,,甲村,张二,430424197001010020,配偶,,,,,\n"  // 3 check digit
         "H003,430424100200,2014,一般贫困户,因病,,甲村,张三," + Id("43042419700101001") + ",子女,,,,,\n"  // 4 duplicate
         "H004,430424100,2014,一般贫困户,因病,,甲村,张四," + Id("43042419700101004") + ",户主,,,,,\n"  // 5 township
         "H005,430424100200,2014,富裕户,因病,,甲村,张五," + Id("43042419700101005") + ",户主,,,,,\n"  // 6 attribute
         "H006,430424100200,2014,一般贫困户,因病,,甲村,张六," + Id("43042419700101006") + ",老板,,,,,\n"  // 7 relation
         "H007,430424100200,2014,一般贫困户,因病,,甲村,张七," + Id("43042419700101007") + ",户主,2099-01-01,,,,\n"  // 8
         "H008,430424100200,2014,一般贫困户,因病,,甲村,," + Id("43042419700101008") + ",户主,,,,,\n"  // 9 no name
         "H009,430424100200,2014,一般贫困户,因病,,甲村,张九," + Id("43042419700101009") + ",户主,,,,,在校\n"  // 10
         "H010,430424100200,2014,一般贫困户,因病,,甲村,张十," + Id("43042419700101010") + ",户主,,,,,\n"  // 11 fine
         "H010,430424100201,2014,一般贫困户,因病,,甲村,张十一," + Id("43042419700101011") + ",配偶,,,,,\n"  // 12 disagree
         "H011,430424100200,2014,一般贫困户,因病,,甲村,张十二," + Id("43042419700101012") + ",户主,,,,,\n"  // 13 fine
         "H011,430424100200,2014,一般贫困户,因病,,甲村,张十三," + Id("43042419700101013") + ",户主,,,,,\n";  // 14 head
}

TEST_F(ImportTest, PlantedErrorsRefuseTheWholeFileAndListEveryError) {
  const auto r = Import(TemplateKind::kPersons, Write("bad.csv", PlantedErrors()));
  EXPECT_TRUE(r.refused);
  EXPECT_FALSE(r.written);
  EXPECT_EQ(Count("SELECT count(*) FROM persons"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM households"), 0);
  std::map<size_t, std::vector<ImportProblem>> by_row;
  for (const auto& p : r.problems) by_row[p.row].push_back(p);
  for (size_t row : {3u, 4u, 5u, 6u, 7u, 8u, 9u, 10u, 12u, 14u}) EXPECT_TRUE(by_row.contains(row)) << "row " << row;
  EXPECT_FALSE(by_row.contains(2));
  // Each names the column as written in the file, the value and a reason.
  EXPECT_EQ(by_row[3][0].column, "身份证号");
  EXPECT_EQ(by_row[3][0].value, MaskIdNumber("430424197001010020"));
  EXPECT_NE(by_row[3][0].reason.find("身份证号无效"), std::string::npos);
  EXPECT_NE(by_row[4][0].reason.find("第2行"), std::string::npos);
  EXPECT_EQ(by_row[5][0].column, "行政村代码");
  EXPECT_EQ(by_row[6][0].column, "贫困户属性");
  EXPECT_EQ(by_row[6][0].value, "富裕户");
  EXPECT_EQ(by_row[7][0].column, "与户主关系");
  EXPECT_EQ(by_row[8][0].column, "入户日期");
  EXPECT_EQ(by_row[9][0].column, "姓名");
  EXPECT_EQ(by_row[10][0].column, "年度");
  EXPECT_EQ(by_row[12][0].column, "行政村代码");
  EXPECT_NE(by_row[12][0].reason.find("第11行"), std::string::npos);
  EXPECT_EQ(by_row[14][0].column, "与户主关系");
  EXPECT_FALSE(by_row.contains(13));
}

TEST_F(ImportTest, SkipInvalidImportsTheGoodRowsAndWritesTheRejectedOnes) {
  ImportOptions o;
  o.skip_invalid = true;
  o.errors_path = (dir_ / "bad.errors.csv").string();
  const auto r = Import(TemplateKind::kPersons, Write("bad.csv", PlantedErrors()), o);
  EXPECT_FALSE(r.refused);
  EXPECT_TRUE(r.written);
  // Rows 2 and 13 only: H010 disagrees with itself so both its rows go; row 14 is a second head.
  EXPECT_EQ(r.imported_rows, 2u);
  EXPECT_EQ(r.rejected_rows, 11u);
  EXPECT_EQ(Count("SELECT count(*) FROM persons"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM households"), 2);
  const io::Table errors = io::ReadTable(*o.errors_path);
  ASSERT_EQ(errors.rows.size(), 12u);
  EXPECT_EQ(errors.rows[0].cells.back(), "错误原因");
  EXPECT_EQ(errors.rows[0].cells.size(), 16u);
  EXPECT_EQ(errors.rows[1].cells[7], "张二");
  EXPECT_NE(errors.rows[1].cells.back().find("第3行"), std::string::npos);
  EXPECT_NE(errors.rows[1].cells.back().find("身份证号"), std::string::npos);
  // Fixed rows can go back in: the error file reads as a template (its reason column is ignored).
  std::vector<ImportProblem> problems;
  CheckTableOnly(TemplateKind::kPersons, errors, Date{2026, 11, 28}, problems);
  for (const auto& p : problems) EXPECT_NE(p.row, 1u) << p.reason;
}

TEST_F(ImportTest, ANewHeadNeedsTheOldOneChangedInTheSameFile) {
  ASSERT_TRUE(Import(TemplateKind::kPersons, Write("p.csv", GoodPersons())).written);
  const std::string spouse_as_head = std::string(kHeader) + "H001,,,,,,,刘桂兰," + Id("43042419720315002") + ",户主,,,,,\n";
  auto r = Import(TemplateKind::kPersons, Write("h.csv", spouse_as_head));
  EXPECT_TRUE(r.refused);
  ASSERT_EQ(r.problems.size(), 1u) << r.problems[0].reason << " / " << r.problems[1].reason;
  EXPECT_NE(r.problems[0].reason.find("张建国"), std::string::npos);
  const std::string swap = spouse_as_head + "H001,,,,,,,张建国," + Id("43042419700101001") + ",配偶,,,,,\n";
  r = Import(TemplateKind::kPersons, Write("h2.csv", swap));
  EXPECT_TRUE(r.written) << (r.problems.empty() ? "" : r.problems[0].reason);
}

TEST_F(ImportTest, DryRunChecksAgainstTheRegistryButWritesNothing) {
  ImportOptions o;
  o.dry_run = true;
  const auto r = Import(TemplateKind::kPersons, Write("p.csv", GoodPersons()), o);
  EXPECT_TRUE(r.problems.empty());
  EXPECT_FALSE(r.written);
  EXPECT_EQ(r.persons_added, 5);
  EXPECT_EQ(Count("SELECT count(*) FROM persons"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM import_runs"), 0);
}

TEST_F(ImportTest, GbkCsvImportsWithCorrectChinese) {
  const std::string path = Write("gbk.csv", io::Utf8ToGb18030(GoodPersons()));
  const auto r = Import(TemplateKind::kPersons, path);
  ASSERT_TRUE(r.problems.empty()) << r.problems.front().column << r.problems.front().reason;
  registry::PersonRegistry pr(fx_.db(), fx_.clock());
  EXPECT_EQ(pr.GetPersonByIdNumber(fx_.admin(), Id("43042419700101001")).name, "张建国");
  registry::HouseholdRegistry hr(fx_.db(), fx_.clock());
  EXPECT_EQ(hr.GetHouseholdByNumber(fx_.admin(), "H001").address, "甲村一组");
}

TEST_F(ImportTest, EnglishHeadersAreAccepted) {
  const std::string csv = "household_number,village_code,name,id_number,relation\nE1,430424101200,Li Lei," +
                          Id("43042419900101001") + ",head\n";
  const auto r = Import(TemplateKind::kPersons, Write("en.csv", csv));
  EXPECT_TRUE(r.written);
  EXPECT_EQ(r.persons_added, 1);
}

TEST_F(ImportTest, MissingRequiredColumnRefusesTheFile) {
  const auto r = Import(TemplateKind::kPersons, Write("x.csv", "户编号,姓名\nH1,张\n"));
  EXPECT_TRUE(r.refused);
  bool village = false, id = false;
  for (const auto& p : r.problems) {
    village = village || p.column == "行政村代码*";
    id = id || p.column == "身份证号*";
  }
  EXPECT_TRUE(village);
  EXPECT_TRUE(id);
}

TEST_F(ImportTest, RowsOutsideTheCallersScopeAreRefused) {
  Caller township;
  township.user_id = 7;
  township.user_name = "township";
  township.role = Role::kTownship;
  township.area_scope = "430424101";
  const auto r = Import(TemplateKind::kPersons, Write("p.csv", GoodPersons()), {}, &township);
  EXPECT_TRUE(r.refused);
  bool scope = false;
  for (const auto& p : r.problems) scope = scope || p.reason.find("管辖范围") != std::string::npos;
  EXPECT_TRUE(scope);
}

TEST_F(ImportTest, FilesWrittenByOpenpyxlAndLibreOfficeImport) {
  for (const char* name : {"openpyxl", "libreoffice"}) {
    SCOPED_TRACE(name);
    fx_.db().Execute("DELETE FROM person_years");
    fx_.db().Execute("DELETE FROM household_years");
    fx_.db().Execute("DELETE FROM memberships");
    fx_.db().Execute("DELETE FROM import_changes");
    fx_.db().Execute("DELETE FROM import_runs");
    fx_.db().Execute("DELETE FROM persons");
    fx_.db().Execute("DELETE FROM household_events");
    fx_.db().Execute("DELETE FROM households");
    const std::string dir = FUPIN_DATAIO_FIXTURE_DIR;
    const auto r = Import(TemplateKind::kPersons, dir + "/persons_" + name + ".xlsx");
    ASSERT_TRUE(r.problems.empty()) << r.problems.front().row << " " << r.problems.front().column << " "
                                    << r.problems.front().reason;
    EXPECT_EQ(r.persons_added, 4);
    EXPECT_EQ(r.households_added, 2);
    registry::PersonRegistry pr(fx_.db(), fx_.clock());
    const auto p = pr.GetPersonByIdNumber(fx_.admin(), Id("43042419550505005"));
    EXPECT_EQ(p.name, "赵德胜");
    EXPECT_EQ(p.ethnicity, "苗族");
    EXPECT_EQ(p.disability_grade.value_or(0), 2);
    EXPECT_EQ(p.memberships.at(0).start_date, "2015-01-01");  // a date cell
    const auto y = Import(TemplateKind::kHouseholdYears, dir + "/household_years_" + name + ".xlsx");
    ASSERT_TRUE(y.problems.empty()) << y.problems.front().column << " " << y.problems.front().reason;
    EXPECT_EQ(y.household_years_added, 2);
    registry::HouseholdRegistry hr(fx_.db(), fx_.clock());
    const auto h = hr.GetHouseholdByNumber(fx_.admin(), "XL001");
    ASSERT_EQ(h.years.size(), 1u);
    EXPECT_EQ(h.years[0].production_income, 350050);
    EXPECT_EQ(h.years[0].members, 3);
    const auto h2 = hr.GetHouseholdByNumber(fx_.admin(), "XL002");
    EXPECT_EQ(h2.years.at(0).members, 1);  // blank: the current member count
    EXPECT_EQ(h2.years.at(0).transfer_income, 420025);
    EXPECT_EQ(h2.years.at(0).housing_safe, std::optional<bool>(false));
  }
}

TEST_F(ImportTest, AnIdNumberStoredAsANumberIsRefusedWithAHint) {
  const auto r = Import(TemplateKind::kPersons, std::string(FUPIN_DATAIO_FIXTURE_DIR) + "/persons_numeric_id.xlsx");
  EXPECT_TRUE(r.refused);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].row, 3u);
  EXPECT_NE(r.problems[0].reason.find("文本"), std::string::npos);
}

TEST_F(ImportTest, HouseholdYearsUpdateAndRefuseNegativeOrUnknown) {
  ASSERT_TRUE(Import(TemplateKind::kPersons, Write("p.csv", GoodPersons())).written);
  const std::string header = "户编号,年度,工资性收入（元）,转移性收入（元）,生产经营性支出（元）,不愁吃,住房安全有保障\n";
  auto r = Import(TemplateKind::kHouseholdYears, Write("y.csv", header + "H001,2019,\"12,000.50\",800,100,是,否\n"));
  ASSERT_TRUE(r.written);
  EXPECT_EQ(r.household_years_added, 1);
  r = Import(TemplateKind::kHouseholdYears, Write("y2.csv", header + "H001,2019,13000,,,,是\n"));
  ASSERT_TRUE(r.written);
  EXPECT_EQ(r.household_years_updated, 1);
  registry::HouseholdRegistry hr(fx_.db(), fx_.clock());
  const auto y = hr.GetHouseholdByNumber(fx_.admin(), "H001").years.at(0);
  EXPECT_EQ(y.wage_income, 1300000);
  EXPECT_EQ(y.transfer_income, 80000);  // kept
  EXPECT_EQ(y.members, 3);
  EXPECT_EQ(y.housing_safe, std::optional<bool>(true));
  EXPECT_EQ(Count("SELECT count(*) FROM import_changes WHERE field = 'wage_income' AND old_value = '1200050'"), 1);
  r = Import(TemplateKind::kHouseholdYears,
             Write("y3.csv", header + "H001,2020,-5,0,0,是,是\nH999,2020,1,0,0,是,是\nH002,2020,1,0,0,也许,是\n"));
  EXPECT_TRUE(r.refused);
  ASSERT_EQ(r.problems.size(), 3u);
  EXPECT_EQ(r.problems[0].column, "工资性收入（元）");
  EXPECT_NE(r.problems[0].reason.find("负数"), std::string::npos);
  EXPECT_EQ(r.problems[1].column, "户编号");
  EXPECT_EQ(r.problems[2].column, "不愁吃");
}

// What county clerks type: full-width digits, "2016年", dates as 2016/3/1 and
// 2016年3月1日, one part of a combined label (免学 for 免学/缓学), √/×, "1,234.50".
TEST_F(ImportTest, ReadsWhatClerksType) {
  const std::string persons = std::string(kHeader) +
      "H100,４３０４２４１００２００,２０１６年,一般贫困户,因病,,甲村,李一," + Id("43042419800101001") +
      ",户主,2016年3月1日,初中,健康,2019年,\n"
      "H100,,,,,,,李二," + Id("43042420100601002") + ",子女,2016/3/1,小学,健康,２０１９,免学\n";
  auto r = Import(TemplateKind::kPersons, Write("clerk.csv", persons));
  ASSERT_TRUE(r.problems.empty()) << r.problems.front().column << ": " << r.problems.front().reason;
  ASSERT_TRUE(r.written);
  registry::HouseholdRegistry hr(fx_.db(), fx_.clock());
  const auto h = hr.GetHouseholdByNumber(fx_.admin(), "H100");
  EXPECT_EQ(h.village_code, "430424100200");
  EXPECT_EQ(h.identified_year, 2016);
  ASSERT_EQ(h.members.size(), 2u);
  EXPECT_EQ(h.members[0].start_date, "2016-03-01");
  EXPECT_EQ(h.members[1].start_date, "2016-03-01");
  registry::PersonRegistry pr(fx_.db(), fx_.clock());
  const auto child = pr.GetPersonByIdNumber(fx_.admin(), Id("43042420100601002"));
  ASSERT_EQ(child.years.size(), 1u);
  EXPECT_EQ(child.years[0].year, 2019);
  EXPECT_EQ(child.years[0].school_status, "exempt");

  const std::string header = "户编号,年度,家庭人口,工资性收入（元）,不愁吃,住房安全有保障\n";
  r = Import(TemplateKind::kHouseholdYears, Write("y.csv", header + "H100,2019年,２人,\"1,234.50\",√,×\n"));
  ASSERT_TRUE(r.problems.empty()) << r.problems.front().column << ": " << r.problems.front().reason;
  const auto y = hr.GetHouseholdByNumber(fx_.admin(), "H100").years.at(0);
  EXPECT_EQ(y.year, 2019);
  EXPECT_EQ(y.members, 2);
  EXPECT_EQ(y.wage_income, 123450);
  EXPECT_EQ(y.food_secure, std::optional<bool>(true));
  EXPECT_EQ(y.housing_safe, std::optional<bool>(false));
}

// A village code that does not exist is said to be one, on its row, not as
// "inconsistent with" the household's other rows.
TEST_F(ImportTest, AWrongVillageCodeSaysThereIsNoSuchVillage) {
  const std::string persons = std::string(kHeader) +
      "H200,430424100200,2014,一般贫困户,因病,,甲村,周一," + Id("43042419700101001") + ",户主,2014-01-01,,,,\n"
      "H200,430424100299,2014,一般贫困户,因病,,甲村,周二," + Id("43042419700101002") + ",配偶,2014-01-01,,,,\n";
  const auto r = Import(TemplateKind::kPersons, Write("v.csv", persons));
  EXPECT_TRUE(r.refused);
  const ImportProblem* village = nullptr;
  for (const auto& p : r.problems) {
    if (p.row == 3 && p.column == "行政村代码") village = &p;
  }
  ASSERT_NE(village, nullptr);
  EXPECT_EQ(village->value, "430424100299");
  EXPECT_NE(village->reason.find("没有这个行政村"), std::string::npos) << village->reason;
  EXPECT_EQ(village->reason.find("不一致"), std::string::npos);
  // The household is rejected whole: its other row says so.
  ASSERT_EQ(r.problems.size(), 2u);
  EXPECT_EQ(r.problems[0].row, 2u);
  EXPECT_EQ(Count("SELECT count(*) FROM households"), 0);
}

// 入户日期 left blank means "from today": for facts of an earlier year that
// leaves the members out of that year, which the import says, with the rows.
TEST_F(ImportTest, ABlankStartDateBeforeTheFactsYearIsAWarningWithItsRows) {
  const std::string persons = std::string(kHeader) +
      "H300,430424100200,2019,一般贫困户,因病,,甲村,吴一," + Id("43042419700101001") + ",户主,,,,2019,\n"
      "H300,,,,,,,吴二," + Id("43042420100101002") + ",子女,2019-01-01,,,2019,在校\n"
      "H300,,,,,,,吴三," + Id("43042419720101003") + ",配偶,,,,,\n";
  const auto r = Import(TemplateKind::kPersons, Write("s.csv", persons));
  ASSERT_TRUE(r.written);
  std::string warning;
  for (const auto& w : r.warnings) {
    if (w.find("入户日期") != std::string::npos) warning = w;
  }
  ASSERT_FALSE(warning.empty());
  EXPECT_NE(warning.find("2 行"), std::string::npos) << warning;
  EXPECT_NE(warning.find("第 2、4 行"), std::string::npos) << warning;
  EXPECT_NE(warning.find("2019"), std::string::npos) << warning;
  // With the dates filled in, no such warning.
  const auto again = Import(TemplateKind::kPersons, Write("ok.csv", GoodPersons()));
  for (const auto& w : again.warnings) EXPECT_EQ(w.find("入户日期"), std::string::npos) << w;
}

// The registry's policy facts (migration 102) go in through the templates:
// Chinese headers or English keys, values checked with row, column, value and reason.
TEST_F(ImportTest, PolicyFactColumnsImportAndAreChecked) {
  ASSERT_TRUE(Import(TemplateKind::kPersons, Write("p.csv", GoodPersons())).written);
  const std::string id = Id("43042419600101009");
  auto r = Import(TemplateKind::kPersons,
                  Write("facts.csv", "户编号,行政村代码,姓名,身份证号,与户主关系,年度,大病病种,慢病家庭医生签约\n"
                                     "H003,430424100200,王五," + id + ",户主,2019,终末期肾病,是\n"));
  ASSERT_TRUE(r.written) << (r.problems.empty() ? "" : r.problems[0].reason);
  EXPECT_EQ(Count("SELECT count(*) FROM person_years WHERE year = 2019 AND major_disease = 'end_stage_renal'"
                  " AND chronic_contract = 1"), 1);
  const std::string header =
      "household_number,year,dibao_class,house_grade,relocation,pepper_area,camellia_area,pv_share\n";
  r = Import(TemplateKind::kHouseholdYears, Write("hy.csv", header + "H003,2019,A类,D级(整栋危房),是,2.5,10.25,否\n"));
  ASSERT_TRUE(r.written) << (r.problems.empty() ? "" : r.problems[0].reason);
  EXPECT_EQ(Count("SELECT count(*) FROM household_years WHERE year = 2019 AND dibao_class = 'A' AND house_grade = 'D'"
                  " AND relocation = 1 AND pepper_area = 250 AND camellia_area = 1025 AND pv_share = 0"), 1);
  // Bad values: each names its row, the column as written, the value and why.
  r = Import(TemplateKind::kHouseholdYears,
             Write("bad.csv", "户编号,年度,低保类别,房屋危险等级,黄贡椒种植面积（亩）,光伏收益分配对象\n"
                              "H001,2020,D类,E级,-1,也许\nH002,2020,B,C,1.234,是\n"));
  EXPECT_TRUE(r.refused);
  ASSERT_EQ(r.problems.size(), 5u);
  EXPECT_EQ(r.problems[0].row, 2u);
  EXPECT_EQ(r.problems[0].column, "低保类别");
  EXPECT_EQ(r.problems[0].value, "D类");
  EXPECT_NE(r.problems[0].reason.find("A类"), std::string::npos) << r.problems[0].reason;
  EXPECT_EQ(r.problems[1].column, "房屋危险等级");
  EXPECT_EQ(r.problems[2].column, "黄贡椒种植面积（亩）");
  EXPECT_NE(r.problems[2].reason.find("负数"), std::string::npos);
  EXPECT_EQ(r.problems[3].column, "光伏收益分配对象");
  EXPECT_EQ(r.problems[4].row, 3u);
  EXPECT_EQ(r.problems[4].value, "1.234");
  r = Import(TemplateKind::kPersons,
             Write("badp.csv", "户编号,行政村代码,姓名,身份证号,与户主关系,年度,大病病种\n"
                               "H003,430424100200,王五," + id + ",户主,2019,感冒\n"));
  EXPECT_TRUE(r.refused);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].column, "大病病种");
  EXPECT_EQ(r.problems[0].value, "感冒");
}

}  // namespace
}  // namespace fupin::dataio
