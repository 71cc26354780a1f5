#include "store/postgres_database.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include "core/error.h"

namespace fupin::store {
namespace {

// Type OIDs of the built-in types we send and read (pg_type.dat; stable).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kTextOid = 25;
constexpr Oid kUnknownOid = 0;  // let the server infer the type from the SQL

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultClearer {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ConnHandle = std::unique_ptr<PGconn, ConnCloser>;
using ResultHandle = std::unique_ptr<PGresult, ResultClearer>;

std::string Trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

[[noreturn]] void Fail(PGconn* conn, const PGresult* result, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  std::string detail = Trimmed(result ? PQresultErrorMessage(result) : nullptr);
  if (detail.empty()) detail = Trimmed(PQerrorMessage(conn));
  const std::string message = std::string(what) + ": " + detail;
  if (sqlstate == "23505") throw Error::AlreadyExists(message);
  if (sqlstate.rfind("23", 0) == 0) throw Error::FailedPrecondition(message);
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    throw TransientError(message + " (a concurrent change; try again)");
  }
  throw Error::Internal(message);
}

// Checks a result; throws on failure.
ResultHandle Check(PGconn* conn, PGresult* raw, std::string_view what) {
  ResultHandle result(raw);
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_IN) return result;
  Fail(conn, result.get(), what);
}

std::vector<uint8_t> DecodeByteaText(const char* text, size_t size) {
  std::vector<uint8_t> out;
  if (size >= 2 && text[0] == '\\' && text[1] == 'x') {
    out.reserve((size - 2) / 2);
    auto nibble = [](char c) -> uint8_t {
      if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
      if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
      return static_cast<uint8_t>(c - 'A' + 10);
    };
    for (size_t i = 2; i + 1 < size; i += 2) {
      out.push_back(static_cast<uint8_t>(nibble(text[i]) << 4 | nibble(text[i + 1])));
    }
    return out;
  }
  // The old escape format; we always ask for hex (bytea_output) but be lenient.
  size_t n = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &n);
  if (raw) {
    out.assign(raw, raw + n);
    PQfreemem(raw);
  }
  return out;
}

class PostgresConnection;

class PostgresStatement final : public Statement {
 public:
  PostgresStatement(PostgresConnection& connection, std::string sql, int parameters)
      : connection_(connection), sql_(std::move(sql)), values_(static_cast<size_t>(parameters)),
        types_(static_cast<size_t>(parameters), kUnknownOid), binary_(static_cast<size_t>(parameters), 0) {}
  ~PostgresStatement() override;

  void MarkUnused(int i) {
    unused_.push_back(static_cast<size_t>(i) - 1);
    types_[static_cast<size_t>(i) - 1] = kTextOid;
  }

  void BindNull(int i) override { Set(i, std::nullopt, kUnknownOid, false); }
  void BindInt(int i, int64_t v) override { Set(i, std::to_string(v), kInt8Oid, false); }
  void BindDouble(int i, double v) override {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    std::string text(buf, r.ptr);
    if (std::isnan(v)) text = "NaN";
    if (std::isinf(v)) text = v > 0 ? "Infinity" : "-Infinity";
    Set(i, std::move(text), kFloat8Oid, false);
  }
  void BindText(int i, std::string_view v) override { Set(i, std::string(v), kUnknownOid, false); }
  void BindBlob(int i, std::span<const uint8_t> v) override {
    Set(i, std::string(reinterpret_cast<const char*>(v.data()), v.size()), kByteaOid, true);
  }

