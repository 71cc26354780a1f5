#pragma once
// How long work says how far it is (issue 19 item 7): one sink that batch
// services report to and that each adapter shows in its own way — the CLI as
// one redrawn line on a terminal (cli/progress_line.h), the server as the
// progress of a job (server/jobs.h).
//
// A service takes `Progress& progress = NoProgress()` and reports at batch
// granularity: a stage begins with the number of units it has (areas, chunks
// of rows, policies, tables), advances as units finish, and ends. Reporting
// never adds a database query. Stages follow each other; they do not nest.
#include <cstdint>
#include <string>
#include <string_view>

namespace fupin {

class Progress {
 public:
  virtual ~Progress() = default;
  // A stage starts. `stage` is a key from StageLabelZh's table ("read",
  // "evaluate", "store", ...); `total` its units (0 when unknown).
  virtual void Begin(std::string_view stage, int64_t total) = 0;
  // `n` more units of the current stage are done.
  virtual void Advance(int64_t n = 1) = 0;
  // The current stage is over (done becomes total).
  virtual void End() = 0;
};

// A sink that ignores everything: the default of every service.
Progress& NoProgress();

// The Chinese name of a stage key, for what people read (the terminal line,
// the web's progress bar); the key itself for a key not in the table.
std::string_view StageLabelZh(std::string_view stage);

// Reports a stage for the life of a scope: Begin on construction, End on
// destruction (also when the stage throws).
class ProgressStage {
 public:
  ProgressStage(Progress& progress, std::string_view stage, int64_t total) : progress_(progress) {
    progress_.Begin(stage, total);
  }
  ~ProgressStage() { progress_.End(); }
  ProgressStage(const ProgressStage&) = delete;
  ProgressStage& operator=(const ProgressStage&) = delete;
  void Advance(int64_t n = 1) { progress_.Advance(n); }

 private:
  Progress& progress_;
};

// For code that reports absolute counts ("stage, done so far, total"):
// Begin when the stage or its total changes, Advance by the difference.
class ProgressCounts {
 public:
  explicit ProgressCounts(Progress& progress) : progress_(progress) {}
  void Report(std::string_view stage, int64_t done, int64_t total);

 private:
  Progress& progress_;
  std::string stage_;
  int64_t total_ = -1;
  int64_t done_ = 0;
};

}  // namespace fupin
