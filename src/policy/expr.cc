#include "policy/expr.h"

#include <algorithm>
#include <limits>
#include <set>
#include <utility>

#include "core/date.h"
#include "core/error.h"

namespace fupin::policy {

std::string Diagnostic::ToString() const {
  return "line " + std::to_string(position.line) + ", column " + std::to_string(position.column) + ": " +
         message;
}

const char* TargetName(Target target) { return target == Target::kPerson ? "person" : "household"; }

std::optional<Target> ParseTarget(std::string_view text) {
  if (text == "person") return Target::kPerson;
  if (text == "household") return Target::kHousehold;
  return std::nullopt;
}

const char* OpText(Op op) {
  switch (op) {
    case Op::kNone: return "";
    case Op::kAdd: return "+";
    case Op::kSub: return "-";
    case Op::kMul: return "*";
    case Op::kDiv: return "/";
    case Op::kMod: return "%";
    case Op::kEq: return "==";
    case Op::kNe: return "!=";
    case Op::kLt: return "<";
    case Op::kLe: return "<=";
    case Op::kGt: return ">";
    case Op::kGe: return ">=";
    case Op::kAnd: return "&&";
    case Op::kOr: return "||";
    case Op::kNot: return "!";
    case Op::kNeg: return "-";
  }
  return "";
}

namespace {

// Thrown inside this file only; turned into a Diagnostic at the boundary.
struct Failure {
  Diagnostic diagnostic;
};

[[noreturn]] void Fail(Position at, std::string message) { throw Failure{{at, std::move(message)}}; }

// ---------------------------------------------------------------- lexer

enum class Tok { kInt, kString, kIdent, kPunct, kEnd };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // identifier, punctuation, or the decoded string literal
  int64_t value = 0;
  Position position;
  size_t begin = 0;
  size_t end = 0;
};

class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(source) {}

  std::vector<Token> Run() {
    std::vector<Token> out;
    for (;;) {
      SkipSpaceAndComments();
      Token t;
      t.position = pos_;
      t.begin = i_;
      if (i_ >= src_.size()) {
        t.kind = Tok::kEnd;
        t.end = i_;
        out.push_back(std::move(t));
        return out;
      }
      char c = src_[i_];
      if (IsDigit(c)) {
        LexInt(t);
      } else if (IsIdentStart(c)) {
        while (i_ < src_.size() && IsIdentPart(src_[i_])) Advance();
        t.kind = Tok::kIdent;
        t.text = std::string(src_.substr(t.begin, i_ - t.begin));
      } else if (c == '"' || c == '\'') {
        LexString(t, c);
      } else {
        LexPunct(t);
      }
      t.end = i_;
      out.push_back(std::move(t));
    }
  }

