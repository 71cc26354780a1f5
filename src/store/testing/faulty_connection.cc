#include "store/testing/faulty_connection.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "core/error.h"

namespace fupin::store::testing {

class FaultyStatement final : public Statement {
 public:
  FaultyStatement(FaultyConnection& owner, std::unique_ptr<Statement> inner, bool writes)
      : owner_(owner), inner_(std::move(inner)), writes_(writes) {}
  void BindNull(int i) override { inner_->BindNull(i); }
  void BindInt(int i, int64_t v) override { inner_->BindInt(i, v); }
  void BindDouble(int i, double v) override { inner_->BindDouble(i, v); }
  void BindText(int i, std::string_view v) override { inner_->BindText(i, v); }
  void BindBlob(int i, std::span<const uint8_t> v) override { inner_->BindBlob(i, v); }
  bool Step() override {
    if (writes_ && !owner_.CountWrite()) throw Error::Internal("injected store failure");
    return inner_->Step();
  }
  void Reset() override { inner_->Reset(); }
  int ColumnCount() const override { return inner_->ColumnCount(); }
  bool IsNull(int c) const override { return inner_->IsNull(c); }
  int64_t Int(int c) const override { return inner_->Int(c); }
  double Double(int c) const override { return inner_->Double(c); }
  std::string Text(int c) const override { return inner_->Text(c); }
  std::string_view TextView(int c) const override { return inner_->TextView(c); }
  std::vector<uint8_t> Blob(int c) const override { return inner_->Blob(c); }
  int64_t Run() override {
    if (writes_ && !owner_.CountWrite()) {
      inner_->Reset();
      throw Error::Internal("injected store failure");
    }
    return inner_->Run();
  }

 private:
  FaultyConnection& owner_;
  std::unique_ptr<Statement> inner_;
  bool writes_;
};

std::unique_ptr<Statement> FaultyConnection::Prepare(std::string_view sql) {
  std::string head;
  for (char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c)) && head.empty()) continue;
    if (!std::isalpha(static_cast<unsigned char>(c))) break;
    head.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  const bool writes = head == "INSERT" || head == "UPDATE" || head == "DELETE" || head == "REPLACE";
  return std::make_unique<FaultyStatement>(*this, inner_->Prepare(sql), writes);
}

bool FaultyConnection::CountWrite() {
  if (remaining_ == 0) return false;
  if (remaining_ > 0) --remaining_;
  ++writes_;
  return true;
}

void FaultyConnection::BeginLevel(int /*depth*/) { open_.push_back(std::make_unique<Transaction>(*inner_)); }

void FaultyConnection::CommitLevel(int /*depth*/) {
  open_.back()->Commit();
  open_.pop_back();
}

void FaultyConnection::RollbackLevel(int /*depth*/) { open_.pop_back(); }

}  // namespace fupin::store::testing
