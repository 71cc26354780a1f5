#include "dataio/importer.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "access/abilities.h"
#include "access/audit.h"
#include "access/personal_data.h"
#include "access/record_packs.h"
#include "core/error.h"
#include "core/id_number.h"
#include "core/money.h"
#include "io/excel_date.h"
#include "io/table_writer.h"
#include "registry/audited.h"
#include "registry/batch.h"
#include "registry/households.h"
#include "core/text.h"
#include "dataio/clerk_values.h"

namespace fupin::dataio {
namespace {

constexpr size_t kBatch = 500;
constexpr size_t kNone = static_cast<size_t>(-1);

std::string Placeholders(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += i == 0 ? "?" : ", ?";
  return s;
}

// Calls fn(begin, end) for each batch of at most kBatch items.
template <typename Fn>
void ForBatches(size_t n, Fn&& fn) {
  for (size_t begin = 0; begin < n; begin += kBatch) fn(begin, std::min(n, begin + kBatch));
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string ValueText(const store::Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return "";
}

bool IsNull(const store::Value& v) { return std::holds_alternative<std::nullptr_t>(v); }

bool IsPhone(std::string_view p) {
  if (p.size() < 7 || p.size() > 20) return false;
  int digits = 0;
  for (char c : p) {
    if (c >= '0' && c <= '9') ++digits;
    else if (c != '-' && c != '+' && c != ' ') return false;
  }
  return digits >= 7;
}

bool IsInteger(std::string_view s) {
  if (s.empty() || s.size() > 18) return false;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

std::vector<std::string> SplitTerms(std::string_view s) {
  std::string t(s);
  for (const char* sep : {"，", "、", "；"}) {
    for (size_t p = t.find(sep); p != std::string::npos; p = t.find(sep)) t.replace(p, 3, ",");
  }
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= t.size(); ++i) {
    if (i == t.size() || t[i] == ',' || t[i] == ';') {
      std::string part = Trim(std::string_view(t).substr(start, i - start));
      if (!part.empty()) out.push_back(part);
      start = i + 1;
    }
  }
  return out;
}

struct CellResult {
  store::Value value = nullptr;
  std::string problem;  // empty: fine
};

CellResult Problem(std::string problem) {
  CellResult r;
  r.problem = std::move(problem);
  return r;
}
CellResult Valid(store::Value value) {
  CellResult r;
  r.value = std::move(value);
  return r;
}

CellResult IntegerCell(const ColumnSpec& spec, const std::string& text) {
  const auto read = ReadInteger(text);  // "２０１９", "2019年", "1,234"
  if (!read) return Problem("不是整数");
  const int64_t v = *read;
  if (v < spec.min || v > spec.max) {
    return Problem("应在" + std::to_string(spec.min) + "到" + std::to_string(spec.max) + "之间");
  }
  return Valid(v);
}

// A two-decimal number in hundredths: yuan as fen ("1,234.50", "１２３４．５", "1234.5元"), mu in 0.01 mu.
CellResult HundredthsCell(const std::string& text, const char* not_a_number, const char* negative) {
  auto hundredths = ReadHundredths(text);
  if (!hundredths) return Problem(not_a_number);
  if (*hundredths < 0) return Problem(negative);
  return Valid(int64_t{*hundredths});
}

// Several terms in one cell ("，", "、", "；" or ","), each once, stored joined by commas.
CellResult TermsCell(const ColumnSpec& spec, const std::string& text) {
  std::string joined;
  for (const auto& part : SplitTerms(text)) {
    auto name = ReadTerm(spec.terms(), part);
    if (!name) return Problem("“" + part + "”不是可选值之一（" + AllowedValues(spec) + "）");
    if (("," + joined + ",").find("," + *name + ",") != std::string::npos) continue;
    joined += (joined.empty() ? "" : ",") + *name;
  }
  return Valid(joined);
}

CellResult DateCell(const std::string& text, io::CellKind kind, bool date1904, const Date& today) {
  std::optional<Date> d;
  if (kind == io::CellKind::kDate || kind == io::CellKind::kNumber) {
    d = io::ExcelSerialToDate(text, date1904);
    if (!d && text.size() == 8) d = ReadDate(text);
  } else {
    d = ReadDate(text);  // 2014-01-01, 2014/1/1, 2014年1月1日, 20140101
  }
  if (!d) return Problem("不是日期（应为YYYY-MM-DD）");
  if (today < *d) return Problem("日期晚于今天");
  return Valid(d->ToString());
}

CellResult IdNumberCell(const std::string& text, io::CellKind kind, const Date& today) {
  if (kind == io::CellKind::kNumber) {
    return Problem("身份证号存成了数字，末几位已丢失；请把该列设为文本格式后重新录入");
  }
  const IdNumberCheck check = CheckIdNumber(ClerkText(text), today);
  if (!check.ok()) return Problem("身份证号无效：" + check.problem_zh);
  return Valid(check.number->text);
}

CellResult AreaCodeCell(const std::string& text) {
  const std::string code = ClerkText(text);  // full-width digits too
  if (code.size() != 12 || !IsInteger(code) || code[0] == '-') return Problem("应为12位行政村代码");
  return Valid(code);
}

CellResult ParseCell(const ColumnSpec& spec, std::string_view raw, io::CellKind kind, bool date1904,
                     const Date& today) {
  if (kind == io::CellKind::kError) return Problem("单元格是公式错误 " + std::string(raw));
  const std::string text = Trim(raw);
  if (text.empty()) return {};
  switch (spec.type) {
    case ValueType::kText:
      if (Utf8Length(text) > spec.max_length) return Problem("超过" + std::to_string(spec.max_length) + "个字");
      return Valid(text);
    case ValueType::kInteger: return IntegerCell(spec, text);
    case ValueType::kYuan: return HundredthsCell(text, "不是金额（元，最多两位小数）", "收入和支出不能为负数");
    case ValueType::kMu: return HundredthsCell(text, "不是面积（亩，最多两位小数）", "面积不能为负数");
    case ValueType::kBool: {
      const auto yes = ReadYesNo(text);  // 是/否, √/×, 有/无, 1/0
      if (!yes) return Problem("应填“是”或“否”");
      return Valid(int64_t{*yes ? 1 : 0});
    }
    case ValueType::kTerm: {
      auto name = ReadTerm(spec.terms(), text);  // also one part of a combined label: 免学 for 免学/缓学
      if (!name) return Problem("不是可选值之一（" + AllowedValues(spec) + "）");
      return Valid(*name);
    }
    case ValueType::kTerms: return TermsCell(spec, text);
    case ValueType::kDate: return DateCell(text, kind, date1904, today);
    case ValueType::kIdNumber: return IdNumberCell(text, kind, today);
    case ValueType::kAreaCode: return AreaCodeCell(text);
    case ValueType::kPhone:
      if (!IsPhone(text)) return Problem("不是电话号码");
      return Valid(text);
  }
  return {};
}

// A file read and checked cell by cell.
struct Parsed {
  const std::vector<ColumnSpec>* columns = nullptr;
  std::vector<size_t> file_col;       // per spec: the file's column, or kNone
  std::vector<std::string> headers;   // per spec: the header as written in the file (or the template's)
  std::vector<std::string> file_headers;  // the header row as read
  const std::vector<io::Row>* table_rows = nullptr;
  std::vector<size_t> data;           // indexes into table_rows of the data rows
  std::vector<store::Value> values;                // per data row, per spec (row-major)
  std::vector<std::vector<std::string>> reasons;   // per data row: why it is rejected
  bool file_error = false;
  std::vector<ImportProblem>* problems = nullptr;

  size_t RowNumber(size_t i) const { return (*table_rows)[data[i]].number; }
  std::string Raw(size_t i, size_t spec) const {
    if (file_col[spec] == kNone) return "";
    const std::string raw(((*table_rows)[data[i]]).cell(file_col[spec]));
    return (*columns)[spec].type == ValueType::kIdNumber ? MaskIdNumber(Trim(raw)) : raw;
  }
  void Problem(size_t i, size_t spec, std::string reason) {
    const std::string column = spec == kNone ? "" : headers[spec];
    const std::string value = spec == kNone ? "" : Raw(i, spec);
    reasons[i].push_back((column.empty() ? "" : column + "：") + reason);
    problems->push_back({RowNumber(i), column, value, std::move(reason)});
  }
  bool bad(size_t i) const { return !reasons[i].empty(); }
  const store::Value& at(size_t i, size_t spec) const { return values[i * columns->size() + spec]; }
};

// The import policy, once for both sheets: counts the rows that pass and those
// rejected, and says whether to write (false: a row is rejected and the import
// is all or nothing, so the report says refused and nothing is imported).
bool CountAndDecide(const Parsed& p, const ImportOptions& options, ImportReport& report) {
  size_t imported = 0;
  for (size_t i = 0; i < p.data.size(); ++i) imported += p.bad(i) ? 0u : 1u;
  report.imported_rows = imported;
  report.rejected_rows = p.data.size() - imported;
  if (report.rejected_rows > 0 && !options.skip_invalid) {
    report.refused = true;
    report.imported_rows = 0;
    return false;
  }
  return true;
}

void ParseTable(const std::vector<ColumnSpec>& columns, const io::Table& table, const Date& today, Parsed& p,
                std::vector<std::string>* warnings, const ProgressFn& progress) {
  p.columns = &columns;
  p.table_rows = &table.rows;
  p.file_col.assign(columns.size(), kNone);
  p.headers.clear();
  for (const auto& c : columns) p.headers.push_back(TemplateHeader(c));
  if (table.rows.empty()) {
    p.file_error = true;
    p.problems->push_back({1, "", "", "文件是空的：第一行应为表头"});
    return;
  }
  const io::Row& header = table.rows.front();
  p.file_headers = header.cells;
  std::vector<std::string> names;
  names.reserve(columns.size());
  for (const auto& c : columns) names.push_back(NormalizeHeader(c.key));
  for (size_t col = 0; col < header.cells.size(); ++col) {
    const std::string h = NormalizeHeader(header.cells[col]);
    if (h.empty()) continue;
    size_t found = kNone;
    for (size_t s = 0; s < columns.size() && found == kNone; ++s) {
      if (h == NormalizeHeader(columns[s].header_zh) || h == names[s]) found = s;
      for (auto alias : columns[s].aliases) {
        if (found == kNone && h == NormalizeHeader(alias)) found = s;
      }
    }
    if (found == kNone) {
      if (warnings && h != "序号" && h != "错误原因") warnings->push_back("忽略了不认识的列“" + header.cells[col] + "”");
      continue;
    }
    if (p.file_col[found] != kNone) {
      p.file_error = true;
      p.problems->push_back({header.number, header.cells[col], "", "与“" + p.headers[found] + "”是同一列，重复了"});
      continue;
    }
    p.file_col[found] = col;
    p.headers[found] = header.cells[col];
  }
  for (size_t s = 0; s < columns.size(); ++s) {
    if (columns[s].required && p.file_col[s] == kNone) {
      p.file_error = true;
      p.problems->push_back({header.number, TemplateHeader(columns[s]), "", "缺少必填列（也可用英文列名 " +
                                                                              std::string(columns[s].key) + "）"});
    }
  }
  if (p.file_error) return;
  const size_t n = table.rows.size() - 1;
  p.data.resize(n);
  p.values.assign(n * columns.size(), nullptr);
  p.reasons.assign(n, {});
  for (size_t i = 0; i < n; ++i) {
    p.data[i] = i + 1;
    const io::Row& row = table.rows[i + 1];
    for (size_t s = 0; s < columns.size(); ++s) {
      if (p.file_col[s] == kNone) continue;
      const size_t col = p.file_col[s];
      const io::CellKind kind = col < row.kinds.size() ? row.kinds[col] : io::CellKind::kEmpty;
      CellResult r = ParseCell(columns[s], row.cell(col), kind, table.date1904, today);
      if (!r.problem.empty()) {
        p.Problem(i, s, r.problem);
      } else if (IsNull(r.value) && columns[s].required && columns[s].level != Level::kHousehold) {
        p.Problem(i, s, "必填");
      } else {
        p.values[i * columns.size() + s] = std::move(r.value);
      }
    }
    if (progress && (i + 1) % 20000 == 0) progress("校验", i + 1, n);
  }
}

constexpr const char* kNoSuchVillage = "系统中没有这个行政村（代码不存在；请核对代码，或先导入区划）";

// The codes in column `spec` of the good cells that are not in the area tree (a few queries).
std::unordered_set<std::string> UnknownAreas(store::Connection& db, const Parsed& p, size_t spec) {
  std::vector<std::string> codes;
  for (size_t i = 0; i < p.data.size(); ++i) {
    if (!IsNull(p.at(i, spec))) codes.push_back(ValueText(p.at(i, spec)));
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  std::unordered_set<std::string> unknown(codes.begin(), codes.end());
  ForBatches(codes.size(), [&](size_t b, size_t e) {
    auto s = db.Prepare("SELECT code FROM areas WHERE code IN (" + Placeholders(e - b) + ")");
    for (size_t i = b; i < e; ++i) s->BindText(static_cast<int>(i - b + 1), codes[i]);
    while (s->Step()) unknown.erase(s->Text(0));
  });
  return unknown;
}

// Rows grouped by a text key (the household number), in order of first appearance.
struct Group {
  std::string key;
  std::vector<size_t> rows;
  std::vector<store::Value> values;  // merged household-level values
  size_t bad_row = kNone;            // first row with a household-level problem
};

// Household columns must agree on every row of a household (blank = the same).
// A village code in `unknown_villages` is refused as such on its row (not as
// disagreeing with the household's other rows).
std::vector<Group> GroupHouseholds(Parsed& p, size_t number_spec,
                                   const std::unordered_set<std::string>* unknown_villages) {
  const auto& columns = *p.columns;
  const size_t village = ColumnIndex(columns, "village_code");
  std::vector<Group> groups;
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < p.data.size(); ++i) {
    const auto& nv = p.at(i, number_spec);
    if (IsNull(nv)) continue;
    const std::string number = ValueText(nv);
    auto [it, fresh] = index.try_emplace(number, groups.size());
    if (fresh) groups.push_back({number, {}, std::vector<store::Value>(columns.size(), nullptr), kNone});
    Group& g = groups[it->second];
    g.rows.push_back(i);
    for (size_t s = 0; s < columns.size(); ++s) {
      if (columns[s].level != Level::kHousehold || p.file_col[s] == kNone) continue;
      const auto& v = p.at(i, s);
      if (IsNull(v)) continue;
      if (s == village && unknown_villages && unknown_villages->contains(ValueText(v))) {
        p.Problem(i, s, kNoSuchVillage);
        if (g.bad_row == kNone) g.bad_row = i;
        continue;
      }
      if (IsNull(g.values[s])) {
        g.values[s] = v;
      } else if (g.values[s] != v) {
        size_t first = g.rows.front();
        for (size_t r : g.rows) {
          if (p.at(r, s) == g.values[s]) { first = r; break; }
        }
        p.Problem(i, s, "与同户第" + std::to_string(p.RowNumber(first)) + "行（" + ValueText(g.values[s]) +
                            "）不一致；同户各行的户信息须相同");
        if (g.bad_row == kNone) g.bad_row = i;
      }
    }
  }
  return groups;
}

// A household whose household columns are wrong is rejected whole.
void RejectBadHouseholds(Parsed& p, std::vector<Group>& groups, size_t number_spec) {
  for (Group& g : groups) {
    if (g.bad_row == kNone) continue;
    for (size_t r : g.rows) {
      if (!p.bad(r)) p.Problem(r, number_spec, "同户第" + std::to_string(p.RowNumber(g.bad_row)) + "行的户信息有错误，本户整户未导入");
    }
  }
}

void CheckPersonsInMemory(Parsed& p, std::vector<Group>* out_groups,
                          const std::unordered_set<std::string>* unknown_villages) {
  const auto& columns = *p.columns;
  const size_t number = ColumnIndex(columns, "household_number");
  const size_t id = ColumnIndex(columns, "id_number");
  const size_t year = ColumnIndex(columns, "year");
  std::unordered_map<std::string, size_t> seen;
  for (size_t i = 0; i < p.data.size(); ++i) {
    const auto& v = p.at(i, id);
    if (IsNull(v)) continue;
    auto [it, fresh] = seen.try_emplace(ValueText(v), i);
    if (!fresh) p.Problem(i, id, "与第" + std::to_string(p.RowNumber(it->second)) + "行的身份证号重复");
    bool has_year_fact = false;
    for (size_t s = 0; s < columns.size(); ++s) {
      if (columns[s].level == Level::kPersonYear && !IsNull(p.at(i, s))) has_year_fact = true;
    }
    if (has_year_fact && IsNull(p.at(i, year)) && p.file_col[year] != kNone) {
      p.Problem(i, year, "填写了年度信息（在校状况等），须填写年度");
    } else if (has_year_fact && p.file_col[year] == kNone) {
      p.Problem(i, kNone, "填写了年度信息（在校状况等），文件缺少“年度”列");
    }
  }
  const size_t relation = ColumnIndex(columns, "relation");
  const size_t grade = ColumnIndex(columns, "disability_grade");
  const size_t health = ColumnIndex(columns, "health");
  const size_t start = ColumnIndex(columns, "start_date");
  for (size_t i = 0; i < p.data.size(); ++i) {
    if (!IsNull(p.at(i, grade)) && p.at(i, health) != store::Value(std::string("disabled"))) {
      p.Problem(i, grade, "残疾等级只能填写给健康状况为“残疾”的人");
    }
    const auto& id_value = p.at(i, id);
    if (!IsNull(p.at(i, start)) && !IsNull(id_value)) {
      const std::string birth = ValueText(id_value).substr(6, 8);
      const std::string day = ValueText(p.at(i, start));
      const std::string b = birth.substr(0, 4) + "-" + birth.substr(4, 2) + "-" + birth.substr(6, 2);
      if (day < b) p.Problem(i, start, "早于出生日期 " + b);
    }
  }
  auto groups = GroupHouseholds(p, number, unknown_villages);
  for (const Group& g : groups) {
    size_t head = kNone;
    for (size_t r : g.rows) {
      if (p.at(r, relation) != store::Value(std::string("head"))) continue;
      if (head == kNone) {
        head = r;
      } else {
        p.Problem(r, relation, "同户第" + std::to_string(p.RowNumber(head)) + "行已是户主；每户只能有一名户主");
      }
    }
  }
  RejectBadHouseholds(p, groups, number);
  if (out_groups) *out_groups = std::move(groups);
}

void CheckHouseholdYearsInMemory(Parsed& p) {
  const auto& columns = *p.columns;
  const size_t number = ColumnIndex(columns, "household_number");
  const size_t year = ColumnIndex(columns, "year");
  std::map<std::pair<std::string, int64_t>, size_t> seen;
  for (size_t i = 0; i < p.data.size(); ++i) {
    if (IsNull(p.at(i, number)) || IsNull(p.at(i, year))) continue;
    auto [it, fresh] = seen.try_emplace({ValueText(p.at(i, number)), std::get<int64_t>(p.at(i, year))}, i);
    if (!fresh) p.Problem(i, year, "与第" + std::to_string(p.RowNumber(it->second)) + "行是同一户同一年度，重复了");
  }
}

io::Table ReadWithProgress(const std::string& path, const io::TableOptions& options, const ProgressFn& progress) {
  auto reader = io::OpenTable(path, options);
  io::Table t;
  t.format = reader->format();
  t.encoding = reader->encoding();
  t.sheet = reader->sheet();
  io::Row row;
  while (reader->Next(row)) {
    t.rows.push_back(std::move(row));
    row = io::Row();
    if (progress && t.rows.size() % 20000 == 0) progress("读取", t.rows.size(), 0);
  }
  t.date1904 = reader->date1904();
  return t;
}

// Writes the rejected rows in the input's layout with a 错误原因 column.
void WriteErrors(const Parsed& p, const io::Table& table, const std::string& path) {
  auto format = io::FormatFromPath(path).value_or(table.format);
  auto writer = io::OpenTableWriter(path, format);
  std::vector<std::string> header = p.file_headers;
  header.push_back("错误原因");
  writer->WriteHeader(header);
  for (size_t i = 0; i < p.data.size(); ++i) {
    if (!p.bad(i)) continue;
    std::vector<std::string> cells = table.rows[p.data[i]].cells;
    cells.resize(p.file_headers.size());
    std::string reason;
    for (const auto& r : p.reasons[i]) reason += (reason.empty() ? "" : "；") + r;
    cells.push_back("第" + std::to_string(p.RowNumber(i)) + "行：" + reason);
    writer->WriteTextRow(cells);
  }
  writer->Close();
}

// A phone column is stored encrypted (access::kPhoneColumns): it is read back
// through its ciphertext, written as its three columns by the registry's batch
// (registry::RegistryBatch), and shown masked in the change list.
std::string StoredColumn(const ColumnSpec& c) {
  return c.type == ValueType::kPhone ? "phone_enc" : std::string(c.db_column);
}

store::Value ReadValue(store::Statement& s, int col, const ColumnSpec& spec,
                       const access::PersonalDataProtector* protector = nullptr) {
  if (s.IsNull(col)) return nullptr;
  if (spec.type == ValueType::kPhone) {
    if (protector == nullptr) throw Error::Internal("a phone column read without the key");
    return protector->Decrypt(s.Blob(col));
  }
  if (spec.type == ValueType::kInteger || spec.type == ValueType::kYuan || spec.type == ValueType::kMu ||
      spec.type == ValueType::kBool) {
    return s.Int(col);
  }
  return s.Text(col);
}

struct Change {
  std::string entity, key, field;
  std::optional<std::string> old_value, new_value;
  size_t row = 0;
};

std::optional<std::string> OptText(const store::Value& v) {
  if (IsNull(v)) return std::nullopt;
  return ValueText(v);
}

std::optional<std::string> Shown(const ColumnSpec& c, const store::Value& v) {
  auto text = OptText(v);
  if (text && c.type == ValueType::kPhone) return access::MaskPhone(*text);
  return text;
}

// The area the audit entry is filed under: the county when all rows are in
// one, otherwise the caller's scope.
std::string AuditArea(const std::set<std::string>& villages, const Caller& caller) {
  if (villages.empty()) return caller.area_scope;
  std::string county = villages.begin()->substr(0, 6);
  for (const auto& v : villages) {
    if (v.substr(0, 6) != county) return caller.area_scope;
  }
  return county;
}

void RecordRun(store::Connection& db, const Clock& clock, const Caller& caller, ImportReport& report,
               const std::vector<Change>& changes, const std::set<std::string>& villages) {
  nlohmann::json summary = ImportReportJson(report);
  summary.erase("problems");
  summary.erase("warnings");
  summary.erase("run_id");
  auto run = db.Prepare(
      "INSERT INTO import_runs (kind, file_name, actor, rows_read, rows_imported, rows_rejected, summary, recorded_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  run->BindText(1, TemplateKindName(report.kind));
  run->BindText(2, report.file);
  run->BindText(3, caller.user_name.empty() ? "local" : caller.user_name);
  run->BindInt(4, static_cast<int64_t>(report.rows));
  run->BindInt(5, static_cast<int64_t>(report.imported_rows));
  run->BindInt(6, static_cast<int64_t>(report.rejected_rows));
  run->BindText(7, summary.dump());
  run->BindInt(8, clock.NowSeconds());
  if (!run->Step()) throw Error::Internal("import run not recorded");
  const int64_t run_id = run->Int(0);
  run.reset();
  report.run_id = run_id;
  static const std::vector<std::string> kChangeColumns = {"run_id",    "entity",    "entity_key", "field",
                                                          "old_value", "new_value", "row_number"};
  auto writer = db.BulkInsert("import_changes", kChangeColumns);
  for (const Change& c : changes) {
    writer->Append({run_id, c.entity, c.key, c.field, c.old_value ? store::Value(*c.old_value) : store::Value(nullptr),
                    c.new_value ? store::Value(*c.new_value) : store::Value(nullptr), static_cast<int64_t>(c.row)});
  }
  writer->Finish();
  report.changes = static_cast<int64_t>(changes.size());
  summary["run_id"] = run_id;
  summary["changes"] = report.changes;
  access::AuditEvent event;
  event.action = std::string("import.") + TemplateKindName(report.kind);
  event.entity = "import/" + std::to_string(run_id);
  event.area_code = AuditArea(villages, caller);
  event.after = summary.dump();
  // The registry rows the import wrote, by their digests (one read of each table, kept in packs).
  access::RecordPacked(db, clock, caller, event, access::ChangedRecordPacks(db, registry::AuditedTables()));
}

// The name written on the events a run records.
std::string ActorName(const Caller& caller) { return caller.user_name.empty() ? "local" : caller.user_name; }

void RequireWriter(const Caller& caller) {
  if (!access::Can(caller, access::Ability::kImportRegistry)) throw Error::PermissionDenied("this role may not import into the registry");
}

// ---------------------------------------------------------------------------
// Persons

class PersonImport {
 public:
  PersonImport(store::Connection& db, const Clock& clock, const access::PersonalDataProtector& protector,
               const Caller& caller, Parsed& p, ImportReport& report, const ImportOptions& options)
      : db_(db), clock_(clock), protector_(protector), caller_(caller), p_(p), report_(report), options_(options),
        columns_(*p.columns) {
    number_ = ColumnIndex(columns_, "household_number");
    id_ = ColumnIndex(columns_, "id_number");
    village_ = ColumnIndex(columns_, "village_code");
    identified_ = ColumnIndex(columns_, "identified_year");
    relation_ = ColumnIndex(columns_, "relation");
    start_ = ColumnIndex(columns_, "start_date");
    year_ = ColumnIndex(columns_, "year");
    for (size_t s = 0; s < columns_.size(); ++s) {
      if (columns_[s].db_column.empty()) continue;
      if (columns_[s].level == Level::kHousehold) household_cols_.push_back(s);
      if (columns_[s].level == Level::kPerson) person_cols_.push_back(s);
      if (columns_[s].level == Level::kPersonYear) person_year_cols_.push_back(s);
    }
  }

  void Run(std::vector<Group>& groups) {
    groups_ = &groups;
    LookUpVillages();
    LookUpHouseholds();
    LookUpPersons();
    CheckHeads();
    RejectBadHouseholds(p_, groups, number_);
    Finish();
  }

 private:
  struct ExistingHousehold {
    int64_t id = 0;
    std::optional<int64_t> identified_year;
    std::vector<store::Value> values;  // per spec (household columns only)
  };
  struct ExistingPerson {
    int64_t id = 0;
    std::vector<store::Value> values;  // person columns (person_cols_ order)
    std::optional<int64_t> household_id;
    std::string relation;
    std::string village;
  };

  void LookUpVillages() {
    std::vector<std::string> codes;
    for (const Group& g : *groups_) {
      if (!IsNull(g.values[village_])) codes.push_back(ValueText(g.values[village_]));
    }
    std::sort(codes.begin(), codes.end());
    codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
    std::unordered_map<std::string, int64_t> level;
    ForBatches(codes.size(), [&](size_t b, size_t e) {
      auto s = db_.Prepare("SELECT code, level FROM areas WHERE code IN (" + Placeholders(e - b) + ")");
      for (size_t i = b; i < e; ++i) s->BindText(static_cast<int>(i - b + 1), codes[i]);
      while (s->Step()) level[s->Text(0)] = s->Int(1);
    });
    for (Group& g : *groups_) {
      if (IsNull(g.values[village_])) continue;
      const std::string code = ValueText(g.values[village_]);
      const size_t row = FirstRowWith(g, village_);
      std::string problem;
      auto it = level.find(code);
      if (it == level.end()) problem = kNoSuchVillage;
      else if (it->second != 5) problem = "不是行政村（户只能登记在行政村）";
      else if (!caller_.CoversArea(code)) problem = "不在您的管辖范围内";
      if (!problem.empty()) {
        p_.Problem(row, village_, problem);
        if (g.bad_row == kNone) g.bad_row = row;
      }
    }
  }

  size_t FirstRowWith(const Group& g, size_t spec) const {
    for (size_t r : g.rows) {
      if (!IsNull(p_.at(r, spec))) return r;
    }
    return g.rows.front();
  }

  void LookUpHouseholds() {
    std::vector<std::string> numbers;
    for (const Group& g : *groups_) numbers.push_back(g.key);
    std::string select = "SELECT id, number, identified_year, h.village_code";
    for (size_t s : household_cols_) select += ", h." + StoredColumn(columns_[s]);
    select += " FROM households h WHERE number IN (";
    ForBatches(numbers.size(), [&](size_t b, size_t e) {
      auto s = db_.Prepare(select + Placeholders(e - b) + ")");
      for (size_t i = b; i < e; ++i) s->BindText(static_cast<int>(i - b + 1), numbers[i]);
      while (s->Step()) {
        ExistingHousehold h;
        h.id = s->Int(0);
        h.identified_year = s->OptionalInt(2);
        h.values.assign(columns_.size(), nullptr);
        for (size_t k = 0; k < household_cols_.size(); ++k) {
          h.values[household_cols_[k]] = ReadValue(*s, static_cast<int>(4 + k), columns_[household_cols_[k]], &protector_);
        }
        const std::string current_village = s->Text(3);
        existing_households_[s->Text(1)] = std::move(h);
        household_villages_[s->Text(1)] = current_village;
      }
    });
    for (Group& g : *groups_) {
      auto it = existing_households_.find(g.key);
      if (it == existing_households_.end()) {
        // A new household needs its required household columns on one of its rows.
        for (size_t s : household_cols_) {
          if (!columns_[s].required || !IsNull(g.values[s])) continue;
          bool cell_problem = false;
          for (size_t r : g.rows) cell_problem = cell_problem || p_.bad(r);
          if (!cell_problem) p_.Problem(g.rows.front(), s, "新户必填（本户各行都没有填写）");
          if (g.bad_row == kNone) g.bad_row = g.rows.front();
        }
        continue;
      }
      const std::string& current = household_villages_[g.key];
      if (!caller_.CoversArea(current)) {
        p_.Problem(g.rows.front(), number_, "该户已登记在 " + current + "，不在您的管辖范围内");
        if (g.bad_row == kNone) g.bad_row = g.rows.front();
        continue;
      }
      const auto& given = g.values[identified_];
      if (!IsNull(given) && it->second.identified_year != std::get<int64_t>(given)) {
        const size_t row = FirstRowWith(g, identified_);
        p_.Problem(row, identified_,
                   "该户已登记，识别年度为" +
                       (it->second.identified_year ? std::to_string(*it->second.identified_year) : std::string("空")) +
                       "；识别年度不能通过导入修改");
        if (g.bad_row == kNone) g.bad_row = row;
      }
    }
  }

  void LookUpPersons() {
    std::vector<std::string> ids;
    std::vector<size_t> rows;
    for (size_t i = 0; i < p_.data.size(); ++i) {
      if (IsNull(p_.at(i, id_))) continue;
      ids.push_back(ValueText(p_.at(i, id_)));
      rows.push_back(i);
    }
    if (options_.progress) options_.progress("校验", 0, ids.size());
    const auto found = registry::LookupPersonsByIdNumber(db_, protector_, ids);
    std::vector<int64_t> person_ids;
    for (size_t k = 0; k < found.size(); ++k) {
      if (found[k]) {
        person_of_row_[rows[k]] = *found[k];
        person_ids.push_back(*found[k]);
      }
    }
    std::string select = "SELECT p.id, m.household_id, m.relation, h.village_code";
    for (size_t s : person_cols_) select += ", p." + StoredColumn(columns_[s]);
    select +=
        " FROM persons p LEFT JOIN memberships m ON m.person_id = p.id AND m.end_date IS NULL"
        " LEFT JOIN households h ON h.id = m.household_id WHERE p.id IN (";
    ForBatches(person_ids.size(), [&](size_t b, size_t e) {
      auto s = db_.Prepare(select + Placeholders(e - b) + ")");
      for (size_t i = b; i < e; ++i) s->BindInt(static_cast<int>(i - b + 1), person_ids[i]);
      while (s->Step()) {
        ExistingPerson ep;
        ep.id = s->Int(0);
        ep.household_id = s->OptionalInt(1);
        ep.relation = s->IsNull(2) ? "" : s->Text(2);
        ep.village = s->IsNull(3) ? "" : s->Text(3);
        ep.values.assign(person_cols_.size(), nullptr);
        for (size_t k = 0; k < person_cols_.size(); ++k) {
          ep.values[k] = ReadValue(*s, static_cast<int>(4 + k), columns_[person_cols_[k]], &protector_);
        }
        existing_persons_[ep.id] = std::move(ep);
      }
    });
    // Yearly facts already recorded for these persons.
    if (!person_year_cols_.empty() && p_.file_col[year_] != kNone) {
      std::string ys = "SELECT person_id, year";
      for (size_t s : person_year_cols_) ys += ", " + std::string(columns_[s].db_column);
      ys += " FROM person_years WHERE person_id IN (";
      ForBatches(person_ids.size(), [&](size_t b, size_t e) {
        auto s = db_.Prepare(ys + Placeholders(e - b) + ")");
        for (size_t i = b; i < e; ++i) s->BindInt(static_cast<int>(i - b + 1), person_ids[i]);
        while (s->Step()) {
          std::vector<store::Value> v(columns_.size(), nullptr);
          for (size_t k = 0; k < person_year_cols_.size(); ++k) {
            v[person_year_cols_[k]] = ReadValue(*s, static_cast<int>(2 + k), columns_[person_year_cols_[k]], &protector_);
          }
          existing_person_years_[{s->Int(0), s->Int(1)}] = std::move(v);
        }
      });
    }
    for (const auto& [row, pid] : person_of_row_) {
      const ExistingPerson& ep = existing_persons_.at(pid);
      if (!ep.village.empty() && !caller_.CoversArea(ep.village)) {
        p_.Problem(row, id_, "此人现登记在 " + ep.village + " 的户中，不在您的管辖范围内");
      }
    }
  }

  // A household already registered keeps one head: a row making someone else
  // head is refused unless the current head appears in the file as something
  // else (or in another household).
  void CheckHeads() {
    std::vector<int64_t> ids;
    for (const auto& [number, h] : existing_households_) ids.push_back(h.id);
    std::unordered_map<int64_t, std::pair<int64_t, std::string>> head_of;  // household -> (person, name)
    ForBatches(ids.size(), [&](size_t b, size_t e) {
      auto s = db_.Prepare(
          "SELECT m.household_id, m.person_id, p.name FROM memberships m JOIN persons p ON p.id = m.person_id"
          " WHERE m.end_date IS NULL AND m.relation = 'head' AND m.household_id IN (" + Placeholders(e - b) + ")");
      for (size_t i = b; i < e; ++i) s->BindInt(static_cast<int>(i - b + 1), ids[i]);
      while (s->Step()) head_of[s->Int(0)] = {s->Int(1), s->Text(2)};
    });
    std::unordered_map<int64_t, size_t> row_of_person;
    for (const auto& [row, pid] : person_of_row_) row_of_person[pid] = row;
    for (Group& g : *groups_) {
      auto eh = existing_households_.find(g.key);
      if (eh == existing_households_.end()) continue;
      auto head = head_of.find(eh->second.id);
      if (head == head_of.end()) continue;
      const int64_t current = head->second.first;
      bool current_stays_head = true;
      auto in_file = row_of_person.find(current);
      if (in_file != row_of_person.end()) {
        const size_t r = in_file->second;
        const bool same_group = ValueText(p_.at(r, number_)) == g.key;
        current_stays_head = same_group && p_.at(r, relation_) == store::Value(std::string("head"));
      }
      if (!current_stays_head) continue;
      for (size_t r : g.rows) {
        if (p_.at(r, relation_) != store::Value(std::string("head"))) continue;
        auto pid = person_of_row_.find(r);
        if (pid != person_of_row_.end() && pid->second == current) continue;
        p_.Problem(r, relation_, "该户已有户主" + head->second.second + "；请在同一文件中把原户主改为其他关系");
      }
    }
  }

  void Finish() {
    if (!CountAndDecide(p_, options_, report_)) return;
    Plan();
    if (options_.dry_run || report_.imported_rows == 0) return;
    Write();
  }

  // What the import does, in memory.
  void Plan() {
    const Date today = clock_.Today();
    for (Group& g : *groups_) {
      std::vector<size_t> good;
      for (size_t r : g.rows) {
        if (!p_.bad(r)) good.push_back(r);
      }
      if (good.empty()) continue;
      auto eh = existing_households_.find(g.key);
      HouseholdWrite hw;
      hw.number = g.key;
      hw.row = p_.RowNumber(good.front());
      hw.values = g.values;
      if (eh == existing_households_.end()) {
        hw.is_new = true;
        for (size_t s : household_cols_) {
          if (IsNull(hw.values[s])) hw.values[s] = columns_[s].default_value;
        }
        hw.identified_year = IsNull(g.values[identified_]) ? std::nullopt
                                                           : std::optional<int64_t>(std::get<int64_t>(g.values[identified_]));
        ++report_.households_added;
        changes_.push_back({"household/new", g.key, "*", std::nullopt, "added", hw.row});
      } else {
        hw.id = eh->second.id;
        bool changed = false;
        for (size_t s : household_cols_) {
          if (IsNull(hw.values[s])) {
            hw.values[s] = eh->second.values[s];
          } else if (hw.values[s] != eh->second.values[s]) {
            changed = true;
            changes_.push_back({"household/" + std::to_string(hw.id), g.key, std::string(columns_[s].db_column),
                                Shown(columns_[s], eh->second.values[s]), Shown(columns_[s], hw.values[s]), hw.row});
          }
        }
        if (changed) ++report_.households_updated;
        if (!changed) hw.skip = true;
      }
      villages_.insert(ValueText(hw.values[village_]));
      const size_t hw_index = household_writes_.size();
      household_writes_.push_back(std::move(hw));
      for (size_t r : good) PlanPerson(r, hw_index, today);
    }
    WarnLateStartDates(today);
  }

  struct HouseholdWrite {
    std::string number;
    int64_t id = 0;
    bool is_new = false;
    bool skip = false;  // exists and nothing changed
    size_t row = 0;
    std::optional<int64_t> identified_year;
    std::vector<store::Value> values;
  };
  struct PersonWrite {
    size_t r = 0;  // data row
    size_t household = 0;  // index into household_writes_
    int64_t id = 0;
    bool is_new = false;
    bool update = false;
    bool open_membership = false;    // new person or moved
    bool end_membership = false;     // moved out of another household
    bool relation_update = false;
    std::string relation;
    std::string start_date;
    std::vector<store::Value> values;  // person columns (person_cols_ order), merged
    std::vector<store::Value> year_values;
    std::optional<int64_t> year;
  };

  // A blank 入户日期 makes the person a member from today. When the row's facts
  // are of an earlier year (its 年度, or its household's 识别年度), the person
  // would not count in that year's figures: said, with the rows, not silently.
  void NoteStartDate(const PersonWrite& pw, const HouseholdWrite& hw, const Date& today) {
    if (!pw.open_membership || !IsNull(p_.at(pw.r, start_))) return;
    std::optional<int64_t> fact_year;
    if (!IsNull(p_.at(pw.r, year_))) fact_year = std::get<int64_t>(p_.at(pw.r, year_));
    else if (hw.is_new) fact_year = hw.identified_year;
    if (!fact_year || *fact_year >= today.year) return;
    late_start_rows_.push_back(p_.RowNumber(pw.r));
    earliest_fact_year_ = std::min(earliest_fact_year_.value_or(*fact_year), *fact_year);
  }

  void WarnLateStartDates(const Date& today) {
    if (late_start_rows_.empty()) return;
    constexpr size_t kShown = 20;
    std::string rows;
    for (size_t i = 0; i < late_start_rows_.size() && i < kShown; ++i) {
      rows += (i ? "、" : "") + std::to_string(late_start_rows_[i]);
    }
    if (late_start_rows_.size() > kShown) rows += " 等";
    report_.warnings.push_back(std::to_string(late_start_rows_.size()) + " 行未填入户日期，按今天（" +
                               today.ToString() + "）入户，晚于所填的 " + std::to_string(*earliest_fact_year_) +
                               " 年度：这些人不计入该年度及以前的统计（第 " + rows +
                               " 行）；如已在户，请填写入户日期");
  }

  void PlanPerson(size_t r, size_t hw_index, const Date& today) {
    PersonWrite pw;
    pw.r = r;
    pw.household = hw_index;
    pw.values.resize(person_cols_.size());
    for (size_t k = 0; k < person_cols_.size(); ++k) pw.values[k] = p_.at(r, person_cols_[k]);
    pw.relation = ValueText(p_.at(r, relation_));
    pw.start_date = IsNull(p_.at(r, start_)) ? today.ToString() : ValueText(p_.at(r, start_));
    const size_t row = p_.RowNumber(r);
    const std::string masked = MaskIdNumber(ValueText(p_.at(r, id_)));
    const HouseholdWrite& hw = household_writes_[hw_index];
    auto known = person_of_row_.find(r);
    if (known == person_of_row_.end()) {
      pw.is_new = true;
      pw.open_membership = true;
      for (size_t k = 0; k < person_cols_.size(); ++k) {
        if (IsNull(pw.values[k])) pw.values[k] = columns_[person_cols_[k]].default_value;
      }
      ++report_.persons_added;
    } else {
      const ExistingPerson& ep = existing_persons_.at(known->second);
      pw.id = ep.id;
      bool changed = false;
      for (size_t k = 0; k < person_cols_.size(); ++k) {
        if (IsNull(pw.values[k])) {
          pw.values[k] = ep.values[k];
        } else if (pw.values[k] != ep.values[k]) {
          changed = true;
          changes_.push_back({"person/" + std::to_string(ep.id), masked,
                              std::string(columns_[person_cols_[k]].db_column),
                              Shown(columns_[person_cols_[k]], ep.values[k]), Shown(columns_[person_cols_[k]], pw.values[k]),
                              row});
        }
      }
      pw.update = changed;
      if (changed) ++report_.persons_updated;
      const bool same_household = !hw.is_new && ep.household_id && *ep.household_id == hw.id;
      if (!same_household) {
        pw.open_membership = true;
        pw.end_membership = ep.household_id.has_value();
        ++report_.persons_moved;
        changes_.push_back({"membership/" + std::to_string(ep.id), masked, "household",
                            ep.household_id ? std::optional<std::string>(std::to_string(*ep.household_id))
                                            : std::nullopt,
                            hw.number, row});
      } else if (ep.relation != pw.relation) {
        pw.relation_update = true;
        changes_.push_back({"membership/" + std::to_string(ep.id), masked, "relation", ep.relation, pw.relation, row});
      }
    }
    if (!IsNull(p_.at(r, year_))) {
      pw.year = std::get<int64_t>(p_.at(r, year_));
      pw.year_values.assign(columns_.size(), nullptr);
      const std::vector<store::Value>* old = nullptr;
      if (!pw.is_new) {
        auto it = existing_person_years_.find({pw.id, *pw.year});
        if (it != existing_person_years_.end()) old = &it->second;
      }
      bool any = false;
      for (size_t s : person_year_cols_) {
        const auto& v = p_.at(r, s);
        pw.year_values[s] = IsNull(v) && old ? (*old)[s] : v;
        if (!IsNull(v) && (!old || (*old)[s] != v)) {
          any = true;
          if (old) {
            changes_.push_back({"person_year/" + std::to_string(pw.id) + "/" + std::to_string(*pw.year), masked,
                                std::string(columns_[s].db_column), OptText((*old)[s]), OptText(v), row});
          }
        }
      }
      if (!any) pw.year.reset();
      if (pw.year) ++report_.person_years;
    }
    NoteStartDate(pw, hw, today);
    person_writes_.push_back(std::move(pw));
  }

  void Write() {
    store::Transaction tx(db_);
    if (options_.progress) options_.progress("写入", 0, person_writes_.size());
    // Every row goes through the registry's batch functions: they encrypt the
    // ID numbers, set versions and timestamps and record the 'identified' events.
    registry::RegistryBatch batch(db_, protector_, clock_.NowSeconds(), Actor());
    WriteHouseholds(batch);
    WritePersons(batch);
    WriteMemberships(batch);
    WritePersonYears(batch);
    batch.Finish();
    FixNewEntities();
    RecordRun(db_, clock_, caller_, report_, changes_, villages_);
    tx.Commit();
    report_.written = true;
    if (options_.progress) options_.progress("写入", person_writes_.size(), person_writes_.size());
  }

  std::vector<std::string> FieldNames(const std::vector<size_t>& cols) const {
    std::vector<std::string> names;
    names.reserve(cols.size());
    for (size_t s : cols) names.emplace_back(columns_[s].db_column);
    return names;
  }

  // New households (with their 'identified' events), then the changed ones.
  void WriteHouseholds(registry::RegistryBatch& batch) {
    const std::vector<std::string> fields = FieldNames(household_cols_);
    std::vector<registry::NewHousehold> added;
    std::vector<registry::RowUpdate> changed;
    for (const HouseholdWrite& h : household_writes_) {
      std::vector<store::Value> values;
      values.reserve(household_cols_.size());
      for (size_t s : household_cols_) values.push_back(h.values[s]);
      if (h.is_new) {
        registry::NewHousehold n;
        n.number = h.number;
        if (h.identified_year) n.identified_year = static_cast<int>(*h.identified_year);
        n.identified_reason = "导入建档";
        n.values = std::move(values);
        added.push_back(std::move(n));
      } else if (!h.skip) {
        changed.push_back({h.id, std::move(values)});
      }
    }
    const std::vector<int64_t> ids = batch.AddHouseholds(fields, added);
    size_t next = 0;
    for (HouseholdWrite& h : household_writes_) {
      if (h.is_new) h.id = ids[next++];
    }
    batch.UpdateHouseholds(fields, changed);
  }

  // New persons (their ID numbers protected by the registry), then the changed ones.
  void WritePersons(registry::RegistryBatch& batch) {
    const std::vector<std::string> fields = FieldNames(person_cols_);
    std::vector<registry::NewPerson> added;
    std::vector<registry::RowUpdate> changed;
    for (const PersonWrite& pw : person_writes_) {
      if (pw.is_new) {
        added.push_back({std::nullopt, ValueText(p_.at(pw.r, id_)), std::nullopt, pw.values});
      } else if (pw.update) {
        changed.push_back({pw.id, pw.values});
      }
    }
    const std::vector<int64_t> ids = batch.AddPersons(fields, added);
    size_t next = 0;
    for (PersonWrite& pw : person_writes_) {
      if (pw.is_new) pw.id = ids[next++];
    }
    if (options_.progress) options_.progress("写入", added.size(), person_writes_.size());
    batch.UpdatePersons(fields, changed);
  }

  // Memberships: end the old ones of persons who moved, change relations, open the new ones.
  void WriteMemberships(registry::RegistryBatch& batch) {
    std::vector<std::pair<int64_t, std::string>> ended, relations;
    std::vector<registry::NewMembership> opened;
    for (const PersonWrite& pw : person_writes_) {
      if (pw.end_membership) {
        ended.emplace_back(pw.id, pw.start_date);
      } else if (pw.relation_update) {
        relations.emplace_back(pw.id, pw.relation);
      }
      if (pw.open_membership) {
        opened.push_back({pw.id, household_writes_[pw.household].id, pw.relation, pw.start_date, std::nullopt,
                          std::nullopt});
      }
    }
    batch.EndMemberships(ended, "导入：迁入他户");
    batch.ChangeRelations(relations);
    batch.OpenMemberships(opened);
  }

  // Yearly facts of persons: insert or replace with the merged values.
  void WritePersonYears(registry::RegistryBatch& batch) {
    if (report_.person_years == 0) return;
    std::vector<registry::YearRow> rows;
    for (const PersonWrite& pw : person_writes_) {
      if (!pw.year) continue;
      registry::YearRow y{pw.id, *pw.year, std::nullopt, {}};
      for (size_t s : person_year_cols_) y.values.push_back(pw.year_values[s]);
      rows.push_back(std::move(y));
    }
    batch.WritePersonYears(FieldNames(person_year_cols_), rows, true);
  }

  // Records added get their ids once they are written.
  void FixNewEntities() {
    std::unordered_map<size_t, int64_t> by_row;
    for (const PersonWrite& pw : person_writes_) {
      if (pw.is_new) by_row[p_.RowNumber(pw.r)] = pw.id;
    }
    std::unordered_map<std::string, int64_t> household_by_number;
    for (const auto& h : household_writes_) household_by_number[h.number] = h.id;
    for (auto& c : changes_) {
      if (c.entity == "person/new") {
        auto it = by_row.find(c.row);
        if (it != by_row.end()) c.entity = "person/" + std::to_string(it->second);
      } else if (c.entity == "household/new") {
        auto it = household_by_number.find(c.key);
        if (it != household_by_number.end()) c.entity = "household/" + std::to_string(it->second);
      }
    }
  }

  std::string Actor() const { return ActorName(caller_); }

  store::Connection& db_;
  const Clock& clock_;
  const access::PersonalDataProtector& protector_;
  const Caller& caller_;
  Parsed& p_;
  ImportReport& report_;
  const ImportOptions& options_;
  const std::vector<ColumnSpec>& columns_;
  size_t number_ = 0, id_ = 0, village_ = 0, identified_ = 0, relation_ = 0, start_ = 0, year_ = 0;
  std::vector<size_t> household_cols_, person_cols_, person_year_cols_;
  std::vector<Group>* groups_ = nullptr;
  std::unordered_map<std::string, ExistingHousehold> existing_households_;
  std::unordered_map<std::string, std::string> household_villages_;
  std::unordered_map<size_t, int64_t> person_of_row_;
  std::unordered_map<int64_t, ExistingPerson> existing_persons_;
  std::map<std::pair<int64_t, int64_t>, std::vector<store::Value>> existing_person_years_;
  std::vector<HouseholdWrite> household_writes_;
  std::vector<PersonWrite> person_writes_;
  std::vector<Change> changes_;
  std::set<std::string> villages_;
  std::vector<size_t> late_start_rows_;
  std::optional<int64_t> earliest_fact_year_;
};

// ---------------------------------------------------------------------------
// Household years

// The columns of a household-years sheet the steps below read.
struct YearColumns {
  size_t number = 0, year = 0, members = 0;
  std::vector<size_t> facts;  // the household-year columns
};

// A household of the file by number, with its village and current member count.
struct KnownHousehold {
  int64_t id = 0;
  std::string village;
  int64_t members = 0;
};
using YearFacts = std::map<std::pair<int64_t, int64_t>, std::vector<store::Value>>;  // (household, year) -> facts

std::unordered_map<std::string, KnownHousehold> ReadKnownHouseholds(store::Connection& db, Parsed& p,
                                                                    const YearColumns& c) {
  std::vector<std::string> numbers;
  for (size_t i = 0; i < p.data.size(); ++i) {
    if (!IsNull(p.at(i, c.number))) numbers.push_back(ValueText(p.at(i, c.number)));
  }
  std::sort(numbers.begin(), numbers.end());
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  std::unordered_map<std::string, KnownHousehold> known;
  ForBatches(numbers.size(), [&](size_t b, size_t e) {
    auto s = db.Prepare(
        "SELECT h.number, h.id, h.village_code, (SELECT count(*) FROM memberships m WHERE m.household_id = h.id AND"
        " m.end_date IS NULL) FROM households h WHERE h.number IN (" +
        Placeholders(e - b) + ")");
    for (size_t i = b; i < e; ++i) s->BindText(static_cast<int>(i - b + 1), numbers[i]);
    while (s->Step()) known[s->Text(0)] = {s->Int(1), s->Text(2), s->Int(3)};
  });
  return known;
}

// The recorded facts of every year of those households.
YearFacts ReadRecordedYears(store::Connection& db, const std::vector<ColumnSpec>& columns, const YearColumns& c,
                            const std::unordered_map<std::string, KnownHousehold>& known) {
  YearFacts old;
  std::vector<int64_t> ids;
  ids.reserve(known.size());
  for (const auto& [n, k] : known) ids.push_back(k.id);
  std::string sql = "SELECT household_id, year";
  for (size_t s : c.facts) sql += ", " + std::string(columns[s].db_column);
  sql += " FROM household_years WHERE household_id IN (";
  ForBatches(ids.size(), [&](size_t b, size_t e) {
    auto s = db.Prepare(sql + Placeholders(e - b) + ")");
    for (size_t i = b; i < e; ++i) s->BindInt(static_cast<int>(i - b + 1), ids[i]);
    while (s->Step()) {
      std::vector<store::Value> v(columns.size(), nullptr);
      for (size_t k = 0; k < c.facts.size(); ++k) {
        v[c.facts[k]] = ReadValue(*s, static_cast<int>(2 + k), columns[c.facts[k]]);
      }
      old[{s->Int(0), s->Int(1)}] = std::move(v);
    }
  });
  return old;
}

// Each row's household exists, lies in the caller's scope, and has members or gives them.
void CheckYearRows(Parsed& p, const YearColumns& c, const std::unordered_map<std::string, KnownHousehold>& known,
                   const YearFacts& old, const Caller& caller) {
  for (size_t i = 0; i < p.data.size(); ++i) {
    if (IsNull(p.at(i, c.number))) continue;
    auto it = known.find(ValueText(p.at(i, c.number)));
    if (it == known.end()) {
      p.Problem(i, c.number, "系统中没有这个户编号（请先导入人员）");
    } else if (!caller.CoversArea(it->second.village)) {
      p.Problem(i, c.number, "该户在 " + it->second.village + "，不在您的管辖范围内");
    } else if (IsNull(p.at(i, c.members)) && it->second.members == 0 && !IsNull(p.at(i, c.year)) &&
               !old.contains({it->second.id, std::get<int64_t>(p.at(i, c.year))})) {
      p.Problem(i, c.members, "该户没有在册成员，须填写家庭人口");
    }
  }
}

// Merges the good rows with what is recorded: a blank cell keeps the recorded value, a new
// year gets the defaults. The rows to write (household_id, year, facts...), the changes.
std::vector<std::vector<store::Value>> MergeYears(Parsed& p, const YearColumns& c,
                                                  const std::unordered_map<std::string, KnownHousehold>& known,
                                                  const YearFacts& old, ImportReport& report,
                                                  std::vector<Change>& changes, std::set<std::string>& villages) {
  const auto& columns = *p.columns;
  std::vector<std::vector<store::Value>> rows;
  for (size_t i = 0; i < p.data.size(); ++i) {
    if (p.bad(i)) continue;
    const KnownHousehold& k = known.at(ValueText(p.at(i, c.number)));
    villages.insert(k.village);
    const int64_t y = std::get<int64_t>(p.at(i, c.year));
    auto o = old.find({k.id, y});
    std::vector<store::Value> row = {k.id, y};
    const std::string entity = "household_year/" + std::to_string(k.id) + "/" + std::to_string(y);
    bool changed = false;
    for (size_t s : c.facts) {
      store::Value v = p.at(i, s);
      if (o == old.end()) {
        if (IsNull(v)) v = s == c.members ? store::Value(k.members) : columns[s].default_value;
      } else if (IsNull(v)) {
        v = o->second[s];
      } else if (v != o->second[s]) {
        changed = true;
        changes.push_back({entity, ValueText(p.at(i, c.number)), std::string(columns[s].db_column),
                           OptText(o->second[s]), OptText(v), p.RowNumber(i)});
      }
      row.push_back(std::move(v));
    }
    if (o == old.end()) {
      ++report.household_years_added;
      changes.push_back({entity, ValueText(p.at(i, c.number)), "*", std::nullopt, "added", p.RowNumber(i)});
    } else if (changed) {
      ++report.household_years_updated;
    } else {
      continue;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

void ImportHouseholdYears(store::Connection& db, const Clock& clock, const access::PersonalDataProtector& protector,
                          const Caller& caller, Parsed& p, ImportReport& report, const ImportOptions& options) {
  const auto& columns = *p.columns;
  YearColumns c{ColumnIndex(columns, "household_number"), ColumnIndex(columns, "year"),
                ColumnIndex(columns, "members"), {}};
  for (size_t s = 0; s < columns.size(); ++s) {
    if (columns[s].level == Level::kHouseholdYear) c.facts.push_back(s);
  }
  const auto known = ReadKnownHouseholds(db, p, c);
  const YearFacts old = ReadRecordedYears(db, columns, c, known);
  CheckYearRows(p, c, known, old, caller);
  if (!CountAndDecide(p, options, report)) return;
  std::vector<Change> changes;
  std::set<std::string> villages;
  std::vector<std::vector<store::Value>> rows = MergeYears(p, c, known, old, report, changes, villages);
  if (options.dry_run || rows.empty()) return;
  store::Transaction tx(db);
  std::vector<std::string> fields;
  fields.reserve(c.facts.size());
  for (size_t s : c.facts) fields.emplace_back(columns[s].db_column);
  std::vector<registry::YearRow> years;
  years.reserve(rows.size());
  for (auto& r : rows) {
    registry::YearRow y{std::get<int64_t>(r[0]), std::get<int64_t>(r[1]), std::nullopt, {}};
    y.values.assign(std::make_move_iterator(r.begin() + 2), std::make_move_iterator(r.end()));
    years.push_back(std::move(y));
  }
  registry::RegistryBatch(db, protector, clock.NowSeconds(), ActorName(caller)).WriteHouseholdYears(fields, years, true);
  RecordRun(db, clock, caller, report, changes, villages);
  tx.Commit();
  report.written = true;
}

}  // namespace

nlohmann::json ImportReportJson(const ImportReport& r) {
  const nlohmann::json problems = ImportProblemsJson(r.problems);
  nlohmann::json j = {{"kind", TemplateKindName(r.kind)},
                      {"file", r.file},
                      {"dry_run", r.dry_run},
                      {"written", r.written},
                      {"refused", r.refused},
                      {"rows", r.rows},
                      {"imported_rows", r.imported_rows},
                      {"rejected_rows", r.rejected_rows},
                      {"changes", r.changes},
                      {"problems", problems},
                      {"warnings", r.warnings}};
  if (r.kind == TemplateKind::kPersons) {
    j["households_added"] = r.households_added;
    j["households_updated"] = r.households_updated;
    j["persons_added"] = r.persons_added;
    j["persons_updated"] = r.persons_updated;
    j["persons_moved"] = r.persons_moved;
    j["person_years"] = r.person_years;
  } else {
    j["household_years_added"] = r.household_years_added;
    j["household_years_updated"] = r.household_years_updated;
  }
  j["run_id"] = r.run_id ? nlohmann::json(*r.run_id) : nlohmann::json(nullptr);
  j["errors_file"] = r.errors_file;
  return j;
}

Importer::Importer(store::Connection& db, const Clock& clock, const access::PersonalDataProtector* protector)
    : db_(db), clock_(clock), protector_(protector ? *protector : access::CurrentProtector()) {}

ImportReport Importer::Import(const Caller& caller, TemplateKind kind, const std::string& path,
                              const ImportOptions& options) {
  RequireWriter(caller);
  const io::Table table = ReadWithProgress(path, options.table, options.progress);
  return ImportTable(caller, kind, table, path, options);
}

ImportReport Importer::ImportTable(const Caller& caller, TemplateKind kind, const io::Table& table,
                                   const std::string& source, const ImportOptions& options) {
  RequireWriter(caller);
  ImportReport report;
  report.kind = kind;
  report.file = source;
  report.dry_run = options.dry_run;
  Parsed p;
  p.problems = &report.problems;
  ParseTable(Columns(kind), table, clock_.Today(), p, &report.warnings, options.progress);
  report.rows = table.rows.empty() ? 0 : table.rows.size() - 1;
  if (p.file_error) {
    report.rejected_rows = report.rows;
    report.refused = true;
    return report;
  }
  if (kind == TemplateKind::kPersons) {
    std::vector<Group> groups;
    const auto unknown = UnknownAreas(db_, p, ColumnIndex(*p.columns, "village_code"));
    CheckPersonsInMemory(p, &groups, &unknown);
    PersonImport run(db_, clock_, protector_, caller, p, report, options);
    run.Run(groups);
  } else {
    CheckHouseholdYearsInMemory(p);
    ImportHouseholdYears(db_, clock_, protector_, caller, p, report, options);
  }
  std::stable_sort(report.problems.begin(), report.problems.end(),
                   [](const ImportProblem& a, const ImportProblem& b) { return a.row < b.row; });
  if (report.rejected_rows > 0 && options.errors_path) {
    WriteErrors(p, table, *options.errors_path);
    report.errors_file = *options.errors_path;
  }
  return report;
}

size_t CheckTableOnly(TemplateKind kind, const io::Table& table, const Date& today,
                      std::vector<ImportProblem>& problems) {
  Parsed p;
  p.problems = &problems;
  ParseTable(Columns(kind), table, today, p, nullptr, nullptr);
  if (p.file_error) return 0;
  if (kind == TemplateKind::kPersons) {
    CheckPersonsInMemory(p, nullptr, nullptr);
  } else {
    CheckHouseholdYearsInMemory(p);
  }
  return p.data.size();
}

}  // namespace fupin::dataio
