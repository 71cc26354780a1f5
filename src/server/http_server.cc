#include "server/http_server.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <ostream>
#include <regex>
#include <thread>
#include <unordered_map>

#include "core/error.h"

namespace fupin::server {
namespace {

// One connection per worker thread and database, kept for the thread's life
// (with the statements it has prepared, see store/sqlite_database.cc).
store::Connection& ThreadConnection(store::Database& database) {
  thread_local std::unordered_map<const store::Database*, std::unique_ptr<store::Connection>> connections;
  auto& c = connections[&database];
  if (!c) c = database.Connect();
  return *c;
}

// "/api/v1/households/{id}" -> "^/api/v1/households/([^/]+)$" and {"id"}.
std::pair<std::string, std::vector<std::string>> CompilePattern(const std::string& pattern) {
  std::string regex;
  std::vector<std::string> names;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      const size_t end = pattern.find('}', i);
      names.push_back(pattern.substr(i + 1, end - i - 1));
      regex += "([^/]+)";
      i = end;
    } else if (std::string(".+*?()[]^$|\\").find(pattern[i]) != std::string::npos) {
      regex += '\\';
      regex += pattern[i];
    } else {
      regex += pattern[i];
    }
  }
  return {regex, names};
}

void SendJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  // An invalid UTF-8 byte (echoed from a bad request) must not turn an answer into a 500.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json; charset=utf-8");
}

std::string StatusCode(int status) {
  switch (status) {
    case 400: return "invalid_argument";
    case 401: return "unauthenticated";
    case 403: return "permission_denied";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 413: return "payload_too_large";
    case 429: return "resource_exhausted";
    default: return status >= 500 ? "internal" : "bad_request";
  }
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(store::Database& database, ServerOptions options, const Clock& clock, const access::PasswordHasher& hasher,
       std::ostream& log)
      : database_(database), options_(std::move(options)), clock_(clock), hasher_(hasher), log_(log) {}

  void Install(const std::vector<Route>& routes) {
    server_.new_task_queue = [threads = options_.threads] {
      return new httplib::ThreadPool(static_cast<size_t>(threads));
    };
    // Uploads may be larger than JSON bodies; Handle() holds the others to max_body_bytes.
    server_.set_payload_max_length(std::max(options_.max_body_bytes, options_.max_upload_bytes));
    server_.set_keep_alive_max_count(1000);
    // cpp-httplib gives each open connection a worker thread for as long as it
    // lives; an idle keep-alive connection (a browser keeps up to six) holds it
    // until this timeout. Two seconds keeps page loads on one connection while
    // idle tabs do not starve the pool.
    server_.set_keep_alive_timeout(2);
    // Without it, small responses wait for the peer's delayed ACK (Nagle): 40 ms each.
    server_.set_tcp_nodelay(true);
    server_.set_read_timeout(30, 0);
    for (const Route& route : routes) {
      auto [regex, names] = CompilePattern(route.pattern);
      httplib::Server::Handler handler = [this, &route, names = names](const httplib::Request& req,
                                                                      httplib::Response& res) {
        Handle(route, names, req, res);
      };
      if (route.method == "GET") server_.Get(regex, handler);
      else if (route.method == "POST") server_.Post(regex, handler);
      else if (route.method == "PUT") server_.Put(regex, handler);
      else if (route.method == "PATCH") server_.Patch(regex, handler);
      else if (route.method == "DELETE") server_.Delete(regex, handler);
    }
    if (!options_.static_dir.empty()) {
      server_.set_mount_point("/", options_.static_dir);
      // A page of the single-page app reloaded at its own address gets index.html.
      server_.Get("^/(?!api/).*", [this](const httplib::Request&, httplib::Response& res) {
        std::ifstream in(options_.static_dir + "/index.html", std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        res.set_content(s.str(), "text/html; charset=utf-8");
      });
    }
    // Responses httplib makes itself (unknown route, body too large, ...) get the error shape too.
    server_.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      std::string message = "HTTP " + std::to_string(res.status);
      if (res.status == 404) message = "no such route: " + req.method + " " + req.path;
      if (res.status == 413) message = "the request body is too large";
      SendJson(res, res.status, ErrorJson(StatusCode(res.status), message));
    });
    server_.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      SendJson(res, 500, ErrorJson("internal", "internal error"));
    });
  }

  void Handle(const Route& route, const std::vector<std::string>& names, const httplib::Request& req,
              httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    ApiRequest request;
    request.clock = &clock_;
    int status = 500;
    try {
      request.db = &ThreadConnection(database_);
      for (size_t i = 0; i < names.size() && i + 1 < req.matches.size(); ++i) {
        request.path[names[i]] = req.matches[i + 1];
      }
      for (const auto& [k, v] : req.params) request.query.emplace(k, v);
      if (req.has_header("If-Match")) request.if_match = req.get_header_value("If-Match");
      request.remote_address = req.remote_addr;
      const std::string auth = req.get_header_value("Authorization");
      if (auth.rfind("Bearer ", 0) == 0) {
        request.token = auth.substr(7);
        access::Sessions sessions(*request.db, clock_, hasher_, options_.sessions, &session_touches_);
        if (route.needs_login || !request.token.empty()) {
          request.caller = sessions.Authenticate(request.token);
          request.authenticated = true;
        }
      } else if (route.needs_login) {
        throw Error(ErrorCode::kUnauthenticated, "log in first: send Authorization: Bearer <token>");
      }
      if (route.raw_body) {
        request.raw_body = req.body;
        if (req.has_header("X-File-Name")) {
          request.file_name = httplib::detail::decode_url(req.get_header_value("X-File-Name"), false);
        }
      } else if (req.body.size() > options_.max_body_bytes) {
        status = 413;
        SendJson(res, status, ErrorJson(StatusCode(status), "the request body is too large"));
        Log(route, status, start, request, "");
        return;
      } else if (!req.body.empty()) {
        request.body = ParseJsonBody(req.body);
      } else if (route.method == "POST" || route.method == "PUT" || route.method == "PATCH") {
        request.body = nlohmann::json::object();
      }
      ApiResponse response = RunHandler(route, request);
      const auto file_type = response.headers.find("Content-Type");
      for (const auto& [k, v] : response.headers) {
        if (k != "Content-Type") res.set_header(k, v);
      }
      status = response.status;
      if (status == 204) {
        res.status = 204;
      } else if (file_type != response.headers.end() && response.body.is_string()) {
        // A download (ApiResponse::File) or JSON serialised by the handler (VersionedText): the bytes as they are.
        res.status = status;
        res.set_header("Cache-Control", "no-store");
        res.set_content(response.body.get_ref<const std::string&>(), file_type->second);
      } else {
        SendJson(res, status, response.body);
      }
    } catch (const Error& e) {
      status = HttpStatus(e.code());
      SendJson(res, status, ErrorJson(ErrorCodeName(e.code()), e.what(), e.details()));
    } catch (const std::exception& e) {
      status = 500;
      SendJson(res, 500, ErrorJson("internal", "internal error"));
      Log(route, status, start, request, e.what());
      return;
    }
    Log(route, status, start, request, "");
  }

  // A serialisation failure, deadlock or busy database rolled the handler's
  // transaction back whole (store::TransientError); handlers do nothing
  // outside the database, so running them again from the start is safe.
  // After the last attempt the conflict is reported (409), never half-applied.
  static ApiResponse RunHandler(const Route& route, ApiRequest& request) {
    constexpr int kAttempts = 4;
    for (int attempt = 1;; ++attempt) {
      try {
        return route.handler(request);
      } catch (const store::TransientError&) {
        if (attempt == kAttempts) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt * attempt));
      }
    }
  }

  void Log(const Route& route, int status, std::chrono::steady_clock::time_point start, const ApiRequest& request,
           const std::string& internal_error) {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    nlohmann::json line = {{"at", FormatTimestamp(clock_.NowSeconds())},
                           {"method", route.method},
                           {"route", route.pattern},
                           {"status", status},
                           {"ms", static_cast<double>(static_cast<int64_t>(ms * 100)) / 100},
                           {"user_id", request.authenticated ? nlohmann::json(request.caller.user_id) : nullptr}};
    if (!internal_error.empty()) line["internal_error"] = internal_error;
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text += '\n';
    std::scoped_lock lock(log_mutex_);
    log_ << text;  // one write per line on an unbuffered stream (std::cerr)
    log_.flush();
  }

  store::Database& database_;
  ServerOptions options_;
  const Clock& clock_;
  const access::PasswordHasher& hasher_;
  std::ostream& log_;
  std::mutex log_mutex_;
  access::SessionTouches session_touches_;  // all threads serve database_
  httplib::Server server_;
};