 private:
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }
  static bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
  static bool IsIdentPart(char c) { return IsIdentStart(c) || IsDigit(c); }

  void Advance() {
    unsigned char c = static_cast<unsigned char>(src_[i_]);
    ++i_;
    if (c == '\n') {
      ++pos_.line;
      pos_.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++pos_.column;  // count code points: continuation bytes do not start a character
    }
  }

  void SkipSpaceAndComments() {
    while (i_ < src_.size()) {
      char c = src_[i_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        Advance();
      } else if (c == '#') {
        while (i_ < src_.size() && src_[i_] != '\n') Advance();
      } else {
        return;
      }
    }
  }

  void LexInt(Token& t) {
    uint64_t v = 0;
    const uint64_t max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    while (i_ < src_.size() && (IsDigit(src_[i_]) || src_[i_] == '_')) {
      if (src_[i_] != '_') {
        uint64_t d = static_cast<uint64_t>(src_[i_] - '0');
        if (v > (max - d) / 10) Fail(t.position, "integer literal is too large");
        v = v * 10 + d;
      }
      Advance();
    }
    if (src_[i_ - 1] == '_') Fail(t.position, "an integer literal cannot end with '_'");
    if (i_ < src_.size() && IsIdentStart(src_[i_])) Fail(pos_, "unexpected letter after a number");
    t.kind = Tok::kInt;
    t.value = static_cast<int64_t>(v);
  }

  void LexString(Token& t, char quote) {
    Advance();  // opening quote
    std::string value;
    for (;;) {
      if (i_ >= src_.size() || src_[i_] == '\n') Fail(t.position, "unterminated string literal");
      char c = src_[i_];
      if (c == quote) {
        Advance();
        break;
      }
      if (c == '\\') {
        Position at = pos_;
        Advance();
        if (i_ >= src_.size()) Fail(t.position, "unterminated string literal");
        char e = src_[i_];
        if (e != '"' && e != '\'' && e != '\\') Fail(at, "unknown escape sequence; only \\\" \\' and \\\\ are allowed");
        value += e;
        Advance();
        continue;
      }
      value += c;
      Advance();
    }
    t.kind = Tok::kString;
    t.text = std::move(value);
  }

  void LexPunct(Token& t) {
    static constexpr std::string_view kTwo[] = {"==", "!=", "<=", ">=", "&&", "||", ".."};
    for (std::string_view p : kTwo) {
      if (src_.substr(i_, 2) == p) {
        Advance();
        Advance();
        t.kind = Tok::kPunct;
        t.text = std::string(p);
        return;
      }
    }
    char c = src_[i_];
    static constexpr std::string_view kOne = "()[],.?:+-*/%<>!";
    if (kOne.find(c) != std::string_view::npos) {
      Advance();
      t.kind = Tok::kPunct;
      t.text = std::string(1, c);
      return;
    }
    if (c == '=') Fail(pos_, "unexpected '='; compare with '=='");
    if (c == '&') Fail(pos_, "unexpected '&'; 'and' is written '&&'");
    if (c == '|') Fail(pos_, "unexpected '|'; 'or' is written '||'");
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) Fail(pos_, "unexpected character (only strings may hold non-ASCII text)");
    Fail(pos_, std::string("unexpected character '") + c + "'");
  }

  std::string_view src_;
  size_t i_ = 0;
  Position pos_;
};

