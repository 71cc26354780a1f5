#include "assessment/area_assessments.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "assessment/params.h"
#include "assessment/schema.h"
#include "assessment/surveys.h"
#include "core/error.h"
#include "registry/areas.h"
#include "registry/testing.h"

namespace fupin::assessment {
namespace {

// A small county 430424 in 2020, worked by hand (poverty line 2020: 4000 yuan;
// Hunan (43) has no own exit_threshold, so the default 2 % applies):
//
//   villages       rural population   poor households on 2020-12-31   poor persons
//   V1 430424100200   100             P1 (2 persons)                  2
//   V2 430424100201    50             -                               0
//   V3 430424101200    50             -                               0
//   county            200                                             2
//
//   county incidence 2 / 200 = 1.00 %  < 2 %      pass
//   V1 incidence     2 / 100 = 2.00 %  not < 2 %  fail (strictly below)
//   V2 incidence     0 / 50  = 0 %     < 2 %      pass
//
// Exited households E1, E2 (V2) and E3 (V3). Survey records for 2020:
//   resurvey     E1 income 4000.01 (just above the line), all five facts met -> passes
//                E2 income 6000, all met                                      -> passes
//                wrong exits 0 / 2 = 0 %  < 2 %                                  pass
//   sample       60 unregistered households, 1 found poor: 1 / 60 = 1.67 % < 2 %   pass
//   satisfaction 10 respondents, 9 satisfied: 90 % >= 90 %                       pass (edge)
// Then the failing county adds:
//   resurvey     E3 income 5000, housing unsafe    -> wrong exits 1 / 3 = 33.33 %  fail
//                E1 again, income 3900 (latest counts) -> 2 / 3 = 66.67 %        fail
//   sample       one more found poor: 2 / 61 = 3.28 %                             fail
//   satisfaction one more not satisfied: 9 / 11 = 81.82 %                         fail
class AreaAssessmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_.AddAreas();
    p1_ = f_.AddHousehold("P1", "430424100200", 2014);
    f_.AddPerson(p1_, "19700101");
    f_.AddPerson(p1_, "19720101");
    e1_ = f_.AddHousehold("E1", "430424100201", 2014);
    e2_ = f_.AddHousehold("E2", "430424100201", 2014);
    e3_ = f_.AddHousehold("E3", "430424101200", 2014);
    f_.AddPerson(e1_, "19600101");
    f_.AddPerson(e2_, "19610101");
    f_.AddPerson(e3_, "19620101");
    // Exits written directly: this test is about the area checks, not the household procedure.
    for (int64_t id : {e1_, e2_, e3_}) f_.AddEvent(id, "exited", "2019-11-01");
    registry::SetAreaYear(f_.db(), f_.admin(), {"430424100200", 2020, 100, true, std::nullopt});
    registry::SetAreaYear(f_.db(), f_.admin(), {"430424100201", 2020, 50, false, std::nullopt});
    registry::SetAreaYear(f_.db(), f_.admin(), {"430424101200", 2020, 50, false, std::nullopt});
  }

  SurveyRecord Resurvey(int64_t household, const std::string& village, Fen income, bool housing = true) {
    SurveyRecord r;
    r.kind = "resurvey";
    r.year = 2020;
    r.village_code = village;
    r.date = "2020-12-10";
    r.household_id = household;
    r.per_capita_income = income;
    r.food_clothing = r.education = r.medical = r.water = true;
    r.housing = housing;
    r.source = "第三方评估组";
    return r;
  }
  SurveyRecord Answer(const std::string& kind, bool yes) {
    SurveyRecord r;
    r.kind = kind;
    r.year = 2020;
    r.village_code = "430424100201";
    r.date = "2020-12-11";
    r.subject = "受访者";
    (kind == "sample" ? r.poor : r.satisfied) = yes;
    return r;
  }
  const AreaCheck& Check(const AreaAssessment& a, const std::string& name) {
    for (const auto& c : a.checks) {
      if (c.check == name) return c;
    }
    ADD_FAILURE() << "no check " << name;
    return a.checks.at(0);
  }
  int64_t SurveyCount() {
    auto s = f_.db().Prepare("SELECT count(*) FROM county_surveys");
    s->Step();
    return s->Int(0);
  }
  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = f_.path().substr(0, f_.path().rfind('/')) + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  registry::testing::RegistryFixture f_{Migrations()};
  int64_t p1_ = 0, e1_ = 0, e2_ = 0, e3_ = 0;
};

