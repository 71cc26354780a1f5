#include "policy/entitlements.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <exception>
#include <iterator>
#include <thread>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <variant>

#include <xxhash.h>

#include "access/audit.h"
#include "access/permissions.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/money.h"
#include "policy/internal.h"
#include "registry/vocab.h"

namespace fupin::policy {
using access::Resource;

// ------------------------------------------------------------ policy sets

std::vector<Policy> PolicySet(const std::string& dir) {
  if (!dir.empty()) return LoadPolicies(dir);
  std::vector<Policy> out;
  std::vector<ErrorDetail> problems;
  for (const auto& [name, text] : ShippedPolicyFiles()) {
    PolicyCheck c = CheckPolicyText(text, name);
    if (!c.ok()) {
      for (auto& p : c.problems) problems.push_back(std::move(p));
    } else {
      out.push_back(std::move(*c.policy));
    }
  }
  if (!problems.empty()) throw Error::Internal("a shipped policy does not check: " + problems.front().path);
  std::sort(out.begin(), out.end(), [](const Policy& a, const Policy& b) { return a.id < b.id; });
  return out;
}

// ------------------------------------------------------------ frame

namespace {

// One catalogue field read from one column of a bulk query. Everything that
// depends on the field only is decided here, once per column, not per value.
struct Binding {
  const Field* field;
  int sql_column;
  Column* column = nullptr;
  int64_t absent = 0;       // kInt, kBool (0 or 1), kDate (a DateKey): appended for NULL
  std::string absent_text;  // kString
};

// The bindings of one read grouped by type, so that a row is appended column
// type by column type without a switch per value.
struct Bindings {
  std::vector<Binding> ints, bools, dates, strings;
};

Bindings Bind(Table& table, const std::vector<std::pair<std::string, int>>& fields, size_t rows) {
  Bindings out;
  const Catalogue& catalogue = Catalogue::Default();
  for (const auto& [name, index] : fields) {
    const Field* f = catalogue.Find(name);
    if (f == nullptr) throw Error::Internal("frame field " + name + " is not in the catalogue");
    Column& c = table.Add(name, f->type);
    c.Reserve(rows);
    Binding b{.field = f, .sql_column = index, .column = &c, .absent = 0, .absent_text = {}};
    switch (f->type) {
      case Type::kInt:
        b.absent = f->absent.empty() ? 0 : std::stoll(f->absent);
        out.ints.push_back(std::move(b));
        break;
      case Type::kBool:
        b.absent = f->absent == "true" ? 1 : 0;
        out.bools.push_back(std::move(b));
        break;
      case Type::kDate: {
        auto d = Date::Parse(f->absent);
        b.absent = d ? DateKey(*d) : 0;
        out.dates.push_back(std::move(b));
        break;
      }
      case Type::kString:
        b.absent_text = f->absent;
        out.strings.push_back(std::move(b));
        break;
    }
  }
  return out;
}

// Appends the current row of `s`: a NULL, or a date that does not parse, as the field's absent value.
void AppendRow(const store::Statement& s, const Bindings& bindings) {
  for (const Binding& b : bindings.ints) {
    b.column->mutable_ints().push_back(s.IsNull(b.sql_column) ? b.absent : s.Int(b.sql_column));
  }
  for (const Binding& b : bindings.bools) {
    b.column->mutable_bools().push_back(s.IsNull(b.sql_column) ? static_cast<uint8_t>(b.absent)
                                                               : static_cast<uint8_t>(s.Int(b.sql_column) != 0));
  }
  for (const Binding& b : bindings.dates) {
    std::optional<Date> d;
    if (!s.IsNull(b.sql_column)) d = Date::Parse(s.TextView(b.sql_column));
    b.column->mutable_ints().push_back(d ? DateKey(*d) : b.absent);
  }
  for (const Binding& b : bindings.strings) {
    if (s.IsNull(b.sql_column)) {
      b.column->AppendString(b.absent_text);
    } else {
      b.column->AppendString(s.TextView(b.sql_column));
    }
  }
}

void BindValue(store::Statement& s, int index, const store::Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) {
    s.BindInt(index, *i);
  } else if (const auto* t = std::get_if<std::string>(&v)) {
    s.BindText(index, *t);
  } else if (const auto* d = std::get_if<double>(&v)) {
    s.BindDouble(index, *d);
  } else if (const auto* b = std::get_if<std::vector<uint8_t>>(&v)) {
    s.BindBlob(index, *b);
  } else {
    s.BindNull(index);
  }
}

// One bulk read of the frame: `SELECT count(*) FROM <from> WHERE <where>`
// first, so that every column is reserved once, then `SELECT <columns> FROM
// <from> <joins> WHERE <where> ORDER BY <order>` (no ORDER BY when `order` is
// empty). The WHERE clause uses the
// numbered placeholders ?1..?n, bound from `where_binds` in both statements;
// `joins` (joins that add columns, never rows) may use ?n+1.., bound from
// `join_binds` in the select only.
struct BulkRead {
  std::string columns;
  std::string from;
  std::string where;
  std::vector<store::Value> where_binds;
  std::string joins;
  std::vector<store::Value> join_binds;
  std::string order;
};

struct CountedRead {
  size_t rows = 0;
  std::unique_ptr<store::Statement> select;
};

CountedRead CountThenSelect(store::Connection& db, const BulkRead& read) {
  CountedRead out;
  {
    auto count = db.Prepare("SELECT count(*) FROM " + read.from + " WHERE " + read.where);
    for (size_t i = 0; i < read.where_binds.size(); ++i) BindValue(*count, static_cast<int>(i + 1), read.where_binds[i]);
    count->Step();
    out.rows = static_cast<size_t>(count->Int(0));
  }
  out.select = db.Prepare("SELECT " + read.columns + " FROM " + read.from + read.joins + " WHERE " + read.where +
                          (read.order.empty() ? "" : " ORDER BY " + read.order));
  int index = 1;
  for (const auto& v : read.where_binds) BindValue(*out.select, index++, v);
  for (const auto& v : read.join_binds) BindValue(*out.select, index++, v);
  return out;
}

// Households with their year facts and their village's year facts; their ids and villages to `rf`.
void AddHouseholds(store::Connection& db, int year, const std::pair<std::string, std::string>& range,
                   RegistryFrame& rf) {
  BulkRead households{
      .columns = "h.id, h.number, h.identified_year, h.attribute, h.main_cause, h.village_code,"
                 " hy.members, hy.wage_income, hy.production_income, hy.property_income, hy.transfer_income,"
                 " hy.production_cost, hy.food_secure, hy.clothing_secure, hy.housing_safe,"
                 " hy.drinking_water_safe, hy.dibao_class, hy.house_grade, hy.relocation, hy.pepper_area,"
                 " hy.camellia_area, hy.pv_share, ay.poor_village, ay.exit_year, ay.rural_population",
      .from = "households h",
      .where = "h.village_code >= ?1 AND h.village_code < ?2",
      .where_binds = {range.first, range.second},
      .joins = " LEFT JOIN household_years hy ON hy.household_id = h.id AND hy.year = ?3"
               " LEFT JOIN area_years ay ON ay.area_code = h.village_code AND ay.year = ?3",
      .join_binds = {int64_t{year}},
      .order = "h.id"};
  if (range.first.empty()) {
    // The nation is every household: read in key order, without the village index and the
    // sort its order needed (SQLite sorted 360,000 wide rows in a temporary B-tree).
    households.where = "1 = 1";
    households.where_binds = {};
    households.joins = " LEFT JOIN household_years hy ON hy.household_id = h.id AND hy.year = ?1"
                       " LEFT JOIN area_years ay ON ay.area_code = h.village_code AND ay.year = ?1";
  }
  CountedRead read = CountThenSelect(db, households);
  const size_t rows = read.rows;
  auto& s = read.select;
  const Bindings bindings = Bind(rf.frame.households(),
                                 {{"household.id", 0},
                                  {"household.number", 1},
                                  {"household.identified_year", 2},
                                  {"household.attribute", 3},
                                  {"household.main_cause", 4},
                                  {"area.code", 5},
                                  {"household.members", 6},
                                  {"household.wage_income", 7},
                                  {"household.production_income", 8},
                                  {"household.property_income", 9},
                                  {"household.transfer_income", 10},
                                  {"household.production_cost", 11},
                                  {"household.food_secure", 12},
                                  {"household.clothing_secure", 13},
                                  {"household.housing_safe", 14},
                                  {"household.drinking_water_safe", 15},
                                  {"household.dibao_class", 16},
                                  {"household.house_grade", 17},
                                  {"household.relocation", 18},
                                  {"household.pepper_area", 19},
                                  {"household.camellia_area", 20},
                                  {"household.pv_share", 21},
                                  {"area.poor_village", 22},
                                  {"area.exit_year", 23},
                                  {"area.rural_population", 24}},
                                 rows);
  rf.household_ids.reserve(rows);
  rf.village_codes.reserve(rows);
  while (s->Step()) {
    rf.household_ids.push_back(s->Int(0));
    rf.village_codes.emplace_back(s->TextView(5));
    AppendRow(*s, bindings);
  }
  rf.frame.households().set_rows(rf.household_ids.size());
}

// The households-table row of a household id, from the ids in ascending order
// (the households' read is ordered by id): an array indexed by id when the ids
// are dense (a generated or long-lived registry numbers its households from 1),
// a binary search otherwise.
class HouseholdRows {
 public:
  explicit HouseholdRows(const std::vector<int64_t>& ids) : ids_(ids) {
    if (ids.empty()) return;
    first_ = ids.front();
    const int64_t span = ids.back() - first_ + 1;
    if (span > 0 && static_cast<uint64_t>(span) <= 4 * static_cast<uint64_t>(ids.size()) + 1024) {
      rows_.assign(static_cast<size_t>(span), -1);
      for (size_t i = 0; i < ids.size(); ++i) rows_[static_cast<size_t>(ids[i] - first_)] = static_cast<int32_t>(i);
    }
  }
  size_t size() const { return ids_.size(); }
  // -1 when the id is not one of the households.
  int32_t Find(int64_t id) const {
    if (!rows_.empty()) {
      if (id < first_ || id - first_ >= static_cast<int64_t>(rows_.size())) return -1;
      return rows_[static_cast<size_t>(id - first_)];
    }
    auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
    return it == ids_.end() || *it != id ? -1 : static_cast<int32_t>(it - ids_.begin());
  }

