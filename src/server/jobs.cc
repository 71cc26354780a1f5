#include "server/jobs.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

#include "access/ownership.h"
#include "core/error.h"
#include "server/api.h"
#include "server/http_server.h"

namespace fupin::server {

namespace {
constexpr Term kJobStates[] = {
    {static_cast<int>(JobState::kQueued), "queued", "排队等待"},
    {static_cast<int>(JobState::kRunning), "running", "正在计算"},
    {static_cast<int>(JobState::kDone), "done", "已完成"},
    {static_cast<int>(JobState::kFailed), "failed", "失败"},
};

bool Finished(JobState state) { return state == JobState::kDone || state == JobState::kFailed; }
}  // namespace

std::span<const Term> JobStateTerms() { return kJobStates; }

struct Jobs::Job {
  int64_t id = 0;
  Caller caller;
  std::string kind;
  int result_status = 200;
  Work work;
  JobState state = JobState::kQueued;
  std::string stage = "queued";
  int64_t done = 0;
  int64_t total = 0;
  int64_t created_at = 0;
  int64_t started_at = 0;
  int64_t finished_at = 0;
  nlohmann::json result;  // the synchronous route's body, when done
  nlohmann::json error;   // {"status", "code", "message", "message_zh", "details"}, when failed
};

// The job's side of core/progress.h: each report updates the job under the lock.
class Jobs::Reporter final : public Progress {
 public:
  Reporter(Jobs& jobs, Job& job) : jobs_(jobs), job_(job) {}
  void Begin(std::string_view stage, int64_t total) override {
    std::scoped_lock lock(jobs_.mutex_);
    job_.stage = std::string(stage);
    job_.total = total;
    job_.done = 0;
  }
  void Advance(int64_t n) override {
    std::scoped_lock lock(jobs_.mutex_);
    job_.done += n;
  }
  void End() override {
    std::scoped_lock lock(jobs_.mutex_);
    job_.done = std::max(job_.done, job_.total);
  }

