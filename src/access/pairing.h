#pragma once
// The paired-cadre hook: whether a household is paired with the calling
// cadre. The pairings themselves are kept by the assistance module (tables
// `cadres` and `pairings`, migration 500); this query lives here so that the
// registry, which must not depend on the assistance module, can pass it to
// its Guard and join it into its list queries.
//
// A caller is "the cadre" of a pairing when the cadre's record carries the
// caller's user id (cadres.user_id). A pairing is active on day D when
// start_date <= D and (end_date IS NULL or end_date > D): the end date is the
// first day the pairing no longer holds.
//
// The check is only ever run for callers in the paired_cadre role; the
// assistance migrations must be applied before such a caller reaches a
// household (they are, in every database the CLI and server open).
#include <cstdint>
#include <string>

#include "access/permissions.h"
#include "core/date.h"
#include "store/database.h"

namespace fupin::access {

// A PairingCheck answering from the pairings table on `today`. The connection
// must outlive the returned function.
PairingCheck ActivePairingCheck(store::Connection& db, Date today);

// SQL of a subquery listing the ids of the households paired with one user on
// one day: "SELECT p.household_id FROM pairings p JOIN cadres c ...". It reads
// two numbered parameters, ?<user_param> (users.id) and ?<date_param>
// (YYYY-MM-DD), so it fits into queries with numbered parameters.
std::string PairedHouseholdIdsSql(int user_param, int date_param);

}  // namespace fupin::access
