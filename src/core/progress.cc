#include "core/progress.h"

#include <array>
#include <utility>

namespace fupin {
namespace {

class Silent final : public Progress {
 public:
  void Begin(std::string_view, int64_t) override {}
  void Advance(int64_t) override {}
  void End() override {}
};

// Every stage key a service reports, with its Chinese name.
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kStages = {{
    {"queued", "排队等待"},     // a job not started yet (server/jobs.h)
    {"read", "读取数据"},
    {"validate", "检查数据"},
    {"evaluate", "计算"},
    {"store", "保存结果"},
    {"households", "生成农户"},  // the demo generator's plan
    {"tables", "复制数据表"},    // migrate-store
    {"reencrypt", "重新加密"},   // keys rotate
}};

}  // namespace

Progress& NoProgress() {
  static Silent silent;
  return silent;
}

std::string_view StageLabelZh(std::string_view stage) {
  for (const auto& [key, label] : kStages) {
    if (key == stage) return label;
  }
  return stage;
}

void ProgressCounts::Report(std::string_view stage, int64_t done, int64_t total) {
  if (stage != stage_ || total != total_ || done < done_) {
    if (total_ >= 0) progress_.End();
    stage_ = std::string(stage);
    total_ = total;
    done_ = 0;
    progress_.Begin(stage, total);
  }
  if (done > done_) {
    progress_.Advance(done - done_);
    done_ = done;
  }
}

}  // namespace fupin