  bool Step() override {
    if (!result_) {
      Run(false);
      row_ = 0;
    } else if (row_ < PQntuples(result_.get())) {
      ++row_;
    }
    return row_ < PQntuples(result_.get());
  }
  void Reset() override {
    result_.reset();
    row_ = 0;
    for (auto& v : values_) v.reset();
  }
  int ColumnCount() const override { return result_ ? PQnfields(result_.get()) : 0; }
  bool IsNull(int c) const override { return PQgetisnull(Row(), row_, c) != 0; }
  int64_t Int(int c) const override {
    const PGresult* r = Row();
    if (PQgetisnull(r, row_, c)) return 0;
    const char* text = PQgetvalue(r, row_, c);
    const size_t size = static_cast<size_t>(PQgetlength(r, row_, c));
    if (PQftype(r, c) == kBoolOid) return text[0] == 't' ? 1 : 0;
    int64_t value = 0;
    const auto parsed = std::from_chars(text, text + size, value);
    if (parsed.ec == std::errc() && parsed.ptr == text + size) return value;
    // numeric (sum of bigint) or a float: as SQLite would, truncate.
    return static_cast<int64_t>(std::strtod(text, nullptr));
  }
  double Double(int c) const override {
    const PGresult* r = Row();
    if (PQgetisnull(r, row_, c)) return 0;
    return std::strtod(PQgetvalue(r, row_, c), nullptr);
  }
  std::string Text(int c) const override {
    const PGresult* r = Row();
    const char* text = PQgetvalue(r, row_, c);
    const size_t size = static_cast<size_t>(PQgetlength(r, row_, c));
    if (PQftype(r, c) == kBoolOid && size == 1) return text[0] == 't' ? "1" : "0";
    return std::string(text, size);
  }
  std::string_view TextView(int c) const override {
    const PGresult* r = Row();
    const char* text = PQgetvalue(r, row_, c);
    const size_t size = static_cast<size_t>(PQgetlength(r, row_, c));
    if (PQftype(r, c) == kBoolOid && size == 1) return text[0] == 't' ? "1" : "0";
    return {text, size};
  }
  std::vector<uint8_t> Blob(int c) const override {
    const PGresult* r = Row();
    if (PQgetisnull(r, row_, c)) return {};
    const char* text = PQgetvalue(r, row_, c);
    const size_t size = static_cast<size_t>(PQgetlength(r, row_, c));
    if (PQftype(r, c) == kByteaOid) return DecodeByteaText(text, size);
    return std::vector<uint8_t>(text, text + size);
  }
  int64_t Run() override {
    Run(true);
    const char* tuples = PQcmdTuples(result_.get());
    const int64_t changed = (tuples && *tuples) ? std::strtoll(tuples, nullptr, 10) : 0;
    Reset();
    return changed;
  }

 private:
  void Set(int i, std::optional<std::string> value, Oid type, bool binary) {
    if (i < 1 || static_cast<size_t>(i) > values_.size()) {
      throw Error::Internal("parameter " + std::to_string(i) + " is out of range (the statement has " +
                            std::to_string(values_.size()) + "): " + sql_);
    }
    const size_t k = static_cast<size_t>(i) - 1;
    values_[k] = std::move(value);
    if (std::find(unused_.begin(), unused_.end(), k) != unused_.end()) {
      // Not in the SQL: send it as text whatever it is.
      if (binary) values_[k].reset();
      types_[k] = kTextOid;
      binary_[k] = 0;
      return;
    }
    // A NULL fits any type: keep the type the statement was prepared with.
    if (values_[k] || !prepared_) types_[k] = type;
    binary_[k] = binary ? 1 : 0;
  }
  const PGresult* Row() const {
    if (!result_ || row_ >= PQntuples(result_.get())) throw Error::Internal("no current row: " + sql_);
    return result_.get();
  }
  void Run(bool write);

  PostgresConnection& connection_;
  std::string sql_;
  std::vector<std::optional<std::string>> values_;
  std::vector<Oid> types_;
  std::vector<int> binary_;
  std::vector<size_t> unused_;
  ResultHandle result_;
  int row_ = 0;
  int runs_ = 0;
  std::string name_;  // of the server-side prepared statement, once prepared
  std::vector<Oid> prepared_types_;
  bool prepared_ = false;
};

class CopyWriter;
ConnHandle OpenConnection(const std::string& url);

class PostgresConnection final : public Connection {
 public:
  PostgresConnection(ConnHandle conn, std::string url) : conn_(std::move(conn)), url_(std::move(url)) {}
  ~PostgresConnection() override = default;

  Dialect dialect() const override { return Dialect::kPostgres; }
  PGconn* raw() const { return conn_.get(); }

  std::unique_ptr<Statement> Prepare(std::string_view sql) override {
    int parameters = 0;
    std::vector<bool> used;
    std::string text = RewritePlaceholders(sql, &parameters, &used);
    auto statement = std::make_unique<PostgresStatement>(*this, std::move(text), parameters);
    // SQLite allows numbered parameters the SQL never mentions (?5 without ?4);
    // PostgreSQL must be told a type for them.
    for (size_t i = 0; i < used.size(); ++i) {
      if (!used[i]) statement->MarkUnused(static_cast<int>(i) + 1);
    }
    return statement;
  }

  void Execute(std::string_view sql) override {
    const std::string text(sql);
    Check(conn_.get(), PQexec(conn_.get(), text.c_str()), "SQL failed");
  }

  std::unique_ptr<Connection> OpenSibling() override {
    return std::make_unique<PostgresConnection>(OpenConnection(url_), url_);
  }

  void SetLockWait(std::chrono::milliseconds wait) override {
    Execute("SET lock_timeout = '" + std::to_string(std::max<int64_t>(1, wait.count())) + "ms'");
  }

  std::unique_ptr<BulkWriter> BulkInsert(std::string_view table, std::span<const std::string> columns) override;

  std::string NextStatementName() { return "fupin_" + std::to_string(++statements_); }

