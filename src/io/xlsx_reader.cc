// A small XLSX (Office Open XML spreadsheet) reader on libzip and expat.
// Debian 12 ships no maintained C or C++ XLSX reader (freexl 1.0 reads only
// the old .xls), so this reads the parts it needs itself:
//   _rels/.rels -> workbook; workbook.xml (sheets, date1904) and its rels;
//   sharedStrings.xml; styles.xml (which cell formats are dates); the sheet,
//   streamed row by row with expat's suspend/resume.
#include <expat.h>
#include <zip.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/csv.h"
#include "core/error.h"
#include "io/table.h"

namespace fupin::io {
namespace {

constexpr size_t kMaxPartBytes = size_t{512} << 20;  // parts read whole: 512 MiB
constexpr size_t kMaxColumns = 16384;                 // Excel's limit (XFD)
constexpr size_t kMaxRow = 1048576;                   // Excel's limit
constexpr size_t kChunk = 64 * 1024;

// --- ZIP ------------------------------------------------------------------

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
using ZipFilePtr = std::unique_ptr<zip_file_t, ZipFileCloser>;

class ZipArchive {
 public:
  // `bytes` must outlive the archive.
  ZipArchive(const std::string& bytes, const std::string& source) : source_(source) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (src == nullptr) Fail(error);
    zip_t* z = zip_open_from_source(src, ZIP_RDONLY, &error);
    if (z == nullptr) {
      zip_source_free(src);
      Fail(error);
    }
    zip_.reset(z);
  }

  bool Has(const std::string& name) const { return Locate(name) >= 0; }

  ZipFilePtr Open(const std::string& name) const {
    const zip_int64_t index = Locate(name);
    if (index < 0) {
      throw Error::InvalidArgument(source_ + ": not a valid XLSX file: part " + name + " is missing",
                                   {ErrorDetail{source_, "missing part " + name}});
    }
    zip_file_t* f = zip_fopen_index(zip_.get(), static_cast<zip_uint64_t>(index), 0);
    if (f == nullptr) ThrowBroken(name, zip_strerror(zip_.get()));
    return ZipFilePtr(f);
  }

  // Reads a whole part (at most kMaxPartBytes).
  std::string Read(const std::string& name) const {
    ZipFilePtr f = Open(name);
    std::string out;
    char buf[kChunk];
    while (true) {
      const zip_int64_t n = zip_fread(f.get(), buf, sizeof buf);
      if (n < 0) ThrowBroken(name, zip_file_strerror(f.get()));
      if (n == 0) break;
      out.append(buf, static_cast<size_t>(n));
      if (out.size() > kMaxPartBytes) ThrowBroken(name, "part larger than 512 MiB");
    }
    return out;
  }

  [[noreturn]] void ThrowBroken(const std::string& name, const std::string& why) const {
    throw Error::InvalidArgument(source_ + ": broken XLSX file, part " + name + ": " + why,
                                 {ErrorDetail{source_ + ", " + name, why}});
  }

 private:
  zip_int64_t Locate(const std::string& name) const {
    zip_int64_t i = zip_name_locate(zip_.get(), name.c_str(), 0);
    if (i < 0) i = zip_name_locate(zip_.get(), name.c_str(), ZIP_FL_NOCASE);
    return i;
  }

  [[noreturn]] void Fail(zip_error_t& error) const {
    const std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw Error::InvalidArgument(source_ + ": not an XLSX file (" + why + ")",
                                 {ErrorDetail{source_, "not a ZIP archive: " + why}});
  }

