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

}  // namespace

PolicyCheck CheckPolicyText(std::string_view text, const std::string& name, const Catalogue& catalogue) {
  PolicyCheck out;
  auto problem = [&out](std::string where, std::string what) { out.problems.push_back({std::move(where), std::move(what)}); };
  toml::table doc;
  try {
    doc = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    problem(Where(name, static_cast<int>(b.line), static_cast<int>(b.column)), std::string(e.description()));
    return out;
  }
  std::vector<std::string_view> lines = SplitLines(text);

  for (const auto& [key, node] : doc) {
    if (KnownKeys().count(std::string(key.str())) == 0) {
      problem(Where(name, node), "unknown key '" + std::string(key.str()) + "'");
    }
  }

  Policy p;
  p.path = name;
  auto string_key = [&](const char* key, std::string& into, bool required) -> const toml::node* {
    const toml::node* node = doc.get(key);
    if (node == nullptr) {
      if (required) problem(name, std::string("missing key '") + key + "'");
      return nullptr;
    }
    if (!node->is_string()) {
      problem(Where(name, *node), std::string("'") + key + "' must be a string");
      return nullptr;
    }
    into = node->as_string()->get();
    if (required && into.empty()) problem(Where(name, *node), std::string("'") + key + "' is empty");
    return node;
  };
  string_key("id", p.id, true);
  string_key("name", p.name, true);
  if (const toml::node* n = string_key("department", p.department, true)) {
    auto deps = Departments();
    if (std::none_of(deps.begin(), deps.end(), [&](const Department& d) { return d.code == p.department; })) {
      std::string names;
      for (const Department& d : deps) names += (names.empty() ? "" : ", ") + std::string(d.code);
      problem(Where(name, *n), "unknown department '" + p.department + "' (departments: " + names + ")");
    }
  }
  std::string target_text;
  if (const toml::node* n = string_key("target", target_text, true)) {
    if (auto t = ParseTarget(target_text)) {
      p.target = *t;
    } else {
      problem(Where(name, *n), "target must be \"person\" or \"household\", not \"" + target_text + "\"");
    }
  }
  string_key("basis", p.basis, true);
  string_key("amount_note", p.amount_note, false);
  auto year_key = [&](const char* key, int& into, bool required) {
    const toml::node* node = doc.get(key);
    if (node == nullptr) {
      if (required) problem(name, std::string("missing key '") + key + "'");
      return;
    }
    auto v = node->value<int64_t>();
    if (!node->is_integer() || !v || *v < 2000 || *v > 2100) {
      problem(Where(name, *node), std::string("'") + key + "' must be a year between 2000 and 2100");
      return;
    }
    into = static_cast<int>(*v);
  };
  year_key("from_year", p.from_year, true);
  year_key("to_year", p.to_year, false);
  if (p.to_year != 0 && p.from_year != 0 && p.to_year < p.from_year) {
    problem(Where(name, *doc.get("to_year")), "to_year is before from_year");
  }
  if (const toml::node* n = doc.get("illustrative_amount")) {
    if (!n->is_boolean()) {
      problem(Where(name, *n), "'illustrative_amount' must be true or false");
    } else {
      p.illustrative_amount = n->as_boolean()->get();
    }
  } else {
    problem(name, "missing key 'illustrative_amount' (say whether the amount is an illustrative default)");
  }
  if (p.illustrative_amount && p.amount_note.empty()) {
    problem(name, "an illustrative amount needs an 'amount_note' saying what it is based on");
  }

  std::set<std::string> declared;
  const toml::node* facts_node = doc.get("facts");
  if (facts_node == nullptr) {
    problem(name, "missing key 'facts'");
  } else if (!facts_node->is_array()) {
    problem(Where(name, *facts_node), "'facts' must be an array of field names");
  } else {
    for (const toml::node& f : *facts_node->as_array()) {
      if (!f.is_string()) {
        problem(Where(name, f), "'facts' must hold field names");
        continue;
      }
      std::string field = f.as_string()->get();
      if (catalogue.Find(field) == nullptr) {
        std::string guess = catalogue.Suggest(field);
        problem(Where(name, f), "unknown field " + field + (guess.empty() ? "" : " (did you mean " + guess + "?)"));
      } else if (!declared.insert(field).second) {
        problem(Where(name, f), "fact " + field + " is listed twice");
      } else {
        p.facts.push_back(field);
      }
    }
  }

  std::set<std::string> read;
  auto expr_key = [&](const char* key, Type type, CheckedExpr& into) -> bool {
    std::string source;
    const toml::node* node = string_key(key, source, true);
    if (node == nullptr || source.empty()) return false;
    CheckResult r = Check(source, catalogue, p.target, type);
    if (r.error) {
      Position at = MapPosition(ContentStart(lines, *node), r.error->position);
      problem(Where(name, at.line, at.column), std::string(key) + ": " + r.error->message);
      return false;
    }
    into = std::move(*r.expr);
    for (const std::string& f : into.fields()) read.insert(f);
    return true;
  };
  bool eligibility_ok = expr_key("eligibility", Type::kBool, p.eligibility);
  bool amount_ok = expr_key("amount", Type::kInt, p.amount);
  if (eligibility_ok && amount_ok && facts_node != nullptr && facts_node->is_array()) {
    for (const std::string& f : read) {
      if (declared.count(f) == 0) problem(Where(name, *facts_node), "the expressions read " + f + ", which is not listed in facts");
    }
    for (const std::string& f : declared) {
      if (read.count(f) == 0) problem(Where(name, *facts_node), "facts lists " + f + ", which the expressions do not read");
    }
  }
  if (out.problems.empty()) out.policy = std::move(p);
  return out;
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