TEST_F(AreaAssessmentTest, CountyPassesEveryCheckAndShowsTheValuesAndThresholds) {
  SurveyService s(f_.db(), f_.clock());
  s.Add(f_.admin(), Resurvey(e1_, "430424100201", 400001));
  s.Add(f_.admin(), Resurvey(e2_, "430424100201", 600000));
  for (int i = 0; i < 60; ++i) s.Add(f_.admin(), Answer("sample", i == 0));
  for (int i = 0; i < 10; ++i) s.Add(f_.admin(), Answer("satisfaction", i != 0));

  const AreaAssessment a = AssessCounty(f_.db(), f_.admin(), "430424", 2020, f_.clock());
  EXPECT_EQ(a.level, "county");
  EXPECT_EQ(a.area_name, "衡东县");
  EXPECT_TRUE(a.ready) << nlohmann::json(a.reasons).dump();
  ASSERT_EQ(a.checks.size(), 4u);

  const AreaCheck& inc = Check(a, "incidence");
  EXPECT_EQ(inc.outcome, Outcome::kPass);
  EXPECT_EQ(inc.values["poor_persons"], 2);
  EXPECT_EQ(inc.values["rural_population"], 200);
  EXPECT_DOUBLE_EQ(inc.values["rate"].get<double>(), 0.01);
  EXPECT_EQ(inc.values["threshold"]["parameter"], "exit_threshold");
  EXPECT_EQ(inc.values["threshold"]["key"], "");  // Hunan is central: the default
  EXPECT_DOUBLE_EQ(inc.values["threshold"]["value"].get<double>(), 2.0);
  EXPECT_NE(inc.values["threshold"]["source"].get<std::string>().find("扶贫政策事实汇编"), std::string::npos);

  const AreaCheck& wrong = Check(a, "wrong_exit");
  EXPECT_EQ(wrong.outcome, Outcome::kPass);
  EXPECT_EQ(wrong.values["resurveyed_households"], 2);
  EXPECT_EQ(wrong.values["wrong_exits"], 0);
  EXPECT_EQ(wrong.values["threshold"]["parameter"], "county_wrong_exit_max");

  const AreaCheck& missed = Check(a, "missed_registration");
  EXPECT_EQ(missed.outcome, Outcome::kPass);
  EXPECT_EQ(missed.values["sampled_households"], 60);
  EXPECT_EQ(missed.values["found_poor"], 1);
  EXPECT_NEAR(missed.values["rate"].get<double>(), 1.0 / 60, 1e-12);

  const AreaCheck& sat = Check(a, "satisfaction");
  EXPECT_EQ(sat.outcome, Outcome::kPass);  // exactly 90 % meets "at least 90 %"
  EXPECT_EQ(sat.values["respondents"], 10);
  EXPECT_EQ(sat.values["satisfied"], 9);
  EXPECT_EQ(sat.values["threshold"]["parameter"], "county_satisfaction_min");

  // Stored per year; a second run on the same facts stores the same answer.
  auto q = f_.db().Prepare("SELECT ready, result FROM area_assessments WHERE area_code = '430424' AND year = 2020");
  ASSERT_TRUE(q->Step());
  EXPECT_EQ(q->Int(0), 1);
  const std::string first = q->Text(1);
  q->Reset();
  AssessCounty(f_.db(), f_.admin(), "430424", 2020, f_.clock());
  ASSERT_TRUE(q->Step());
  EXPECT_EQ(q->Text(1), first);
}

