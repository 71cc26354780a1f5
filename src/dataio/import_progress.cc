// The importer's progress reports (ProgressFn) into core/progress.h.
#include <memory>

#include "dataio/importer.h"

namespace fupin::dataio {

ProgressFn ReportTo(Progress& progress) {
  auto counts = std::make_shared<ProgressCounts>(progress);
  return [counts](std::string_view phase, size_t done, size_t total) {
    const std::string_view stage = phase == "读取" ? "read" : phase == "校验" ? "validate" : "store";
    counts->Report(stage, static_cast<int64_t>(done), static_cast<int64_t>(total));
  };
}

}  // namespace fupin::dataio