  std::string source_;
  std::unique_ptr<zip_t, ZipCloser> zip_;
};

// --- XML ------------------------------------------------------------------

// Local name of an element or attribute: "x:c" -> "c", "r:id" -> "id".
// Namespace processing is off (it costs a long URI per name and these parts
// never mix two vocabularies under one local name), so prefixes are dropped.
std::string_view Local(const XML_Char* name) {
  const char* local = name;
  for (const char* p = name; *p != '\0'; ++p) {
    if (*p == ':') local = p + 1;
  }
  return std::string_view(local);
}

const char* Attr(const XML_Char** attrs, std::string_view local) {
  for (size_t i = 0; attrs[i] != nullptr; i += 2) {
    if (Local(attrs[i]) == local) return attrs[i + 1];
  }
  return nullptr;
}

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void Start(std::string_view name, const XML_Char** attrs) = 0;
  virtual void End(std::string_view name) = 0;
  virtual void Text(std::string_view) {}
};

struct ParserFree {
  void operator()(XML_Parser p) const { XML_ParserFree(p); }
};

class XmlParser {
 public:
  XmlParser(XmlHandler& handler, std::string where) : handler_(handler), where_(std::move(where)) {
    parser_.reset(XML_ParserCreate(nullptr));
    if (!parser_) throw Error::Internal("expat: out of memory");
    XML_SetUserData(parser_.get(), this);
    XML_SetElementHandler(parser_.get(), &OnStart, &OnEnd);
    XML_SetCharacterDataHandler(parser_.get(), &OnText);
    // OOXML parts never need a DTD; refusing one rules out entity expansion.
    XML_SetStartDoctypeDeclHandler(parser_.get(), &OnDoctype);
  }

  XML_Parser get() const { return parser_.get(); }

  // Feeds bytes; returns the status (OK or SUSPENDED); throws on an error.
  XML_Status Feed(const char* data, size_t size, bool final) {
    const XML_Status status =
        XML_Parse(parser_.get(), data, static_cast<int>(size), final ? XML_TRUE : XML_FALSE);
    Check(status);
    return status;
  }

  XML_Status Resume() {
    const XML_Status status = XML_ResumeParser(parser_.get());
    Check(status);
    return status;
  }

  void ParseAll(std::string_view text) {
    size_t pos = 0;
    do {
      const size_t n = std::min(kChunk * 16, text.size() - pos);
      Feed(text.data() + pos, n, pos + n == text.size());
      pos += n;
    } while (pos < text.size());
  }

 private:
  void Check(XML_Status status) {
    if (pending_) std::rethrow_exception(std::exchange(pending_, nullptr));
    if (status == XML_STATUS_ERROR) {
      const std::string why = doctype_ ? std::string("a DTD is not allowed")
                                       : std::string(XML_ErrorString(XML_GetErrorCode(parser_.get())));
      const std::string at = "XML line " + std::to_string(XML_GetCurrentLineNumber(parser_.get()));
      throw Error::InvalidArgument(where_ + ": broken XLSX file (" + at + ": " + why + ")",
                                   {ErrorDetail{where_ + ", " + at, why}});
    }
  }

  // Callbacks must not let exceptions cross C frames: keep and stop.
  template <typename F>
  static void Guard(void* user, F&& f) {
    auto* self = static_cast<XmlParser*>(user);
    if (self->pending_) return;
    try {
      f(self);
    } catch (...) {
      self->pending_ = std::current_exception();
      XML_StopParser(self->parser_.get(), XML_FALSE);
    }
  }
  static void OnStart(void* user, const XML_Char* name, const XML_Char** attrs) {
    Guard(user, [&](XmlParser* s) { s->handler_.Start(Local(name), attrs); });
  }
  static void OnEnd(void* user, const XML_Char* name) {
    Guard(user, [&](XmlParser* s) { s->handler_.End(Local(name)); });
  }
  static void OnText(void* user, const XML_Char* text, int len) {
    Guard(user, [&](XmlParser* s) { s->handler_.Text(std::string_view(text, static_cast<size_t>(len))); });
  }
  static void OnDoctype(void* user, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    auto* self = static_cast<XmlParser*>(user);
    self->doctype_ = true;
    XML_StopParser(self->parser_.get(), XML_FALSE);
  }

  XmlHandler& handler_;
  std::string where_;
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, ParserFree> parser_;
  std::exception_ptr pending_;
  bool doctype_ = false;
};

