#pragma once
// The record digests of a batch's audit entry in packs (docs/ACCESS.md,
// "Records covered by the audit", Packs): the same row digests as
// access/records.h, stored one audit_records row per pack of rows.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "access/audit.h"
#include "access/records.h"
#include "core/temp_file.h"
#include "store/database.h"

namespace fupin::access {

// A batch's packs, kept in an unnamed temporary file (AnonymousTempFile, in
// TMPDIR: gone when the object or the process ends) rather than in memory: a national batch
// writes about 45 bytes of packs per row (6 GB at 12 million persons), which
// would otherwise be held until the audit entry is written. Only each pack's
// name and place in the file stay in memory. RecordPacked writes them to
// audit_records, and their list hash into the entry, exactly as Audit::Record
// writes the same packs given as a list (RecordListHashOf of those items).
class RecordPacks {
 public:
  // Appends an item (the file is created with the first). Throws
  // Error::Internal when the temporary file cannot be created or written.
  void Add(const std::string& record, std::string_view digest);
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  // The items in the order they were added, read back one at a time.
  void ForEach(const std::function<void(const RecordDigest&)>& f) const;
  // RecordListHashOf the items (sorted by name, hashed as a stream).
  std::string ListHash() const;

 private:
  struct Item {
    std::string record;
    int64_t offset = 0;
    size_t size = 0;
  };
  std::string Read(const Item& item) const;

  UniqueFile file_;
  int64_t end_ = 0;
  std::vector<Item> items_;
};

// The same rows packed, for a batch write to record in its audit entry (the
// demo, imports, the baseline, a key rotation): one list item per
// kRecordsPerPack changed rows of a table, named "<table>/*<n>" (n from 1),
// whose digest field is "<key>=<digest>;" for each row in turn ("12=ab..;"
// or "12/2019=ab..;"). An item holds the same row digests, so a changed row
// is still named, in a fraction of the space: no row name and no index entry
// per row. The rows are streamed and each pack goes to the spool file as it
// fills, so memory does not grow with the rows. `rows` (optional) receives
// the number of rows packed.
inline constexpr size_t kRecordsPerPack = 1000;
RecordPacks ChangedRecordPacks(store::Connection& connection, std::span<const RecordTable> tables,
                               int64_t* rows = nullptr);

// Audit::Record for an entry whose digests are `packs` (event.records must be
// empty): the entry's `records` field is packs.ListHash() and the packs go to
// audit_records, inside the entry's (nested) transaction.
int64_t RecordPacked(store::Connection& connection, const Clock& clock, const Caller& actor, const AuditEvent& event,
                     const RecordPacks& packs);
// RecordChange (access/audit.h) for a batch whose digests are in packs.
void RecordChange(store::Connection& db, const Clock& clock, const Caller& caller, const std::string& action,
                  const std::string& entity, const std::string& area_code, const nlohmann::json& before,
                  const nlohmann::json& after, const RecordPacks& packs);

// The per-row digests of a list item: the item itself, or the rows of a pack
// (a part of a pack that does not parse names no row).
void ForEachRecordOf(const RecordDigest& item, const std::function<void(std::string record, std::string digest)>& f);

// RecordListHash without copying the list (a pack is one item): references
// sorted, the hash taken as a stream.
std::string RecordListHashOf(const std::vector<RecordDigest>& records);

}  // namespace fupin::access