 private:
  const std::vector<int64_t>& ids_;
  int64_t first_ = 0;
  std::vector<int32_t> rows_;
};

// Status and exit year of each household from its events up to the reference date.
void AddStatus(store::Connection& db, const std::pair<std::string, std::string>& range, const std::string& ref,
               const HouseholdRows& household_row, Frame& frame) {
  const size_t n = household_row.size();
  std::vector<std::string_view> status(n, registry::StatusName(registry::HouseholdState::kUnregistered));
  std::vector<int64_t> exit_year(n, 0);
  // The nation needs no join to households: every household is in `household_row`.
  const bool nation = range.first.empty();
  auto s = db.Prepare(nation ? "SELECT e.household_id, e.kind, e.year FROM household_events e WHERE e.date <= ?"
                               " ORDER BY e.household_id, e.date, e.id"
                             : "SELECT e.household_id, e.kind, e.year FROM household_events e JOIN households h"
                               " ON h.id = e.household_id WHERE h.village_code >= ? AND h.village_code < ?"
                               " AND e.date <= ? ORDER BY e.household_id, e.date, e.id");
  int index = 1;
  if (!nation) {
    s->BindText(index++, range.first);
    s->BindText(index++, range.second);
  }
  s->BindText(index, ref);
  while (s->Step()) {
    const int32_t row = household_row.Find(s->Int(0));
    if (row < 0) continue;
    const std::string_view kind = s->TextView(1);
    status[static_cast<size_t>(row)] = registry::StatusAfter(kind);  // a name of static storage
    if (registry::ParseEventKind(kind) == registry::EventKind::kExited) exit_year[static_cast<size_t>(row)] = s->Int(2);
  }
  Column& st = frame.households().Add("household.status", Type::kString);
  Column& ex = frame.households().Add("household.exit_year", Type::kInt);
  st.Reserve(status.size());
  for (const auto& v : status) st.AppendString(v);
  ex.mutable_ints() = std::move(exit_year);
}

// Persons who belong to one of the households of the area on the reference
// date, in the order the database gives them, with each row's household id
// (`household_of`): linked to household rows by LinkPersons once the
// households are read. Only rf.frame.persons() and rf.person_ids are written
// (FillFrame runs this on another thread while the households are read).
void ReadPersons(store::Connection& db, int year, const std::pair<std::string, std::string>& range,
                 const std::string& ref, RegistryFrame& rf, std::vector<int64_t>& household_of) {
  // The nation needs no join to households (a quarter of the read): every membership is of one of them.
  const bool nation = range.first.empty();
  BulkRead persons{.columns = "p.id, p.sex, p.birth_date, p.death_date, p.ethnicity, p.education, p.health,"
                              " p.disability_grade, p.labour_ability, m.relation, py.school_status, py.school_stage,"
                              " py.medical_insured, py.pension_insured, py.employment, py.major_disease,"
                              " py.chronic_contract, m.household_id",
                   .from = "memberships m JOIN households h ON h.id = m.household_id",
                   .where = "h.village_code >= ?1 AND h.village_code < ?2 AND m.start_date <= ?3"
                            " AND (m.end_date IS NULL OR m.end_date > ?3)",
                   .where_binds = {range.first, range.second, ref},
                   .joins = " JOIN persons p ON p.id = m.person_id"
                            " LEFT JOIN person_years py ON py.person_id = p.id AND py.year = ?4",
                   .join_binds = {int64_t{year}},
                   .order = ""};
  if (nation) {
    persons.from = "memberships m";
    persons.where = "m.start_date <= ?1 AND (m.end_date IS NULL OR m.end_date > ?1)";
    persons.where_binds = {ref};
    persons.joins = " JOIN persons p ON p.id = m.person_id"
                    " LEFT JOIN person_years py ON py.person_id = p.id AND py.year = ?2";
  }
  CountedRead read = CountThenSelect(db, persons);
  const size_t rows = read.rows;
  auto& s = read.select;
  const Bindings bindings = Bind(rf.frame.persons(),
                                 {{"person.id", 0},
                                  {"person.sex", 1},
                                  {"person.birth_date", 2},
                                  {"person.death_date", 3},
                                  {"person.ethnicity", 4},
                                  {"person.education", 5},
                                  {"person.health", 6},
                                  {"person.disability_grade", 7},
                                  {"person.labour_ability", 8},
                                  {"person.relation", 9},
                                  {"person.school_status", 10},
                                  {"person.school_stage", 11},
                                  {"person.medical_insured", 12},
                                  {"person.pension_insured", 13},
                                  {"person.employment", 14},
                                  {"person.major_disease", 15},
                                  {"person.chronic_contract", 16}},
                                 rows);
  rf.person_ids.reserve(rows);
  household_of.reserve(rows);
  while (s->Step()) {
    rf.person_ids.push_back(s->Int(0));
    household_of.push_back(s->Int(17));
    AppendRow(*s, bindings);
  }
}

// Links the persons read by ReadPersons to household rows, drops those whose
// household is not one of the frame's (a membership written after the
// households were read), and puts the rest in (household row, person id)
// order. The read leaves the order to the database (an ORDER BY made SQLite
// sort 1.2 M wide rows in a temporary B-tree, a third of the read); sorting
// the keys here is cheaper.
void LinkPersons(const HouseholdRows& household_row, const std::vector<int64_t>& household_of, RegistryFrame& rf) {
  const std::vector<int64_t>& ids = rf.person_ids;
  std::vector<int32_t> link(household_of.size());
  std::vector<uint32_t> order;
  order.reserve(household_of.size());
  for (size_t i = 0; i < household_of.size(); ++i) {
    link[i] = household_row.Find(household_of[i]);
    if (link[i] >= 0) order.push_back(static_cast<uint32_t>(i));
  }
  auto less = [&](uint32_t a, uint32_t b) { return std::tie(link[a], ids[a]) < std::tie(link[b], ids[b]); };
  if (order.size() == link.size() && std::is_sorted(order.begin(), order.end(), less)) {
    rf.frame.person_household() = std::move(link);
    return;
  }
  std::sort(order.begin(), order.end(), less);
  rf.frame.persons().Permute(order);
  std::vector<int64_t> sorted_ids;
  std::vector<int32_t> sorted_link;
  sorted_ids.reserve(order.size());
  sorted_link.reserve(order.size());
  for (const uint32_t i : order) {
    sorted_ids.push_back(ids[i]);
    sorted_link.push_back(link[i]);
  }
  rf.person_ids = std::move(sorted_ids);
  rf.frame.person_household() = std::move(sorted_link);
}

// Scalars: the run and the year parameters (latest value of each).
void AddScalars(store::Connection& db, int year, const Date& ref_date, Frame& frame) {
  frame.SetScalar("year", year);
  frame.SetScalarDate("ref_date", ref_date);
  auto s = db.Prepare(
      "SELECT name, value FROM assessment_parameters WHERE key = ? AND name IN ('poverty_line',"
      " 'dibao_standard_a', 'dibao_standard_b', 'dibao_standard_c', 'destitute_standard', 'medical_premium',"
      " 'pension_premium_min') ORDER BY id");
  s->BindText(1, std::to_string(year));
  while (s->Step()) {
    if (auto fen = ParseYuan(s->Text(1))) frame.SetScalar("params." + s->Text(0), *fen);
  }
}

// A second connection for the members' read, or nullptr: inside a transaction (another connection
// would not see its writes), where the store has none, or when none can be opened now (PostgreSQL
// at its connection limit): then everything is read on `db`, as before.
std::unique_ptr<store::Connection> Sibling(store::Connection& db) {
  if (db.transaction_depth() != 0) return nullptr;
  try {
    return db.OpenSibling();
  } catch (const Error&) {
    return nullptr;
  }
}

}  // namespace