// --- Workbook parts ---------------------------------------------------------

struct Relationship {
  std::string type;
  std::string target;  // resolved to a path inside the archive
};

// Resolves a relationship target against the directory of the part.
std::string ResolveTarget(const std::string& base_dir, std::string_view target) {
  if (target.starts_with('/')) return std::string(target.substr(1));
  std::string dir = base_dir;
  while (target.starts_with("../")) {
    target.remove_prefix(3);
    if (!dir.empty()) dir.pop_back();
    const size_t slash = dir.rfind('/');
    dir = slash == std::string::npos ? std::string() : dir.substr(0, slash + 1);
  }
  if (target.starts_with("./")) target.remove_prefix(2);
  return dir + std::string(target);
}

class RelsHandler final : public XmlHandler {
 public:
  explicit RelsHandler(std::string base_dir) : base_dir_(std::move(base_dir)) {}
  void Start(std::string_view name, const XML_Char** attrs) override {
    if (name != "Relationship") return;
    const char* id = Attr(attrs, "Id");
    const char* target = Attr(attrs, "Target");
    const char* type = Attr(attrs, "Type");
    if (id == nullptr || target == nullptr) return;
    rels[id] = Relationship{type ? type : "", ResolveTarget(base_dir_, target)};
  }
  void End(std::string_view) override {}
  std::map<std::string, Relationship> rels;

 private:
  std::string base_dir_;
};

struct SheetEntry {
  std::string name;
  std::string rel_id;
  bool hidden = false;
};

class WorkbookHandler final : public XmlHandler {
 public:
  void Start(std::string_view name, const XML_Char** attrs) override {
    if (name == "sheet") {
      SheetEntry s;
      if (const char* n = Attr(attrs, "name")) s.name = n;
      if (const char* id = Attr(attrs, "id")) s.rel_id = id;
      if (const char* st = Attr(attrs, "state")) s.hidden = std::string_view(st) != "visible";
      sheets.push_back(std::move(s));
    } else if (name == "workbookPr") {
      if (const char* d = Attr(attrs, "date1904")) {
        date1904 = std::string_view(d) == "1" || std::string_view(d) == "true";
      }
    }
  }
  void End(std::string_view) override {}
  std::vector<SheetEntry> sheets;
  bool date1904 = false;
};

// Collects <si> items; text of <t> elements, leaving out phonetic runs (rPh).
class SharedStringsHandler final : public XmlHandler {
 public:
  explicit SharedStringsHandler(std::vector<std::string>& out) : out_(out) {}
  void Start(std::string_view name, const XML_Char** attrs) override {
    if (name == "si") {
      in_si_ = true;
      current_.clear();
    } else if (name == "rPh") {
      ++in_rph_;
    } else if (name == "t" && in_si_ && in_rph_ == 0) {
      in_t_ = true;
    } else if (name == "sst") {
      if (const char* n = Attr(attrs, "uniqueCount")) {
        size_t count = 0;
        std::from_chars(n, n + std::strlen(n), count);
        out_.reserve(std::min<size_t>(count, 1u << 20));
      }
    }
  }
  void End(std::string_view name) override {
    if (name == "si") {
      out_.push_back(std::move(current_));
      current_.clear();
      in_si_ = false;
    } else if (name == "rPh") {
      if (in_rph_ > 0) --in_rph_;
    } else if (name == "t") {
      in_t_ = false;
    }
  }
  void Text(std::string_view text) override {
    if (in_t_) current_.append(text);
  }

 private:
  std::vector<std::string>& out_;
  std::string current_;
  bool in_si_ = false;
  bool in_t_ = false;
  int in_rph_ = 0;
};

