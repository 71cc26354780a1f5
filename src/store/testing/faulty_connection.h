#pragma once
// A Connection that wraps another and fails on demand: after a set number of
// successful steps of writing statements (INSERT, UPDATE, DELETE), the next one
// throws fupin::Error (internal) as a full disk or a broken store would. Tests use
// it to show that a batch that fails in the middle leaves no trace.
#include <memory>
#include <vector>

#include "store/database.h"

namespace fupin::store::testing {

class FaultyConnection final : public Connection {
 public:
  explicit FaultyConnection(std::unique_ptr<Connection> inner) : inner_(std::move(inner)) {}

  // Fail the write step after `n` more have succeeded; a negative n never fails.
  void FailAfterWrites(int n) { remaining_ = n; }
  int writes() const { return writes_; }

  Dialect dialect() const override { return inner_->dialect(); }
  std::unique_ptr<Statement> Prepare(std::string_view sql) override;
  void Execute(std::string_view sql) override { inner_->Execute(sql); }
  void SetLockWait(std::chrono::milliseconds wait) override { inner_->SetLockWait(wait); }

 protected:
  void BeginLevel(int depth) override;
  void CommitLevel(int depth) override;
  void RollbackLevel(int depth) override;

 private:
  friend class FaultyStatement;
  bool CountWrite();  // false: this write must fail

  std::unique_ptr<Connection> inner_;
  std::vector<std::unique_ptr<Transaction>> open_;
  int remaining_ = -1;
  int writes_ = 0;
};

}  // namespace fupin::store::testing