 private:
  Jobs& jobs_;
  Job& job_;
};

Jobs::Jobs(store::Database& database, const Clock& clock) : database_(database), clock_(clock) {
  worker_ = std::thread([this] { Run(); });
}

Jobs::~Jobs() {
  {
    std::scoped_lock lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

nlohmann::json Jobs::Submit(const Caller& caller, const std::string& kind, int result_status, Work work) {
  std::scoped_lock lock(mutex_);
  const int64_t now = clock_.NowSeconds();
  Forget(now);
  const auto unfinished = std::count_if(jobs_.begin(), jobs_.end(), [&](const auto& entry) {
    const Job& j = *entry.second;
    return access::OwnedBy(caller, j.caller.user_id) && !Finished(j.state);
  });
  if (unfinished >= kMaxUnfinishedPerUser) {
    throw Error(ErrorCode::kResourceExhausted, "you have " + std::to_string(unfinished) +
                                                   " jobs queued or running; wait for one to finish");
  }
  auto job = std::make_unique<Job>();
  job->id = next_id_++;
  job->caller = caller;
  job->kind = kind;
  job->result_status = result_status;
  job->work = std::move(work);
  job->created_at = now;
  const int64_t id = job->id;
  nlohmann::json answer = JobJson(*job, false);
  jobs_.emplace(id, std::move(job));
  queue_.push_back(id);
  wake_.notify_one();
  return answer;
}

nlohmann::json Jobs::Get(const Caller& caller, int64_t id) {
  std::scoped_lock lock(mutex_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end() || !access::OwnedBy(caller, it->second->caller.user_id)) {
    throw Error::NotFound("no job " + std::to_string(id));
  }
  return JobJson(*it->second, true);
}

nlohmann::json Jobs::List(const Caller& caller) {
  std::scoped_lock lock(mutex_);
  Forget(clock_.NowSeconds());
  nlohmann::json items = nlohmann::json::array();
  for (auto it = jobs_.rbegin(); it != jobs_.rend(); ++it) {
    if (access::OwnedBy(caller, it->second->caller.user_id)) items.push_back(JobJson(*it->second, false));
  }
  return {{"items", std::move(items)}};
}

void Jobs::Forget(int64_t now) {
  std::erase_if(jobs_, [&](const auto& entry) {
    const Job& j = *entry.second;
    return Finished(j.state) && now - j.finished_at > kKeepSeconds;
  });
}

nlohmann::json Jobs::JobJson(const Job& job, bool with_result) const {
  int64_t percent = 0;
  if (job.state == JobState::kDone) percent = 100;
  else if (job.total > 0) percent = std::min<int64_t>(99, job.done * 100 / job.total);
  auto instant = [](int64_t t) { return t > 0 ? nlohmann::json(FormatTimestamp(t)) : nlohmann::json(nullptr); };
  nlohmann::json j = {{"id", job.id},
                      {"kind", job.kind},
                      {"state", WireOf(kJobStates, job.state)},
                      {"progress",
                       {{"stage", job.stage},
                        {"stage_zh", std::string(StageLabelZh(job.stage))},
                        {"done", job.done},
                        {"total", job.total},
                        {"percent", percent}}},
                      {"created_at", instant(job.created_at)},
                      {"started_at", instant(job.started_at)},
                      {"finished_at", instant(job.finished_at)},
                      {"location", "/api/v1/jobs/" + std::to_string(job.id)}};
  if (with_result) {
    j["result_status"] = job.state == JobState::kDone ? nlohmann::json(job.result_status) : nlohmann::json(nullptr);
    j["result"] = job.state == JobState::kDone ? job.result : nlohmann::json(nullptr);
    j["error"] = job.state == JobState::kFailed ? job.error : nlohmann::json(nullptr);
  }
  return j;
}

void Jobs::Run() {
  std::unique_ptr<store::Connection> db;
  for (;;) {
    Job* job = nullptr;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = jobs_.at(queue_.front()).get();
      queue_.pop_front();
      job->state = JobState::kRunning;
      job->started_at = clock_.NowSeconds();
    }
    nlohmann::json result;
    nlohmann::json error;
    try {
      if (!db) db = database_.Connect();
      Reporter reporter(*this, *job);
      // A busy database or a serialisation failure rolled the batch back whole
      // (store::TransientError): run it again from the start, as the handler
      // pool does for a request.
      constexpr int kAttempts = 4;
      for (int attempt = 1;; ++attempt) {
        try {
          result = job->work(*db, job->caller, reporter);
          break;
        } catch (const store::TransientError&) {
          if (attempt == kAttempts) throw;
          std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt * attempt));
        }
      }
    } catch (const Error& e) {
      error = ErrorJson(ErrorCodeName(e.code()), e.what(), e.details())["error"];
      error["status"] = HttpStatus(e.code());
    } catch (const std::exception&) {
      error = ErrorJson("internal", "internal error")["error"];
      error["status"] = 500;
      db.reset();  // a fresh connection for the next job
    }
    std::scoped_lock lock(mutex_);
    job->finished_at = clock_.NowSeconds();
    job->work = nullptr;
    if (error.is_null()) {
      job->state = JobState::kDone;
      job->result = std::move(result);
      job->done = std::max(job->done, job->total);
    } else {
      job->state = JobState::kFailed;
      job->error = std::move(error);
    }
  }
}

bool WantsJob(const ApiRequest& request) {
  if (const auto v = request.Query("async")) {
    if (*v == "true" || *v == "1") return true;
    if (*v == "false" || *v == "0") return false;
    throw Error::InvalidArgument("bad query parameter async", {{"?async", "'" + *v + "' is not true or false"}});
  }
  return request.prefer_async;
}

ApiResponse StartJob(ApiRequest& request, const std::string& kind, int result_status, Jobs::Work work) {
  if (request.jobs == nullptr) throw Error::FailedPrecondition("this server runs no jobs");
  nlohmann::json job = request.jobs->Submit(request.caller, kind, result_status, std::move(work));
  ApiResponse response{202, job, {}};
  response.headers["Location"] = job.at("location").get<std::string>();
  response.headers["Preference-Applied"] = "respond-async";
  return response;
}

void AddJobRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/jobs", true,
                    [](ApiRequest& r) {
                      if (r.jobs == nullptr) return ApiResponse::Ok({{"items", nlohmann::json::array()}});
                      return ApiResponse::Ok(r.jobs->List(r.caller));
                    },
                    "The caller's jobs (batches started with ?async=true), newest first, with their progress"});
  routes.push_back({"GET", "/api/v1/jobs/{id}", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      if (r.jobs == nullptr) throw Error::NotFound("no job " + std::to_string(id));
                      return ApiResponse::Ok(r.jobs->Get(r.caller, id));
                    },
                    "One of the caller's jobs: state, progress (stage, done, total, percent), result or error"});
  routes.back().quick = true;  // in memory
}

}  // namespace fupin::server