TEST_F(AreaAssessmentTest, CountyFailsEachSurveyCheckAndTheThreshold) {
  SurveyService s(f_.db(), f_.clock());
  s.Add(f_.admin(), Resurvey(e1_, "430424100201", 400001));
  s.Add(f_.admin(), Resurvey(e2_, "430424100201", 600000));
  s.Add(f_.admin(), Resurvey(e3_, "430424101200", 500000, /*housing=*/false));
  for (int i = 0; i < 61; ++i) s.Add(f_.admin(), Answer("sample", i < 2));
  for (int i = 0; i < 11; ++i) s.Add(f_.admin(), Answer("satisfaction", i >= 2));

  AreaAssessment a = AssessCounty(f_.db(), f_.admin(), "430424", 2020, f_.clock());
  EXPECT_FALSE(a.ready);
  const AreaCheck& wrong = Check(a, "wrong_exit");
  EXPECT_EQ(wrong.outcome, Outcome::kFail);
  EXPECT_EQ(wrong.values["wrong_exits"], 1);
  EXPECT_EQ(wrong.values["failing"][0]["household_id"], e3_);
  EXPECT_EQ(wrong.values["failing"][0]["failed"], nlohmann::json({"housing"}));
  EXPECT_NE(wrong.reason.find("33.33%"), std::string::npos) << wrong.reason;
  EXPECT_EQ(Check(a, "missed_registration").outcome, Outcome::kFail);  // 2 / 61
  EXPECT_EQ(Check(a, "satisfaction").outcome, Outcome::kFail);         // 9 / 11
  EXPECT_EQ(a.reasons.size(), 3u);

  // A later re-survey of E1 below the line replaces its earlier one: 2 of 3.
  s.Add(f_.admin(), Resurvey(e1_, "430424100201", 390000));
  a = AssessCounty(f_.db(), f_.admin(), "430424", 2020, f_.clock());
  EXPECT_EQ(Check(a, "wrong_exit").values["wrong_exits"], 2);
  EXPECT_EQ(Check(a, "wrong_exit").values["resurveyed_households"], 3);

  // The threshold is a parameter: Hunan's own 0.5 % makes 1 % incidence fail,
  // and the check names the parameter row it used.
  Parameters(f_.db(), f_.clock()).Set(f_.admin(), "exit_threshold", "43", "0.5", "测试：省定更严标准");
  a = AssessCounty(f_.db(), f_.admin(), "430424", 2020, f_.clock());
  const AreaCheck& inc = Check(a, "incidence");
  EXPECT_EQ(inc.outcome, Outcome::kFail);
  EXPECT_EQ(inc.values["threshold"]["key"], "43");
  EXPECT_EQ(inc.values["threshold"]["source"], "测试：省定更严标准");
}

TEST_F(AreaAssessmentTest, CountyWithoutSurveysIsNotReady) {
  const AreaAssessment a = AssessCounty(f_.db(), f_.admin(), "430424", 2020, f_.clock());
  EXPECT_FALSE(a.ready);
  EXPECT_EQ(Check(a, "incidence").outcome, Outcome::kPass);
  EXPECT_EQ(Check(a, "wrong_exit").outcome, Outcome::kUnknown);
  EXPECT_EQ(Check(a, "missed_registration").outcome, Outcome::kUnknown);
  EXPECT_EQ(Check(a, "satisfaction").outcome, Outcome::kUnknown);
  // No rural population recorded for 2019: incidence cannot be judged.
  EXPECT_EQ(Check(AssessCounty(f_.db(), f_.admin(), "430424", 2019, f_.clock()), "incidence").outcome,
            Outcome::kUnknown);
}