// ---------------------------------------------------------------- parser

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : toks_(std::move(tokens)) {}

  std::unique_ptr<Node> Run() {
    auto root = Expr();
    if (Peek().kind != Tok::kEnd) Fail(Peek().position, "unexpected " + Describe(Peek()) + " after the expression");
    return root;
  }

 private:
  const Token& Peek() const { return toks_[k_]; }
  const Token& Take() { return toks_[k_ < toks_.size() - 1 ? k_++ : k_]; }
  bool IsPunct(std::string_view p) const { return Peek().kind == Tok::kPunct && Peek().text == p; }
  bool IsIdent(std::string_view word) const { return Peek().kind == Tok::kIdent && Peek().text == word; }
  size_t LastEnd() const { return k_ == 0 ? 0 : toks_[k_ - 1].end; }

  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case Tok::kEnd: return "end of expression";
      case Tok::kInt: return "number " + std::to_string(t.value);
      case Tok::kString: return "string";
      case Tok::kIdent: return "'" + t.text + "'";
      case Tok::kPunct: return "'" + t.text + "'";
    }
    return "token";
  }

  void Expect(std::string_view p, std::string_view what) {
    if (!IsPunct(p)) Fail(Peek().position, "expected '" + std::string(p) + "' " + std::string(what) + ", found " + Describe(Peek()));
    Take();
  }

  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& parser) : p(parser) {
      if (++p.depth_ > kMaxDepth) Fail(p.Peek().position, "expression nested too deeply");
    }
    ~DepthGuard() { --p.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
  };

  // Sets the node's height from its kids; refuses trees too tall to walk.
  static std::unique_ptr<Node> Finish(std::unique_ptr<Node> n) {
    int height = 0;
    for (const auto& k : n->kids) height = std::max(height, k->depth);
    n->depth = height + 1;
    if (n->depth > kMaxTreeHeight) Fail(n->position, "expression nested too deeply");
    return n;
  }

  std::unique_ptr<Node> MakeBinary(Op op, const Token& at, std::unique_ptr<Node> a, std::unique_ptr<Node> b) {
    auto n = std::make_unique<Node>();
    n->kind = NodeKind::kBinary;
    n->op = op;
    n->position = at.position;
    n->begin = a->begin;
    n->end = b->end;
    n->kids.push_back(std::move(a));
    n->kids.push_back(std::move(b));
    return Finish(std::move(n));
  }

  std::unique_ptr<Node> Expr() {
    DepthGuard guard(*this);
    auto cond = Or();
    if (!IsPunct("?")) return cond;
    Token q = Take();
    auto yes = Expr();
    Expect(":", "in 'condition ? a : b'");
    auto no = Expr();
    auto n = std::make_unique<Node>();
    n->kind = NodeKind::kCond;
    n->position = q.position;
    n->begin = cond->begin;
    n->end = no->end;
    n->kids.push_back(std::move(cond));
    n->kids.push_back(std::move(yes));
    n->kids.push_back(std::move(no));
    return Finish(std::move(n));
  }

  std::unique_ptr<Node> Or() {
    auto a = And();
    while (IsPunct("||")) {
      Token t = Take();
      a = MakeBinary(Op::kOr, t, std::move(a), And());
    }
    return a;
  }

  std::unique_ptr<Node> And() {
    auto a = Comparison();
    while (IsPunct("&&")) {
      Token t = Take();
      a = MakeBinary(Op::kAnd, t, std::move(a), Comparison());
    }
    return a;
  }

  std::optional<Op> ComparisonOp() const {
    if (Peek().kind != Tok::kPunct) return std::nullopt;
    const std::string& p = Peek().text;
    if (p == "==") return Op::kEq;
    if (p == "!=") return Op::kNe;
    if (p == "<") return Op::kLt;
    if (p == "<=") return Op::kLe;
    if (p == ">") return Op::kGt;
    if (p == ">=") return Op::kGe;
    return std::nullopt;
  }

  std::unique_ptr<Node> Comparison() {
    auto a = Additive();
    if (auto op = ComparisonOp()) {
      Token t = Take();
      a = MakeBinary(*op, t, std::move(a), Additive());
    } else if (IsIdent("in")) {
      Token t = Take();
      auto n = std::make_unique<Node>();
      n->kind = NodeKind::kIn;
      n->position = t.position;
      n->begin = a->begin;
      n->kids.push_back(std::move(a));
      if (IsPunct("[")) {
        n->kids.push_back(List());
      } else {
        auto lo = Additive();
        if (!IsPunct("..")) Fail(Peek().position, "expected a list [a, b] or a range lo..hi after 'in'");
        Token dots = Take();
        auto hi = Additive();
        auto r = std::make_unique<Node>();
        r->kind = NodeKind::kRange;
        r->position = dots.position;
        r->begin = lo->begin;
        r->end = hi->end;
        r->kids.push_back(std::move(lo));
        r->kids.push_back(std::move(hi));
        n->kids.push_back(Finish(std::move(r)));
      }
      n->end = n->kids.back()->end;
      a = Finish(std::move(n));
    }
    if (ComparisonOp() || IsIdent("in")) {
      Fail(Peek().position, "comparisons cannot be chained; join them with '&&'");
    }
    return a;
  }

  std::unique_ptr<Node> Additive() {
    auto a = Multiplicative();
    while (IsPunct("+") || IsPunct("-")) {
      Token t = Take();
      a = MakeBinary(t.text == "+" ? Op::kAdd : Op::kSub, t, std::move(a), Multiplicative());
    }
    return a;
  }

  std::unique_ptr<Node> Multiplicative() {
    auto a = Unary();
    while (IsPunct("*") || IsPunct("/") || IsPunct("%")) {
      Token t = Take();
      Op op = t.text == "*" ? Op::kMul : t.text == "/" ? Op::kDiv : Op::kMod;
      a = MakeBinary(op, t, std::move(a), Unary());
    }
    return a;
  }

  std::unique_ptr<Node> Unary() {
    DepthGuard guard(*this);
    if (IsPunct("!") || IsPunct("-")) {
      Token t = Take();
      auto operand = Unary();
      auto n = std::make_unique<Node>();
      n->kind = NodeKind::kUnary;
      n->op = t.text == "!" ? Op::kNot : Op::kNeg;
      n->position = t.position;
      n->begin = t.begin;
      n->end = operand->end;
      n->kids.push_back(std::move(operand));
      return Finish(std::move(n));
    }
    return Primary();
  }

  std::unique_ptr<Node> List() {
    Token open = Take();  // '['
    auto n = std::make_unique<Node>();
    n->kind = NodeKind::kList;
    n->position = open.position;
    n->begin = open.begin;
    while (!IsPunct("]")) {
      n->kids.push_back(Expr());
      if (IsPunct(",")) {
        Take();
        continue;
      }
      if (!IsPunct("]")) Fail(Peek().position, "expected ',' or ']' in the list, found " + Describe(Peek()));
    }
    Take();
    n->end = LastEnd();
    return Finish(std::move(n));
  }

  std::unique_ptr<Node> Primary() {
    const Token& t = Peek();
    auto n = std::make_unique<Node>();
    n->position = t.position;
    n->begin = t.begin;
    n->end = t.end;
    switch (t.kind) {
      case Tok::kInt:
        n->kind = NodeKind::kInt;
        n->int_value = t.value;
        Take();
        return n;
      case Tok::kString:
        n->kind = NodeKind::kString;
        n->text = t.text;
        Take();
        return n;
      case Tok::kIdent:
        break;
      case Tok::kPunct:
        if (t.text == "(") {
          Take();
          auto inner = Expr();
          Expect(")", "to close '('");
          inner->begin = n->begin;  // include the parentheses in the node's text
          inner->end = LastEnd();
          return inner;
        }
        if (t.text == "[") return List();
        Fail(t.position, "expected a value, found " + Describe(t));
      case Tok::kEnd:
        Fail(t.position, "expected a value, found end of expression");
    }
    // Identifier: keyword, call or field path.
    std::string word = Take().text;
    if (word == "true" || word == "false") {
      n->kind = NodeKind::kBool;
      n->int_value = word == "true" ? 1 : 0;
      return n;
    }
    if (word == "in") Fail(n->position, "'in' needs a value on its left");
    if (IsPunct("(")) {
      Take();
      n->kind = NodeKind::kCall;
      n->text = word;
      while (!IsPunct(")")) {
        n->kids.push_back(Expr());
        if (IsPunct(",")) {
          Take();
          if (IsPunct(")")) Fail(Peek().position, "expected an argument after ','");
          continue;
        }
        if (!IsPunct(")")) Fail(Peek().position, "expected ',' or ')' in the call of " + word + ", found " + Describe(Peek()));
      }
      Take();
      n->end = LastEnd();
      return Finish(std::move(n));
    }
    n->kind = NodeKind::kField;
    n->text = word;
    while (IsPunct(".")) {
      Take();
      if (Peek().kind != Tok::kIdent) Fail(Peek().position, "expected a field name after '.'");
      n->text += ".";
      n->text += Take().text;
    }
    n->end = LastEnd();
    return n;
  }

  std::vector<Token> toks_;
  size_t k_ = 0;
  int depth_ = 0;
};

