#pragma once
// The policy expression language: lexer, parser and type checker.
//
// An expression is parsed into an AST whose nodes carry their position, and
// checked against a Catalogue for one target (a person or a household row).
// Nothing here evaluates anything: see eval.h for bulk evaluation. The
// language has no loops, no assignment, no I/O and no null; see
// docs/POLICY_LANGUAGE.md for the grammar.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/catalogue.h"

namespace fupin::policy {

// 1-based line and column; columns count characters (UTF-8 code points).
struct Position {
  int line = 1;
  int column = 1;
  auto operator<=>(const Position&) const = default;
};

// A positioned problem with an expression.
struct Diagnostic {
  Position position;
  std::string message;
  // "line 3, column 14: unknown field person.agee"
  std::string ToString() const;
};

enum class Target { kPerson, kHousehold };
const char* TargetName(Target target);
// "person" / "household"; nullopt otherwise.
std::optional<Target> ParseTarget(std::string_view text);

enum class NodeKind {
  kInt,     // 42
  kBool,    // true
  kString,  // "senior"
  kField,   // person.age, year, m.age, members
  kUnary,   // !a, -a
  kBinary,  // a + b, a && b, a < b
  kIn,      // a in [x, y]  (kids: a, kList)  or  a in lo..hi  (kids: a, kRange)
  kList,    // [x, y]
  kRange,   // lo..hi (only after `in`)
  kCall,    // age_on(a, b), any(members, m.age < 16)
  kCond,    // c ? a : b
};

enum class Op { kNone, kAdd, kSub, kMul, kDiv, kMod, kEq, kNe, kLt, kLe, kGt, kGe, kAnd, kOr, kNot, kNeg };
// "+", "==", "&&", "!" ...
const char* OpText(Op op);

struct Node {
  NodeKind kind = NodeKind::kInt;
  Position position;
  size_t begin = 0;  // byte offsets of the node's text in the source
  size_t end = 0;
  Op op = Op::kNone;
  int64_t int_value = 0;  // kInt; kBool (0/1)
  std::string text;       // kString value, kField path, kCall function name
  std::vector<std::unique_ptr<Node>> kids;
  int depth = 1;          // height of the subtree (bounded by kMaxDepth)

  // Set by the checker.
  Type type = Type::kInt;
  const Field* field = nullptr;  // kField: the catalogue field (nullptr for `members`)
  bool member = false;           // kField: read from the member `m` inside any/count/sum
};

// Parses `source`. Throws nothing: a syntax error comes back as a Diagnostic.
struct ParseResult {
  std::unique_ptr<Node> root;         // set when ok
  std::optional<Diagnostic> error;    // set when not
};
ParseResult Parse(std::string_view source);

struct CheckResult;

// A parsed and type-checked expression. Derived fields (person.age) are
// expanded in place: the kField node keeps the name and gets the derived
// expression as its only kid.
class CheckedExpr {
 public:
  const std::string& source() const { return source_; }
  const Node& root() const { return *root_; }
  // The AST, shared so compiled programs can keep it alive. Field nodes
  // point into the Catalogue, which must outlive the expression.
  const std::shared_ptr<const Node>& shared_root() const { return root_; }
  Type type() const { return root_->type; }
  Target target() const { return target_; }
  // Catalogue fields as written in the expression, sorted, unique.
  const std::vector<std::string>& fields() const { return fields_; }
  // Stored fields a Frame must supply (derived ones replaced by what they
  // read; scalars included), sorted, unique.
  const std::vector<std::string>& columns() const { return columns_; }
  // The source text of a node.
  std::string_view TextOf(const Node& node) const;

 private:
  friend CheckResult Check(std::string_view, const Catalogue&, Target, std::optional<Type>);
  std::string source_;
  std::shared_ptr<const Node> root_;
  Target target_ = Target::kPerson;
  std::vector<std::string> fields_;
  std::vector<std::string> columns_;
};

struct CheckResult {
  std::optional<CheckedExpr> expr;
  std::optional<Diagnostic> error;
};

// Parses and checks `source` for rows of `target`. When `expected` is given
// the expression must have that type ("eligibility must be bool").
CheckResult Check(std::string_view source, const Catalogue& catalogue, Target target,
                  std::optional<Type> expected = std::nullopt);

// As Check, but throws fupin::Error (invalid argument) whose detail path is
// "line L, column C".
CheckedExpr CheckOrThrow(std::string_view source, const Catalogue& catalogue, Target target,
                         std::optional<Type> expected = std::nullopt);

// Deepest nesting the parser accepts (parentheses, unary operators, and the
// height of the tree, so a chain of 10,000 '+' is refused too); deeper input
// is a positioned error. Keeps every later recursion shallow.
inline constexpr int kMaxDepth = 64;
inline constexpr int kMaxTreeHeight = 256;
// Longest expression accepted, in bytes.
inline constexpr size_t kMaxSourceBytes = 64 * 1024;

}  // namespace fupin::policy
