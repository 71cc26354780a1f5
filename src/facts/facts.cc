#include "facts/facts.h"

#include <sys/stat.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <mutex>
#include <numeric>
#include <unordered_map>
#include <utility>
#include <vector>

#include "access/audit.h"
#include "core/area_code.h"
#include "core/date.h"
#include "core/error.h"

namespace fupin::facts {

int32_t DayNumber(std::string_view text) {
  int32_t v = 0;
  for (char c : text) {
    if (c >= '0' && c <= '9') v = v * 10 + (c - '0');
  }
  return v;
}

namespace {

int32_t Id(int64_t v) { return static_cast<int32_t>(v); }
int8_t Flag(store::Statement& s, int c) { return s.IsNull(c) ? int8_t{-1} : static_cast<int8_t>(s.Int(c) != 0); }

// A text column being built.
struct TextBuilder {
  std::vector<uint32_t> offsets{0};
  std::vector<char> bytes;
  void Add(std::string_view s) {
    bytes.insert(bytes.end(), s.begin(), s.end());
    offsets.push_back(static_cast<uint32_t>(bytes.size()));
  }
  void AddTo(ColumnWriter& w, const std::string& name) const {
    w.Add(name + ".offsets", offsets);
    w.Add(name + ".bytes", bytes);
  }
};

// Codes of the values of a closed list, in order of first appearance.
struct Dictionary {
  std::vector<std::string> values;
  uint8_t Code(std::string_view v) {
    for (size_t i = 0; i < values.size(); ++i) {
      if (values[i] == v) return static_cast<uint8_t>(i);
    }
    values.emplace_back(v);
    return static_cast<uint8_t>(values.size() - 1);
  }
  void AddTo(ColumnWriter& w, const std::string& name) const {
    TextBuilder t;
    for (const auto& v : values) t.Add(v);
    t.AddTo(w, name);
  }
};

// The order that sorts rows by year, keeping the read order within a year (a counting sort).
std::vector<uint32_t> ByYear(const std::vector<int16_t>& year) {
  if (year.empty()) return {};
  const auto [lo, hi] = std::minmax_element(year.begin(), year.end());
  std::vector<size_t> start(static_cast<size_t>(*hi - *lo) + 2, 0);
  for (int16_t y : year) ++start[static_cast<size_t>(y - *lo) + 1];
  std::partial_sum(start.begin(), start.end(), start.begin());
  std::vector<uint32_t> order(year.size());
  for (size_t i = 0; i < year.size(); ++i) order[start[static_cast<size_t>(year[i] - *lo)]++] = static_cast<uint32_t>(i);
  return order;
}

template <typename T>
std::vector<T> Permuted(const std::vector<T>& v, const std::vector<uint32_t>& order) {
  std::vector<T> out;
  out.reserve(v.size());
  for (uint32_t i : order) out.push_back(v[i]);
  return out;
}

using AreaIndex = std::unordered_map<std::string, int32_t>;

AreaIndex AddAreas(store::Connection& db, ColumnWriter& w) {
  std::vector<std::string> codes, names;
  std::vector<uint8_t> levels;
  auto s = db.Prepare("SELECT code, name, level FROM areas");
  while (s->Step()) {
    codes.push_back(s->Text(0));
    names.push_back(s->Text(1));
    levels.push_back(static_cast<uint8_t>(s->Int(2)));
  }
  // Byte order of the codes, whatever the server's collation.
  std::vector<uint32_t> order(codes.size());
  std::iota(order.begin(), order.end(), 0);
  if (!std::is_sorted(codes.begin(), codes.end())) {
    std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) { return codes[x] < codes[y]; });
  }
  AreaIndex index;
  index.reserve(codes.size());
  for (size_t i = 0; i < order.size(); ++i) index.emplace(codes[order[i]], static_cast<int32_t>(i));
  // The nearest ancestor present, by the natural code (as the indicators walk it).
  TextBuilder code, name;
  std::vector<int32_t> parent(codes.size(), -1);
  for (size_t i = 0; i < order.size(); ++i) {
    const std::string& c = codes[order[i]];
    code.Add(c);
    name.Add(names[order[i]]);
    for (std::string p = ParentAreaCode(c); !p.empty(); p = ParentAreaCode(p)) {
      if (auto it = index.find(p); it != index.end()) {
        parent[i] = it->second;
        break;
      }
    }
  }
  code.AddTo(w, "area.code");
  name.AddTo(w, "area.name");
  w.Add("area.level", Permuted(levels, order));
  w.Add("area.parent", parent);
  return index;
}

