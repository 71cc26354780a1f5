#include "policy/policy.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <toml++/toml.h>

namespace fupin::policy {

std::vector<Department> Departments() {
  return {{"education", "教育局"},
          {"health", "卫生健康局"},
          {"medical_security", "医疗保障局"},
          {"civil_affairs", "民政局"},
          {"human_resources", "人力资源和社会保障局"},
          {"housing", "住房和城乡建设局"},
          {"development_reform", "发展和改革局"},
          {"agriculture", "农业农村局"},
          {"forestry", "林业局"},
          {"water", "水利局"},
          {"transport", "交通运输局"},
          {"poverty_office", "扶贫开发办公室"},
          {"disabled_federation", "残疾人联合会"}};
}

std::vector<std::string> Policy::OptionalFacts(const Catalogue& catalogue) const {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const CheckedExpr* e : {&eligibility, &amount}) {
    for (const std::string& c : e->columns()) {
      const Field* f = catalogue.Find(c);
      if (f != nullptr && f->optional_fact && seen.insert(c).second) out.push_back(c);
    }
  }
  return out;
}

namespace {

std::string Where(const std::string& name, int line, int column) {
  return name + ", line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::string Where(const std::string& name, const toml::node& node) {
  const auto& b = node.source().begin;
  return Where(name, static_cast<int>(b.line), static_cast<int>(b.column));
}

// Where the text of a string value starts in the file: after its opening
// delimiter, and on the next line when a multi-line string's delimiter ends
// its line (TOML drops that newline). Escape sequences inside the string would
// shift later columns; policy expressions need none.
Position ContentStart(const std::vector<std::string_view>& lines, const toml::node& node) {
  const auto& b = node.source().begin;
  int line = static_cast<int>(b.line);
  int column = static_cast<int>(b.column);
  if (line < 1 || static_cast<size_t>(line) > lines.size()) return {line, column};
  std::string_view text = lines[static_cast<size_t>(line - 1)];
  // Find the byte offset of the column (columns count code points).
  size_t offset = 0;
  for (int c = 1; c < column && offset < text.size(); ++c) {
    ++offset;
    while (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) ++offset;
  }
  std::string_view rest = text.substr(std::min(offset, text.size()));
  if (rest.rfind("\"\"\"", 0) == 0 || rest.rfind("'''", 0) == 0) {
    std::string_view after = rest.substr(3);
    if (after.find_first_not_of(" \t\r") == std::string_view::npos) return {line + 1, 1};
    return {line, column + 3};
  }
  return {line, column + 1};
}

Position MapPosition(Position start, Position in_expr) {
  if (in_expr.line == 1) return {start.line, start.column + in_expr.column - 1};
  return {start.line + in_expr.line - 1, in_expr.column};
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\n') {
      lines.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return lines;
}

const std::set<std::string>& KnownKeys() {
  static const std::set<std::string> keys = {"id",     "name",  "department", "target",
                                             "from_year", "to_year", "eligibility", "amount",
                                             "facts",  "basis", "illustrative_amount", "amount_note"};
  return keys;
}

// Reads one parsed policy file into a Policy, every problem named by file, line and column.
class PolicyReader {
 public:
  PolicyReader(const toml::table& doc, const std::string& name, std::string_view text, const Catalogue& catalogue)
      : doc_(doc), name_(name), lines_(SplitLines(text)), catalogue_(catalogue) {
    p_.path = name;
  }

  PolicyCheck Read() && {
    for (const auto& [key, node] : doc_) {
      if (KnownKeys().count(std::string(key.str())) == 0) {
        Problem(Where(name_, node), "unknown key '" + std::string(key.str()) + "'");
      }
    }
    ReadHeader();
    ReadYears();
    ReadFacts();
    ReadExpressions();
    if (out_.problems.empty()) out_.policy = std::move(p_);
    return std::move(out_);
  }

 private:
  void Problem(std::string where, std::string what) { out_.problems.push_back({std::move(where), std::move(what)}); }

