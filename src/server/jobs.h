#pragma once
// Jobs: batches that can outlast an HTTP request (entitlements of a province,
// indicators, large imports) run on a worker thread of their own, outside the
// handler pool, and report through core/progress.h. The request that starts
// one answers 202 at once with the job; GET /api/v1/jobs/{id} gives its state
// (queued, running, done, failed), progress (stage, done, total, percent) and
// the result the synchronous route would have answered, or its error.
//
//  - A job belongs to the user who started it. Anybody else gets 404 for it
//    and never sees it in a list (access/ownership.h decides).
//  - It runs as that user (the Caller of the starting request), on its own
//    database connection, whatever happens to the client or the session.
//  - Jobs live in this process's memory: a restart of the server loses the
//    queued and the finished ones, and one running at Stop() is finished
//    first (the batch is one transaction either way: all of it or none).
//  - At most kMaxUnfinishedPerUser queued or running jobs per user (more is
//    429); finished jobs are kept kKeepSeconds, then forgotten.
//
// Thread-safe: handler threads submit and read, the worker runs.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/caller.h"
#include "core/date.h"
#include "core/progress.h"
#include "core/vocabulary.h"
#include "server/api.h"
#include "store/database.h"

namespace fupin::server {

// A job's state: queued, running, then done or failed (served as the
// vocabulary job_state; the wire string is the JSON's "state").
enum class JobState { kQueued, kRunning, kDone, kFailed };
std::span<const Term> JobStateTerms();

class Jobs {
 public:
  static constexpr int kMaxUnfinishedPerUser = 4;
  static constexpr int64_t kKeepSeconds = 24 * 60 * 60;

  // What a job does: the body of the synchronous route's answer, computed on
  // the worker's connection as `caller`, reporting to `progress`. Throws
  // fupin::Error as a route would (the job then fails with that error).
  using Work = std::function<nlohmann::json(store::Connection& db, const Caller& caller, Progress& progress)>;

  Jobs(store::Database& database, const Clock& clock);
  ~Jobs();  // finishes the running job, drops the queued ones
  Jobs(const Jobs&) = delete;
  Jobs& operator=(const Jobs&) = delete;

  // Queues `work` for `caller`; returns the job's JSON (state "queued").
  // `kind` names it ("entitlements.run", "imports.persons", ...);
  // `result_status` is the HTTP status the synchronous route answers with.
  nlohmann::json Submit(const Caller& caller, const std::string& kind, int result_status, Work work);
  // One job of the caller's (NotFound for another user's or an unknown id).
  nlohmann::json Get(const Caller& caller, int64_t id);
  // The caller's jobs, newest first (without their results).
  nlohmann::json List(const Caller& caller);

 private:
  struct Job;
  class Reporter;
  void Run();
  void Forget(int64_t now);
  nlohmann::json JobJson(const Job& job, bool with_result) const;  // mutex_ held

  store::Database& database_;
  const Clock& clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<int64_t, std::unique_ptr<Job>> jobs_;
  std::deque<int64_t> queue_;
  int64_t next_id_ = 1;
  bool stopping_ = false;
  std::thread worker_;
};

// Whether a request asks to run as a job: the query parameter async=true (or
// 1; false or 0 for no), else the header Prefer: respond-async.
bool WantsJob(const ApiRequest& request);

// Starts `work` as a job of the request's caller: 202 Accepted with the job's
// JSON and Location: /api/v1/jobs/{id}.
ApiResponse StartJob(ApiRequest& request, const std::string& kind, int result_status, Jobs::Work work);

}  // namespace fupin::server
