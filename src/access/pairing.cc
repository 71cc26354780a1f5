#include "access/pairing.h"

namespace fupin::access {

std::string PairedHouseholdIdsSql(int user_param, int date_param) {
  const std::string u = "?" + std::to_string(user_param);
  const std::string d = "?" + std::to_string(date_param);
  return "SELECT p.household_id FROM pairings p JOIN cadres c ON c.id = p.cadre_id WHERE c.user_id = " + u +
         " AND p.start_date <= " + d + " AND (p.end_date IS NULL OR p.end_date > " + d + ")";
}

PairingCheck ActivePairingCheck(store::Connection& db, Date today) {
  return [&db, today](const Caller& caller, int64_t household_id) {
    if (caller.user_id == 0) return false;
    auto s = db.Prepare("SELECT 1 FROM (" + PairedHouseholdIdsSql(1, 2) + ") q WHERE q.household_id = ?3");
    s->BindInt(1, caller.user_id);
    s->BindText(2, today.ToString());
    s->BindInt(3, household_id);
    return s->Step();
  };
}

}  // namespace fupin::access