void AddHouseholds(store::Connection& db, const AreaIndex& areas, ColumnWriter& w) {
  std::vector<std::string> numbers;
  std::vector<int32_t> ids, area;
  auto s = db.Prepare("SELECT id, number, village_code FROM households");
  std::string last_code;
  int32_t last_area = -1;
  while (s->Step()) {
    std::string c = s->Text(2);
    if (c != last_code || last_area < 0) {
      auto it = areas.find(c);
      last_area = it == areas.end() ? -1 : it->second;
      last_code = std::move(c);
    }
    ids.push_back(Id(s->Int(0)));
    area.push_back(last_area);
    numbers.push_back(s->Text(1));
  }
  std::vector<uint32_t> order(ids.size());
  std::iota(order.begin(), order.end(), 0);
  if (!std::is_sorted(numbers.begin(), numbers.end())) {
    std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) { return numbers[x] < numbers[y]; });
  }
  w.Add("household.id", Permuted(ids, order));
  w.Add("household.area", Permuted(area, order));
}

void AddPersons(store::Connection& db, ColumnWriter& w) {
  std::vector<int32_t> birth, death;
  size_t end = 0;  // the largest id + 1
  auto s = db.Prepare("SELECT id, birth_date, death_date FROM persons");
  while (s->Step()) {
    const auto id = static_cast<size_t>(s->Int(0));
    const std::string b = s->Text(1);
    At(birth, id, int32_t{-1}) = Date::Parse(b) ? DayNumber(b) : -1;
    At(death, id, kNoDate) = s->IsNull(2) ? kNoDate : DayNumber(s->Text(2));
    end = std::max(end, id + 1);
  }
  birth.resize(end);
  death.resize(end);
  w.Add("person.birth", birth);
  w.Add("person.death", death);
}

void AddPersonYears(store::Connection& db, ColumnWriter& w) {
  std::vector<int16_t> year;
  std::vector<int32_t> person;
  std::vector<uint8_t> school;
  std::vector<int8_t> medical;
  Dictionary dict;
  auto s = db.Prepare("SELECT year, person_id, school_status, medical_insured FROM person_years");
  while (s->Step()) {
    year.push_back(static_cast<int16_t>(s->Int(0)));
    person.push_back(Id(s->Int(1)));
    school.push_back(s->IsNull(2) ? uint8_t{0} : static_cast<uint8_t>(dict.Code(s->Text(2)) + 1));
    medical.push_back(Flag(*s, 3));
  }
  const auto order = ByYear(year);
  w.Add("person_year.year", Permuted(year, order));
  w.Add("person_year.person", Permuted(person, order));
  w.Add("person_year.school", Permuted(school, order));
  w.Add("person_year.medical", Permuted(medical, order));
  dict.AddTo(w, "person_year.school_dict");
}

void AddHouseholdYears(store::Connection& db, ColumnWriter& w) {
  std::vector<int16_t> year;
  std::vector<int32_t> household, members;
  std::vector<int64_t> income;
  std::array<std::vector<int8_t>, 4> flags;
  auto s = db.Prepare(
      "SELECT year, household_id, members, wage_income + production_income + property_income + transfer_income"
      " - production_cost, food_secure, clothing_secure, housing_safe, drinking_water_safe FROM household_years");
  while (s->Step()) {
    year.push_back(static_cast<int16_t>(s->Int(0)));
    household.push_back(Id(s->Int(1)));
    members.push_back(static_cast<int32_t>(s->Int(2)));
    income.push_back(s->Int(3));
    for (size_t f = 0; f < 4; ++f) flags[f].push_back(Flag(*s, static_cast<int>(4 + f)));
  }
  const auto order = ByYear(year);
  w.Add("household_year.year", Permuted(year, order));
  w.Add("household_year.household", Permuted(household, order));
  w.Add("household_year.members", Permuted(members, order));
  w.Add("household_year.net_income", Permuted(income, order));
  const char* names[] = {"household_year.food", "household_year.clothing", "household_year.housing",
                         "household_year.water"};
  for (size_t f = 0; f < 4; ++f) w.Add(names[f], Permuted(flags[f], order));
}

void AddEvents(store::Connection& db, ColumnWriter& w) {
  std::vector<int32_t> household, date;
  std::vector<int16_t> year;
  std::vector<uint8_t> kind;
  Dictionary dict;
  auto s = db.Prepare("SELECT household_id, kind, year, date FROM household_events ORDER BY id");
  while (s->Step()) {
    household.push_back(Id(s->Int(0)));
    kind.push_back(dict.Code(s->Text(1)));
    year.push_back(static_cast<int16_t>(s->Int(2)));
    date.push_back(DayNumber(s->Text(3)));
  }
  w.Add("event.household", household);
  w.Add("event.date", date);
  w.Add("event.year", year);
  w.Add("event.kind", kind);
  dict.AddTo(w, "event.kind_dict");
}

