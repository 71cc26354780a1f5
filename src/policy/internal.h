#pragma once
// Helpers shared by the entitlement, roster and reconciliation code.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "access/audit.h"
#include "access/permissions.h"
#include "core/area_code.h"
#include "core/caller.h"
#include "core/money.h"
#include "policy/eval.h"
#include "policy/policy.h"
#include "store/database.h"

namespace fupin::policy::internal {

// Area codes starting with `prefix` are in [first, second).
inline std::pair<std::string, std::string> AreaRange(const std::string& prefix) { return {prefix, SubtreeEnd(prefix)}; }

// NotFound naming the known ids.
const Policy& FindPolicy(const std::vector<Policy>& policies, const std::string& id);

// NotFound unless the area exists ("" is the nation).
void RequireArea(store::Connection& db, const std::string& area_code);

// The area a read covers: `area_code`, or the caller's scope when empty.
// Checks read access to policy there and that the caller reads registry
// records by area (a paired cadre does not list entitlements).
std::string ReadArea(access::Audit& audit, const Caller& caller, const std::string& area_code,
                     const std::string& entity, access::Resource also = access::Resource::kRegistry);

// "符合《name》条件（脱贫状态：已脱贫；在读学段：小学），每年1000.00元。"
std::string Explanation(const Policy& policy, const std::string& joiner, const std::vector<ClauseValue>& clauses,
                        Fen amount);
nlohmann::json ClausesJson(const std::vector<ClauseValue>& clauses);

// Explanation and ClausesJson(...).dump() of many rows of one policy, written
// straight into strings from the bulk columns of Program::ExplainWindow: the
// texts that do not change from row to row (names, labels, clause texts, their
// JSON) are made once per policy. Same bytes as the two functions above.
// The clauses and facts are evaluated for a window of `window` rows from the
// first row asked for, moved on when a row outside it is asked for: rows asked
// for in increasing order (as the entitlement run does) evaluate each row at
// most once, and rows far from any asked for not at all. Not thread-safe: a
// writer per thread.
class ExplanationWriter {
 public:
  // The version of the explanations' format: raise it with any change of
  // what Write produces from the same values (wording, JSON layout, how a
  // fact's value is shown), so that Digest changes with it.
  static constexpr uint64_t kFormat = 1;

  static constexpr size_t kWindow = 4096;

  // `eligibility` and `frame` must outlive the writer.
  ExplanationWriter(const Policy& policy, const Program& eligibility, const Frame& frame, size_t window = kWindow);
  // The reason and the clauses JSON of target row `row` whose amount is `amount`.
  void Write(size_t row, Fen amount, std::string& reason, std::string& clauses);
  // A digest of what Write(row, amount) writes, from the values alone (no
  // strings built): the clauses' truth, the facts' values (a string fact by
  // its label, never by its dictionary code, so it does not depend on the
  // frame's read order), the amount, the policy's texts and kFormat. Rows
  // with equal digests get the same texts, within any frame (barring a 64-bit
  // collision); rows with other texts get another digest.
  uint64_t Digest(size_t row, Fen amount);

 private:
  // Moves the window to start at `row` unless it holds it.
  void Cover(size_t row);
  struct FactPart {
    std::string json_prefix;  // {"field":..,"label":..,"value":
    std::string reason_prefix;  // 标签：
    const std::string* field = nullptr;
    bool listed = false;  // named in the reason (not a year parameter, ref_date or year)
  };
  const Program& eligibility_;
  const size_t window_;
  const size_t rows_;  // of the target table
  ExplainColumns columns_;
  bool any_clause_ = false;  // joiner || : only holding clauses are named in the reason
  std::string reason_head_;  // 符合《name》条件
  std::vector<std::vector<FactPart>> facts_;  // per clause
  std::vector<std::string> clause_tails_;     // ],"holds": ... after the value: ,"text":..}
  uint64_t texts_digest_ = 0;  // of every text above, the facts' types and units, and kFormat
  // Per clause, per string fact: a digest of the label of each dictionary code (empty otherwise).
  std::vector<std::vector<std::vector<uint64_t>>> label_digests_;
};

}  // namespace fupin::policy::internal
