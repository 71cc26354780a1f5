#include "policy/eval.h"

#include <algorithm>
#include <set>
#include <utility>

#include "core/error.h"
#include "core/money.h"

namespace fupin::policy {

namespace {

constexpr size_t kChunk = 1024;

enum class Domain { kPersons, kHouseholds };

enum class OpCode : uint8_t {
  kLoadInt,       // ptr = column + base (int64, no copy)
  kGatherInt,     // out = column[person_household[row]]
  kLoadBool,      // out = uint8 column
  kGatherBool,
  kLookup,        // out = table[codes[row]]
  kGatherLookup,
  kAdd, kSub, kMul, kDiv, kMod, kNeg,
  kEq, kNe, kLt, kLe, kGt, kGe,
  kAnd, kOr, kNot,
  kInRange,       // imm <= a <= imm2
  kInList,        // a in lists[src]
  kSelect,        // a ? b : c
  kMin, kMax,
  kAgeOn,         // floor((b - a) / 10000) on yyyymmdd
  kYearOf,        // a / 10000
  kYuan,          // a * 100
};

struct Instr {
  OpCode op;
  int dst = -1;
  int a = -1;
  int b = -1;
  int c = -1;
  int src = -1;  // index into Code::sources or Code::lists
  int64_t imm = 0;
  int64_t imm2 = 0;
};

// What a load reads; resolved against a Frame at evaluation time.
struct Source {
  enum class Kind { kColumn, kStringTest, kAggregate } kind = Kind::kColumn;
  std::string field;
  bool household = false;  // lives in the households table
  Type type = Type::kInt;
  // kStringTest: which dictionary entries pass.
  enum class Test { kEqual, kIn, kStartsWith } test = Test::kEqual;
  std::vector<std::string> literals;
  bool negate = false;
  int aggregate = -1;  // kAggregate
};

struct Constant {
  int reg = -1;
  int64_t value = 0;
  std::string scalar;  // when set, the value comes from the frame's scalar
};

struct Aggregate {
  std::string fn;  // any, count, sum
  std::unique_ptr<Code> body;
};

}  // namespace

struct Code {
  Domain domain = Domain::kPersons;
  std::vector<Instr> instrs;
  std::vector<Constant> constants;
  std::vector<Source> sources;
  std::vector<std::vector<int64_t>> lists;
  std::vector<Aggregate> aggregates;
  int registers = 0;
  int result = -1;
};

namespace {

int64_t Wrap(uint64_t v) { return static_cast<int64_t>(v); }
uint64_t U(int64_t v) { return static_cast<uint64_t>(v); }

int64_t ConstValue(const Node& n) {
  switch (n.kind) {
    case NodeKind::kInt:
    case NodeKind::kBool: return n.int_value;
    case NodeKind::kUnary: return Wrap(0 - U(n.kids[0]->int_value));
    case NodeKind::kCall:
      if (n.text == "date") return n.int_value;
      if (n.text == "yuan") return Wrap(U(ConstValue(*n.kids[0])) * 100U);
      break;
    default: break;
  }
  throw Error::Internal("not a constant: " + n.text);
}

class Compiler {
 public:
  explicit Compiler(Code& code) : code_(code) {}

  int Reg() { return code_.registers++; }

  int Emit(Instr in) {
    in.dst = Reg();
    code_.instrs.push_back(in);
    return in.dst;
  }

  int Const(int64_t v) {
    int r = Reg();
    code_.constants.push_back({r, v, ""});
    return r;
  }

  int Scalar(const std::string& name) {
    int r = Reg();
    code_.constants.push_back({r, 0, name});
    return r;
  }

  int AddSource(Source s) {
    code_.sources.push_back(std::move(s));
    return static_cast<int>(code_.sources.size() - 1);
  }

  bool Gathers(const policy::Field& f) const {
    return code_.domain == Domain::kPersons && (f.entity == Entity::kHousehold || f.entity == Entity::kArea);
  }

