#include "policy/internal.h"

#include <algorithm>
#include <set>

#include <xxhash.h>

#include "access/abilities.h"
#include "access/permissions.h"
#include "core/error.h"

namespace fupin::policy::internal {

const Policy& FindPolicy(const std::vector<Policy>& policies, const std::string& id) {
  std::string known;
  for (const Policy& p : policies) {
    if (p.id == id) return p;
    known += (known.empty() ? "" : ", ") + p.id;
  }
  throw Error(ErrorCode::kNotFound, "no policy " + id, {{"policy", "'" + id + "' is not one of " + known}});
}

void RequireArea(store::Connection& db, const std::string& area_code) {
  if (area_code.empty()) return;
  auto s = db.Prepare("SELECT count(*) FROM areas WHERE code = ?");
  s->BindText(1, area_code);
  s->Step();
  if (s->Int(0) == 0) throw Error(ErrorCode::kNotFound, "no area " + area_code, {{"area", "'" + area_code + "' is not an area"}});
}

std::string ReadArea(access::Audit& audit, const Caller& caller, const std::string& area_code,
                     const std::string& entity, access::Resource also) {
  std::string area = area_code.empty() ? caller.area_scope : area_code;
  access::Guard guard(audit);
  guard.RequireRead(caller, access::Resource::kPolicy, {area, std::nullopt, entity});
  const access::ReadScope scope = access::ReadScopeFor(caller, also);
  if (!scope.allowed || scope.paired_households_only) {
    // Lists of persons are read by area; a caller who reads only some households does not list them.
    access::Deny(audit, caller,
                 {access::Access::kRead, also, {area, std::nullopt, entity},
                  std::string(RoleName(caller.role)) + " may not list " + access::ResourceName(also) + " records by area",
                  std::nullopt});
  }
  guard.RequireRead(caller, also, {area, std::nullopt, entity});
  return area;
}

std::string Explanation(const Policy& policy, const std::string& joiner, const std::vector<ClauseValue>& clauses,
                        Fen amount) {
  std::string facts;
  std::set<std::string> seen;
  for (const ClauseValue& c : clauses) {
    if (joiner == "||" && !c.holds) continue;
    for (const FactValue& f : c.facts) {
      if (f.field.rfind("params.", 0) == 0 || f.field == "ref_date" || f.field == "year") continue;
      if (!seen.insert(f.field).second) continue;
      if (!facts.empty()) facts += "；";
      facts += f.label_zh + "：" + f.value;
    }
  }
  std::string out = "符合《" + policy.name + "》条件";
  if (!facts.empty()) out += "（" + facts + "）";
  if (amount > 0) {
    out += "，每年" + FormatYuan(amount) + "元。";
  } else {
    out += "，享受该项服务。";
  }
  return out;
}

nlohmann::json ClausesJson(const std::vector<ClauseValue>& clauses) {
  nlohmann::json out = nlohmann::json::array();
  for (const ClauseValue& c : clauses) {
    nlohmann::json facts = nlohmann::json::array();
    for (const FactValue& f : c.facts) facts.push_back({{"field", f.field}, {"label", f.label_zh}, {"value", f.value}});
    out.push_back({{"text", c.text}, {"holds", c.holds}, {"facts", facts}});
  }
  return out;
}

namespace {

bool NeedsEscape(std::string_view text) {
  for (const char c : text) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}

// A JSON string as nlohmann::json::dump() writes it.
void AppendJsonString(std::string& out, const std::string& text) {
  if (NeedsEscape(text)) {
    out += nlohmann::json(text).dump();
    return;
  }
  out += '"';
  out += text;
  out += '"';
}

bool NotInReason(const std::string& field) {
  return field.rfind("params.", 0) == 0 || field == "ref_date" || field == "year";
}

}  // namespace

ExplanationWriter::ExplanationWriter(const Policy& policy, const Program& eligibility, const Frame& frame,
                                     size_t window)
    : eligibility_(eligibility),
      window_(std::max<size_t>(window, 1)),
      rows_(eligibility.TargetRows(frame)),
      any_clause_(eligibility.joiner() == "||"),
      reason_head_("符合《" + policy.name + "》条件") {
  eligibility.ExplainWindow(frame, 0, 0, columns_);  // the clauses and facts, no rows yet
  for (const ExplainColumns::Clause& c : columns_.clauses) {
    std::vector<FactPart> parts;
    for (const ExplainColumns::Fact& f : c.facts) {
      FactPart part;
      part.json_prefix = "{\"field\":" + nlohmann::json(f.field->name).dump() +
                         ",\"label\":" + nlohmann::json(f.field->label_zh).dump() + ",\"value\":";
      part.reason_prefix = f.field->label_zh + "：";
      part.field = &f.field->name;
      part.listed = !NotInReason(f.field->name);
      parts.push_back(std::move(part));
    }
    facts_.push_back(std::move(parts));
    clause_tails_.push_back(",\"text\":" + nlohmann::json(*c.text).dump() + "}");
  }
  // Everything Write takes from the policy and the catalogue rather than from the row.
  std::string texts = std::to_string(kFormat) + '\x1f' + reason_head_ + (any_clause_ ? "\x1f||" : "\x1f&&");
  for (size_t i = 0; i < columns_.clauses.size(); ++i) {
    std::vector<std::vector<uint64_t>> labels;
    texts += '\x1e';
    texts += clause_tails_[i];
    for (size_t k = 0; k < facts_[i].size(); ++k) {
      const FactPart& part = facts_[i][k];
      const ExplainColumns::Fact& f = columns_.clauses[i].facts[k];
      texts += '\x1f' + part.json_prefix + '\x1f' + part.reason_prefix + '\x1f' + *part.field + '\x1f' +
               (part.listed ? "1" : "0") + std::to_string(static_cast<int>(f.field->type)) + '\x1f' + f.field->unit;
      std::vector<uint64_t> codes;
      for (const std::string& label : f.labels) codes.push_back(XXH3_64bits(label.data(), label.size()));
      labels.push_back(std::move(codes));
    }
    label_digests_.push_back(std::move(labels));
  }
  texts_digest_ = XXH3_64bits(texts.data(), texts.size());
}

void ExplanationWriter::Cover(size_t row) {
  if (columns_.Holds(row)) return;
  if (row >= rows_) throw Error::InvalidArgument("row " + std::to_string(row) + " outside the frame");
  eligibility_.ExplainWindow(*columns_.frame, row, std::min(rows_, row + window_), columns_);
}

uint64_t ExplanationWriter::Digest(size_t row, Fen amount) {
  Cover(row);
  uint64_t h = texts_digest_;
  auto mix = [&h](uint64_t v) { h = XXH3_64bits_withSeed(&v, sizeof v, h); };
  mix(static_cast<uint64_t>(amount));
  const std::vector<int32_t>& person_household = columns_.frame->person_household();
  for (size_t i = 0; i < columns_.clauses.size(); ++i) {
    const ExplainColumns::Clause& c = columns_.clauses[i];
    mix(columns_.ClauseAt(c, row) != 0 ? 1 : 0);
    for (size_t k = 0; k < c.facts.size(); ++k) {
      const ExplainColumns::Fact& f = c.facts[k];
      if (f.column == nullptr) {
        mix(static_cast<uint64_t>(f.values[row - columns_.begin]));
        continue;
      }
      const size_t r = f.via_household ? static_cast<size_t>(person_household[row]) : row;
      mix(label_digests_[i][k][static_cast<size_t>(f.column->codes()[r])]);
    }
  }
  return h;
}

void ExplanationWriter::Write(size_t row, Fen amount, std::string& reason, std::string& clauses) {
  Cover(row);
  std::string facts;
  std::vector<const std::string*> seen;
  clauses.assign("[");
  for (size_t i = 0; i < columns_.clauses.size(); ++i) {
    const ExplainColumns::Clause& c = columns_.clauses[i];
    const bool holds = columns_.ClauseAt(c, row) != 0;
    if (i > 0) clauses += ',';
    clauses += "{\"facts\":[";
    for (size_t k = 0; k < c.facts.size(); ++k) {
      const FactPart& part = facts_[i][k];
      const std::string value = columns_.FactText(c.facts[k], row);
      if (k > 0) clauses += ',';
      clauses += part.json_prefix;
      AppendJsonString(clauses, value);
      clauses += '}';
      if (!part.listed || (any_clause_ && !holds)) continue;
      if (std::any_of(seen.begin(), seen.end(), [&](const std::string* s) { return *s == *part.field; })) continue;
      seen.push_back(part.field);
      if (!facts.empty()) facts += "；";
      facts += part.reason_prefix;
      facts += value;
    }
    clauses += holds ? "],\"holds\":true" : "],\"holds\":false";
    clauses += clause_tails_[i];
  }
  clauses += ']';
  reason = reason_head_;
  if (!facts.empty()) reason += "（" + facts + "）";
  if (amount > 0) {
    reason += "，每年" + FormatYuan(amount) + "元。";
  } else {
    reason += "，享受该项服务。";
  }
}

}  // namespace fupin::policy::internal