  const toml::node* StringKey(const char* key, std::string& into, bool required) {
    const toml::node* node = doc_.get(key);
    if (node == nullptr) {
      if (required) Problem(name_, std::string("missing key '") + key + "'");
      return nullptr;
    }
    if (!node->is_string()) {
      Problem(Where(name_, *node), std::string("'") + key + "' must be a string");
      return nullptr;
    }
    into = node->as_string()->get();
    if (required && into.empty()) Problem(Where(name_, *node), std::string("'") + key + "' is empty");
    return node;
  }

  void YearKey(const char* key, int& into, bool required) {
    const toml::node* node = doc_.get(key);
    if (node == nullptr) {
      if (required) Problem(name_, std::string("missing key '") + key + "'");
      return;
    }
    auto v = node->value<int64_t>();
    if (!node->is_integer() || !v || *v < 2000 || *v > 2100) {
      Problem(Where(name_, *node), std::string("'") + key + "' must be a year between 2000 and 2100");
      return;
    }
    into = static_cast<int>(*v);
  }

  // id, name, department, target, basis, amount_note.
  void ReadHeader() {
    StringKey("id", p_.id, true);
    StringKey("name", p_.name, true);
    if (const toml::node* n = StringKey("department", p_.department, true)) {
      auto deps = Departments();
      if (std::none_of(deps.begin(), deps.end(), [&](const Department& d) { return d.code == p_.department; })) {
        std::string names;
        for (const Department& d : deps) names += (names.empty() ? "" : ", ") + std::string(d.code);
        Problem(Where(name_, *n), "unknown department '" + p_.department + "' (departments: " + names + ")");
      }
    }
    std::string target_text;
    if (const toml::node* n = StringKey("target", target_text, true)) {
      if (auto t = ParseTarget(target_text)) {
        p_.target = *t;
      } else {
        Problem(Where(name_, *n), "target must be \"person\" or \"household\", not \"" + target_text + "\"");
      }
    }
    StringKey("basis", p_.basis, true);
    StringKey("amount_note", p_.amount_note, false);
  }

  // from_year, to_year and whether the amount is illustrative.
  void ReadYears() {
    YearKey("from_year", p_.from_year, true);
    YearKey("to_year", p_.to_year, false);
    if (p_.to_year != 0 && p_.from_year != 0 && p_.to_year < p_.from_year) {
      Problem(Where(name_, *doc_.get("to_year")), "to_year is before from_year");
    }
    if (const toml::node* n = doc_.get("illustrative_amount")) {
      if (!n->is_boolean()) {
        Problem(Where(name_, *n), "'illustrative_amount' must be true or false");
      } else {
        p_.illustrative_amount = n->as_boolean()->get();
      }
    } else {
      Problem(name_, "missing key 'illustrative_amount' (say whether the amount is an illustrative default)");
    }
    if (p_.illustrative_amount && p_.amount_note.empty()) {
      Problem(name_, "an illustrative amount needs an 'amount_note' saying what it is based on");
    }
  }

  // The facts the policy declares: known fields, each once.
  void ReadFacts() {
    facts_ = doc_.get("facts");
    if (facts_ == nullptr) {
      Problem(name_, "missing key 'facts'");
      return;
    }
    if (!facts_->is_array()) {
      Problem(Where(name_, *facts_), "'facts' must be an array of field names");
      return;
    }
    for (const toml::node& f : *facts_->as_array()) {
      if (!f.is_string()) {
        Problem(Where(name_, f), "'facts' must hold field names");
        continue;
      }
      std::string field = f.as_string()->get();
      if (catalogue_.Find(field) == nullptr) {
        std::string guess = catalogue_.Suggest(field);
        Problem(Where(name_, f), "unknown field " + field + (guess.empty() ? "" : " (did you mean " + guess + "?)"));
      } else if (!declared_.insert(field).second) {
        Problem(Where(name_, f), "fact " + field + " is listed twice");
      } else {
        p_.facts.push_back(field);
      }
    }
  }