  int StringTest(const Node& field_node, Source::Test test, std::vector<std::string> literals, bool negate) {
    const policy::Field& f = *field_node.field;
    Source s;
    s.kind = Source::Kind::kStringTest;
    s.field = f.name;
    s.household = f.entity == Entity::kHousehold || f.entity == Entity::kArea;
    s.type = Type::kString;
    s.test = test;
    s.literals = std::move(literals);
    s.negate = negate;
    Instr in{Gathers(f) ? OpCode::kGatherLookup : OpCode::kLookup};
    in.src = AddSource(std::move(s));
    return Emit(in);
  }

  int FieldLoad(const Node& n) {
    if (!n.kids.empty()) return Compile(*n.kids[0]);  // derived
    const policy::Field& f = *n.field;
    if (f.entity == Entity::kScalar) return Scalar(f.name);
    if (f.type == Type::kString) throw Error::Internal("string field " + f.name + " used as a value");
    if (f.entity == Entity::kPerson && code_.domain != Domain::kPersons) {
      throw Error::Internal("person field " + f.name + " in a household program");
    }
    Source s;
    s.field = f.name;
    s.household = f.entity != Entity::kPerson;
    s.type = f.type;
    bool gather = Gathers(f);
    Instr in{f.type == Type::kBool ? (gather ? OpCode::kGatherBool : OpCode::kLoadBool)
                                   : (gather ? OpCode::kGatherInt : OpCode::kLoadInt)};
    in.src = AddSource(std::move(s));
    return Emit(in);
  }

  int Binary(OpCode op, int a, int b) {
    Instr in{op};
    in.a = a;
    in.b = b;
    return Emit(in);
  }

  int Compile(const Node& n) {
    switch (n.kind) {
      case NodeKind::kInt:
      case NodeKind::kBool: return Const(n.int_value);
      case NodeKind::kString: throw Error::Internal("bare string literal");
      case NodeKind::kField: return FieldLoad(n);
      case NodeKind::kUnary: {
        Instr in{n.op == Op::kNot ? OpCode::kNot : OpCode::kNeg};
        in.a = Compile(*n.kids[0]);
        return Emit(in);
      }
      case NodeKind::kBinary: return CompileBinary(n);
      case NodeKind::kIn: return CompileIn(n);
      case NodeKind::kCond: {
        Instr in{OpCode::kSelect};
        in.a = Compile(*n.kids[0]);
        in.b = Compile(*n.kids[1]);
        in.c = Compile(*n.kids[2]);
        return Emit(in);
      }
      case NodeKind::kCall: return CompileCall(n);
      case NodeKind::kList:
      case NodeKind::kRange: break;
    }
    throw Error::Internal("cannot compile node");
  }

  int CompileBinary(const Node& n) {
    const Node& a = *n.kids[0];
    const Node& b = *n.kids[1];
    if (a.type == Type::kString) {
      const Node& field = a.kind == NodeKind::kField ? a : b;
      const Node& literal = a.kind == NodeKind::kField ? b : a;
      return StringTest(field, Source::Test::kEqual, {literal.text}, n.op == Op::kNe);
    }
    static const std::pair<Op, OpCode> kMap[] = {
        {Op::kAdd, OpCode::kAdd}, {Op::kSub, OpCode::kSub}, {Op::kMul, OpCode::kMul}, {Op::kDiv, OpCode::kDiv},
        {Op::kMod, OpCode::kMod}, {Op::kEq, OpCode::kEq},   {Op::kNe, OpCode::kNe},   {Op::kLt, OpCode::kLt},
        {Op::kLe, OpCode::kLe},   {Op::kGt, OpCode::kGt},   {Op::kGe, OpCode::kGe},   {Op::kAnd, OpCode::kAnd},
        {Op::kOr, OpCode::kOr}};
    for (const auto& [op, code] : kMap) {
      if (op == n.op) return Binary(code, Compile(a), Compile(b));
    }
    throw Error::Internal("bad binary operator");
  }

