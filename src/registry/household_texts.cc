#include "registry/household_texts.h"

#include <utility>

namespace fupin::registry {

HouseholdTexts::HouseholdTexts(size_t max_bytes) : max_shard_bytes_(max_bytes / kShards) {}

std::optional<HouseholdTexts::Kept> HouseholdTexts::Find(int64_t id, int64_t head) {
  Shard& shard = ShardOf(id);
  std::scoped_lock lock(shard.mutex);
  const auto it = shard.entries.find(id);
  if (it == shard.entries.end()) return std::nullopt;
  if (it->second.head != head) {
    shard.bytes -= SizeOf(it->second);
    shard.entries.erase(it);
    return std::nullopt;
  }
  return Kept{it->second.text, it->second.village_code};
}

void HouseholdTexts::Store(int64_t id, int64_t head, std::string village_code,
                           std::shared_ptr<const HouseholdText> text) {
  Entry entry{head, std::move(village_code), std::move(text)};
  const size_t size = SizeOf(entry);
  if (size > max_shard_bytes_) return;
  Shard& shard = ShardOf(id);
  std::scoped_lock lock(shard.mutex);
  if (const auto it = shard.entries.find(id); it != shard.entries.end()) {
    shard.bytes -= SizeOf(it->second);
    shard.entries.erase(it);
  }
  // Room for the new text: drop whichever texts the map holds first.
  while (shard.bytes + size > max_shard_bytes_ && !shard.entries.empty()) {
    const auto victim = shard.entries.begin();
    shard.bytes -= SizeOf(victim->second);
    shard.entries.erase(victim);
  }
  shard.bytes += size;
  shard.entries.emplace(id, std::move(entry));
}

size_t HouseholdTexts::bytes() const {
  size_t total = 0;
  for (const Shard& shard : shards_) {
    std::scoped_lock lock(shard.mutex);
    total += shard.bytes;
  }
  return total;
}

size_t HouseholdTexts::entries() const {
  size_t total = 0;
  for (const Shard& shard : shards_) {
    std::scoped_lock lock(shard.mutex);
    total += shard.entries.size();
  }
  return total;
}

}  // namespace fupin::registry