TEST_F(AreaAssessmentTest, VillageChecksIncidenceFacilitiesAndCollectiveIncome) {
  SurveyService s(f_.db(), f_.clock());
  VillageFacilities f;
  f.area_code = "430424100201";
  f.year = 2020;
  f.road = f.water = f.power = f.broadband = f.culture_centre = true;
  f.collective_income = 5000000;  // 50,000 yuan
  s.SetFacilities(f_.admin(), f);
  // The clinic is not recorded: unknown, so not ready.
  AreaAssessment a = AssessVillage(f_.db(), f_.admin(), "430424100201", 2020, f_.clock());
  EXPECT_EQ(Check(a, "incidence").outcome, Outcome::kPass);  // 0 / 50
  EXPECT_EQ(Check(a, "facilities").outcome, Outcome::kUnknown);
  EXPECT_TRUE(Check(a, "facilities").values["facilities"]["clinic"].is_null());
  EXPECT_EQ(Check(a, "collective_income").outcome, Outcome::kPass);
  EXPECT_FALSE(a.ready);

  // Setting only the clinic keeps the other facts.
  VillageFacilities clinic;
  clinic.area_code = "430424100201";
  clinic.year = 2020;
  clinic.clinic = true;
  EXPECT_EQ(s.SetFacilities(f_.admin(), clinic).collective_income, 5000000);
  a = AssessVillage(f_.db(), f_.admin(), "430424100201", 2020, f_.clock());
  EXPECT_TRUE(a.ready);
  EXPECT_EQ(Check(a, "facilities").values["threshold"]["parameter"], "village_facilities");

  clinic.clinic = false;
  s.SetFacilities(f_.admin(), clinic);
  a = AssessVillage(f_.db(), f_.admin(), "430424100201", 2020, f_.clock());
  EXPECT_EQ(Check(a, "facilities").outcome, Outcome::kFail);
  EXPECT_NE(Check(a, "facilities").reason.find("标准化卫生室"), std::string::npos);
  // The required list is a parameter: without the clinic the village passes again.
  Parameters(f_.db(), f_.clock()).Set(f_.admin(), "village_facilities", "", "road,water,power", "测试");
  EXPECT_TRUE(AssessVillage(f_.db(), f_.admin(), "430424100201", 2020, f_.clock()).ready);

  // V1: 2 poor persons of 100 is 2.00 %, not strictly below 2 %.
  a = AssessVillage(f_.db(), f_.admin(), "430424100200", 2020, f_.clock());
  EXPECT_EQ(Check(a, "incidence").outcome, Outcome::kFail);
  EXPECT_EQ(Check(a, "incidence").values["poor_persons"], 2);
}

TEST_F(AreaAssessmentTest, ChecksLevelsAndAccess) {
  EXPECT_THROW(AssessVillage(f_.db(), f_.admin(), "430424", 2020, f_.clock()), Error);        // a county
  EXPECT_THROW(AssessCounty(f_.db(), f_.admin(), "430424100200", 2020, f_.clock()), Error);   // a village
  EXPECT_THROW(AssessCounty(f_.db(), f_.admin(), "430425", 2020, f_.clock()), Error);         // no such county
  Caller cadre;
  cadre.user_name = "村干部";
  cadre.role = Role::kVillageCadre;
  cadre.area_scope = "430424100200";
  EXPECT_NO_THROW(AssessVillage(f_.db(), cadre, "430424100200", 2020, f_.clock()));
  try {
    AssessVillage(f_.db(), cadre, "430424100201", 2020, f_.clock());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kPermissionDenied);
  }
  Caller auditor;
  auditor.user_name = "审计";
  auditor.role = Role::kAuditor;
  EXPECT_THROW(AssessCounty(f_.db(), auditor, "430424", 2020, f_.clock()), Error);  // reads, never runs
  SurveyService s(f_.db(), f_.clock());
  EXPECT_THROW(s.Add(auditor, Answer("sample", true)), Error);
  EXPECT_EQ(SurveyCount(), 0);
  EXPECT_EQ(s.List(auditor, "430424", 2020).size(), 0u);
}