  // A prepared statement that is no longer used. DEALLOCATE cannot run inside a
  // failed transaction, so it may have to wait until the rollback.
  void Forget(const std::string& name) {
    if (PQstatus(conn_.get()) != CONNECTION_OK) return;
    if (PQtransactionStatus(conn_.get()) == PQTRANS_INERROR) {
      forgotten_.push_back(name);
      return;
    }
    PQclear(PQexec(conn_.get(), ("DEALLOCATE " + name).c_str()));
  }

 protected:
  void BeginLevel(int depth) override {
    Execute(depth == 1 ? "BEGIN ISOLATION LEVEL READ COMMITTED" : "SAVEPOINT sp" + std::to_string(depth));
  }
  void CommitLevel(int depth) override {
    if (depth == 1) {
      Execute("COMMIT");
    } else {
      Execute("RELEASE SAVEPOINT sp" + std::to_string(depth));
    }
  }
  void RollbackLevel(int depth) override {
    if (depth == 1) {
      if (PQtransactionStatus(conn_.get()) != PQTRANS_IDLE) Execute("ROLLBACK");
      for (const std::string& name : forgotten_) PQclear(PQexec(conn_.get(), ("DEALLOCATE " + name).c_str()));
      forgotten_.clear();
    } else {
      Execute("ROLLBACK TO SAVEPOINT sp" + std::to_string(depth) + "; RELEASE SAVEPOINT sp" + std::to_string(depth));
    }
  }

 private:
  ConnHandle conn_;
  std::string url_;  // for OpenSibling
  int64_t statements_ = 0;
  std::vector<std::string> forgotten_;
};

PostgresStatement::~PostgresStatement() {
  if (prepared_) connection_.Forget(name_);
}

void PostgresStatement::Run(bool write) {
  (void)write;
  PGconn* conn = connection_.raw();
  std::vector<const char*> values(values_.size());
  std::vector<int> lengths(values_.size());
  for (size_t i = 0; i < values_.size(); ++i) {
    values[i] = values_[i] ? values_[i]->data() : nullptr;
    lengths[i] = values_[i] ? static_cast<int>(values_[i]->size()) : 0;
  }
  const int n = static_cast<int>(values_.size());
  ++runs_;
  if (prepared_ && prepared_types_ != types_) {
    connection_.Forget(name_);
    prepared_ = false;
  }
  // A statement run more than once is worth preparing on the server.
  if (!prepared_ && runs_ >= 2) {
    name_ = connection_.NextStatementName();
    Check(conn, PQprepare(conn, name_.c_str(), sql_.c_str(), n, types_.data()), "cannot prepare SQL");
    prepared_ = true;
    prepared_types_ = types_;
  }
  PGresult* raw = prepared_
                      ? PQexecPrepared(conn, name_.c_str(), n, values.data(), lengths.data(), binary_.data(), 0)
                      : PQexecParams(conn, sql_.c_str(), n, types_.data(), values.data(), lengths.data(),
                                     binary_.data(), 0);
  result_ = Check(conn, raw, "SQL failed");
}

// COPY table (columns) FROM STDIN in the text format.
class CopyWriter final : public BulkWriter {
 public:
  CopyWriter(PostgresConnection& connection, std::string_view table, std::span<const std::string> columns)
      : conn_(connection.raw()), columns_(columns.size()) {
    std::string sql = "COPY " + std::string(table) + " (";
    for (size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + columns[i];
    sql += ") FROM STDIN";
    Check(conn_, PQexec(conn_, sql.c_str()), "cannot start COPY");
    open_ = true;
  }
  ~CopyWriter() override {
    if (!open_) return;
    PQputCopyEnd(conn_, "abandoned");
    while (PGresult* r = PQgetResult(conn_)) PQclear(r);
  }

  void Append(std::span<const Value> row) override {
    if (row.size() != columns_) {
      throw Error::Internal("bulk insert row has " + std::to_string(row.size()) + " values for " +
                            std::to_string(columns_) + " columns");
    }
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) buffer_ += '\t';
      const Value& v = row[i];
      if (std::holds_alternative<std::nullptr_t>(v)) {
        buffer_ += "\\N";
      } else if (const auto* n = std::get_if<int64_t>(&v)) {
        buffer_ += std::to_string(*n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        char buf[64];
        const auto r = std::to_chars(buf, buf + sizeof buf, *d);
        buffer_.append(buf, r.ptr);
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        Escape(*s);
      } else {
        static constexpr char kHex[] = "0123456789abcdef";
        buffer_ += "\\\\x";
        for (uint8_t b : std::get<std::vector<uint8_t>>(v)) {
          buffer_ += kHex[b >> 4];
          buffer_ += kHex[b & 15];
        }
      }
    }
    buffer_ += '\n';
    ++rows_;
    if (buffer_.size() >= (1u << 16)) Flush();
  }