// Whether a number format code shows a date or time: after removing quoted
// text, escaped characters and [colour]/[$-locale] sections, it has one of
// the letters d, m, y, h, s (or the CJK era letters e, g, b).
bool IsDateFormatCode(std::string_view code) {
  bool in_quote = false;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (in_quote) {
      if (c == '"') in_quote = false;
      continue;
    }
    if (c == '"') {
      in_quote = true;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;  // escaped or padding character
    } else if (c == '[') {
      const size_t close = code.find(']', i);
      if (close == std::string_view::npos) return false;
      const std::string_view inner = code.substr(i + 1, close - i - 1);
      // [h], [mm], [ss]: elapsed time.
      if (!inner.empty() && (inner[0] == 'h' || inner[0] == 'H' || inner[0] == 'm' || inner[0] == 'M' ||
                             inner[0] == 's' || inner[0] == 'S')) {
        return true;
      }
      i = close;
    } else if (c == ';') {
      break;  // the first section decides
    } else {
      switch (c) {
        case 'd': case 'D': case 'm': case 'M': case 'y': case 'Y':
        case 'h': case 'H': case 's': case 'S': case 'e': case 'g': case 'b': case 'B':
          // "General" and "@" never reach here: see IsBuiltinDate and caller.
          return true;
        default:
          break;
      }
    }
  }
  return false;
}

bool IsBuiltinDate(int id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
         (id >= 50 && id <= 58) || (id >= 71 && id <= 81);
}

class StylesHandler final : public XmlHandler {
 public:
  void Start(std::string_view name, const XML_Char** attrs) override {
    if (name == "numFmt") {
      const char* id = Attr(attrs, "numFmtId");
      const char* code = Attr(attrs, "formatCode");
      if (id != nullptr && code != nullptr) {
        int n = 0;
        std::from_chars(id, id + std::strlen(id), n);
        std::string_view c(code);
        custom_date_[n] = c != "General" && c != "general" && c != "@" && IsDateFormatCode(c);
      }
    } else if (name == "cellXfs") {
      in_cell_xfs_ = true;
    } else if (name == "xf" && in_cell_xfs_) {
      int n = 0;
      if (const char* id = Attr(attrs, "numFmtId")) std::from_chars(id, id + std::strlen(id), n);
      xf_fmt_.push_back(n);
    }
  }
  void End(std::string_view name) override {
    if (name == "cellXfs") in_cell_xfs_ = false;
  }

  // Per cell-format index: is it a date format?
  std::vector<bool> DateStyles() const {
    std::vector<bool> out;
    out.reserve(xf_fmt_.size());
    for (int id : xf_fmt_) {
      auto it = custom_date_.find(id);
      out.push_back(it != custom_date_.end() ? it->second : IsBuiltinDate(id));
    }
    return out;
  }

 private:
  std::map<int, bool> custom_date_;
  std::vector<int> xf_fmt_;
  bool in_cell_xfs_ = false;
};

// --- Cells ----------------------------------------------------------------

// "B12" -> column 1 (0-based); nullopt if it does not start with letters A..XFD.
std::optional<size_t> ColumnOf(std::string_view ref) {
  size_t col = 0;
  size_t i = 0;
  for (; i < ref.size(); ++i) {
    char c = ref[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') break;
    col = col * 26 + static_cast<size_t>(c - 'A' + 1);
    if (col > kMaxColumns) return std::nullopt;
  }
  if (i == 0) return std::nullopt;
  return col - 1;
}

// Shortest text of a number as Excel shows it: up to 15 significant digits,
// integers below 10^15 without exponent.
std::string FormatNumber(double d) {
  char buf[64];
  std::to_chars_result r{};
  if (d == 0) return "0";
  if (std::fabs(d) < 1e15 && d == std::trunc(d)) {
    r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed, 0);
  } else {
    r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::general, 15);
  }
  return std::string(buf, r.ptr);
}

std::string ColumnName(size_t col) {
  std::string s;
  ++col;
  while (col > 0) {
    const size_t rem = (col - 1) % 26;
    s.insert(s.begin(), static_cast<char>('A' + rem));
    col = (col - 1) / 26;
  }
  return s;
}