TEST_F(AreaAssessmentTest, RefusesInconsistentSurveyRecordsNamingTheField) {
  SurveyService s(f_.db(), f_.clock());
  try {
    SurveyRecord r = Resurvey(p1_, "430424100200", 500000);  // P1 has not exited
    r.poor = true;                                         // not for a resurvey
    s.Add(f_.admin(), r);
    FAIL();
  } catch (const Error& e) {
    std::string all;
    for (const auto& d : e.details()) all += d.path + ": " + d.problem + "\n";
    EXPECT_NE(all.find("poor: not used"), std::string::npos) << all;
    EXPECT_NE(all.find("household_id: household " + std::to_string(p1_) + " has not exited"), std::string::npos) << all;
  }
  SurveyRecord wrong_village = Resurvey(e1_, "430424101200", 500000);
  EXPECT_THROW(s.Add(f_.admin(), wrong_village), Error);
  SurveyRecord future = Answer("satisfaction", true);
  future.date = "2027-01-01";  // the fixture's today is 2026-11-28
  EXPECT_THROW(s.Add(f_.admin(), future), Error);
  EXPECT_EQ(SurveyCount(), 0);
}

TEST_F(AreaAssessmentTest, ImportsAGoodFileAndRefusesABadOneWhole) {
  SurveyService s(f_.db(), f_.clock());
  const std::string good = WriteFile(
      "surveys.csv",
      "kind,year,村代码,date,household_number,subject,per_capita_income,food_clothing,education,medical,housing,water,"
      "poor,是否满意,source\n"
      "resurvey,2020,430424100201,2020-12-10,E1,,4000.01,1,1,1,1,1,,,第三方\n"
      "resurvey,2020,430424101200,2020-12-10,E3,,5000,是,是,是,否,是,,,第三方\n"
      "sample,2020,430424100201,2020-12-11,,张三家,,,,,,,1,,第三方\n"
      "satisfaction,2020,430424100201,2020-12-12,,李四,,,,,,,,0,第三方\n");
  const SurveyImportResult r = s.Import(f_.admin(), good);
  EXPECT_EQ(r.imported, 4);
  EXPECT_EQ(r.resurvey, 2);
  EXPECT_EQ(r.sample, 1);
  EXPECT_EQ(r.satisfaction, 1);
  const auto rows = s.List(f_.admin(), "430424", 2020, "resurvey");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].household_id, e1_);
  EXPECT_EQ(rows[0].per_capita_income, 400001);
  EXPECT_EQ(rows[1].housing, false);
  const AreaAssessment a = AssessCounty(f_.db(), f_.admin(), "430424", 2020, f_.clock());
  EXPECT_EQ(Check(a, "wrong_exit").values["wrong_exits"], 1);

  // Row 3 has a bad date, row 4 a resurvey without its water fact: both are
  // named by file, row and column header, and nothing of the file is stored.
  const std::string bad = WriteFile(
      "bad.csv",
      "kind,year,village_code,date,household_id,per_capita_income,food_clothing,education,medical,housing,water\n"
      "resurvey,2020,430424100201," "2020-12-10," + std::to_string(e2_) + ",6000,1,1,1,1,1\n"
      "resurvey,2020,430424100201,2020-13-10," + std::to_string(e2_) + ",6000,1,1,1,1,1\n"
      "resurvey,2020,430424100201,2020-12-10," + std::to_string(e2_) + ",6000,1,1,1,1,\n");
  const int64_t before = SurveyCount();
  try {
    s.Import(f_.admin(), bad);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    ASSERT_EQ(e.details().size(), 2u);
    EXPECT_EQ(e.details()[0].path, "第3行 date");
    EXPECT_EQ(e.details()[0].problem, "“2020-13-10”：不是日期（如 2020-12-10）");
    EXPECT_EQ(e.details()[1].path, "第4行 water");
    EXPECT_EQ(e.details()[1].problem, "错退复核记录必填");
  }
  EXPECT_EQ(SurveyCount(), before);

  // An unknown column is refused before any row is read.
  const std::string odd = WriteFile("odd.csv", "kind,year,village_code,date,colour\nsample,2020,430424100201,2020-12-11,red\n");
  try {
    s.Import(f_.admin(), odd);
    FAIL();
  } catch (const Error& e) {
    ASSERT_FALSE(e.details().empty());
    EXPECT_EQ(e.details()[0].path, "第1行 colour");
    EXPECT_EQ(e.details()[0].problem, "未知的列");
  }
  EXPECT_EQ(SurveyCount(), before);

  // With skip_invalid the good row is stored and the bad ones reported, by
  // row, column, value and reason.
  const SurveyImportResult some = s.Import(f_.admin(), bad, "", true);
  EXPECT_EQ(some.rows, 3);
  EXPECT_EQ(some.imported, 1);
  EXPECT_EQ(some.rejected_rows, 2);
  ASSERT_EQ(some.problems.size(), 2u);
  EXPECT_EQ(some.problems[0].row, 3u);
  EXPECT_EQ(some.problems[0].column, "date");
  EXPECT_EQ(some.problems[0].value, "2020-13-10");
  EXPECT_EQ(SurveyCount(), before + 1);
}