  int CompileIn(const Node& n) {
    const Node& a = *n.kids[0];
    const Node& set = *n.kids[1];
    if (set.kind == NodeKind::kRange) {
      Instr in{OpCode::kInRange};
      in.a = Compile(a);
      in.imm = ConstValue(*set.kids[0]);
      in.imm2 = ConstValue(*set.kids[1]);
      return Emit(in);
    }
    if (a.type == Type::kString) {
      std::vector<std::string> literals;
      for (const auto& k : set.kids) literals.push_back(k->text);
      return StringTest(a, Source::Test::kIn, std::move(literals), false);
    }
    std::vector<int64_t> values;
    for (const auto& k : set.kids) values.push_back(ConstValue(*k));
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    code_.lists.push_back(std::move(values));
    Instr in{OpCode::kInList};
    in.a = Compile(a);
    in.src = static_cast<int>(code_.lists.size() - 1);
    return Emit(in);
  }

  int CompileCall(const Node& n) {
    const std::string& fn = n.text;
    if (fn == "any" || fn == "count" || fn == "sum") {
      Aggregate agg;
      agg.fn = fn;
      agg.body = std::make_unique<Code>();
      agg.body->domain = Domain::kPersons;
      Compiler inner(*agg.body);
      agg.body->result = inner.Compile(*n.kids[1]);
      code_.aggregates.push_back(std::move(agg));
      Source s;
      s.kind = Source::Kind::kAggregate;
      s.field = fn + "(members, ...)";
      s.household = true;
      s.aggregate = static_cast<int>(code_.aggregates.size() - 1);
      Instr in{code_.domain == Domain::kPersons ? OpCode::kGatherInt : OpCode::kLoadInt};
      in.src = AddSource(std::move(s));
      return Emit(in);
    }
    if (fn == "date") return Const(n.int_value);
    if (fn == "age_on") return Binary(OpCode::kAgeOn, Compile(*n.kids[0]), Compile(*n.kids[1]));
    if (fn == "years_since") return Binary(OpCode::kAgeOn, Compile(*n.kids[0]), Scalar("ref_date"));
    if (fn == "min") return Binary(OpCode::kMin, Compile(*n.kids[0]), Compile(*n.kids[1]));
    if (fn == "max") return Binary(OpCode::kMax, Compile(*n.kids[0]), Compile(*n.kids[1]));
    if (fn == "year_of" || fn == "yuan") {
      Instr in{fn == "yuan" ? OpCode::kYuan : OpCode::kYearOf};
      in.a = Compile(*n.kids[0]);
      return Emit(in);
    }
    if (fn == "starts_with") return StringTest(*n.kids[0], Source::Test::kStartsWith, {n.kids[1]->text}, false);
    throw Error::Internal("unknown function " + fn);
  }

