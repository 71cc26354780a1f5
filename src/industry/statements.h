#pragma once
// The writes the service and the imports share (one statement each, bound in
// the order of the columns listed). Internal to src/industry.

namespace fupin::industry::sql {

// ?1 industry_id ?2 household_id ?3 year ?4 area_code ?5 mu_milli ?6 output ?7 income_fen
// ?8 subsidy_fen ?9 disbursement_id ?10 recorded_by ?11 recorded_at
inline constexpr const char* kUpsertPlanting =
    "INSERT INTO industry_households (industry_id, household_id, year, area_code, mu_milli, output, income_fen,"
    " subsidy_fen, disbursement_id, recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    " ON CONFLICT (industry_id, household_id, year) DO UPDATE SET mu_milli = excluded.mu_milli,"
    " output = excluded.output, income_fen = excluded.income_fen, subsidy_fen = excluded.subsidy_fen,"
    " disbursement_id = excluded.disbursement_id, recorded_by = excluded.recorded_by,"
    " recorded_at = excluded.recorded_at";

// ?1 entity_id ?2 household_id ?3 year ?4 link_kind ?5 area_code ?6 earned_fen ?7 recorded_by ?8 recorded_at
inline constexpr const char* kUpsertLink =
    "INSERT INTO entity_links (entity_id, household_id, year, link_kind, area_code, earned_fen, recorded_by,"
    " recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (entity_id, household_id, year, link_kind)"
    " DO UPDATE SET earned_fen = excluded.earned_fen, recorded_by = excluded.recorded_by,"
    " recorded_at = excluded.recorded_at";

// ?1 person_id ?2 year ?3 household_id ?4 area_code ?5 employed ?6 place ?7 channel ?8 employer ?9 months
// ?10 income_fen ?11 training ?12 reason ?13 recorded_by ?14 recorded_at
inline constexpr const char* kUpsertWorker =
    "INSERT INTO worker_years (person_id, year, household_id, area_code, employed, place, channel, employer, months,"
    " income_fen, training, reason, recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
    " ?12, ?13, ?14) ON CONFLICT (person_id, year) DO UPDATE SET household_id = excluded.household_id,"
    " area_code = excluded.area_code, employed = excluded.employed, place = excluded.place,"
    " channel = excluded.channel, employer = excluded.employer, months = excluded.months,"
    " income_fen = excluded.income_fen, training = excluded.training, reason = excluded.reason,"
    " recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at";

// ?1 date ?2 buyer_kind ?3 buyer ?4 channel ?5 product_id ?6 area_code ?7 amount_fen ?8 recorded_by ?9 recorded_at
inline constexpr const char* kInsertPurchase =
    "INSERT INTO purchases (date, buyer_kind, buyer, channel, product_id, area_code, amount_fen, recorded_by,"
    " recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id";

// ?1 household_id ?2 area_code ?3 bank ?4 amount_fen ?5 issued_on ?6 due_on ?7 purpose ?8 entity_id
// ?9 interest_subsidy_fen ?10 recorded_by ?11 recorded_at
inline constexpr const char* kInsertLoan =
    "INSERT INTO loans (household_id, area_code, bank, amount_fen, issued_on, due_on, purpose, entity_id,"
    " interest_subsidy_fen, recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    " RETURNING id";

}  // namespace fupin::industry::sql
