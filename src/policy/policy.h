#pragma once
// Policies as data: one TOML file per measure in policies/, parsed and
// type-checked when loaded. See docs/POLICY_LANGUAGE.md for the file format.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "policy/catalogue.h"
#include "policy/eval.h"
#include "policy/expr.h"

namespace fupin::policy {

// The sector departments a policy may name (行业部门).
struct Department {
  std::string_view code;      // education
  std::string_view label_zh;  // 教育局
};
std::vector<Department> Departments();

struct Policy {
  std::string id;               // edu.compulsory_living
  std::string name;             // 义务教育家庭经济困难学生生活补助
  std::string department;       // a Department code
  Target target = Target::kPerson;
  int from_year = 0;            // in force from this year ...
  int to_year = 0;              // ... to this year inclusive; 0: still in force
  CheckedExpr eligibility;      // bool
  CheckedExpr amount;           // int, fen per year for one target row
  std::vector<std::string> facts;  // every catalogue field the two expressions read
  std::string basis;            // the rule in words, with its source
  bool illustrative_amount = false;  // the amount is a default, not from the article
  std::string amount_note;      // what the amount is based on
  std::string path;             // the file it came from

  bool InForce(int year) const { return year >= from_year && (to_year == 0 || year <= to_year); }
  // Facts this policy reads that the registry schema does not hold yet.
  std::vector<std::string> OptionalFacts(const Catalogue& catalogue = Catalogue::Default()) const;
};

// The outcome of checking one file: the policy, or every problem found, each
// with path "FILE, line L, column C" (or just FILE when there is no position).
struct PolicyCheck {
  std::optional<Policy> policy;
  std::vector<ErrorDetail> problems;
  bool ok() const { return problems.empty(); }
};

// Checks the text of a policy file; `name` is used in the problems' paths.
PolicyCheck CheckPolicyText(std::string_view text, const std::string& name,
                            const Catalogue& catalogue = Catalogue::Default());
// Reads and checks one file. A file that cannot be read is a problem, not an
// exception.
PolicyCheck CheckPolicyFile(const std::filesystem::path& path, const Catalogue& catalogue = Catalogue::Default());
// Loads every *.toml file of `dir`, sorted by id. Throws fupin::Error
// (invalid argument) listing every problem of every file, including
// duplicate ids; nothing is returned unless all files check.
std::vector<Policy> LoadPolicies(const std::filesystem::path& dir, const Catalogue& catalogue = Catalogue::Default());

// A policy compiled for bulk evaluation.
class CompiledPolicy {
 public:
  explicit CompiledPolicy(Policy policy);
  const Policy& policy() const { return policy_; }
  const Program& eligibility() const { return eligibility_; }
  const Program& amount() const { return amount_; }

  struct Result {
    std::vector<int64_t> eligible;  // 0/1 per target row
    std::vector<int64_t> amount;    // fen per target row; 0 where not eligible
  };
  // Both columns over the frame's target rows (persons or households).
  Result Evaluate(const Frame& frame) const;
  // The same into `out`, reusing its buffers.
  void EvaluateInto(const Frame& frame, Result& out) const;

 private:
  Policy policy_;
  Program eligibility_;
  Program amount_;
};

}  // namespace fupin::policy