HttpServer::HttpServer(store::Database& database, ServerOptions options, const Clock& clock,
                       const access::PasswordHasher& hasher, std::ostream& log)
    : impl_(std::make_unique<Impl>(database, options, clock, hasher, log)) {
  AddSystemRoutes(routes_);
  AddAccessRoutes(routes_, hasher, options.sessions);
  AddRegistryRoutes(routes_);
  AddAssessmentRoutes(routes_);
  AddAssistanceRoutes(routes_);
  AddSocialRoutes(routes_, hasher);
  AddMonitoringRoutes(routes_);
  AddReportRoutes(routes_, options.report_snapshot_max_age_seconds);
  AddQualityRoutes(routes_);
  AddPolicyRoutes(routes_);
  AddImportRoutes(routes_);
  impl_->Install(routes_);
}

HttpServer::~HttpServer() = default;

int HttpServer::Bind() {
  const auto& o = impl_->options_;
  if (o.port == 0) {
    port_ = impl_->server_.bind_to_any_port(o.host);
  } else {
    port_ = impl_->server_.bind_to_port(o.host, o.port) ? o.port : -1;
  }
  if (port_ <= 0) {
    throw Error::FailedPrecondition("cannot listen on " + o.host + ":" + std::to_string(o.port));
  }
  return port_;
}

void HttpServer::Serve() { impl_->server_.listen_after_bind(); }

void HttpServer::Stop() { impl_->server_.stop(); }

}  // namespace fupin::server