// --- The sheet, streamed --------------------------------------------------

class XlsxTableReader final : public TableReader, private XmlHandler {
 public:
  XlsxTableReader(std::string bytes, const TableOptions& options, std::string source)
      : bytes_(std::move(bytes)), source_(std::move(source)), keep_blank_rows_(options.keep_blank_rows),
        zip_(bytes_, source_) {
    const std::string workbook_path = FindWorkbook();
    const size_t slash = workbook_path.rfind('/');
    const std::string dir = slash == std::string::npos ? std::string() : workbook_path.substr(0, slash + 1);

    WorkbookHandler workbook;
    XmlParser(workbook, source_ + ", " + workbook_path).ParseAll(zip_.Read(workbook_path));
    date1904_ = workbook.date1904;
    sheet_names_.reserve(workbook.sheets.size());
    for (const SheetEntry& s : workbook.sheets) sheet_names_.push_back(s.name);

    RelsHandler rels(dir);
    const std::string rels_path = dir + "_rels/" + workbook_path.substr(dir.size()) + ".rels";
    if (zip_.Has(rels_path)) XmlParser(rels, source_ + ", " + rels_path).ParseAll(zip_.Read(rels_path));

    // Choose the sheet.
    const SheetEntry* chosen = nullptr;
    if (!options.sheet.empty()) {
      for (const SheetEntry& s : workbook.sheets) {
        if (s.name == options.sheet) chosen = &s;
      }
      if (chosen == nullptr) {
        std::string names;
        for (const SheetEntry& s : workbook.sheets) names += (names.empty() ? "" : ", ") + s.name;
        throw Error::InvalidArgument(source_ + ": no sheet named " + options.sheet + " (sheets: " + names + ")",
                                     {ErrorDetail{source_, "no sheet named " + options.sheet}});
      }
    } else {
      for (const SheetEntry& s : workbook.sheets) {
        if (!s.hidden) {
          chosen = &s;
          break;
        }
      }
      if (chosen == nullptr && !workbook.sheets.empty()) chosen = &workbook.sheets.front();
    }
    std::string sheet_path;
    if (chosen != nullptr) {
      sheet_ = chosen->name;
      auto it = rels.rels.find(chosen->rel_id);
      if (it != rels.rels.end()) sheet_path = it->second.target;
    }
    if (sheet_path.empty()) sheet_path = dir + "worksheets/sheet1.xml";
    if (!zip_.Has(sheet_path)) {
      throw Error::InvalidArgument(source_ + ": the workbook has no readable sheet",
                                   {ErrorDetail{source_, "no sheet"}});
    }
    where_ = source_ + ", sheet " + (sheet_.empty() ? std::string("1") : sheet_);

    // Shared strings and styles, found through the relationships.
    std::string strings_path = dir + "sharedStrings.xml";
    std::string styles_path = dir + "styles.xml";
    for (const auto& [id, rel] : rels.rels) {
      if (rel.type.ends_with("/sharedStrings")) strings_path = rel.target;
      if (rel.type.ends_with("/styles")) styles_path = rel.target;
    }
    if (zip_.Has(strings_path)) {
      SharedStringsHandler h(shared_strings_);
      XmlParser(h, source_ + ", " + strings_path).ParseAll(zip_.Read(strings_path));
    }
    if (zip_.Has(styles_path)) {
      StylesHandler h;
      XmlParser(h, source_ + ", " + styles_path).ParseAll(zip_.Read(styles_path));
      date_styles_ = h.DateStyles();
    }

    sheet_file_ = zip_.Open(sheet_path);
    sheet_part_ = sheet_path;
    parser_.emplace(static_cast<XmlHandler&>(*this), where_);
    chunk_.resize(kChunk);
  }

  bool Next(Row& row) override {
    while (ready_.empty()) {
      if (done_) return false;
      Pump();
    }
    row = std::move(ready_.front());
    ready_.pop_front();
    return true;
  }