std::unique_ptr<Node> ParseOrFail(std::string_view source) {
  if (source.size() > kMaxSourceBytes) Fail({1, 1}, "expression is longer than 64 KiB");
  Lexer lexer(source);
  Parser parser(lexer.Run());
  return parser.Run();
}

}  // namespace

ParseResult Parse(std::string_view source) {
  ParseResult result;
  try {
    result.root = ParseOrFail(source);
  } catch (const Failure& f) {
    result.error = f.diagnostic;
  }
  return result;
}

// ---------------------------------------------------------------- checker

struct Checker {
  const Catalogue& catalogue;
  Target target;
  std::set<std::string> fields;
  std::set<std::string> columns;

  struct Scope {
    bool member = false;     // inside any/count/sum: `m` is a person of the household
    bool expanding = false;  // checking a derived field's definition
  };

  static bool IsConstant(const Node& n) {
    switch (n.kind) {
      case NodeKind::kInt:
      case NodeKind::kBool:
      case NodeKind::kString:
        return true;
      case NodeKind::kUnary:
        return n.op == Op::kNeg && n.kids[0]->kind == NodeKind::kInt;
      case NodeKind::kCall:
        return (n.text == "date" || n.text == "yuan") &&
               std::all_of(n.kids.begin(), n.kids.end(), [](const auto& k) { return IsConstant(*k); });
      default:
        return false;
    }
  }

  void Expect(const Node& n, Type want, std::string_view what) {
    if (n.type != want) {
      Fail(n.position, std::string(what) + " must be " + TypeName(want) + ", but it is " + TypeName(n.type));
    }
  }

  static std::string Names(const Field& f) {
    std::string out;
    for (const FieldValue& t : f.values) {
      if (!out.empty()) out += ", ";
      out += t.name;
    }
    return out;
  }

