// Fuzzes the policy expression parser and checker: any input must come back
// either as a checked expression or as a Diagnostic with a position inside the
// input; a checked expression must compile and evaluate on an empty frame.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "policy/eval.h"
#include "policy/expr.h"
#include "policy/frame.h"

namespace {

using namespace fupin::policy;

Frame EmptyFrame() {
  Frame f;
  for (const Field& field : Catalogue::Default().fields()) {
    if (field.IsDerived()) continue;
    switch (field.entity) {
      case Entity::kPerson: f.persons().Add(field.name, field.type); break;
      case Entity::kHousehold:
      case Entity::kArea: f.households().Add(field.name, field.type); break;
      case Entity::kScalar: f.SetScalar(field.name, 20200901); break;
    }
  }
  f.Validate();
  return f;
}

void CheckOne(std::string_view text, Target target) {
  CheckResult r = Check(text, Catalogue::Default(), target);
  if (r.error) {
    const Position& p = r.error->position;
    int lines = 1;
    for (char c : text) lines += c == '\n' ? 1 : 0;
    // Every error is positioned, inside the input (or just past its end).
    if (p.line < 1 || p.column < 1 || p.line > lines || static_cast<size_t>(p.column) > text.size() + 1 ||
        r.error->message.empty()) {
      std::abort();
    }
    return;
  }
  static const Frame frame = EmptyFrame();
  Program program(*r.expr);
  if (!program.Evaluate(frame).empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckOne(text, Target::kPerson);
  CheckOne(text, Target::kHousehold);
  return 0;
}