  TableFormat format() const override { return TableFormat::kXlsx; }
  Encoding encoding() const override { return Encoding::kUtf8; }
  const std::string& sheet() const override { return sheet_; }
  bool date1904() const override { return date1904_; }
  const std::vector<std::string>& sheet_names() const { return sheet_names_; }

 private:
  std::string FindWorkbook() const {
    const std::string root_rels = "_rels/.rels";
    if (zip_.Has(root_rels)) {
      RelsHandler rels("");
      XmlParser(rels, source_ + ", " + root_rels).ParseAll(zip_.Read(root_rels));
      for (const auto& [id, rel] : rels.rels) {
        if (rel.type.ends_with("/officeDocument") && zip_.Has(rel.target)) return rel.target;
      }
    }
    return "xl/workbook.xml";
  }

  // Advances the parser until at least one row is ready or the sheet ends.
  void Pump() {
    if (suspended_) {
      suspended_ = false;
      if (parser_->Resume() == XML_STATUS_SUSPENDED) {
        suspended_ = true;
        return;
      }
    }
    if (eof_) {
      done_ = true;
      return;
    }
    const zip_int64_t n = zip_fread(sheet_file_.get(), chunk_.data(), chunk_.size());
    if (n < 0) zip_.ThrowBroken(sheet_part_, zip_file_strerror(sheet_file_.get()));
    eof_ = n == 0;
    if (parser_->Feed(chunk_.data(), static_cast<size_t>(n), eof_) == XML_STATUS_SUSPENDED) {
      suspended_ = true;
    } else if (eof_) {
      done_ = true;
    }
  }

  std::string At(size_t col) const {
    return where_ + ", row " + std::to_string(row_.number) + ", column " + ColumnName(col);
  }
  [[noreturn]] void Fail(size_t col, const std::string& problem) const {
    const std::string at = At(col);
    throw Error::InvalidArgument(at + ": " + problem, {ErrorDetail{at, problem}});
  }

  void Start(std::string_view name, const XML_Char** attrs) override {
    if (name == "row") {
      in_row_ = true;
      row_.cells.clear();
      row_.kinds.clear();
      size_t number = last_row_ + 1;
      if (const char* r = Attr(attrs, "r")) {
        const std::string_view s(r);
        size_t n = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (ec != std::errc() || p != s.data() + s.size() || n == 0 || n > kMaxRow) {
          row_.number = last_row_ + 1;
          Fail(0, "bad row number \"" + std::string(s) + "\"");
        }
        number = n;
      }
      row_.number = number;
      last_row_ = number;
      next_col_ = 0;
    } else if (name == "c" && in_row_) {
      in_cell_ = true;
      value_.clear();
      cell_type_.clear();
      cell_style_ = 0;
      cell_col_ = next_col_;
      if (const char* r = Attr(attrs, "r")) {
        std::optional<size_t> col = ColumnOf(r);
        if (!col) Fail(next_col_, std::string("bad cell reference \"") + r + "\"");
        cell_col_ = *col;
      }
      if (cell_col_ >= kMaxColumns) Fail(kMaxColumns - 1, "more than 16384 columns");
      if (const char* t = Attr(attrs, "t")) cell_type_ = t;
      if (const char* s = Attr(attrs, "s")) std::from_chars(s, s + std::strlen(s), cell_style_);
    } else if (in_cell_) {
      if (name == "v") {
        in_value_ = true;
      } else if (name == "rPh") {
        ++in_rph_;
      } else if (name == "t" && in_rph_ == 0) {
        in_value_ = true;  // <is><t> or <is><r><t>
      }
    }
  }

