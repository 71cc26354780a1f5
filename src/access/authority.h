#pragma once
// The approved record a write carries out. While an AuthorisedBy scope is
// open on a thread, every audit entry that RecordChange (access/audit.h)
// writes on that thread names it in `after` as "authorised_by": an approved
// change request's writes to the registry, made by the registry's own
// functions, say which request they carry out. It grants nothing; access is
// still checked for the caller. Scopes nest (the innermost names).
#include <string>
#include <string_view>

namespace fupin::access {

class AuthorisedBy {
 public:
  explicit AuthorisedBy(std::string entity);  // "change_request/12"
  ~AuthorisedBy();
  AuthorisedBy(const AuthorisedBy&) = delete;
  AuthorisedBy& operator=(const AuthorisedBy&) = delete;

 private:
  std::string previous_;
};

// The entity of the innermost open scope on this thread, or "".
std::string_view CurrentAuthority();

}  // namespace fupin::access