  // A string literal compared with a string field must be one of its values.
  void CheckValue(const Field* field, const Node& literal) {
    if (field == nullptr || field->values.empty()) return;
    if (literal.text == field->absent) return;  // "" is the value of a field the registry left empty
    for (const FieldValue& t : field->values) {
      if (t.name == literal.text) return;
    }
    Fail(literal.position,
         "\"" + literal.text + "\" is not a value of " + field->name + " (values: " + Names(*field) + ")");
  }

  void ResolveField(Node& n, Scope scope) {
    std::string name = n.text;
    if (name == "members") {
      Fail(n.position, "'members' can only be the first argument of any, count or sum");
    }
    if (name == "m" || name.rfind("m.", 0) == 0) {
      if (!scope.member) Fail(n.position, "'m' is only defined inside any(members, ...), count(members, ...) and sum(members, ...)");
      if (name == "m") Fail(n.position, "write a field of the member, such as m.age");
      name = "person." + name.substr(2);
      n.member = true;
    }
    const Field* f = catalogue.Find(name);
    if (f == nullptr) {
      std::string message = "unknown field " + n.text;
      if (name == "person" || name == "household" || name == "area" || name == "params") {
        message = "write a field of " + name + ", such as " + name + ".id";
      } else {
        std::string guess = catalogue.Suggest(name);
        if (!guess.empty()) message += " (did you mean " + guess + "?)";
      }
      Fail(n.position, message);
    }
    if (f->entity == Entity::kPerson) {
      if (scope.member && !n.member && !scope.expanding) {
        Fail(n.position, "inside any/count/sum the member is 'm': write m." + name.substr(7));
      }
      if (scope.member) n.member = true;
      if (!scope.member && target == Target::kHousehold) {
        Fail(n.position, name + " is a person field; a household policy reads its members through any(members, ...), "
                                "count(members, ...) or sum(members, ...)");
      }
    }
    n.field = f;
    n.type = f->type;
    if (!scope.expanding) fields.insert(f->name);
    if (!f->IsDerived()) {
      columns.insert(f->name);
      return;
    }
    // Expand the derived field in place; problems in a definition are bugs of
    // the catalogue but are still reported at the use.
    ParseResult parsed = Parse(f->derived);
    if (!parsed.root) Fail(n.position, "derived field " + f->name + " does not parse: " + parsed.error->ToString());
    try {
      Scope inner = scope;
      inner.expanding = true;
      Visit(*parsed.root, inner);
    } catch (const Failure& failure) {
      Fail(n.position, "in derived field " + f->name + ": " + failure.diagnostic.message);
    }
    if (parsed.root->type != f->type) Fail(n.position, "derived field " + f->name + " has the wrong type");
    n.kids.clear();
    n.kids.push_back(std::move(parsed.root));
  }

  void Visit(Node& n, Scope scope) {
    switch (n.kind) {
      case NodeKind::kInt: n.type = Type::kInt; return;
      case NodeKind::kBool: n.type = Type::kBool; return;
      case NodeKind::kString: n.type = Type::kString; return;
      case NodeKind::kField: ResolveField(n, scope); return;
      case NodeKind::kList: Fail(n.position, "a list can only follow 'in'");
      case NodeKind::kRange: Fail(n.position, "a range can only follow 'in'");
      case NodeKind::kUnary: {
        Node& a = *n.kids[0];
        Visit(a, scope);
        if (n.op == Op::kNot) {
          Expect(a, Type::kBool, "the operand of '!'");
          n.type = Type::kBool;
        } else {
          Expect(a, Type::kInt, "the operand of '-'");
          n.type = Type::kInt;
        }
        return;
      }
      case NodeKind::kBinary: VisitBinary(n, scope); return;
      case NodeKind::kIn: VisitIn(n, scope); return;
      case NodeKind::kCond: {
        for (auto& k : n.kids) Visit(*k, scope);
        Expect(*n.kids[0], Type::kBool, "the condition before '?'");
        if (n.kids[1]->type != n.kids[2]->type) {
          Fail(n.position, std::string("both branches of '?:' must have the same type, but they are ") +
                               TypeName(n.kids[1]->type) + " and " + TypeName(n.kids[2]->type));
        }
        if (n.kids[1]->type == Type::kString) Fail(n.position, "'?:' cannot choose between strings");
        n.type = n.kids[1]->type;
        return;
      }
      case NodeKind::kCall: VisitCall(n, scope); return;
    }
  }