  void End(std::string_view name) override {
    if (name == "v" || name == "t") {
      in_value_ = false;
    } else if (name == "rPh") {
      if (in_rph_ > 0) --in_rph_;
    } else if (name == "c" && in_cell_) {
      in_cell_ = false;
      FinishCell();
      next_col_ = cell_col_ + 1;
    } else if (name == "row" && in_row_) {
      in_row_ = false;
      const bool blank = std::all_of(row_.kinds.begin(), row_.kinds.end(),
                                     [](CellKind k) { return k == CellKind::kEmpty; });
      if (keep_blank_rows_ || !blank) {
        ready_.push_back(std::move(row_));
        row_ = Row();
        // Hand the row out before parsing further.
        XML_StopParser(parser_->get(), XML_TRUE);
      }
    }
  }

  void Text(std::string_view text) override {
    if (in_value_) value_.append(text);
  }

  void FinishCell() {
    std::string text;
    CellKind kind = CellKind::kText;
    const std::string_view type = cell_type_;
    if (type == "s") {
      if (value_.empty()) return;
      size_t index = 0;
      auto [p, ec] = std::from_chars(value_.data(), value_.data() + value_.size(), index);
      if (ec != std::errc() || p != value_.data() + value_.size() || index >= shared_strings_.size()) {
        Fail(cell_col_, "shared string " + value_ + " does not exist");
      }
      text = shared_strings_[index];
    } else if (type == "inlineStr" || type == "str" || type == "d") {
      text = std::move(value_);
    } else if (type == "b") {
      if (value_.empty()) return;
      if (value_ != "0" && value_ != "1") Fail(cell_col_, "bad boolean \"" + value_ + "\"");
      text = value_ == "1" ? "TRUE" : "FALSE";
      kind = CellKind::kBool;
    } else if (type == "e") {
      text = std::move(value_);
      kind = CellKind::kError;
    } else if (type.empty() || type == "n") {
      if (value_.empty()) return;
      double d = 0;
      const char* first = value_.data();
      const char* last = first + value_.size();
      if (first != last && *first == '+') ++first;
      auto [p, ec] = std::from_chars(first, last, d);
      if (ec != std::errc() || p != last || !std::isfinite(d)) {
        Fail(cell_col_, "bad number \"" + value_ + "\"");
      }
      text = FormatNumber(d);
      const size_t style = cell_style_;
      kind = style < date_styles_.size() && date_styles_[style] ? CellKind::kDate : CellKind::kNumber;
    } else {
      Fail(cell_col_, "unknown cell type \"" + cell_type_ + "\"");
    }
    if (text.empty()) return;
    if (row_.cells.size() <= cell_col_) {
      row_.cells.resize(cell_col_ + 1);
      row_.kinds.resize(cell_col_ + 1, CellKind::kEmpty);
    }
    row_.cells[cell_col_] = std::move(text);
    row_.kinds[cell_col_] = kind;
  }

  std::string bytes_;  // the archive; zip_ reads from it
  std::string source_;
  bool keep_blank_rows_;
  ZipArchive zip_;
  std::string sheet_;
  std::string where_;
  std::string sheet_part_;
  std::vector<std::string> sheet_names_;
  bool date1904_ = false;
  std::vector<std::string> shared_strings_;
  std::vector<bool> date_styles_;

  ZipFilePtr sheet_file_;
  std::optional<XmlParser> parser_;
  std::vector<char> chunk_;
  bool suspended_ = false;
  bool eof_ = false;
  bool done_ = false;
  std::deque<Row> ready_;

  // Parse state.
  Row row_;
  size_t last_row_ = 0;
  bool in_row_ = false;
  bool in_cell_ = false;
  bool in_value_ = false;
  int in_rph_ = 0;
  size_t next_col_ = 0;
  size_t cell_col_ = 0;
  size_t cell_style_ = 0;
  std::string cell_type_;
  std::string value_;
};

}  // namespace

std::unique_ptr<TableReader> OpenXlsxBytes(std::string bytes, const TableOptions& options, std::string source) {
  return std::make_unique<XlsxTableReader>(std::move(bytes), options, std::move(source));
}

std::vector<std::string> ListSheets(const std::string& path) {
  XlsxTableReader reader(ReadFile(path), TableOptions{}, path);
  return reader.sheet_names();
}

}  // namespace fupin::io