 private:
  Code& code_;
};

std::unique_ptr<Code> CompileRoot(const Node& root, Target target) {
  auto code = std::make_unique<Code>();
  code->domain = target == Target::kPerson ? Domain::kPersons : Domain::kHouseholds;
  Compiler compiler(*code);
  code->result = compiler.Compile(root);
  return code;
}

size_t DomainRows(const Code& code, const Frame& frame) {
  return code.domain == Domain::kPersons ? frame.person_household().size() : frame.households().rows();
}

[[noreturn]] void Missing(const std::string& field, const std::string& problem) {
  throw Error::InvalidArgument("the frame cannot supply the expression", {{field, problem}});
}

bool Passes(const Source& s, const std::string& value) {
  bool hit = false;
  switch (s.test) {
    case Source::Test::kEqual:
    case Source::Test::kIn:
      hit = std::find(s.literals.begin(), s.literals.end(), value) != s.literals.end();
      break;
    case Source::Test::kStartsWith:
      hit = value.rfind(s.literals[0], 0) == 0;
      break;
  }
  return hit != s.negate;
}

void RunInto(const Code& code, const Frame& frame, size_t begin, size_t end, int64_t* result);

std::vector<int64_t> Run(const Code& code, const Frame& frame, size_t begin, size_t end) {
  std::vector<int64_t> result(end >= begin ? end - begin : 0);
  RunInto(code, frame, begin, end, result.data());
  return result;
}

// Everything a Code reads, resolved against one frame.
struct Bound {
  std::vector<const int64_t*> ints;
  std::vector<const uint8_t*> bools;
  std::vector<const int32_t*> codes;
  std::vector<std::vector<int64_t>> tables;
  std::vector<std::vector<int64_t>> aggregates;
};

Bound Bind(const Code& code, const Frame& frame) {
  Bound b;
  const auto& link = frame.person_household();
  const size_t households = frame.households().rows();
  for (const Aggregate& agg : code.aggregates) {
    std::vector<int64_t> per_person = Run(*agg.body, frame, 0, link.size());
    std::vector<int64_t> per_household(households, 0);
    for (size_t p = 0; p < link.size(); ++p) {
      auto h = static_cast<size_t>(link[p]);
      per_household[h] = Wrap(U(per_household[h]) + U(per_person[p]));
    }
    if (agg.fn == "any") {
      for (int64_t& v : per_household) v = v != 0 ? 1 : 0;
    }
    b.aggregates.push_back(std::move(per_household));
  }
  size_t n = code.sources.size();
  b.ints.assign(n, nullptr);
  b.bools.assign(n, nullptr);
  b.codes.assign(n, nullptr);
  b.tables.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const Source& s = code.sources[i];
    if (s.kind == Source::Kind::kAggregate) {
      b.ints[i] = b.aggregates[static_cast<size_t>(s.aggregate)].data();
      continue;
    }
    const Table& table = s.household ? frame.households() : frame.persons();
    const Column* col = table.Find(s.field);
    if (col == nullptr) Missing(s.field, "no such column in the frame");
    if (col->type() != s.type) {
      Missing(s.field, std::string("column is ") + TypeName(col->type()) + ", the catalogue says " + TypeName(s.type));
    }
    size_t rows = s.household ? households : link.size();
    if (col->size() != rows) Missing(s.field, "column has " + std::to_string(col->size()) + " rows, expected " + std::to_string(rows));
    switch (s.kind) {
      case Source::Kind::kColumn:
        if (s.type == Type::kBool) {
          b.bools[i] = col->bools().data();
        } else {
          b.ints[i] = col->ints().data();
        }
        break;
      case Source::Kind::kStringTest: {
        b.codes[i] = col->codes().data();
        auto& table_i = b.tables[i];
        for (const std::string& value : col->dictionary()) table_i.push_back(Passes(s, value) ? 1 : 0);
        break;
      }
      case Source::Kind::kAggregate: break;
    }
  }
  return b;
}

template <class F>
void Map1(int64_t* out, const int64_t* a, size_t n, F f) {
  for (size_t i = 0; i < n; ++i) out[i] = f(a[i]);
}

template <class F>
void Map2(int64_t* out, const int64_t* a, const int64_t* b, size_t n, F f) {
  for (size_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
}

// Floor division and its remainder (the remainder takes the divisor's sign), so that a
// per-capita amount rounds down like everywhere else (core/money.h FloorDiv).
int64_t Div(int64_t a, int64_t b) {
  if (b == 0) return 0;
  if (b == -1) return Wrap(0 - U(a));
  return FloorDiv(a, b);
}

int64_t Mod(int64_t a, int64_t b) {
  if (b == 0 || b == -1) return 0;
  const int64_t r = a % b;
  return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
}

int64_t AgeOn(int64_t birth, int64_t on) {
  int64_t d = Wrap(U(on) - U(birth));
  int64_t q = d / 10000;
  if (d % 10000 < 0) --q;
  return q;
}

// The constants (and scalars of the frame) filled into their registers, one chunk each.
void SetConstants(const Code& code, const Frame& frame, int64_t* buffer, std::vector<const int64_t*>& reg) {
  for (const Constant& c : code.constants) {
    int64_t value = c.value;
    if (!c.scalar.empty()) {
      auto v = frame.Scalar(c.scalar);
      if (!v) {
        // A year parameter (dibao standard, premiums...) nobody has set for the run's year.
        if (c.scalar.rfind("params.", 0) == 0) {
          const auto year = frame.Scalar("year");
          const std::string name = c.scalar.substr(7);
          Missing(c.scalar, "the year parameter " + name + " has no value for " +
                                (year ? std::to_string(*year) : std::string("the run's year")) +
                                "; set it with `fupin params set " + name + " VALUE --key YEAR --source ...`");
        }
        Missing(c.scalar, "no such scalar in the frame");
      }
      value = *v;
    }
    int64_t* out = buffer + static_cast<size_t>(c.reg) * kChunk;
    std::fill_n(out, kChunk, value);
    reg[static_cast<size_t>(c.reg)] = out;
  }
}

// A column read for rows [base, base + n): its own rows, or through the person's household (gather).
// Returns false for an instruction that is not a read.
inline bool ReadColumn(const Instr& in, const Bound& bound, const int32_t* link, size_t base, size_t n, int64_t* out,
                       std::vector<const int64_t*>& reg) {
  const auto src = static_cast<size_t>(in.src);
  switch (in.op) {
    case OpCode::kLoadInt: reg[static_cast<size_t>(in.dst)] = bound.ints[src] + base; return true;
    case OpCode::kGatherInt: {
      const int64_t* col = bound.ints[src];
      for (size_t i = 0; i < n; ++i) out[i] = col[link[base + i]];
      break;
    }
    case OpCode::kLoadBool: {
      const uint8_t* col = bound.bools[src] + base;
      for (size_t i = 0; i < n; ++i) out[i] = col[i];
      break;
    }
    case OpCode::kGatherBool: {
      const uint8_t* col = bound.bools[src];
      for (size_t i = 0; i < n; ++i) out[i] = col[link[base + i]];
      break;
    }
    case OpCode::kLookup: {
      const int32_t* codes = bound.codes[src] + base;
      const int64_t* table = bound.tables[src].data();
      for (size_t i = 0; i < n; ++i) out[i] = table[codes[i]];
      break;
    }
    case OpCode::kGatherLookup: {
      const int32_t* codes = bound.codes[src];
      const int64_t* table = bound.tables[src].data();
      for (size_t i = 0; i < n; ++i) out[i] = table[codes[link[base + i]]];
      break;
    }
    default: return false;
  }
  reg[static_cast<size_t>(in.dst)] = out;
  return true;
}

// An operation on registers over n rows.
inline void Compute(const Instr& in, const Code& code, const std::vector<const int64_t*>& reg, int64_t* out, size_t n) {
  const int64_t* a = in.a >= 0 ? reg[static_cast<size_t>(in.a)] : nullptr;
  const int64_t* b = in.b >= 0 ? reg[static_cast<size_t>(in.b)] : nullptr;
  switch (in.op) {
    case OpCode::kAdd: Map2(out, a, b, n, [](int64_t x, int64_t y) { return Wrap(U(x) + U(y)); }); break;
    case OpCode::kSub: Map2(out, a, b, n, [](int64_t x, int64_t y) { return Wrap(U(x) - U(y)); }); break;
    case OpCode::kMul: Map2(out, a, b, n, [](int64_t x, int64_t y) { return Wrap(U(x) * U(y)); }); break;
    case OpCode::kDiv: Map2(out, a, b, n, Div); break;
    case OpCode::kMod: Map2(out, a, b, n, Mod); break;
    case OpCode::kNeg: Map1(out, a, n, [](int64_t x) { return Wrap(0 - U(x)); }); break;
    case OpCode::kEq: Map2(out, a, b, n, [](int64_t x, int64_t y) -> int64_t { return x == y; }); break;
    case OpCode::kNe: Map2(out, a, b, n, [](int64_t x, int64_t y) -> int64_t { return x != y; }); break;
    case OpCode::kLt: Map2(out, a, b, n, [](int64_t x, int64_t y) -> int64_t { return x < y; }); break;
    case OpCode::kLe: Map2(out, a, b, n, [](int64_t x, int64_t y) -> int64_t { return x <= y; }); break;
    case OpCode::kGt: Map2(out, a, b, n, [](int64_t x, int64_t y) -> int64_t { return x > y; }); break;
    case OpCode::kGe: Map2(out, a, b, n, [](int64_t x, int64_t y) -> int64_t { return x >= y; }); break;
    case OpCode::kAnd: Map2(out, a, b, n, [](int64_t x, int64_t y) { return x & y; }); break;
    case OpCode::kOr: Map2(out, a, b, n, [](int64_t x, int64_t y) { return x | y; }); break;
    case OpCode::kNot: Map1(out, a, n, [](int64_t x) -> int64_t { return x == 0; }); break;
    case OpCode::kInRange: {
      const int64_t lo = in.imm;
      const int64_t hi = in.imm2;
      Map1(out, a, n, [lo, hi](int64_t x) -> int64_t { return (x >= lo) & (x <= hi); });
      break;
    }
    case OpCode::kInList: {
      std::fill_n(out, n, 0);
      for (int64_t v : code.lists[static_cast<size_t>(in.src)]) {
        for (size_t i = 0; i < n; ++i) out[i] |= static_cast<int64_t>(a[i] == v);
      }
      break;
    }
    case OpCode::kSelect: {
      const int64_t* c = reg[static_cast<size_t>(in.c)];
      for (size_t i = 0; i < n; ++i) out[i] = a[i] != 0 ? b[i] : c[i];
      break;
    }
    case OpCode::kMin: Map2(out, a, b, n, [](int64_t x, int64_t y) { return std::min(x, y); }); break;
    case OpCode::kMax: Map2(out, a, b, n, [](int64_t x, int64_t y) { return std::max(x, y); }); break;
    case OpCode::kAgeOn: Map2(out, a, b, n, AgeOn); break;
    case OpCode::kYearOf: Map1(out, a, n, [](int64_t x) { return x / 10000; }); break;
    case OpCode::kYuan: Map1(out, a, n, [](int64_t x) { return Wrap(U(x) * 100U); }); break;
    default: break;  // the reads: ReadColumn
  }
}

void RunInto(const Code& code, const Frame& frame, size_t begin, size_t end, int64_t* result) {
  const size_t rows = DomainRows(code, frame);
  if (begin > end || end > rows) throw Error::InvalidArgument("row range outside the frame");
  Bound bound = Bind(code, frame);
  const int32_t* link = frame.person_household().data();
  std::vector<int64_t> buffer(static_cast<size_t>(code.registers) * kChunk);
  std::vector<const int64_t*> reg(static_cast<size_t>(code.registers), nullptr);
  SetConstants(code, frame, buffer.data(), reg);
  for (size_t base = begin; base < end; base += kChunk) {
    const size_t n = std::min(kChunk, end - base);
    for (const Instr& in : code.instrs) {
      int64_t* out = buffer.data() + static_cast<size_t>(in.dst) * kChunk;
      if (ReadColumn(in, bound, link, base, n, out, reg)) continue;
      Compute(in, code, reg, out, n);
      reg[static_cast<size_t>(in.dst)] = out;
    }
    const int64_t* r = reg[static_cast<size_t>(code.result)];
    std::copy_n(r, n, result + (base - begin));
  }
}

void FlattenChain(const Node& n, Op op, std::vector<const Node*>& out) {
  if (n.kind == NodeKind::kBinary && n.op == op) {
    FlattenChain(*n.kids[0], op, out);
    FlattenChain(*n.kids[1], op, out);
  } else {
    out.push_back(&n);
  }
}

// Fields read at the row itself (not of members inside any/count/sum).
void CollectFacts(const Node& n, std::vector<const Node*>& out) {
  if (n.kind == NodeKind::kField) {
    if (n.field == nullptr || n.member) return;
    for (const Node* seen : out) {
      if (seen->field == n.field) return;
    }
    out.push_back(&n);
    return;
  }
  if (n.kind == NodeKind::kCall && (n.text == "any" || n.text == "count" || n.text == "sum")) return;
  for (const auto& k : n.kids) CollectFacts(*k, out);
}

std::string FormatFact(const Field& f, int64_t v) {
  switch (f.type) {
    case Type::kBool: return v != 0 ? "是" : "否";
    case Type::kDate: return FormatDateKey(v);
    case Type::kString: return "";
    case Type::kInt: break;
  }
  if (f.unit == "fen") return FormatYuan(v) + "元";
  if (f.unit == "0.01 mu") {
    std::string s = FormatYuan(v);  // the same two decimals
    return s + "亩";
  }
  if (f.unit == "years") return std::to_string(v) + "岁";
  return std::to_string(v);
}

}  // namespace

struct Program::FactCode {
  const Field* field = nullptr;
  std::unique_ptr<Code> code;  // non-string fields
};

struct Program::ClauseCode {
  std::unique_ptr<Code> code;
  std::vector<FactCode> facts;
};

Program::Program(const CheckedExpr& expr)
    : type_(expr.type()), target_(expr.target()), source_(expr.source()), keep_(expr.shared_root()) {
  const Node& root = *keep_;
  main_ = CompileRoot(root, target_);
  std::vector<const Node*> clauses;
  if (root.kind == NodeKind::kBinary && (root.op == Op::kAnd || root.op == Op::kOr)) {
    joiner_ = OpText(root.op);
    FlattenChain(root, root.op, clauses);
  } else {
    clauses.push_back(&root);
  }
  for (const Node* c : clauses) {
    clause_texts_.emplace_back(expr.TextOf(*c));
    ClauseCode cc;
    cc.code = CompileRoot(*c, target_);
    std::vector<const Node*> facts;
    CollectFacts(*c, facts);
    for (const Node* f : facts) {
      FactCode fc;
      fc.field = f->field;
      if (f->field->type != Type::kString) fc.code = CompileRoot(*f, target_);
      cc.facts.push_back(std::move(fc));
    }
    clause_codes_.push_back(std::move(cc));
  }
}

Program::~Program() = default;
Program::Program(Program&&) noexcept = default;
Program& Program::operator=(Program&&) noexcept = default;

std::vector<int64_t> Program::Evaluate(const Frame& frame) const {
  return Run(*main_, frame, 0, DomainRows(*main_, frame));
}

void Program::EvaluateInto(const Frame& frame, std::vector<int64_t>& out) const {
  out.resize(DomainRows(*main_, frame));
  RunInto(*main_, frame, 0, out.size(), out.data());
}

std::vector<int64_t> Program::Evaluate(const Frame& frame, size_t begin, size_t end) const {
  return Run(*main_, frame, begin, end);
}

std::vector<std::vector<int64_t>> Program::EvaluateClauses(const Frame& frame) const {
  std::vector<std::vector<int64_t>> out;
  for (const ClauseCode& c : clause_codes_) out.push_back(Run(*c.code, frame, 0, DomainRows(*c.code, frame)));
  return out;
}

std::vector<ClauseValue> Program::Explain(const Frame& frame, size_t row) const {
  std::vector<ClauseValue> out;
  for (size_t i = 0; i < clause_codes_.size(); ++i) {
    const ClauseCode& c = clause_codes_[i];
    ClauseValue v;
    v.text = clause_texts_[i];
    v.value = Run(*c.code, frame, row, row + 1).at(0);
    v.holds = v.value != 0;
    for (const FactCode& fc : c.facts) {
      const Field& f = *fc.field;
      FactValue fv{f.name, f.label_zh, ""};
      if (fc.code) {
        fv.value = FormatFact(f, Run(*fc.code, frame, row, row + 1).at(0));
      } else {
        bool household = f.entity != Entity::kPerson;
        const Table& table = household ? frame.households() : frame.persons();
        const Column* col = table.Find(f.name);
        if (col == nullptr) Missing(f.name, "no such column in the frame");
        size_t r = row;
        if (household && target_ == Target::kPerson) r = static_cast<size_t>(frame.person_household().at(row));
        std::string value = col->ValueText(r);
        fv.value = std::string(f.ValueLabel(value));
      }
      v.facts.push_back(std::move(fv));
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<std::vector<ClauseValue>> Program::ExplainRows(const Frame& frame, const std::vector<size_t>& rows) const {
  std::vector<std::vector<ClauseValue>> out(rows.size());
  if (rows.empty()) return out;
  for (size_t i = 0; i < clause_codes_.size(); ++i) {
    const ClauseCode& c = clause_codes_[i];
    const size_t n = DomainRows(*c.code, frame);
    const std::vector<int64_t> values = Run(*c.code, frame, 0, n);
    std::vector<std::vector<int64_t>> derived(c.facts.size());
    std::vector<const Column*> columns(c.facts.size(), nullptr);
    for (size_t k = 0; k < c.facts.size(); ++k) {
      const FactCode& fc = c.facts[k];
      if (fc.code) {
        derived[k] = Run(*fc.code, frame, 0, DomainRows(*fc.code, frame));
      } else {
        const bool household = fc.field->entity != Entity::kPerson;
        columns[k] = (household ? frame.households() : frame.persons()).Find(fc.field->name);
        if (columns[k] == nullptr) Missing(fc.field->name, "no such column in the frame");
      }
    }
    for (size_t j = 0; j < rows.size(); ++j) {
      const size_t row = rows[j];
      ClauseValue v;
      v.text = clause_texts_[i];
      v.value = values.at(row);
      v.holds = v.value != 0;
      for (size_t k = 0; k < c.facts.size(); ++k) {
        const Field& f = *c.facts[k].field;
        FactValue fv{f.name, f.label_zh, ""};
        if (c.facts[k].code) {
          fv.value = FormatFact(f, derived[k].at(row));
        } else {
          size_t r = row;
          if (f.entity != Entity::kPerson && target_ == Target::kPerson) {
            r = static_cast<size_t>(frame.person_household().at(row));
          }
          fv.value = std::string(f.ValueLabel(columns[k]->ValueText(r)));
        }
        v.facts.push_back(std::move(fv));
      }
      out[j].push_back(std::move(v));
    }
  }
  return out;
}

ExplainColumns Program::ExplainAll(const Frame& frame) const {
  ExplainColumns out;
  ExplainWindow(frame, 0, TargetRows(frame), out);
  return out;
}

size_t Program::TargetRows(const Frame& frame) const { return DomainRows(*main_, frame); }

void Program::ExplainWindow(const Frame& frame, size_t begin, size_t end, ExplainColumns& out) const {
  if (begin > end || end > TargetRows(frame)) throw Error::InvalidArgument("row range outside the frame");
  if (out.frame != &frame || out.clauses.size() != clause_codes_.size()) {
    out = ExplainColumns{};
    out.frame = &frame;
    for (size_t i = 0; i < clause_codes_.size(); ++i) {
      ExplainColumns::Clause clause;
      clause.text = &clause_texts_[i];
      for (const FactCode& fc : clause_codes_[i].facts) {
        ExplainColumns::Fact fact;
        fact.field = fc.field;
        if (!fc.code) {
          const bool household = fc.field->entity != Entity::kPerson;
          fact.column = (household ? frame.households() : frame.persons()).Find(fc.field->name);
          if (fact.column == nullptr) Missing(fc.field->name, "no such column in the frame");
          fact.via_household = household && target_ == Target::kPerson;
          for (const std::string& value : fact.column->dictionary()) {
            fact.labels.emplace_back(fc.field->ValueLabel(value));
          }
        }
        clause.facts.push_back(std::move(fact));
      }
      out.clauses.push_back(std::move(clause));
    }
  }
  out.begin = 0;  // no window while the values are replaced: an exception leaves none
  out.end = 0;
  for (size_t i = 0; i < clause_codes_.size(); ++i) {
    const ClauseCode& c = clause_codes_[i];
    ExplainColumns::Clause& clause = out.clauses[i];
    clause.values.resize(end - begin);
    RunInto(*c.code, frame, begin, end, clause.values.data());
    for (size_t k = 0; k < c.facts.size(); ++k) {
      if (!c.facts[k].code) continue;
      std::vector<int64_t>& values = clause.facts[k].values;
      values.resize(end - begin);
      RunInto(*c.facts[k].code, frame, begin, end, values.data());
    }
  }
  out.begin = begin;
  out.end = end;
}

std::string ExplainColumns::FactText(const Fact& fact, size_t row) const {
  if (fact.column == nullptr) return FormatFact(*fact.field, fact.values[row - begin]);
  const size_t r = fact.via_household ? static_cast<size_t>(frame->person_household()[row]) : row;
  return fact.labels[static_cast<size_t>(fact.column->codes()[r])];
}

}  // namespace fupin::policy