RegistryFrame FillFrame(store::Connection& db, int year, const Date& ref_date, const std::string& area_prefix) {
  RegistryFrame rf;
  const auto range = internal::AreaRange(area_prefix);
  const std::string ref = ref_date.ToString();
  std::vector<int64_t> household_of;
  // The persons are read on a second connection, on a second thread, while this one reads the
  // households and their events: the two halves of the fill at once, on two cores. Consistency is
  // as it was with one connection: the reads were and are separate statements outside any
  // transaction, each seeing the database as of its own start (three snapshots then, three now,
  // only started closer together); a membership of a household the households' read did not see
  // is dropped (LinkPersons), as before. Inside a transaction the reads stay on `db`: another
  // connection would not see the transaction's own writes.
  std::unique_ptr<store::Connection> sibling = Sibling(db);
  if (sibling) {
    InParallel([&] { ReadPersons(*sibling, year, range, ref, rf, household_of); },
               [&] {
                 AddHouseholds(db, year, range, rf);
                 AddStatus(db, range, ref, HouseholdRows(rf.household_ids), rf.frame);
               });
  } else {
    AddHouseholds(db, year, range, rf);
    AddStatus(db, range, ref, HouseholdRows(rf.household_ids), rf.frame);
    ReadPersons(db, year, range, ref, rf, household_of);
  }
  LinkPersons(HouseholdRows(rf.household_ids), household_of, rf);
  AddScalars(db, year, ref_date, rf.frame);
  rf.frame.Validate();
  return rf;
}

// ------------------------------------------------------------ service

EntitlementService::EntitlementService(store::Connection& db, std::vector<Policy> policies, const Clock& clock)
    : db_(db), policies_(std::move(policies)), clock_(clock) {}

EntitlementService::~EntitlementService() = default;

const Policy& EntitlementService::FindPolicy(const std::string& id) const {
  return internal::FindPolicy(policies_, id);
}

