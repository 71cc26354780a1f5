#pragma once
// Records that belong to one user alone (a job started over HTTP): only that
// user reaches them. For anyone else the record does not exist — the caller
// answers NotFound, not PermissionDenied, so that ids cannot be probed — and
// no role reaches another user's records, administrators included.
#include <cstdint>

#include "core/caller.h"

namespace fupin::access {

inline bool OwnedBy(const Caller& caller, int64_t owner_user_id) { return caller.user_id == owner_user_id; }

}  // namespace fupin::access