  void VisitBinary(Node& n, Scope scope) {
    Node& a = *n.kids[0];
    Node& b = *n.kids[1];
    Visit(a, scope);
    Visit(b, scope);
    std::string op = std::string("'") + OpText(n.op) + "'";
    switch (n.op) {
      case Op::kAdd:
      case Op::kSub:
      case Op::kMul:
      case Op::kDiv:
      case Op::kMod:
        Expect(a, Type::kInt, "the left side of " + op);
        Expect(b, Type::kInt, "the right side of " + op);
        n.type = Type::kInt;
        return;
      case Op::kAnd:
      case Op::kOr:
        Expect(a, Type::kBool, "the left side of " + op);
        Expect(b, Type::kBool, "the right side of " + op);
        n.type = Type::kBool;
        return;
      case Op::kEq:
      case Op::kNe:
        if (a.type != b.type) {
          Fail(n.position, std::string("cannot compare ") + TypeName(a.type) + " with " + TypeName(b.type));
        }
        if (a.type == Type::kString) {
          bool a_field = a.kind == NodeKind::kField;
          bool b_field = b.kind == NodeKind::kField;
          if (a_field == b_field || (!a_field && a.kind != NodeKind::kString) || (!b_field && b.kind != NodeKind::kString)) {
            Fail(n.position, "a string field can only be compared with a string literal, such as person.health == \"chronic\"");
          }
          CheckValue(a_field ? a.field : b.field, a_field ? b : a);
        }
        n.type = Type::kBool;
        return;
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe:
        if (a.type != b.type || (a.type != Type::kInt && a.type != Type::kDate)) {
          Fail(n.position, op + " compares two ints or two dates, not " + TypeName(a.type) + " and " + TypeName(b.type));
        }
        n.type = Type::kBool;
        return;
      default:
        Fail(n.position, "bad operator");
    }
  }

  void VisitIn(Node& n, Scope scope) {
    Node& a = *n.kids[0];
    Node& set = *n.kids[1];
    Visit(a, scope);
    n.type = Type::kBool;
    if (set.kind == NodeKind::kRange) {
      if (a.type != Type::kInt && a.type != Type::kDate) {
        Fail(a.position, std::string("only an int or a date can be in a range, not a ") + TypeName(a.type));
      }
      for (auto& k : set.kids) {
        Visit(*k, scope);
        if (!IsConstant(*k)) Fail(k->position, "the ends of a range must be constants");
        Expect(*k, a.type, "the end of the range");
      }
      return;
    }
    if (a.type == Type::kString && a.kind != NodeKind::kField) {
      Fail(a.position, "only a string field can be tested with 'in'");
    }
    if (a.type == Type::kBool) Fail(a.position, "a bool cannot be tested with 'in'; compare it with ==");
    if (set.kids.empty()) Fail(set.position, "the list after 'in' is empty");
    for (auto& k : set.kids) {
      Visit(*k, scope);
      if (!IsConstant(*k)) Fail(k->position, "list elements must be constants");
      if (k->type != a.type) {
        Fail(k->position, std::string("list element is ") + TypeName(k->type) + ", but the value tested is " +
                              TypeName(a.type));
      }
      if (k->type == Type::kString) CheckValue(a.field, *k);
    }
  }

  void Arity(const Node& n, size_t want) {
    if (n.kids.size() != want) {
      Fail(n.position, n.text + " takes " + std::to_string(want) + " argument" + (want == 1 ? "" : "s") + ", not " +
                           std::to_string(n.kids.size()));
    }
  }