  int64_t Finish() override {
    Flush();
    open_ = false;
    if (PQputCopyEnd(conn_, nullptr) != 1) Fail(conn_, nullptr, "cannot end COPY");
    ResultHandle result(PQgetResult(conn_));
    while (PGresult* r = PQgetResult(conn_)) PQclear(r);
    if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) Fail(conn_, result.get(), "COPY failed");
    return rows_;
  }

 private:
  void Escape(const std::string& s) {
    for (char c : s) {
      switch (c) {
        case '\\': buffer_ += "\\\\"; break;
        case '\t': buffer_ += "\\t"; break;
        case '\n': buffer_ += "\\n"; break;
        case '\r': buffer_ += "\\r"; break;
        default: buffer_ += c;
      }
    }
  }
  void Flush() {
    if (buffer_.empty()) return;
    if (PQputCopyData(conn_, buffer_.data(), static_cast<int>(buffer_.size())) != 1) {
      Fail(conn_, nullptr, "cannot send COPY data");
    }
    buffer_.clear();
  }

  PGconn* conn_;
  size_t columns_;
  std::string buffer_;
  int64_t rows_ = 0;
  bool open_ = false;
};

std::unique_ptr<BulkWriter> PostgresConnection::BulkInsert(std::string_view table,
                                                           std::span<const std::string> columns) {
  return std::make_unique<CopyWriter>(*this, table, columns);
}

ConnHandle OpenConnection(const std::string& url) {
  ConnHandle conn(PQconnectdb(url.c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    throw Error::InvalidArgument("cannot connect to PostgreSQL: " +
                                 Trimmed(conn ? PQerrorMessage(conn.get()) : "out of memory"));
  }
  Check(conn.get(),
        PQexec(conn.get(),
               "SET client_encoding = 'UTF8'; SET bytea_output = 'hex'; SET TIME ZONE 'UTC';"
               " SET client_min_messages = 'warning'"),
        "cannot set up the PostgreSQL session");
  return conn;
}

}  // namespace

bool IsPostgresUrl(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

std::string RewritePlaceholders(std::string_view sql, int* parameters, std::vector<bool>* used) {
  if (used) used->clear();
  std::string out;
  out.reserve(sql.size() + 16);
  int largest = 0;
  size_t i = 0;
  auto is_ident = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {  // a literal or quoted identifier; '' and "" are escapes
      size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      j = std::min(j + 1, sql.size());
      out.append(sql.substr(i, j - i));
      i = j;
    } else if (c == '-' && sql.substr(i, 2) == "--") {
      const size_t end = std::min(sql.find('\n', i), sql.size());
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '/' && sql.substr(i, 2) == "/*") {
      const size_t close = sql.find("*/", i + 2);
      const size_t end = close == std::string_view::npos ? sql.size() : close + 2;
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '$' && (i == 0 || !is_ident(sql[i - 1]))) {
      // A dollar quote $tag$ ... $tag$ (not a $1 parameter).
      size_t j = i + 1;
      while (j < sql.size() && is_ident(sql[j]) && !(sql[j] >= '0' && sql[j] <= '9' && j == i + 1)) ++j;
      if (j < sql.size() && sql[j] == '$') {
        const std::string_view tag = sql.substr(i, j + 1 - i);
        const size_t close = sql.find(tag, j + 1);
        const size_t end = close == std::string_view::npos ? sql.size() : close + tag.size();
        out.append(sql.substr(i, end - i));
        i = end;
      } else {
        out.push_back(c);
        ++i;
      }
    } else if (c == '?') {
      size_t j = i + 1;
      int number = 0;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') number = number * 10 + (sql[j++] - '0');
      if (j == i + 1) number = largest + 1;
      largest = std::max(largest, number);
      if (used) {
        if (used->size() < static_cast<size_t>(number)) used->resize(static_cast<size_t>(number), false);
        if (number > 0) (*used)[static_cast<size_t>(number) - 1] = true;
      }
      out += "$" + std::to_string(number);
      i = j;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  if (parameters) *parameters = largest;
  return out;
}

PostgresDatabase::PostgresDatabase(std::string url) : url_(std::move(url)) { OpenConnection(url_); }

std::unique_ptr<Connection> PostgresDatabase::Connect() {
  return std::make_unique<PostgresConnection>(OpenConnection(url_), url_);
}

std::string PostgresDatabase::description() const {
  // postgresql://user:secret@host/db -> postgresql://user@host/db
  const size_t scheme = url_.find("://");
  const size_t at = url_.find('@', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme == std::string::npos || at == std::string::npos) return url_;
  const size_t colon = url_.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url_;
  return url_.substr(0, colon) + url_.substr(at);
}

}  // namespace fupin::store
