#pragma once
// The record digests of a batch's audit entry in packs (docs/ACCESS.md,
// "Records covered by the audit", Packs): the same row digests as
// access/records.h, stored one audit_records row per pack of rows.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "access/records.h"
#include "store/database.h"

namespace fupin::access {

// The same rows packed, for a batch write to record in its audit entry (the
// demo, imports, the baseline, a key rotation): one list item per
// kRecordsPerPack changed rows of a table, named "<table>/*<n>" (n from 1),
// whose digest field is "<key>=<digest>;" for each row in turn ("12=ab..;"
// or "12/2019=ab..;"). An item holds the same row digests, so a changed row
// is still named, in a fraction of the space: no row name and no index entry
// per row. The rows are streamed, never all held at once. `rows` (optional)
// receives the number of rows packed.
inline constexpr size_t kRecordsPerPack = 1000;
std::vector<RecordDigest> ChangedRecordPacks(store::Connection& connection, std::span<const RecordTable> tables,
                                             int64_t* rows = nullptr);

// The per-row digests of a list item: the item itself, or the rows of a pack
// (a part of a pack that does not parse names no row).
void ForEachRecordOf(const RecordDigest& item, const std::function<void(std::string record, std::string digest)>& f);

// RecordListHash without copying the list (a pack is one item): references
// sorted, the hash taken as a stream.
std::string RecordListHashOf(const std::vector<RecordDigest>& records);

}  // namespace fupin::access