  void VisitCall(Node& n, Scope scope) {
    const std::string& fn = n.text;
    if (fn == "any" || fn == "count" || fn == "sum") {
      Arity(n, 2);
      const Node& set = *n.kids[0];
      if (set.kind != NodeKind::kField || set.text != "members") {
        Fail(set.position, fn + " runs over the household's members: write " + fn + "(members, ...)");
      }
      if (scope.member) Fail(n.position, fn + " cannot be used inside another any, count or sum");
      Scope inner = scope;
      inner.member = true;
      Visit(*n.kids[1], inner);
      if (fn == "sum") {
        Expect(*n.kids[1], Type::kInt, "the value summed");
        n.type = Type::kInt;
      } else {
        Expect(*n.kids[1], Type::kBool, "the condition of " + fn);
        n.type = fn == "any" ? Type::kBool : Type::kInt;
      }
      n.kids[0]->type = Type::kInt;
      return;
    }
    for (auto& k : n.kids) Visit(*k, scope);
    if (fn == "age_on") {
      Arity(n, 2);
      Expect(*n.kids[0], Type::kDate, "the first argument of age_on (the birth date)");
      Expect(*n.kids[1], Type::kDate, "the second argument of age_on (the date)");
      n.type = Type::kInt;
    } else if (fn == "years_since") {
      Arity(n, 1);
      Expect(*n.kids[0], Type::kDate, "the argument of years_since");
      columns.insert("ref_date");
      n.type = Type::kInt;
    } else if (fn == "year_of") {
      Arity(n, 1);
      Expect(*n.kids[0], Type::kDate, "the argument of year_of");
      n.type = Type::kInt;
    } else if (fn == "date") {
      Arity(n, 3);
      int64_t v[3] = {0, 0, 0};
      for (size_t i = 0; i < 3; ++i) {
        const Node& k = *n.kids[i];
        if (k.kind != NodeKind::kInt) Fail(k.position, "date(year, month, day) takes three integer literals");
        v[i] = k.int_value;
      }
      if (v[0] < 1 || v[0] > 9999 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 ||
          !Date::IsValid(static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<int>(v[2]))) {
        Fail(n.position, "date(" + std::to_string(v[0]) + ", " + std::to_string(v[1]) + ", " + std::to_string(v[2]) +
                             ") is not a real day");
      }
      n.int_value = DateKey(static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<int>(v[2]));
      n.type = Type::kDate;
    } else if (fn == "yuan") {
      Arity(n, 1);
      Expect(*n.kids[0], Type::kInt, "the argument of yuan");
      n.type = Type::kInt;
    } else if (fn == "min" || fn == "max") {
      Arity(n, 2);
      Expect(*n.kids[0], Type::kInt, "the first argument of " + fn);
      Expect(*n.kids[1], Type::kInt, "the second argument of " + fn);
      n.type = Type::kInt;
    } else if (fn == "starts_with") {
      Arity(n, 2);
      if (n.kids[0]->kind != NodeKind::kField || n.kids[0]->type != Type::kString) {
        Fail(n.kids[0]->position, "the first argument of starts_with must be a string field");
      }
      if (n.kids[1]->kind != NodeKind::kString) {
        Fail(n.kids[1]->position, "the second argument of starts_with must be a string literal");
      }
      n.type = Type::kBool;
    } else {
      Fail(n.position, "unknown function " + fn +
                           " (functions: age_on, years_since, year_of, date, yuan, min, max, any, count, sum, starts_with)");
    }
  }
};

std::string_view CheckedExpr::TextOf(const Node& node) const {
  if (node.begin > source_.size() || node.end > source_.size() || node.begin > node.end) return {};
  return std::string_view(source_).substr(node.begin, node.end - node.begin);
}

CheckResult Check(std::string_view source, const Catalogue& catalogue, Target target, std::optional<Type> expected) {
  CheckResult result;
  try {
    auto root = ParseOrFail(source);
    Checker checker{catalogue, target, {}, {}};
    checker.Visit(*root, {});
    if (root->type == Type::kString) {
      Fail(root->position, "an expression cannot be a string; compare it instead, such as person.health == \"chronic\"");
    }
    if (expected && root->type != *expected) {
      Fail(root->position, std::string("the expression must be ") + TypeName(*expected) + ", but it is " +
                               TypeName(root->type));
    }
    CheckedExpr expr;
    expr.source_ = std::string(source);
    expr.target_ = target;
    expr.fields_.assign(checker.fields.begin(), checker.fields.end());
    expr.columns_.assign(checker.columns.begin(), checker.columns.end());
    expr.root_ = std::move(root);
    result.expr = std::move(expr);
  } catch (const Failure& f) {
    result.error = f.diagnostic;
  }
  return result;
}

CheckedExpr CheckOrThrow(std::string_view source, const Catalogue& catalogue, Target target,
                         std::optional<Type> expected) {
  CheckResult r = Check(source, catalogue, target, expected);
  if (r.error) {
    const Diagnostic& d = *r.error;
    throw Error::InvalidArgument(
        "expression does not check: " + d.ToString(),
        {{"line " + std::to_string(d.position.line) + ", column " + std::to_string(d.position.column), d.message}});
  }
  return std::move(*r.expr);
}

}  // namespace fupin::policy
