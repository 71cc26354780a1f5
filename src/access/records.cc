#include "access/records.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "access/audit.h"
#include "access/crypto_util.h"
#include "access/record_packs.h"
#include "core/error.h"

namespace fupin::access {
namespace {

constexpr size_t kDigestBytes = 16;

bool IsName(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!((c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9'))) return false;
  }
  return true;
}

void CheckNames(const RecordTable& t) {
  bool ok = IsName(t.name) && !t.key.empty();
  for (const auto* list : {&t.key, &t.columns, &t.blobs}) {
    for (const auto& c : *list) ok = ok && IsName(c);
  }
  if (!ok) throw Error::Internal("record table " + t.name + " has a name that is not a plain SQL identifier");
}

struct Last {
  int64_t audit_id = 0;
  std::string digest;
};

// The last audited digest of every record (packs opened), in one read.
std::unordered_map<std::string, Last> LastDigests(store::Connection& connection) {
  std::unordered_map<std::string, Last> last;
  auto s = connection.Prepare("SELECT audit_id, record, digest FROM audit_records ORDER BY audit_id");
  while (s->Step()) {
    const int64_t id = s->Int(0);
    ForEachRecordOf({s->Text(1), s->Text(2)},
                    [&last, id](std::string record, std::string digest) { last[std::move(record)] = Last{id, std::move(digest)}; });
  }
  return last;
}

// Calls `f` with the digest of each row of `table` that `where` selects, one
// row at a time (nothing is collected).
void ForEachDigest(store::Connection& connection, const RecordTable& table, const std::string& where,
                   const std::function<void(store::Statement&)>& bind, const std::function<void(RecordDigest&&)>& f) {
  CheckNames(table);
  std::string sql = "SELECT ";
  for (size_t i = 0; i < table.key.size(); ++i) sql += (i ? ", " : "") + table.key[i];
  for (const auto& c : table.columns) sql += ", " + c;
  sql += " FROM " + table.name;
  if (!where.empty()) sql += " WHERE " + where;
  auto s = connection.Prepare(sql);
  if (bind) bind(*s);
  const int keys = static_cast<int>(table.key.size());
  std::vector<bool> is_blob(table.columns.size());
  for (size_t i = 0; i < table.columns.size(); ++i) {
    is_blob[i] = std::find(table.blobs.begin(), table.blobs.end(), table.columns[i]) != table.blobs.end();
  }
  std::vector<uint8_t> data;
  while (s->Step()) {
    RecordDigest d;
    d.record = table.name;
    for (int k = 0; k < keys; ++k) d.record += "/" + s->Text(k);
    data.clear();
    internal::AppendField(data, "fupin-record-v1");
    internal::AppendField(data, table.name);
    for (size_t i = 0; i < table.columns.size(); ++i) {
      const int c = keys + static_cast<int>(i);
      if (s->IsNull(c)) {
        internal::AppendField(data, "0");
      } else if (is_blob[i]) {
        const std::vector<uint8_t> bytes = s->Blob(c);
        internal::AppendField(data, "1" + std::string(bytes.begin(), bytes.end()));
      } else {
        internal::AppendField(data, "1" + s->Text(c));
      }
    }
    const std::vector<uint8_t> hash = internal::Blake2b256(data);
    d.digest = internal::ToHex(std::span<const uint8_t>(hash.data(), kDigestBytes));
    f(std::move(d));
  }
}

std::string TableOf(const std::string& record) { return record.substr(0, record.find('/')); }

}  // namespace

std::vector<RecordDigest> DigestRows(store::Connection& connection, const RecordTable& table, const std::string& where,
                                     const std::function<void(store::Statement&)>& bind) {
  std::vector<RecordDigest> out;
  ForEachDigest(connection, table, where, bind, [&out](RecordDigest&& d) { out.push_back(std::move(d)); });
  return out;
}

std::vector<RecordDigest> ChangedRecords(store::Connection& connection, std::span<const RecordTable> tables) {
  const auto last = LastDigests(connection);
  std::vector<RecordDigest> changed;
  for (const RecordTable& t : tables) {
    ForEachDigest(connection, t, "", {}, [&](RecordDigest&& d) {
      auto it = last.find(d.record);
      if (it == last.end() || it->second.digest != d.digest) changed.push_back(std::move(d));
    });
  }
  return changed;
}

void RecordPacks::Add(const std::string& record, std::string_view digest) {
  if (!file_) file_ = AnonymousTempFile();
  if (std::fseek(file_.get(), 0, SEEK_END) != 0 ||
      std::fwrite(digest.data(), 1, digest.size(), file_.get()) != digest.size()) {
    throw Error::Internal("cannot write the audit's record packs to a temporary file (disk full?)");
  }
  items_.push_back(Item{record, end_, digest.size()});
  end_ += static_cast<int64_t>(digest.size());
}

std::string RecordPacks::Read(const Item& item) const {
  std::string digest(item.size, '\0');
  if (std::fflush(file_.get()) != 0 || std::fseek(file_.get(), item.offset, SEEK_SET) != 0 ||
      std::fread(digest.data(), 1, item.size, file_.get()) != item.size) {
    throw Error::Internal("cannot read the audit's record packs back from their temporary file");
  }
  return digest;
}

void RecordPacks::ForEach(const std::function<void(const RecordDigest&)>& f) const {
  RecordDigest d;
  for (const Item& item : items_) {
    d.record = item.record;
    d.digest = Read(item);
    f(d);
  }
}

std::string RecordPacks::ListHash() const {
  // As RecordListHashOf: sorted by name, hashed as a stream; one pack in memory at a time.
  std::vector<const Item*> sorted;
  sorted.reserve(items_.size());
  for (const Item& item : items_) sorted.push_back(&item);
  std::sort(sorted.begin(), sorted.end(), [](const Item* a, const Item* b) { return a->record < b->record; });
  internal::Blake2b256Stream hash;
  hash.AddField("fupin-records-v1");
  for (const Item* item : sorted) {
    hash.AddField(item->record);
    hash.AddField(Read(*item));
  }
  return internal::ToHex(hash.Finish());
}

RecordPacks ChangedRecordPacks(store::Connection& connection, std::span<const RecordTable> tables, int64_t* rows) {
  const auto last = LastDigests(connection);
  RecordPacks packs;
  int64_t count = 0;
  std::string pack;  // the digest field of the pack being filled
  for (const RecordTable& t : tables) {
    size_t in_pack = 0;
    int number = 0;
    auto close = [&] {
      if (in_pack == 0) return;
      packs.Add(t.name + "/*" + std::to_string(++number), pack);
      pack.clear();
      in_pack = 0;
    };
    const size_t prefix = t.name.size() + 1;  // "<table>/"
    ForEachDigest(connection, t, "", {}, [&](RecordDigest&& d) {
      auto it = last.find(d.record);
      if (it != last.end() && it->second.digest == d.digest) return;
      pack.append(d.record, prefix).append(1, '=').append(d.digest).append(1, ';');
      ++count;
      if (++in_pack == kRecordsPerPack) close();
    });
    close();
  }
  if (rows) *rows = count;
  return packs;
}

void ForEachRecordOf(const RecordDigest& item, const std::function<void(std::string, std::string)>& f) {
  const size_t star = item.record.find("/*");
  if (star == std::string::npos) {
    f(item.record, item.digest);
    return;
  }
  const std::string table = item.record.substr(0, star + 1);  // "<table>/"
  std::string_view rest = item.digest;
  while (!rest.empty()) {
    const size_t end = rest.find(';');
    const std::string_view part = rest.substr(0, end);
    const size_t eq = part.find('=');
    // A part that does not parse names no row; the list's hash tells it was altered.
    if (eq != std::string_view::npos) f(table + std::string(part.substr(0, eq)), std::string(part.substr(eq + 1)));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
}

std::string RecordListHash(std::vector<RecordDigest> records) {
  std::sort(records.begin(), records.end(),
            [](const RecordDigest& a, const RecordDigest& b) { return a.record < b.record; });
  return RecordListHashOf(records);
}

std::string RecordListHashOf(const std::vector<RecordDigest>& records) {
  // Sorted by reference and hashed as a stream: a national batch's list is not
  // copied, nor laid out a second time as one buffer.
  std::vector<const RecordDigest*> sorted;
  sorted.reserve(records.size());
  for (const RecordDigest& r : records) sorted.push_back(&r);
  std::sort(sorted.begin(), sorted.end(),
            [](const RecordDigest* a, const RecordDigest* b) { return a->record < b->record; });
  internal::Blake2b256Stream hash;
  hash.AddField("fupin-records-v1");
  for (const RecordDigest* r : sorted) {
    hash.AddField(r->record);
    hash.AddField(r->digest);
  }
  return internal::ToHex(hash.Finish());
}

RecordVerification VerifyRecords(store::Connection& connection, std::span<const RecordTable> tables) {
  RecordVerification v;
  // 1. Each entry's list against the hash the chain covers.
  std::map<int64_t, std::string> hashes;
  {
    auto s = connection.Prepare("SELECT id, records FROM audit_log WHERE records IS NOT NULL");
    while (s->Step()) hashes[s->Int(0)] = s->Text(1);
  }
  std::unordered_map<std::string, Last> last;
  {
    std::map<int64_t, std::vector<RecordDigest>> lists;
    auto s = connection.Prepare("SELECT audit_id, record, digest FROM audit_records ORDER BY audit_id");
    while (s->Step()) {
      const int64_t id = s->Int(0);
      RecordDigest d{s->Text(1), s->Text(2)};
      ForEachRecordOf(d, [&last, id](std::string record, std::string digest) {
        last[std::move(record)] = Last{id, std::move(digest)};
      });
      lists[id].push_back(std::move(d));
    }
    for (auto& [id, list] : lists) {
      auto h = hashes.find(id);
      if (h == hashes.end() || RecordListHashOf(list) != h->second) {
        v.mismatches.push_back({"audit/" + std::to_string(id), id,
                                "the record digests of audit entry " + std::to_string(id) +
                                    " were altered (they do not match the entry's hash)"});
      }
      if (h != hashes.end()) hashes.erase(h);
    }
    for (const auto& [id, hash] : hashes) {
      v.mismatches.push_back({"audit/" + std::to_string(id), id,
                              "the record digests of audit entry " + std::to_string(id) + " were deleted"});
    }
  }
  v.audited = static_cast<int64_t>(last.size());
  // 2. Every current row against its last audited digest.
  std::unordered_set<std::string> seen;
  std::unordered_set<std::string> names;
  for (const RecordTable& t : tables) {
    names.insert(t.name);
    for (const RecordDigest& d : DigestRows(connection, t)) {
      ++v.rows;
      seen.insert(d.record);
      auto it = last.find(d.record);
      if (it == last.end()) {
        v.mismatches.push_back({d.record, std::nullopt, "not in the audit trail (written behind fupin's back)"});
      } else if (it->second.digest != d.digest) {
        v.mismatches.push_back({d.record, it->second.audit_id,
                                "does not match its digest in audit entry " + std::to_string(it->second.audit_id) +
                                    " (changed behind fupin's back)"});
      }
    }
  }
  // 3. Audited rows that are gone.
  for (const auto& [record, l] : last) {
    if (names.contains(TableOf(record)) && !seen.contains(record)) {
      v.mismatches.push_back({record, l.audit_id,
                              "is missing (deleted behind fupin's back; last audited in entry " +
                                  std::to_string(l.audit_id) + ")"});
    }
  }
  std::sort(v.mismatches.begin(), v.mismatches.end(),
            [](const RecordMismatch& a, const RecordMismatch& b) { return a.record < b.record; });
  return v;
}

int64_t RecordBaseline(store::Connection& connection, const Clock& clock, std::span<const RecordTable> tables) {
  if (!connection.QueryInt("SELECT 1 FROM records_baseline_pending LIMIT 1").has_value()) return 0;
  store::Transaction tx(connection);
  int64_t count = 0;
  RecordPacks packs = ChangedRecordPacks(connection, tables, &count);
  if (!packs.empty()) {
    AuditEvent event;
    event.action = "records.baseline";
    event.entity = "records";
    event.after = nlohmann::json{{"rows", count}}.dump();
    RecordPacked(connection, clock, Caller::LocalOperator(), event, packs);
  }
  connection.Execute("DELETE FROM records_baseline_pending");
  tx.Commit();
  return count;
}

}  // namespace fupin::access