// Survey files as clerks type them: Chinese headers and kinds, full-width
// digits, "2020年", "4,000.50", √/×, 有/无, dates 2020/12/10 and 2020年12月11日;
// a village the area list does not hold is "无此村".
TEST_F(AreaAssessmentTest, SurveyImportReadsClerkValues) {
  SurveyService s(f_.db(), f_.clock());
  const std::string good = WriteFile(
      "clerk.csv",
      "类型,年度,村代码,调查日期,户编号,调查对象,人均纯收入（元）,不愁吃穿,义务教育,基本医疗,住房安全,饮水安全,是否贫困,是否满意\n"
      "错退复核,２０２０,430424100201,2020/12/10,E1,,\"4,000.50\",√,是,有,√,1,,\n"
      "漏评抽查,2020年,430424100201,2020年12月11日,,张三家,,,,,,,无,\n"
      "群众认可度,2020,430424100201,20201212,,李四,,,,,,,,×\n");
  const SurveyImportResult r = s.Import(f_.admin(), good);
  EXPECT_EQ(r.imported, 3);
  const auto rows = s.List(f_.admin(), "430424", 2020);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].per_capita_income, 400050);
  EXPECT_EQ(rows[0].medical, true);
  EXPECT_EQ(rows[0].date, "2020-12-10");
  EXPECT_EQ(rows[1].poor, false);
  EXPECT_EQ(rows[1].date, "2020-12-11");
  EXPECT_EQ(rows[2].satisfied, false);

  const std::string nowhere =
      WriteFile("nowhere.csv", "类型,年度,村代码,调查日期,调查对象,是否满意\n群众认可度,2020,430424199999,2020-12-12,王五,是\n");
  try {
    s.Import(f_.admin(), nowhere);
    FAIL();
  } catch (const Error& e) {
    ASSERT_EQ(e.details().size(), 1u);
    EXPECT_EQ(e.details()[0].path, "第2行 村代码");
    EXPECT_EQ(e.details()[0].problem, "“430424199999”：无此村");
  }
}

// A parameter change is audited with the value it replaces; a refused one
// leaves neither a row nor an entry.
TEST_F(AreaAssessmentTest, ParameterChangesAreAudited) {
  Parameters p(f_.db(), f_.clock());
  p.Set(f_.admin(), "exit_threshold", "43", "0.5", "测试：省定更严标准");
  p.Set(f_.admin(), "exit_threshold", "43", "1", "恢复");
  auto s = f_.db().Prepare("SELECT action, before, after FROM audit_log WHERE entity = 'param/exit_threshold/43' ORDER BY id");
  ASSERT_TRUE(s->Step());
  EXPECT_EQ(s->Text(0), "param.set");
  EXPECT_TRUE(s->IsNull(1));
  EXPECT_NE(s->Text(2).find("测试：省定更严标准"), std::string::npos);
  ASSERT_TRUE(s->Step());
  EXPECT_EQ(s->Text(1), "{\"value\":\"0.5\"}");
  EXPECT_FALSE(s->Step());
  s.reset();
  EXPECT_THROW(p.Set(f_.admin(), "exit_threshold", "43", "150", "太高"), Error);
  auto n = f_.db().Prepare("SELECT count(*) FROM audit_log WHERE action = 'param.set'");
  n->Step();
  EXPECT_EQ(n->Int(0), 2);
}

