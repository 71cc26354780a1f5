#pragma once
// The one error strategy of fupin (C++ Core Guidelines E.1):
//  - An operation that cannot complete throws fupin::Error. Its code says what
//    kind of failure it is (the CLI turns it into an exit status, the server
//    into an HTTP status, in one place each) and its details name every field
//    or JSON path that was wrong and why.
//  - Checks whose failure is an expected outcome (validating one ID number,
//    one CSV row) return their problems as values; the caller decides whether
//    to throw.
#include <stdexcept>
#include <string>
#include <vector>

namespace fupin {

enum class ErrorCode {
  kInvalidArgument,    // the input is wrong: a field, a value, a file row
  kNotFound,           // the thing named does not exist
  kAlreadyExists,      // a unique thing would be duplicated
  kConflict,           // a stale version, a concurrent change
  kFailedPrecondition, // the state does not allow it (e.g. exit without criteria)
  kPermissionDenied,   // the caller may not do this
  kUnauthenticated,    // no valid session
  kResourceExhausted,  // too many attempts, too large a body
  kInternal,           // a bug or a broken store
};

// One problem with the input: where (a field name, "row 12, column 身份证号",
// or a JSON path such as "/members/0/id_number") and what is wrong.
struct ErrorDetail {
  std::string path;
  std::string problem;
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message, std::vector<ErrorDetail> details = {})
      : std::runtime_error(message), code_(code), details_(std::move(details)) {}

  ErrorCode code() const { return code_; }
  const std::vector<ErrorDetail>& details() const { return details_; }

  static Error InvalidArgument(const std::string& message, std::vector<ErrorDetail> details = {}) {
    return Error(ErrorCode::kInvalidArgument, message, std::move(details));
  }
  static Error NotFound(const std::string& message) { return Error(ErrorCode::kNotFound, message); }
  static Error AlreadyExists(const std::string& message, std::vector<ErrorDetail> details = {}) {
    return Error(ErrorCode::kAlreadyExists, message, std::move(details));
  }
  static Error Conflict(const std::string& message) { return Error(ErrorCode::kConflict, message); }
  static Error FailedPrecondition(const std::string& message, std::vector<ErrorDetail> details = {}) {
    return Error(ErrorCode::kFailedPrecondition, message, std::move(details));
  }
  static Error PermissionDenied(const std::string& message) {
    return Error(ErrorCode::kPermissionDenied, message);
  }
  static Error Internal(const std::string& message) { return Error(ErrorCode::kInternal, message); }

 private:
  ErrorCode code_;
  std::vector<ErrorDetail> details_;
};

// Collects the problems of one input so that they are reported together:
// Add() each, then ThrowIfAny() throws one InvalidArgument naming them all.
class Problems {
 public:
  void Add(std::string path, std::string problem) { items_.push_back({std::move(path), std::move(problem)}); }
  bool empty() const { return items_.empty(); }
  const std::vector<ErrorDetail>& items() const { return items_; }
  void ThrowIfAny(const std::string& what) const {
    if (!items_.empty()) throw Error::InvalidArgument(what, items_);
  }

 private:
  std::vector<ErrorDetail> items_;
};

// Stable lower-case name of a code ("invalid_argument"), used on the wire.
const char* ErrorCodeName(ErrorCode code);

}  // namespace fupin
