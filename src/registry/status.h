#pragma once
// "A household's status on a date is the one its latest event up to that date
// leads to" — defined here once, for C++ (StatusAfter in vocab.h) and for SQL
// (the functions below). The latest event is the one with the greatest date,
// then the greatest id. identified/returned → poor, exited → exited, removed →
// removed, deceased → deceased; no event → unregistered. The status *in year
// Y* is the status on YearEnd(Y), 31 December of Y (docs/REGISTRY.md).
//
// The functions return SQL text to splice into a query; their arguments are
// SQL expressions written by the program (a column such as "h.id", a
// parameter such as "?1" or "?"), never user input. They run on SQLite and
// PostgreSQL alike.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "registry/vocab.h"
#include "store/database.h"

namespace fupin::registry {

// Scalar subquery: the kind of the latest event of household `household`
// dated on or before `date` (all events when `date` is empty); NULL if none.
std::string LatestEventKindSql(std::string_view household, std::string_view date = {});

// CASE expression: the status an event kind (an SQL expression) leads to;
// NULL for NULL (no event).
std::string StatusOfKindSql(std::string_view kind);

// Scalar subquery: the status of household `household` on `date` (all events
// when `date` is empty); NULL when it has no event by then — wrap it in
// COALESCE(..., 'unregistered') where that must read as a status.
std::string StatusOnSql(std::string_view household, std::string_view date = {});

// "'exited'", "('poor', 'exited')": statuses and event kinds as SQL literals,
// from their one table (vocab.h), for the queries of every module.
std::string SqlLiteral(HouseholdState status);
std::string SqlLiteral(EventKind kind);
std::string SqlList(std::initializer_list<HouseholdState> statuses);
std::string SqlList(std::initializer_list<EventKind> kinds);

// StatusOnSql(household, date) read as 'unregistered' when it has no event
// by then: COALESCE(..., 'unregistered'), the literal from the table.
std::string StatusOrUnregisteredOnSql(std::string_view household, std::string_view date = {});

// "Y-12-31": the status in year Y is the status on this date.
std::string YearEnd(int year);

struct HouseholdStatus {
  std::string status;        // poor, exited, removed, deceased
  std::string village_code;
};

// The status on `date` of every household of `area` (a code prefix, "" for the
// nation) that has an event by then, by household id. One query, an ordered
// scan of the events (no query per household); no access check (callers
// check theirs).
std::unordered_map<int64_t, HouseholdStatus> StatusesOn(store::Connection& db, const std::string& area,
                                                       const std::string& date);

}  // namespace fupin::registry