  bool ExprKey(const char* key, Type type, CheckedExpr& into) {
    std::string source;
    const toml::node* node = StringKey(key, source, true);
    if (node == nullptr || source.empty()) return false;
    CheckResult r = Check(source, catalogue_, p_.target, type);
    if (r.error) {
      Position at = MapPosition(ContentStart(lines_, *node), r.error->position);
      Problem(Where(name_, at.line, at.column), std::string(key) + ": " + r.error->message);
      return false;
    }
    into = std::move(*r.expr);
    for (const std::string& f : into.fields()) read_.insert(f);
    return true;
  }

  // eligibility and amount, and the facts they read against those declared.
  void ReadExpressions() {
    const bool eligibility_ok = ExprKey("eligibility", Type::kBool, p_.eligibility);
    const bool amount_ok = ExprKey("amount", Type::kInt, p_.amount);
    if (!eligibility_ok || !amount_ok || facts_ == nullptr || !facts_->is_array()) return;
    for (const std::string& f : read_) {
      if (declared_.count(f) == 0) Problem(Where(name_, *facts_), "the expressions read " + f + ", which is not listed in facts");
    }
    for (const std::string& f : declared_) {
      if (read_.count(f) == 0) Problem(Where(name_, *facts_), "facts lists " + f + ", which the expressions do not read");
    }
  }

  const toml::table& doc_;
  const std::string& name_;
  std::vector<std::string_view> lines_;
  const Catalogue& catalogue_;
  PolicyCheck out_;
  Policy p_;
  const toml::node* facts_ = nullptr;
  std::set<std::string> declared_;
  std::set<std::string> read_;
};

}  // namespace

PolicyCheck CheckPolicyText(std::string_view text, const std::string& name, const Catalogue& catalogue) {
  toml::table doc;
  try {
    doc = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    PolicyCheck out;
    const auto& b = e.source().begin;
    out.problems.push_back({Where(name, static_cast<int>(b.line), static_cast<int>(b.column)), std::string(e.description())});
    return out;
  }
  return PolicyReader(doc, name, text, catalogue).Read();
}

PolicyCheck CheckPolicyFile(const std::filesystem::path& path, const Catalogue& catalogue) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    PolicyCheck out;
    out.problems.push_back({path.string(), "cannot read the file"});
    return out;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return CheckPolicyText(buffer.str(), path.string(), catalogue);
}

std::vector<Policy> LoadPolicies(const std::filesystem::path& dir, const Catalogue& catalogue) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw Error::InvalidArgument("no policy directory", {{dir.string(), "is not a directory"}});
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Policy> policies;
  std::vector<ErrorDetail> problems;
  std::map<std::string, std::string> ids;
  for (const auto& file : files) {
    PolicyCheck check = CheckPolicyFile(file, catalogue);
    problems.insert(problems.end(), check.problems.begin(), check.problems.end());
    if (!check.policy) continue;
    auto [it, inserted] = ids.emplace(check.policy->id, file.string());
    if (!inserted) {
      problems.push_back({file.string(), "id '" + check.policy->id + "' is already used by " + it->second});
      continue;
    }
    policies.push_back(std::move(*check.policy));
  }
  if (!problems.empty()) {
    // The message first: the order in which arguments are evaluated is unspecified.
    const std::string message = std::to_string(problems.size()) + " problem(s) in the policies of " + dir.string();
    throw Error::InvalidArgument(message, std::move(problems));
  }
  std::sort(policies.begin(), policies.end(), [](const Policy& a, const Policy& b) { return a.id < b.id; });
  return policies;
}

CompiledPolicy::CompiledPolicy(Policy policy)
    : policy_(std::move(policy)), eligibility_(policy_.eligibility), amount_(policy_.amount) {}

CompiledPolicy::Result CompiledPolicy::Evaluate(const Frame& frame) const {
  Result r;
  EvaluateInto(frame, r);
  return r;
}

void CompiledPolicy::EvaluateInto(const Frame& frame, Result& out) const {
  eligibility_.EvaluateInto(frame, out.eligible);
  amount_.EvaluateInto(frame, out.amount);
  int64_t* amount = out.amount.data();
  const int64_t* eligible = out.eligible.data();
  for (size_t i = 0; i < out.amount.size(); ++i) amount[i] = eligible[i] != 0 ? amount[i] : 0;
}

}  // namespace fupin::policy