void AddMemberships(store::Connection& db, ColumnWriter& w) {
  std::vector<int32_t> household, person, start, end;
  auto s = db.Prepare("SELECT household_id, person_id, start_date, end_date FROM memberships");
  while (s->Step()) {
    household.push_back(Id(s->Int(0)));
    person.push_back(Id(s->Int(1)));
    start.push_back(DayNumber(s->Text(2)));
    end.push_back(s->IsNull(3) ? kNoDate : DayNumber(s->Text(3)));
  }
  w.Add("membership.household", household);
  w.Add("membership.person", person);
  w.Add("membership.start", start);
  w.Add("membership.end", end);
}

void AddAreaYears(store::Connection& db, const AreaIndex& areas, ColumnWriter& w) {
  std::vector<int32_t> area;
  std::vector<int16_t> year;
  std::vector<int64_t> population;
  auto s = db.Prepare("SELECT area_code, year, rural_population FROM area_years WHERE rural_population IS NOT NULL");
  while (s->Step()) {
    auto it = areas.find(s->Text(0));
    if (it == areas.end()) continue;
    area.push_back(it->second);
    year.push_back(static_cast<int16_t>(s->Int(1)));
    population.push_back(s->Int(2));
  }
  w.Add("area_year.area", area);
  w.Add("area_year.year", year);
  w.Add("area_year.population", population);
}

}  // namespace

TextColumn Facts::Text(std::string_view name) const {
  const std::string n(name);
  return {columns_->Get<uint32_t>(n + ".offsets"), columns_->Get<char>(n + ".bytes")};
}

DataVersion CurrentVersion(store::Connection& db) {
  DataVersion v;
  v.head = access::Audit(db, DefaultClock()).DataHead();
  auto s = db.Prepare("SELECT hash FROM audit_log WHERE id = ?");
  s->BindInt(1, v.head);
  if (s->Step()) {
    const std::string hash = s->Text(0);
    v.digest = XXH3_64bits(hash.data(), hash.size());
  }
  return v;
}

void Build(store::Connection& db, const std::string& path, DataVersion version) {
  ColumnWriter w;
  const AreaIndex areas = AddAreas(db, w);
  AddHouseholds(db, areas, w);
  AddPersons(db, w);
  AddPersonYears(db, w);
  AddHouseholdYears(db, w);
  AddEvents(db, w);
  AddMemberships(db, w);
  AddAreaYears(db, areas, w);
  w.Write(path, version);
}

std::unique_ptr<Facts> OpenOrBuild(store::Connection& db, const std::string& path) {
  // The version is read before the tables, so a change committed while they are
  // read leaves the copy keyed by the older version: the next run builds again.
  const DataVersion version = CurrentVersion(db);
  if (auto mapped = MappedColumns::Open(path, version)) return std::make_unique<Facts>(std::move(mapped));
  Build(db, path, version);
  auto mapped = MappedColumns::Open(path, version);
  if (!mapped) throw Error::Internal("the facts copy " + path + " cannot be read back");
  return std::make_unique<Facts>(std::move(mapped));
}

namespace {

// What tells a file at a path from another: a copy renamed over it, or one
// changed in place (then the mapping may no longer match its checksums).
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = -1;
  int64_t modified_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};
FileIdentity IdentityOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {st.st_dev, st.st_ino, st.st_size, int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec};
}

}  // namespace

std::shared_ptr<const Facts> OpenShared(store::Connection& db, const std::string& path) {
  struct Entry {
    std::mutex mutex;  // held while the copy is opened or built
    std::shared_ptr<const Facts> mapped;
    FileIdentity file;  // of the file mapped
  };
  static std::mutex entries_mutex;
  static std::map<std::string, std::unique_ptr<Entry>> entries;
  Entry* entry = nullptr;
  {
    const std::lock_guard lock(entries_mutex);
    auto& e = entries[path];
    if (!e) e = std::make_unique<Entry>();
    entry = e.get();
  }
  const std::lock_guard lock(entry->mutex);
  if (entry->mapped && entry->mapped->data_version() == CurrentVersion(db) && entry->file == IdentityOf(path)) {
    return entry->mapped;
  }
  entry->mapped.reset();  // a stale mapping is not kept beside the new one
  entry->mapped = OpenOrBuild(db, path);
  entry->file = IdentityOf(path);
  return entry->mapped;
}

std::string DefaultPath(const std::string& db_url) {
  if (db_url.find("://") != std::string::npos) return "";
  const std::string path = db_url.rfind("sqlite:", 0) == 0 ? db_url.substr(7) : db_url;
  if (path.empty() || path == ":memory:") return "";
  return path + ".facts";
}

std::string PathOfOption(const std::optional<std::string>& option, const std::string& db_url) {
  if (!option) return DefaultPath(db_url);
  return *option == "off" ? "" : *option;
}

}  // namespace fupin::facts
