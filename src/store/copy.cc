#include "store/copy.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/error.h"

namespace fupin::store {
namespace {

enum class Kind { kInt, kReal, kText, kBlob };

struct Column {
  std::string name;
  Kind kind = Kind::kText;
};

struct Table {
  std::string name;
  std::vector<Column> columns;
  std::set<std::string> parents;
};

Kind KindOf(std::string type) {
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (type.find("INT") != std::string::npos) return Kind::kInt;
  if (type.find("REAL") != std::string::npos || type.find("FLOA") != std::string::npos ||
      type.find("DOUB") != std::string::npos) {
    return Kind::kReal;
  }
  if (type.find("BLOB") != std::string::npos) return Kind::kBlob;
  return Kind::kText;
}

// The tables of a SQLite database, parents before children.
std::vector<Table> SqliteTables(Connection& c) {
  std::map<std::string, Table> tables;
  auto list = c.Prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
      " AND name <> 'schema_migrations' ORDER BY name");
  while (list->Step()) tables[list->Text(0)].name = list->Text(0);
  for (auto& [name, t] : tables) {
    auto info = c.Prepare("SELECT name, type FROM pragma_table_info(?) ORDER BY cid");
    info->BindText(1, name);
    while (info->Step()) t.columns.push_back({info->Text(0), KindOf(info->Text(1))});
    auto fks = c.Prepare("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)");
    fks->BindText(1, name);
    while (fks->Step()) {
      if (fks->Text(0) != name) t.parents.insert(fks->Text(0));
    }
  }
  std::vector<Table> ordered;
  std::set<std::string> placed;
  while (ordered.size() < tables.size()) {
    bool progress = false;
    for (auto& [name, t] : tables) {
      if (placed.contains(name)) continue;
      if (std::all_of(t.parents.begin(), t.parents.end(),
                      [&](const std::string& p) { return placed.contains(p) || !tables.contains(p); })) {
        ordered.push_back(t);
        placed.insert(name);
        progress = true;
      }
    }
    if (!progress) throw Error::Internal("the foreign keys between tables form a cycle");
  }
  return ordered;
}

int64_t CountRows(Connection& c, const std::string& table) { return c.QueryInt("SELECT count(*) FROM " + table).value_or(0); }

// The audit head is one row, seeded by the migration and guarded by triggers:
// move it forward to the source's last entry instead of copying it.
void MoveAuditHead(Connection& from, Connection& to) {
  auto head = from.Prepare("SELECT last_id, hash FROM audit_head WHERE one = 1");
  if (head->Step() && head->Int(0) > 0) {
    auto move = to.Prepare("UPDATE audit_head SET last_id = ?, hash = ? WHERE one = 1");
    move->BindInt(1, head->Int(0));
    move->BindText(2, head->Text(1));
    move->Run();
  }
}

// Every row of a table, column by column in its declared kind, through the target's bulk insert.
void CopyRows(Connection& from, Connection& to, const Table& t) {
  std::string select = "SELECT ";
  std::vector<std::string> names;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    select += (i ? ", " : "") + std::string("\"") + t.columns[i].name + "\"";
    names.push_back("\"" + t.columns[i].name + "\"");
  }
  select += " FROM " + t.name;
  auto rows = from.Prepare(select);
  auto writer = to.BulkInsert(t.name, names);
  std::vector<Value> row(t.columns.size());
  while (rows->Step()) {
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const int c = static_cast<int>(i);
      if (rows->IsNull(c)) {
        row[i] = nullptr;
        continue;
      }
      switch (t.columns[i].kind) {
        case Kind::kInt: row[i] = rows->Int(c); break;
        case Kind::kReal: row[i] = rows->Double(c); break;
        case Kind::kBlob: row[i] = rows->Blob(c); break;
        case Kind::kText: row[i] = rows->Text(c); break;
      }
    }
    writer->Append(row);
  }
  writer->Finish();
}

}  // namespace

std::vector<TableCopy> CopyDatabase(Connection& from, Connection& to, Progress& progress) {
  if (from.dialect() != Dialect::kSqlite) throw Error::InvalidArgument("the source of a copy must be a SQLite database");
  if (AppliedMigrations(from) != AppliedMigrations(to)) {
    throw Error::FailedPrecondition(
        "the two databases have different migrations applied; open both with the same fupin first");
  }
  Transaction read(from);
  const std::vector<Table> tables = SqliteTables(from);
  Transaction write(to);
  // Rows the migrations seeded are replaced; anything else means the target is in use.
  for (auto it = tables.rbegin(); it != tables.rend(); ++it) {
    const Table& t = *it;
    if (t.name == "audit_head") continue;
    if (CountRows(to, t.name) == 0) continue;
    // Reference data that migrations seed (parameters, the standard sector
    // departments, the monitoring line and rules). A new seeding migration must
    // add its table here; MigrateStoreCopiesACountyFromSqliteAndVerifiesIt fails otherwise.
    static const std::set<std::string> kSeeded = {"assessment_parameters", "sector_department_types",
                                                  "monitoring_thresholds", "monitoring_parameters",
                                                  "pending_phone_encryption", "records_baseline_pending",
                                                  "fund_sources", "change_request_levels",
                                                  "grievance_categories"};
    if (!kSeeded.contains(t.name)) {
      throw Error::FailedPrecondition("the target database is not empty: table " + t.name + " has rows");
    }
    to.Execute("DELETE FROM " + t.name);
  }
  if (to.QueryInt("SELECT last_id FROM audit_head").value_or(0) != 0) {
    throw Error::FailedPrecondition("the target database is not empty: it has audit entries");
  }

  std::vector<TableCopy> result;
  ProgressStage stage(progress, "tables", static_cast<int64_t>(tables.size()));
  for (const Table& t : tables) {
    TableCopy copy{t.name, CountRows(from, t.name), 0};
    if (t.name == "audit_head") {
      MoveAuditHead(from, to);
    } else {
      CopyRows(from, to, t);
    }
    copy.target_rows = CountRows(to, t.name);
    result.push_back(copy);
    stage.Advance();
  }
  AdvanceIdentitySequences(to);  // ids were copied as they were
  for (const TableCopy& c : result) {
    if (c.source_rows != c.target_rows) {
      throw Error::Internal("table " + c.table + ": " + std::to_string(c.source_rows) + " rows read but " +
                            std::to_string(c.target_rows) + " in the target; nothing was written");
    }
  }
  write.Commit();
  read.Commit();
  return result;
}

void AdvanceIdentitySequences(Connection& connection) {
  if (connection.dialect() != Dialect::kPostgres) return;
  std::vector<std::pair<std::string, std::string>> identities;
  auto list = connection.Prepare(
      "SELECT table_name, column_name FROM information_schema.columns"
      " WHERE table_schema = current_schema() AND is_identity = 'YES'");
  while (list->Step()) identities.emplace_back(list->Text(0), list->Text(1));
  for (const auto& [table, column] : identities) {
    connection.Execute("SELECT setval(pg_get_serial_sequence('" + table + "', '" + column + "'), (SELECT COALESCE(max(" +
                       column + "), 0) + 1 FROM " + table + "), false)");
  }
}

}  // namespace fupin::store
