#pragma once
// The to-do list (待办, issue 24): what waits for the caller in their scope,
// each source counted by the module that owns it and linked to the web page
// where the work is done. Every source is one provider — a function that asks
// src/access whether the caller does that work and, if so, returns its items
// (with counts, zero included) — so a new source (change requests,
// grievances, ...) is one function added to the list in todo.cc.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/caller.h"
#include "core/date.h"
#include "store/database.h"

namespace fupin::reports {

struct TodoItem {
  std::string key;       // needs_review, monitoring_steps, monitoring_overdue, visits_due, exits_verify, ...
  std::string title_zh;  // 待审核的需求
  int64_t count = 0;     // households, needs or cases waiting
  std::string link;      // the web page where it is done: /needs?tab=board&status=pending_review
  std::string note_zh;   // what the count is made of, or ""
};

struct TodoContext {
  store::Connection& db;
  const Caller& caller;
  const Clock& clock;
};

// A source of to-do items; none when the caller does not do that work.
using TodoProvider = std::vector<TodoItem> (*)(const TodoContext&);

// The providers, in the order the list shows them.
std::span<const TodoProvider> TodoProviders();

// Every provider's items for the caller, in order. Each provider reads in a
// fixed number of queries, whatever the size of the scope.
std::vector<TodoItem> ListTodo(store::Connection& db, const Caller& caller, const Clock& clock = DefaultClock());

// {"items": [{key, title_zh, count, link, note_zh}], "total": the sum of the counts}
// (GET /api/v1/todo, `fupin todo --json`).
nlohmann::json TodoJson(const std::vector<TodoItem>& items);

}  // namespace fupin::reports
