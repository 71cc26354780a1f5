#pragma once
// Bulk evaluation of checked expressions over a Frame.
//
// A Program is compiled once from a CheckedExpr into a short list of column
// operations. Evaluate() runs them over the rows of the target table in
// chunks of 1024 rows (no per-row interpretation, no map lookups): field
// columns are read in place, household facts are gathered for person rows
// through Frame::person_household, string comparisons become table lookups
// on the column's dictionary codes, and any/count/sum over members are
// computed once over all persons and reduced per household.
//
// Semantics that differ from row-by-row C++: both sides of && || and ?: are
// computed (the language has no side effects, so only speed differs);
// integer arithmetic wraps on overflow; x / 0 and x % 0 are 0.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "policy/expr.h"
#include "policy/frame.h"

namespace fupin::policy {

struct Code;  // compiled operations (eval.cc)

// One fact a clause read, for the explanation read out to a household.
struct FactValue {
  std::string field;     // person.age
  std::string label_zh;  // 年龄
  std::string value;     // 9, 初中, 是, 4200.00元, 2.50亩, 2014-09-02
};

// One top-level clause of an expression and its value for one row.
struct ClauseValue {
  std::string text;    // person.age in 6..15
  int64_t value = 0;   // 1/0 for bool clauses
  bool holds = false;  // value != 0
  std::vector<FactValue> facts;
};

// The parts of ExplainRows' answer for a window of rows of the target table
// (every row: Program::ExplainAll), evaluated in bulk, for a caller that
// formats many rows itself without a ClauseValue per row (the entitlement
// run, which moves a small window along the rows it explains so that the
// values stay in the cache instead of a column per clause and fact for the
// whole frame).
struct ExplainColumns {
  struct Fact {
    const Field* field = nullptr;
    std::vector<int64_t> values;      // a non-string fact: its value per row of the window
    const Column* column = nullptr;   // a string fact: its column
    bool via_household = false;       // read at the person's household row
    std::vector<std::string> labels;  // a string fact: the label of each dictionary code
  };
  struct Clause {
    const std::string* text = nullptr;
    std::vector<int64_t> values;  // per row of the window
    std::vector<Fact> facts;
  };
  const Frame* frame = nullptr;
  size_t begin = 0;  // the window: target rows [begin, end); values[i] is of row begin + i
  size_t end = 0;
  std::vector<Clause> clauses;
  // Whether target row `row` is in the window.
  bool Holds(size_t row) const { return row >= begin && row < end; }
  // A clause's value at target row `row` (in the window).
  int64_t ClauseAt(const Clause& clause, size_t row) const { return clause.values[row - begin]; }
  // FactValue::value of ExplainRows for this fact at target row `row` (in the window).
  std::string FactText(const Fact& fact, size_t row) const;
};

class Program {
 public:
  explicit Program(const CheckedExpr& expr);
  ~Program();
  Program(Program&&) noexcept;
  Program& operator=(Program&&) noexcept;

  Type type() const { return type_; }
  Target target() const { return target_; }
  const std::string& source() const { return source_; }

  // One value per row of the target table (persons or households), in row
  // order; bools as 0/1, dates as yyyymmdd. Throws fupin::Error (invalid
  // argument) naming any field column or scalar the frame lacks or has with
  // the wrong type.
  std::vector<int64_t> Evaluate(const Frame& frame) const;
  // As Evaluate, into `out` (resized to the row count): lets a run over many
  // policies reuse one buffer instead of faulting in fresh pages each time.
  void EvaluateInto(const Frame& frame, std::vector<int64_t>& out) const;
  // Rows [begin, end) of the target table only.
  std::vector<int64_t> Evaluate(const Frame& frame, size_t begin, size_t end) const;

  // The top-level clauses: the operands of a top-level chain of && (or of
  // ||), else the whole expression as one clause.
  const std::vector<std::string>& clauses() const { return clause_texts_; }
  // "&&", "||" or "" (one clause).
  const std::string& joiner() const { return joiner_; }
  // One column per clause, for all rows.
  std::vector<std::vector<int64_t>> EvaluateClauses(const Frame& frame) const;
  // Each clause's value for one row, with the facts it read (facts of
  // members inside any/count/sum are not listed).
  std::vector<ClauseValue> Explain(const Frame& frame, size_t row) const;
  // Explain for many rows at once: each clause and each derived fact is
  // evaluated in bulk once, then read at the given rows (of the target table).
  std::vector<std::vector<ClauseValue>> ExplainRows(const Frame& frame, const std::vector<size_t>& rows) const;
  // The same facts for every row, as columns: ExplainRows(frame, rows)[j]
  // equals what the answer gives at rows[j]. `frame` must outlive it.
  ExplainColumns ExplainAll(const Frame& frame) const;
  // The same for target rows [begin, end) only, into `out`, whose buffers are
  // reused when it already holds this program's clauses over `frame` (from an
  // earlier window); an empty window sets up the clauses and facts alone.
  void ExplainWindow(const Frame& frame, size_t begin, size_t end, ExplainColumns& out) const;
  // The rows of the target table in `frame`.
  size_t TargetRows(const Frame& frame) const;

 private:
  struct FactCode;
  struct ClauseCode;
  Type type_;
  Target target_;
  std::string source_;
  std::shared_ptr<const Node> keep_;  // the AST the codes point into
  std::unique_ptr<Code> main_;
  std::vector<std::string> clause_texts_;
  std::string joiner_;
  std::vector<ClauseCode> clause_codes_;
};

}  // namespace fupin::policy