// Parameters are changed only inside the caller's scope (issue 26): a
// township administrator changes no nation- or province-wide value; a county
// office may, where its scope covers the area the value applies to; every
// refusal and change is audited with that area.
TEST_F(AreaAssessmentTest, ParametersAreChangedOnlyInsideTheCallersScope) {
  Parameters p(f_.db(), f_.clock());
  auto code_of = [&](const Caller& c, const std::string& name, const std::string& key, const std::string& value) {
    try {
      p.Set(c, name, key, value, "测试");
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::kInternal;  // stands for "allowed"
  };
  auto audited = [&](const std::string& action, const std::string& entity) {
    auto s = f_.db().Prepare("SELECT area_code FROM audit_log WHERE action = ? AND entity = ? ORDER BY id DESC");
    s->BindText(1, action);
    s->BindText(2, entity);
    return s->Step() ? std::optional<std::string>(s->Text(0)) : std::nullopt;
  };
  const std::string days = p.Text("notice_min_days");
  const Caller town_admin{7, "town-admin", Role::kAdministrator, "430424104"};
  EXPECT_EQ(code_of(town_admin, "notice_min_days", "", "99"), ErrorCode::kPermissionDenied);
  EXPECT_EQ(code_of(town_admin, "exit_threshold", "43", "2"), ErrorCode::kPermissionDenied);
  EXPECT_EQ(code_of(town_admin, "poverty_line", "2020", "9999"), ErrorCode::kPermissionDenied);
  EXPECT_EQ(p.Text("notice_min_days"), days);
  EXPECT_EQ(audited("access.denied", "param/exit_threshold/43"), "43");
  EXPECT_EQ(audited("access.denied", "param/notice_min_days"), "");

  // A county office: not the province's value from a county; the province's
  // from the province; the nation's from the nation.
  EXPECT_EQ(code_of({8, "hengdong", Role::kCountyOffice, "430424"}, "exit_threshold", "43", "2"),
            ErrorCode::kPermissionDenied);
  const Caller hunan{9, "hunan", Role::kCountyOffice, "43"};
  EXPECT_EQ(code_of(hunan, "exit_threshold", "43", "2"), ErrorCode::kInternal);
  EXPECT_EQ(audited("param.set", "param/exit_threshold/43"), "43");
  EXPECT_EQ(code_of(hunan, "exit_threshold", "", "2"), ErrorCode::kPermissionDenied);
  EXPECT_EQ(code_of({10, "nation", Role::kCountyOffice, ""}, "notice_min_days", "", "12"), ErrorCode::kInternal);
  EXPECT_EQ(p.Text("notice_min_days"), "12");
  // Roles that only read parameters, even for the whole nation.
  EXPECT_EQ(code_of({11, "town", Role::kTownship, ""}, "af_k", "", "0.5"), ErrorCode::kPermissionDenied);
  EXPECT_EQ(code_of({12, "auditor", Role::kAuditor, ""}, "af_k", "", "0.5"), ErrorCode::kPermissionDenied);

  // Reading: everyone but donors, whatever their scope.
  EXPECT_FALSE(p.List({13, "village", Role::kVillageCadre, "430424104201"}).empty());
  EXPECT_THROW(p.List({14, "donor", Role::kDonor, ""}), Error);
}

}  // namespace
}  // namespace fupin::assessment