namespace {

// One entitlement the run found. Its key is (policy, household, person: 0 for
// a household policy), the policy given by its place in the run's sorted ids.
// No texts: they are built once per explanation digest, only for digests not stored yet
// (ExplanationIds), and 1.5 M rows of 56 bytes move and sort faster than rows that carry two strings.
struct Built {
  uint32_t policy = 0;
  uint32_t household_row = 0;  // its village: RegistryFrame::village_codes
  int64_t household_id = 0;
  int64_t person_id = 0;
  Fen amount = 0;
  int64_t digest = 0;       // of what is stored (RowDigest)
  int64_t explanation = 0;  // of its reason and clauses (ExplanationWriter::Digest)
  size_t row = 0;           // its row of the policy's target table
};

// What one policy gave: its entitlements in (household, person) order.
struct PolicyRows {
  PolicyTotal total;
  std::vector<Built> rows;
  double seconds_rules = 0;
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// The day the run reads the registry on: given (within the year), else 31 December or today if earlier.
Date RunRefDate(const EntitlementService::RunInput& in, const Date& today) {
  std::vector<ErrorDetail> problems;
  if (in.year < 2000 || in.year > today.year) problems.push_back({"year", std::to_string(in.year) + " is out of range"});
  Date ref{in.year, 12, 31};
  if (in.ref_date) {
    auto d = Date::Parse(*in.ref_date);
    if (!d) {
      problems.push_back({"ref_date", "'" + *in.ref_date + "' is not a date YYYY-MM-DD"});
    } else if (d->year != in.year) {
      problems.push_back({"ref_date", *in.ref_date + " is not in " + std::to_string(in.year)});
    } else {
      ref = *d;
    }
  } else if (today < ref) {
    ref = today;
  }
  if (!problems.empty()) throw Error::InvalidArgument("invalid entitlement run", std::move(problems));
  return ref;
}

// A digest of a stored row's content and of the reference date it was computed on (never 0, which
// marks rows stored before migration 405): a re-run rewrites a row only when it differs. The
// content is taken from the values its texts are written from (`explanation`:
// ExplanationWriter::Digest, which covers the amount, the policy's texts and the format), so a
// re-run builds texts only for the rows it writes. Digests stored before session 12 were made
// from the texts themselves; they do not match these (but by a 2^-64 chance), so the first run of
// this version rewrites such rows once, with the same content.
int64_t RowDigest(const std::string& village, uint64_t ref_digest, uint64_t explanation) {
  XXH64_hash_t h = XXH3_64bits_withSeed(village.data(), village.size(), ref_digest);
  h = XXH3_64bits_withSeed(&explanation, sizeof explanation, h);
  return h == 0 ? 1 : static_cast<int64_t>(h);
}

// fn(i) for i in [0, n), spread over the machine's cores (at most 8 threads); the first exception
// thrown is rethrown here once all have finished.
void OnCores(size_t n, const std::function<void(size_t)>& fn) {
  std::vector<std::exception_ptr> errors(n);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < n; i = next++) {
      try {
        fn(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  const size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  std::vector<std::thread> helpers;
  for (size_t t = 1; t < std::min(threads, n); ++t) helpers.emplace_back(work);
  work();
  for (auto& t : helpers) t.join();
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

// One policy over the frame: its entitlements with their digests (no texts yet), and its totals.
PolicyRows EvaluatePolicy(const Policy& p, size_t index, const RegistryFrame& rf, uint64_t ref_digest) {
  PolicyRows out;
  CompiledPolicy compiled(p);
  CompiledPolicy::Result result;
  const auto t_rules = std::chrono::steady_clock::now();
  compiled.EvaluateInto(rf.frame, result);
  out.seconds_rules = Seconds(t_rules);
  out.total.policy_id = p.id;
  out.total.name = p.name;
  out.total.department = p.department;
  out.total.target = TargetName(p.target);
  const bool person = p.target == Target::kPerson;
  std::optional<internal::ExplanationWriter> writer;
  out.rows.reserve(static_cast<size_t>(std::count_if(result.eligible.begin(), result.eligible.end(),
                                                     [](int64_t e) { return e != 0; })));
  for (size_t row = 0; row < result.eligible.size(); ++row) {
    if (result.eligible[row] == 0) continue;
    if (!writer) writer.emplace(p, compiled.eligibility(), rf.frame);
    const size_t h = person ? static_cast<size_t>(rf.frame.person_household()[row]) : row;
    Built b;
    b.policy = static_cast<uint32_t>(index);
    b.household_id = rf.household_ids[h];
    b.person_id = person ? rf.person_ids[row] : 0;
    b.household_row = static_cast<uint32_t>(h);
    b.row = row;
    b.amount = result.amount[row];
    const uint64_t explanation = writer->Digest(row, b.amount);
    b.explanation = static_cast<int64_t>(explanation);
    b.digest = RowDigest(rf.village_codes[h], ref_digest, explanation);
    ++out.total.entitled;
    out.total.amount += b.amount;
    out.rows.push_back(b);
  }
  return out;
}

bool KeyLess(size_t pa, int64_t ha, int64_t qa, size_t pb, int64_t hb, int64_t qb) {
  return std::tie(pa, ha, qa) < std::tie(pb, hb, qb);
}

// Every selected policy evaluated, on as many threads as the machine has cores (each policy on
// one); the rows of all of them in key order, with digests but no texts.
std::vector<Built> EvaluateAll(const std::vector<const Policy*>& policies, const RegistryFrame& rf,
                               const std::string& ref_date, ProgressStage& stage,
                               std::vector<PolicyTotal>& totals, double& seconds_rules) {
  std::vector<PolicyRows> outputs(policies.size());
  const uint64_t ref_digest = XXH3_64bits(ref_date.data(), ref_date.size());
  OnCores(policies.size(), [&](size_t i) { outputs[i] = EvaluatePolicy(*policies[i], i, rf, ref_digest); });
  stage.Advance(static_cast<int64_t>(policies.size()));
  size_t total_rows = 0;
  for (const auto& o : outputs) total_rows += o.rows.size();
  std::vector<Built> built;
  built.reserve(total_rows);
  for (auto& o : outputs) {
    totals.push_back(std::move(o.total));
    seconds_rules += o.seconds_rules;
    std::move(o.rows.begin(), o.rows.end(), std::back_inserter(built));
    o.rows = {};
  }
  auto less = [](const Built& a, const Built& b) {
    return KeyLess(a.policy, a.household_id, a.person_id, b.policy, b.household_id, b.person_id);
  };
  if (!std::is_sorted(built.begin(), built.end(), less)) std::sort(built.begin(), built.end(), less);
  return built;
}

// A row stored before the run, in its scope.
struct StoredRow {
  size_t policy = 0;
  int64_t household_id = 0;
  int64_t person_id = 0;
  Fen amount = 0;
  std::string village;
  int64_t digest = 0;
};

// What was stored before for the scope: the year's entitlements of these policies (`ids`, sorted)
// in the area, in key order: one read per policy along the primary key (year, policy, household,
// person), so that no policy text is read per row and nothing is sorted here.
std::vector<StoredRow> StoredBefore(store::Connection& db, int year, const std::pair<std::string, std::string>& range,
                                    const std::vector<std::string>& ids, const std::vector<bool>& skip) {
  std::vector<StoredRow> before;
  const bool nation = range.first.empty();
  auto s = db.Prepare(std::string("SELECT household_id, person_id, amount, village_code, digest FROM entitlements"
                                  " WHERE year = ? AND policy_id = ?") +
                      (nation ? "" : " AND village_code >= ? AND village_code < ?") +
                      " ORDER BY household_id, person_id");
  for (size_t i = 0; i < ids.size(); ++i) {
    if (skip[i]) continue;
    s->Reset();
    s->BindInt(1, year);
    s->BindText(2, ids[i]);
    if (!nation) {
      s->BindText(3, range.first);
      s->BindText(4, range.second);
    }
    while (s->Step()) before.push_back({i, s->Int(0), s->Int(1), s->Int(2), s->Text(3), s->Int(4)});
  }
  return before;
}

// The sum of one policy's rows: how many, and a digest of their keys and digests in key order.
struct PolicySum {
  int64_t rows = 0;
  int64_t digest = 0;
  bool operator==(const PolicySum&) const = default;
};

// The sum of each selected policy's built rows (`built` in key order).
std::vector<PolicySum> SumsOf(const std::vector<Built>& built, size_t policies) {
  std::vector<PolicySum> sums(policies);
  std::vector<XXH64_hash_t> h(policies, 0);
  for (const Built& b : built) {
    const std::array<int64_t, 3> part = {b.household_id, b.person_id, b.digest};
    h[b.policy] = XXH3_64bits_withSeed(part.data(), sizeof part, h[b.policy]);
    ++sums[b.policy].rows;
  }
  for (size_t i = 0; i < policies; ++i) sums[i].digest = static_cast<int64_t>(h[i]);
  return sums;
}

// Which policies' stored rows in the scope are those the run built: the sum stored for the scope
// equals the built rows' sum and the table holds that many rows of the policy there (a guard
// against rows deleted by hand). Those are neither read nor written.
std::vector<bool> SameAsStored(store::Connection& db, int year, const std::string& area,
                               const std::vector<std::string>& ids, const std::vector<PolicySum>& sums) {
  std::vector<bool> same(ids.size(), false);
  auto stored = db.Prepare("SELECT rows, digest FROM entitlement_sums WHERE year = ? AND policy_id = ? AND area_code = ?");
  const auto range = internal::AreaRange(area);
  const bool nation = range.first.empty();
  auto count = db.Prepare(std::string("SELECT count(*) FROM entitlements WHERE year = ? AND policy_id = ?") +
                          (nation ? "" : " AND village_code >= ? AND village_code < ?"));
  for (size_t i = 0; i < ids.size(); ++i) {
    stored->Reset();
    stored->BindInt(1, year);
    stored->BindText(2, ids[i]);
    stored->BindText(3, area);
    if (!stored->Step() || PolicySum{stored->Int(0), stored->Int(1)} != sums[i]) continue;
    count->Reset();
    count->BindInt(1, year);
    count->BindText(2, ids[i]);
    if (!nation) {
      count->BindText(3, range.first);
      count->BindText(4, range.second);
    }
    count->Step();
    same[i] = count->Int(0) == sums[i].rows;
  }
  return same;
}

// What the run writes: the built rows to insert (new or different) and the stored keys to delete
// (gone or different); rows found the same are left as stored.
struct Writes {
  std::vector<size_t> insert;        // indexes into the built rows
  std::vector<const StoredRow*> del;
};

// An added, changed (amount) or removed entitlement, without copies of its strings: a first run
// has one for each of its 1.5 M rows, and only the first 1000 are returned as EntitlementChange.
struct ChangeRef {
  EntitlementChangeKind kind = EntitlementChangeKind::kAdded;
  size_t policy = 0;
  int64_t household_id = 0;
  int64_t person_id = 0;
  const std::string* village = nullptr;
  std::optional<Fen> old_amount;
  std::optional<Fen> new_amount;
};

EntitlementChange ChangeOf(const ChangeRef& c, const std::vector<std::string>& ids) {
  return {c.kind, ids[c.policy], c.household_id, c.person_id, *c.village, c.old_amount, c.new_amount};
}

// Added, changed (amount) and removed entitlements, counted into the run, in the order the run has
// always recorded them (the built rows' added and changed in key order, then the removed); and
// the rows to write.
std::vector<ChangeRef> ChangesOf(const std::vector<Built>& built, const std::vector<StoredRow>& before,
                                 const std::vector<bool>& same, const RegistryFrame& rf, EntitlementRun& run,
                                 Writes& writes) {
  std::vector<ChangeRef> changes;
  std::vector<ChangeRef> removed;
  // A first run adds every row: room for all of them at once, not by doubling (1.5 M at the nation).
  if (before.empty()) {
    changes.reserve(built.size());
    writes.insert.reserve(built.size());
  }
  size_t j = 0;
  auto gone = [&](const StoredRow& old) {
    removed.push_back({EntitlementChangeKind::kRemoved, old.policy, old.household_id, old.person_id, &old.village,
                       old.amount, std::nullopt});
    writes.del.push_back(&old);
  };
  for (size_t i = 0; i < built.size(); ++i) {
    const Built& b = built[i];
    if (same[b.policy]) continue;  // as stored (SameAsStored); none of its rows were read
    while (j < before.size() &&
           KeyLess(before[j].policy, before[j].household_id, before[j].person_id, b.policy, b.household_id,
                   b.person_id)) {
      gone(before[j++]);
    }
    const std::string& village = rf.village_codes[b.household_row];
    if (j < before.size() && before[j].policy == b.policy && before[j].household_id == b.household_id &&
        before[j].person_id == b.person_id) {
      const StoredRow& old = before[j++];
      if (old.amount != b.amount) {
        changes.push_back({EntitlementChangeKind::kChanged, b.policy, b.household_id, b.person_id, &village,
                           old.amount, b.amount});
      }
      if (old.digest != b.digest || old.amount != b.amount || old.village != village) {
        writes.del.push_back(&old);
        writes.insert.push_back(i);
      }
      continue;
    }
    changes.push_back(
        {EntitlementChangeKind::kAdded, b.policy, b.household_id, b.person_id, &village, std::nullopt, b.amount});
    writes.insert.push_back(i);
  }
  while (j < before.size()) gone(before[j++]);
  std::move(removed.begin(), removed.end(), std::back_inserter(changes));
  for (const auto& c : changes) {
    switch (c.kind) {
      case EntitlementChangeKind::kAdded: ++run.added; break;
      case EntitlementChangeKind::kRemoved: ++run.removed; break;
      case EntitlementChangeKind::kChanged: ++run.changed; break;
    }
  }
  return changes;
}

// The explanation (reason and clauses) each row the run writes refers to, by its place in
// writes.insert: an id of entitlement_explanations. Rows with the same explanation digest have the
// same texts (ExplanationWriter::Digest), and a year's 1.5 M rows have a few hundred of them, so
// the texts are stored once each: those already stored are found by digest (one join over a
// staging table of the digests wanted), the others built from one row each (each policy's on one
// of the machine's cores) and inserted. Returns the ids; `built_texts` is how many were built.
std::vector<int64_t> ExplanationIds(store::Connection& db, const std::vector<const Policy*>& policies,
                                    const RegistryFrame& rf, const std::vector<Built>& built, const Writes& writes,
                                    int64_t& built_texts) {
  // One row of each explanation wanted, by digest.
  std::vector<size_t> wanted;  // indexes into built
  {
    std::unordered_map<int64_t, size_t> first;
    for (const size_t i : writes.insert) first.emplace(built[i].explanation, i);
    wanted.reserve(first.size());
    for (const auto& [digest, i] : first) wanted.push_back(i);
  }
  std::sort(wanted.begin(), wanted.end());  // by policy and row: the writers below move forwards
  std::unordered_map<int64_t, int64_t> id_of;  // digest -> entitlement_explanations.id
  auto read_ids = [&] {
    auto s = db.Prepare(
        "SELECT x.digest, x.id FROM entitlement_explanations x JOIN entitlement_wanted w ON w.digest = x.digest");
    while (s->Step()) id_of[s->Int(0)] = s->Int(1);
  };
  if (!wanted.empty()) {
    db.Execute(store::TranslateSql("CREATE TEMP TABLE IF NOT EXISTS entitlement_wanted (digest INTEGER NOT NULL)",
                                   db.dialect()));
    db.Execute("DELETE FROM entitlement_wanted");
    const std::vector<std::string> columns = {"digest"};
    auto w = db.BulkInsert("entitlement_wanted", columns);
    for (const size_t i : wanted) w->Append({built[i].explanation});
    w->Finish();
    read_ids();
  }
  std::vector<size_t> missing;
  for (const size_t i : wanted) {
    if (!id_of.contains(built[i].explanation)) missing.push_back(i);
  }
  built_texts = static_cast<int64_t>(missing.size());
  if (!missing.empty()) {
    struct Texts {
      std::string reason;
      std::string clauses;
    };
    std::vector<Texts> texts(missing.size());
    std::vector<std::pair<size_t, size_t>> spans;  // [first, last) of `missing`, per policy
    for (size_t k = 0; k < missing.size(); ++k) {
      if (k == 0 || built[missing[k]].policy != built[missing[k - 1]].policy) spans.emplace_back(k, k);
      spans.back().second = k + 1;
    }
    OnCores(spans.size(), [&](size_t i) {
      const Policy& p = *policies[built[missing[spans[i].first]].policy];
      CompiledPolicy compiled(p);
      internal::ExplanationWriter writer(p, compiled.eligibility(), rf.frame);
      for (size_t k = spans[i].first; k < spans[i].second; ++k) {
        const Built& b = built[missing[k]];
        writer.Write(b.row, b.amount, texts[k].reason, texts[k].clauses);
      }
    });
    const std::vector<std::string> columns = {"digest", "reason", "clauses"};
    auto w = db.BulkInsert("entitlement_explanations", columns);
    for (size_t k = 0; k < missing.size(); ++k) {
      w->Append({built[missing[k]].explanation, std::move(texts[k].reason), std::move(texts[k].clauses)});
    }
    w->Finish();
    read_ids();
  }
  if (!wanted.empty()) db.Execute("DELETE FROM entitlement_wanted");
  std::vector<int64_t> ids(writes.insert.size());
  for (size_t k = 0; k < writes.insert.size(); ++k) ids[k] = id_of.at(built[writes.insert[k]].explanation);
  return ids;
}

// The run's record; returns its id.
int64_t InsertRun(store::Connection& db, const EntitlementRun& run, const std::string& policy_id,
                  const Caller& caller, int64_t now) {
  auto s = db.Prepare(
      "INSERT INTO entitlement_runs (year, area_code, policy_id, ref_date, persons, households, entitled, amount,"
      " added, removed, changed, actor, run_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  s->BindInt(1, run.year);
  s->BindText(2, run.area_code);
  s->BindText(3, policy_id);
  s->BindText(4, run.ref_date);
  s->BindInt(5, run.persons);
  s->BindInt(6, run.households);
  s->BindInt(7, run.entitled);
  s->BindInt(8, run.amount);
  s->BindInt(9, run.added);
  s->BindInt(10, run.removed);
  s->BindInt(11, run.changed);
  s->BindText(12, caller.user_name.empty() ? "local" : caller.user_name);
  s->BindInt(13, now);
  s->Step();
  return s->Int(0);
}

// The stored rows that are gone or different deleted, in one statement over a staging table of
// their keys.
void DeleteRows(store::Connection& db, int year, const std::vector<std::string>& ids,
                const std::vector<const StoredRow*>& rows) {
  if (rows.empty()) return;
  db.Execute(store::TranslateSql(
      "CREATE TEMP TABLE IF NOT EXISTS entitlement_keys (policy_id TEXT NOT NULL, household_id INTEGER NOT NULL,"
      " person_id INTEGER NOT NULL)",
      db.dialect()));
  db.Execute("DELETE FROM entitlement_keys");
  const std::vector<std::string> columns = {"policy_id", "household_id", "person_id"};
  auto w = db.BulkInsert("entitlement_keys", columns);
  for (const StoredRow* r : rows) w->Append({ids[r->policy], r->household_id, r->person_id});
  w->Finish();
  auto del = db.Prepare(
      "DELETE FROM entitlements WHERE year = ? AND (policy_id, household_id, person_id) IN"
      " (SELECT policy_id, household_id, person_id FROM entitlement_keys)");
  del->BindInt(1, year);
  del->Run();
  db.Execute("DELETE FROM entitlement_keys");
}

// The run's result stored: rows gone or different deleted, new and different rows inserted (one
// bulk insert), rows found the same left as they are; and what changed recorded.
void StoreEntitlements(store::Connection& db, int year, const std::pair<std::string, std::string>& range,
                       const std::vector<std::string>& ids,
                       const std::vector<Built>& built, const std::vector<int64_t>& explanation_ids,
                       const RegistryFrame& rf, const Writes& writes,
                       const std::vector<ChangeRef>& changes, int64_t run_id) {
  DeleteRows(db, year, ids, writes.del);
  const std::vector<std::string> columns = {"year",   "policy_id",   "household_id", "person_id", "village_code",
                                            "amount", "explanation", "run_id",       "digest"};
  auto w = db.BulkInsert("entitlements", columns);
  for (size_t k = 0; k < writes.insert.size(); ++k) {
    const Built& b = built[writes.insert[k]];
    w->Append({int64_t{year}, ids[b.policy], b.household_id, b.person_id, rf.village_codes[b.household_row],
               b.amount, explanation_ids[k], run_id, b.digest});
  }
  w->Finish();
  // When every change is an added row (a first run, or a run that only adds), the changes are the
  // rows this run just inserted in its area: copied from them in one statement (a third of the time
  // of binding 1.5 M rows one by one).
  if (changes.empty()) return;
  const bool only_added = changes.size() == writes.insert.size() &&
                          std::all_of(changes.begin(), changes.end(), [](const ChangeRef& c) {
                            return c.kind == EntitlementChangeKind::kAdded;
                          });
  if (only_added) {
    auto copy = db.Prepare(
        "INSERT INTO entitlement_changes (run_id, policy_id, household_id, person_id, village_code, kind, old_amount,"
        " new_amount) SELECT run_id, policy_id, household_id, person_id, village_code, '" +
        std::string(WireOf(EntitlementChangeTerms(), EntitlementChangeKind::kAdded)) +
        "', NULL, amount FROM entitlements WHERE year = ? AND run_id = ?" +
        (range.first.empty() ? std::string() : " AND village_code >= ? AND village_code < ?"));
    copy->BindInt(1, year);
    copy->BindInt(2, run_id);
    if (!range.first.empty()) {
      copy->BindText(3, range.first);
      copy->BindText(4, range.second);
    }
    copy->Run();
    return;
  }
  const std::vector<std::string> change_columns = {"run_id",       "policy_id", "household_id", "person_id",
                                                   "village_code", "kind",      "old_amount",   "new_amount"};
  auto c = db.BulkInsert("entitlement_changes", change_columns);
  auto opt = [](const std::optional<Fen>& v) { return v ? store::Value(*v) : store::Value(nullptr); };
  for (const auto& ch : changes) {
    c->Append({run_id, ids[ch.policy], ch.household_id, ch.person_id, *ch.village,
               std::string(WireOf(EntitlementChangeTerms(), ch.kind)), opt(ch.old_amount), opt(ch.new_amount)});
  }
  c->Finish();
}

// The sums of the run's policies for its area stored; a policy of which the run wrote or deleted
// rows has the sums of every other area that overlaps this one deleted (they no longer describe
// what is stored there).
void StoreSums(store::Connection& db, int year, const std::string& area, const std::vector<std::string>& ids,
               const std::vector<PolicySum>& sums, const std::vector<Built>& built,
               const std::vector<const StoredRow*>& deleted, const std::vector<size_t>& inserted) {
  std::vector<bool> written(ids.size(), false);
  for (const StoredRow* r : deleted) written[r->policy] = true;
  for (const size_t i : inserted) written[built[i].policy] = true;
  const auto range = internal::AreaRange(area);
  auto areas = db.Prepare("SELECT area_code FROM entitlement_sums WHERE year = ? AND policy_id = ?");
  auto drop = db.Prepare("DELETE FROM entitlement_sums WHERE year = ? AND policy_id = ? AND area_code = ?");
  auto add = db.Prepare("INSERT INTO entitlement_sums (year, policy_id, area_code, rows, digest) VALUES (?, ?, ?, ?, ?)");
  for (size_t i = 0; i < ids.size(); ++i) {
    std::vector<std::string> stale = {area};
    if (written[i]) {
      areas->Reset();
      areas->BindInt(1, year);
      areas->BindText(2, ids[i]);
      while (areas->Step()) {
        const auto other = internal::AreaRange(areas->Text(0));
        if (other.first < range.second && range.first < other.second && areas->Text(0) != area) {
          stale.push_back(areas->Text(0));
        }
      }
    }
    for (const std::string& a : stale) {
      drop->Reset();
      drop->BindInt(1, year);
      drop->BindText(2, ids[i]);
      drop->BindText(3, a);
      drop->Run();
    }
    add->Reset();
    add->BindInt(1, year);
    add->BindText(2, ids[i]);
    add->BindText(3, area);
    add->BindInt(4, sums[i].rows);
    add->BindInt(5, sums[i].digest);
    add->Run();
  }
}

// Whether nothing was run or stored for the scope before.
bool FirstRun(store::Connection& db, int year, const std::string& area, const std::string& policy_id,
              bool stored_before) {
  auto prior = db.Prepare(
      "SELECT count(*) FROM entitlement_runs WHERE year = ? AND area_code = ? AND (policy_id = ? OR policy_id = '')");
  prior->BindInt(1, year);
  prior->BindText(2, area);
  prior->BindText(3, policy_id);
  prior->Step();
  return prior->Int(0) == 0 && !stored_before;
}

// The policies a run evaluates: the one named, else every policy in force in the year; by id.
std::vector<const Policy*> SelectPolicies(const EntitlementService& service, const std::vector<Policy>& policies,
                                          const EntitlementService::RunInput& in) {
  std::vector<const Policy*> selected;
  if (!in.policy_id.empty()) {
    selected.push_back(&service.FindPolicy(in.policy_id));
  } else {
    for (const Policy& p : policies) {
      if (p.InForce(in.year)) selected.push_back(&p);
    }
  }
  std::sort(selected.begin(), selected.end(), [](const Policy* a, const Policy* b) { return a->id < b->id; });
  return selected;
}

}  // namespace

EntitlementRun EntitlementService::Run(const Caller& caller, const RunInput& in, Progress& progress) {
  access::Audit audit(db_, clock_);
  const std::string area = in.area_code.empty() ? caller.area_scope : in.area_code;
  const std::string entity = "entitlements/" + std::to_string(in.year);
  const Date ref = RunRefDate(in, clock_.Today());
  access::Guard(audit).RequireWrite(caller, Resource::kPolicy, {area, std::nullopt, entity});
  internal::RequireArea(db_, area);
  const std::vector<const Policy*> selected = SelectPolicies(*this, policies_, in);
  std::vector<std::string> ids;
  ids.reserve(selected.size());
  for (const Policy* p : selected) ids.push_back(p->id);
  // Built::policy indexes both `selected` and `ids`: one id per policy.
  if (std::adjacent_find(ids.begin(), ids.end()) != ids.end()) throw Error::Internal("two policies share an id");
  EntitlementRun run;
  run.year = in.year;
  run.area_code = area;
  run.policy_id = in.policy_id;
  run.ref_date = ref.ToString();

  auto t0 = std::chrono::steady_clock::now();
  std::optional<ProgressStage> stage;
  stage.emplace(progress, "read", 1);
  RegistryFrame rf = FillFrame(db_, in.year, ref, area);
  stage->Advance();
  run.seconds_fill = Seconds(t0);
  run.persons = static_cast<int64_t>(rf.person_ids.size());
  run.households = static_cast<int64_t>(rf.household_ids.size());

  t0 = std::chrono::steady_clock::now();
  stage.reset();
  stage.emplace(progress, "evaluate", static_cast<int64_t>(selected.size()));
  std::vector<Built> built = EvaluateAll(selected, rf, run.ref_date, *stage, run.by_policy, run.seconds_rules);
  run.seconds_eval = Seconds(t0);

  stage.reset();
  stage.emplace(progress, "store", 1);
  t0 = std::chrono::steady_clock::now();
  store::Transaction tx(db_);
  // Runs store one at a time, so that what this one reads (the sums, the stored rows) is what it
  // replaces: SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL's READ COMMITTED
  // would let another run commit between this run's reads and its writes, and the sum this run
  // stores would then describe rows no longer there (a later re-run would skip them for good).
  if (db_.dialect() == store::Dialect::kPostgres) db_.Execute("SELECT pg_advisory_xact_lock(4711406)");
  const std::vector<PolicySum> sums = SumsOf(built, ids.size());
  const std::vector<bool> same = SameAsStored(db_, in.year, area, ids, sums);
  const std::vector<StoredRow> before = StoredBefore(db_, in.year, internal::AreaRange(area), ids, same);
  bool stored_before = !before.empty();
  for (size_t i = 0; i < ids.size(); ++i) stored_before = stored_before || (same[i] && sums[i].rows > 0);
  run.first_run = FirstRun(db_, in.year, area, in.policy_id, stored_before);
  Writes writes;
  const std::vector<ChangeRef> changes = ChangesOf(built, before, same, rf, run, writes);
  const auto t_explain = std::chrono::steady_clock::now();
  const std::vector<int64_t> explanation_ids = ExplanationIds(db_, selected, rf, built, writes, run.explained);
  run.written = static_cast<int64_t>(writes.insert.size());
  const double seconds_explain = Seconds(t_explain);
  run.seconds_eval += seconds_explain;
  for (const PolicyTotal& t : run.by_policy) {
    run.entitled += t.entitled;
    run.amount += t.amount;
  }
  run.id = InsertRun(db_, run, in.policy_id, caller, clock_.NowSeconds());
  StoreEntitlements(db_, in.year, internal::AreaRange(area), ids, built, explanation_ids, rf, writes, changes, run.id);
  StoreSums(db_, in.year, area, ids, sums, built, writes.del, writes.insert);
  run.changes_total = static_cast<int64_t>(changes.size());
  for (size_t i = 0; i < std::min<size_t>(changes.size(), 1000); ++i) run.changes.push_back(ChangeOf(changes[i], ids));
  nlohmann::json summary = {{"run_id", run.id},       {"year", run.year},         {"area", area},
                            {"policy", in.policy_id}, {"ref_date", run.ref_date}, {"entitled", run.entitled},
                            {"amount", run.amount},   {"added", run.added},       {"removed", run.removed},
                            {"changed", run.changed}};
  audit.Record(caller, {"entitlement.run", entity, area, std::nullopt, summary.dump()});
  tx.Commit();
  stage->Advance();
  run.seconds_store = Seconds(t0) - seconds_explain;
  return run;
}

Page EntitlementService::List(const Caller& caller, const ListFilter& f) {
  Page page;
  page.total = Select(caller, f, true, true, [&](Entitlement&& e) { page.items.push_back(std::move(e)); });
  return page;
}

int64_t EntitlementService::ForEach(const Caller& caller, const ListFilter& f,
                                    const std::function<void(const Entitlement&)>& row) {
  return Select(caller, f, false, false, [&](Entitlement&& e) { row(e); });
}

int64_t EntitlementService::Select(const Caller& caller, const ListFilter& f, bool paged, bool with_clauses,
                                   const std::function<void(Entitlement&&)>& row) {
  access::Audit audit(db_, clock_);
  const std::string area = internal::ReadArea(audit, caller, f.area_code, "entitlements/" + std::to_string(f.year));
  if (paged && (f.limit < 1 || f.limit > 1000)) throw Error::InvalidArgument("bad limit", {{"limit", "must be 1 to 1000"}});
  if (paged && f.offset < 0) throw Error::InvalidArgument("bad offset", {{"offset", "must not be negative"}});
  if (!f.policy_id.empty()) FindPolicy(f.policy_id);
  std::map<std::string, const Policy*> by_id;
  for (const Policy& p : policies_) by_id[p.id] = &p;
  // Named, not a structured binding: the lambda below captures them (clang 14 refuses that).
  const auto range = internal::AreaRange(area);
  const std::string& lo = range.first;
  const std::string& hi = range.second;
  const std::string where =
      " WHERE e.year = ? AND e.village_code >= ? AND e.village_code < ? AND (? = '' OR e.policy_id = ?)"
      " AND (? = 0 OR e.household_id = ?)";
  auto bind = [&](store::Statement& s) {
    s.BindInt(1, f.year);
    s.BindText(2, lo);
    s.BindText(3, hi);
    s.BindText(4, f.policy_id);
    s.BindText(5, f.policy_id);
    s.BindInt(6, f.household_id.value_or(0));
    s.BindInt(7, f.household_id.value_or(0));
  };
  int64_t total = 0;
  if (paged) {
    auto count = db_.Prepare("SELECT count(*) FROM entitlements e" + where);
    bind(*count);
    count->Step();
    total = count->Int(0);
  }
  auto s = db_.Prepare(
      std::string("SELECT e.policy_id, e.household_id, h.number, e.person_id, p.name, p.id_number_masked,"
                  " e.village_code, a.name, e.amount, COALESCE(x.reason, ''), ") +
      (with_clauses ? "COALESCE(x.clauses, '[]')" : "''") +
      " FROM entitlements e JOIN households h ON h.id = e.household_id"
      " LEFT JOIN persons p ON p.id = e.person_id LEFT JOIN areas a ON a.code = e.village_code"
      " LEFT JOIN entitlement_explanations x ON x.id = e.explanation" +
      where + " ORDER BY e.village_code, h.number, e.person_id, e.policy_id" + (paged ? " LIMIT ? OFFSET ?" : ""));
  bind(*s);
  if (paged) {
    s->BindInt(8, f.limit);
    s->BindInt(9, f.offset);
  }
  int64_t rows = 0;
  while (s->Step()) {
    Entitlement e;
    e.year = f.year;
    e.policy_id = s->Text(0);
    if (auto it = by_id.find(e.policy_id); it != by_id.end()) {
      e.policy_name = it->second->name;
      e.department = it->second->department;
    }
    e.household_id = s->Int(1);
    e.household_number = s->Text(2);
    e.person_id = s->Int(3);
    e.person_name = s->IsNull(4) ? "" : s->Text(4);
    e.id_number = s->IsNull(5) ? "" : s->Text(5);
    e.village_code = s->Text(6);
    e.village_name = s->IsNull(7) ? "" : s->Text(7);
    e.amount = s->Int(8);
    e.reason = s->Text(9);
    if (with_clauses) e.clauses = nlohmann::json::parse(s->Text(10), nullptr, false);
    ++rows;
    row(std::move(e));
  }
  return paged ? total : rows;
}

std::optional<EntitlementRun> EntitlementService::LatestRun(const Caller& caller, int year,
                                                            const std::string& area_code,
                                                            const std::string& policy_id, int64_t changes_limit,
                                                            int64_t changes_offset) {
  access::Audit audit(db_, clock_);
  const std::string area = internal::ReadArea(audit, caller, area_code, "entitlements/" + std::to_string(year));
  if (changes_limit < 0 || changes_limit > 1000) {
    throw Error::InvalidArgument("bad limit", {{"limit", "must be 1 to 1000"}});
  }
  if (changes_offset < 0) throw Error::InvalidArgument("bad offset", {{"offset", "must not be negative"}});
  auto s = db_.Prepare(
      "SELECT id, ref_date, persons, households, entitled, amount, added, removed, changed FROM entitlement_runs"
      " WHERE year = ? AND area_code = ? AND policy_id = ? ORDER BY id DESC LIMIT 1");
  s->BindInt(1, year);
  s->BindText(2, area);
  s->BindText(3, policy_id);
  if (!s->Step()) return std::nullopt;
  EntitlementRun r;
  r.id = s->Int(0);
  r.year = year;
  r.area_code = area;
  r.policy_id = policy_id;
  r.ref_date = s->Text(1);
  r.persons = s->Int(2);
  r.households = s->Int(3);
  r.entitled = s->Int(4);
  r.amount = s->Int(5);
  r.added = s->Int(6);
  r.removed = s->Int(7);
  r.changed = s->Int(8);
  r.changes_total = r.added + r.removed + r.changed;
  // As Run() decided it: nothing stored for the scope before (everything it
  // stored was added, nothing removed or changed) and no earlier run of it.
  {
    auto prior = db_.Prepare(
        "SELECT count(*) FROM entitlement_runs WHERE year = ? AND area_code = ? AND (policy_id = ? OR policy_id = '')"
        " AND id < ?");
    prior->BindInt(1, year);
    prior->BindText(2, area);
    prior->BindText(3, policy_id);
    prior->BindInt(4, r.id);
    prior->Step();
    r.first_run = prior->Int(0) == 0 && r.removed == 0 && r.changed == 0 && r.added == r.entitled;
  }
  if (changes_limit > 0) {
    auto c = db_.Prepare(
        "SELECT kind, policy_id, household_id, person_id, village_code, old_amount, new_amount"
        " FROM entitlement_changes WHERE run_id = ?"
        " ORDER BY CASE kind WHEN '" + std::string(WireOf(EntitlementChangeTerms(), EntitlementChangeKind::kAdded)) +
        "' THEN 0 WHEN '" + std::string(WireOf(EntitlementChangeTerms(), EntitlementChangeKind::kRemoved)) +
        "' THEN 1 ELSE 2 END, policy_id, household_id, person_id"
        " LIMIT ? OFFSET ?");
    c->BindInt(1, r.id);
    c->BindInt(2, changes_limit);
    c->BindInt(3, changes_offset);
    while (c->Step()) {
      const auto kind = ParseWire<EntitlementChangeKind>(EntitlementChangeTerms(), c->Text(0));
      if (!kind) {
        throw Error::Internal("entitlement_changes.kind holds '" + c->Text(0) + "', not one of " +
                              WireList(EntitlementChangeTerms()));
      }
      r.changes.push_back({*kind, c->Text(1), c->Int(2), c->Int(3), c->Text(4), c->OptionalInt(5), c->OptionalInt(6)});
    }
  }
  return r;
}

}  // namespace fupin::policy
