#pragma once
// The finished JSON of households as GET /api/v1/households/{id} sends it
// (HouseholdJsonText), kept for the next read of the same household while no
// record has changed (issue 25; docs/PERFORMANCE.md, "Household reads,
// session 11").
//
// Each text is stored with the audit trail's data head it was read at
// (access::Audit::DataHead, the id of the last entry that changed records).
// Every change made through fupin records a data-changing audit entry in the
// transaction that makes it, so a text is served again only while the data
// head read just before is the one it was stored with: any change of any
// record (in this process or another one on the same database) makes every
// kept text a miss. What stays per caller is never kept: the access check runs
// on every read, hit or miss (HouseholdRegistry::GetHouseholdText), and the
// text itself is the same for every caller allowed to read it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace fupin::registry {

// One household's answer: the JSON text and the version (the ETag).
struct HouseholdText {
  std::string json;
  int64_t version = 0;
};

// Thread-safe: a server's handler threads share one. At most `max_bytes` of
// texts are kept (an arbitrary kept text makes room for a new one); 0 keeps none.
class HouseholdTexts {
 public:
  static constexpr size_t kDefaultMaxBytes = size_t{64} << 20;

  explicit HouseholdTexts(size_t max_bytes = kDefaultMaxBytes);

  // What was stored for household `id` at data head `head`, with the
  // household's village (for the access check); nullopt when nothing or a
  // text of another head is kept (the stale one is dropped).
  struct Kept {
    std::shared_ptr<const HouseholdText> text;
    std::string village_code;
  };
  std::optional<Kept> Find(int64_t id, int64_t head);
  void Store(int64_t id, int64_t head, std::string village_code, std::shared_ptr<const HouseholdText> text);
  void Store(int64_t id, int64_t head, std::string village_code, HouseholdText text) {
    Store(id, head, std::move(village_code), std::make_shared<const HouseholdText>(std::move(text)));
  }

  size_t bytes() const;    // of the texts kept now
  size_t entries() const;  // texts kept now

 private:
  struct Entry {
    int64_t head = 0;
    std::string village_code;
    std::shared_ptr<const HouseholdText> text;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<int64_t, Entry> entries;
    size_t bytes = 0;
  };
  static constexpr size_t kShards = 16;
  static size_t SizeOf(const Entry& e) { return e.text->json.size() + e.village_code.size() + sizeof(Entry) + 32; }
  Shard& ShardOf(int64_t id) { return shards_[static_cast<size_t>(id) % kShards]; }

  size_t max_shard_bytes_;
  std::array<Shard, kShards> shards_;
};

}  // namespace fupin::registry
