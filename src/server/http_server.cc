// The HTTP transport: Boost.Beast over Asio. Every Beast and Asio template
// lives in this file alone, so that no other translation unit pays for them.
//
// Shape: one io_context run by `io_threads` threads does all socket I/O,
// each connection on its own strand. A request whose header and body are in
// is answered in one of two places:
//  - a quick route (Route::quick: health, the caller, a household, a person,
//    a job's state) on the I/O thread that read it, with that thread's own
//    database connection, and written at once: no hand-over between threads.
//    That connection waits at most kQuickLockWait for a lock another one holds
//    (a write of the same row, SQLite's single writer): if the request meets
//    one, its attempt is rolled back and it goes to the handler pool like any
//    other request, so a busy database never holds the sockets up for long.
//  - everything else (and every request when ServerOptions::quick_on_io_threads
//    is off) is handed to the handler pool (`threads` threads, each with its
//    own database connection), and its answer is posted back to the
//    connection's strand to be written.
// A connection waiting for its client holds no thread.
#define BOOST_BEAST_USE_STD_STRING_VIEW 1

#include "server/http_server.h"
#include "server/jobs.h"

#include <sys/resource.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "core/error.h"
#include "server/request_head.h"
#include "server/request_log.h"

namespace fupin::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Larger headers get 431; a browser's headers are a few hundred bytes.
constexpr size_t kMaxHeaderBytes = 16 * 1024;
// A response is written within this, or the connection is dropped.
constexpr auto kWriteTimeout = std::chrono::seconds(30);
// After an answer sent before the body was read (400, 413), the rest of what
// the client sends is read and dropped for at most this long, so that a client
// still writing its body gets to read the answer instead of a reset.
constexpr auto kLingerTimeout = std::chrono::seconds(5);

// The web UI is one bundle from this origin: scripts only from files (no
// inline script, no eval), styles also inline (Element Plus sets style
// attributes), images also as data: and blob: URLs, no frames, no plugins.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'";

// How long a quick route's statement on an I/O thread waits for a lock that
// another connection holds before its request goes to the handler pool.
constexpr auto kQuickLockWait = std::chrono::milliseconds(20);

// Connections taken from the kernel's queue in one turn of the acceptor (see
// Engine::Accept): enough to empty it at once under any load seen so far, few
// enough that the sockets already open never wait long for the turn.
constexpr int kAcceptBatch = 256;

// One connection per handler thread and database, kept for the thread's life
// (with the statements it has prepared, see store/sqlite_database.cc).
store::Connection& ThreadConnection(store::Database& database) {
  thread_local std::unordered_map<const store::Database*, std::unique_ptr<store::Connection>> connections;
  auto& c = connections[&database];
  if (!c) c = database.Connect();
  return *c;
}

std::string StatusCode(int status) {
  switch (status) {
    case 400: return "invalid_argument";
    case 401: return "unauthenticated";
    case 403: return "permission_denied";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 408: return "request_timeout";
    case 413: return "payload_too_large";
    case 429: return "resource_exhausted";
    case 431: return "request_header_fields_too_large";
    case 503: return "unavailable";
    default: return status >= 500 ? "internal" : "bad_request";
  }
}

// A route's pattern split at '/': literal segments, and parameters ({id})
// that match one non-empty segment.
struct CompiledRoute {
  const Route* route;
  std::vector<std::string> segments;
  std::vector<bool> is_parameter;
};

CompiledRoute Compile(const Route& route) {
  CompiledRoute c{&route, {}, {}};
  for (std::string_view s : Segments(route.pattern)) {
    const bool parameter = s.size() > 2 && s.front() == '{' && s.back() == '}';
    c.segments.emplace_back(parameter ? s.substr(1, s.size() - 2) : s);
    c.is_parameter.push_back(parameter);
  }
  return c;
}

bool Matches(const CompiledRoute& c, const std::vector<std::string_view>& segments,
             std::map<std::string, std::string>* values) {
  if (segments.size() != c.segments.size()) return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (c.is_parameter[i] ? segments[i].empty() : segments[i] != c.segments[i]) return false;
  }
  if (values != nullptr) {
    for (size_t i = 0; i < segments.size(); ++i) {
      if (c.is_parameter[i]) (*values)[c.segments[i]] = std::string(segments[i]);
    }
  }
  return true;
}

std::string ContentTypeOf(const std::filesystem::path& file) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"}, {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"}, {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"}, {".json", "application/json; charset=utf-8"},
      {".map", "application/json; charset=utf-8"}, {".txt", "text/plain; charset=utf-8"},
      {".csv", "text/csv; charset=utf-8"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
      {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".gif", "image/gif"}, {".webp", "image/webp"},
      {".ico", "image/x-icon"}, {".woff", "font/woff"}, {".woff2", "font/woff2"}, {".ttf", "font/ttf"},
      {".otf", "font/otf"}, {".wasm", "application/wasm"}, {".pdf", "application/pdf"},
      {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}};
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char ch) { return std::tolower(ch); });
  const auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

std::optional<std::string> ReadFile(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// What a request is, as far as the transport needs it once its header is in.
struct Target {
  std::string path;   // percent-decoded
  std::string query;  // raw, after '?'
};

Target SplitTarget(std::string_view target) {
  const size_t q = target.find('?');
  Target t;
  t.path = DecodeUrl(target.substr(0, q), false);
  if (q != std::string_view::npos) t.query = std::string(target.substr(q + 1));
  return t;
}

// An answer before it becomes Beast's response (built on a handler thread).
struct Reply {
  int status = 200;
  std::string body;
  std::shared_ptr<const std::string> shared_body;  // when set, sent instead of `body` (ApiResponse::shared_body)
  std::string content_type;  // "" with an empty body
  std::vector<std::pair<std::string, std::string>> headers;
  bool close = false;        // Connection: close after this answer

  size_t body_size() const { return shared_body ? shared_body->size() : body.size(); }
};

// The body of every response: bytes of its own, or bytes shared with whoever
// keeps them (a kept household text), written from where they are.
struct ReplyBody {
  struct value_type {
    std::string owned;
    std::shared_ptr<const std::string> shared;
    std::string_view bytes() const { return shared ? std::string_view(*shared) : std::string_view(owned); }
  };

  static std::uint64_t size(const value_type& body) { return body.bytes().size(); }

  // Beast's BodyWriter: the whole body as one buffer.
  class writer {
   public:
    using const_buffers_type = asio::const_buffer;
    template <bool kIsRequest, class Fields>
    writer(const http::header<kIsRequest, Fields>& /*header*/, const value_type& body) : body_(body) {}
    void init(beast::error_code& ec) { ec = {}; }
    boost::optional<std::pair<const_buffers_type, bool>> get(beast::error_code& ec) {
      ec = {};
      const std::string_view bytes = body_.bytes();
      return {{const_buffers_type(bytes.data(), bytes.size()), false}};
    }

   private:
    const value_type& body_;
  };
};

Reply JsonReply(int status, const nlohmann::json& body) {
  Reply r;
  r.status = status;
  // An invalid UTF-8 byte (echoed from a bad request) must not turn an answer into a 500.
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.content_type = "application/json; charset=utf-8";
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Reply ErrorReply(int status, const std::string& message) {
  return JsonReply(status, ErrorJson(StatusCode(status), message));
}

// Everything the server is, apart from the connections (below).
class Engine {
 public:
  Engine(store::Database& database, ServerOptions options, const Clock& clock, const access::PasswordHasher& hasher,
       std::ostream& log)
      : database_(database),
        options_(Resolved(std::move(options))),
        clock_(clock),
        hasher_(hasher),
        request_log_(log),
        pool_(static_cast<size_t>(std::max(1, options_.threads))),
        ssl_(asio::ssl::context::tls_server) {}

  // The options with their defaults filled in: io_threads 0 -> one per core.
  static ServerOptions Resolved(ServerOptions options) {
    if (options.io_threads < 1) options.io_threads = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    return options;
  }

  void Install(const std::vector<Route>& routes) {
    for (const Route& route : routes) compiled_.push_back(Compile(route));
  }

  // --- what every connection calls --------------------------------------

  // The route a request goes to, decided from its header alone; nullptr when
  // none (then the answer is 404 or 405, or a static file).
  const CompiledRoute* FindRoute(std::string_view method, const std::vector<std::string_view>& segments) const {
    const std::string_view m = method == "HEAD" ? std::string_view("GET") : method;
    for (const CompiledRoute& c : compiled_) {
      if (c.route->method == m && Matches(c, segments, nullptr)) return &c;
    }
    return nullptr;
  }

  size_t BodyLimit(const CompiledRoute* route) const {
    return route != nullptr && route->route->raw_body ? options_.max_upload_bytes : options_.max_body_bytes;
  }

  // Whether the request of `compiled` is answered on the I/O thread that read it.
  bool AnswersOnIoThread(const CompiledRoute* compiled) const {
    return compiled != nullptr && compiled->route->quick && options_.quick_on_io_threads;
  }

  // Runs on a handler thread: everything after the request is read.
  Reply Answer(const CompiledRoute* compiled, const http::request<http::string_body>& req, const Target& target,
               const std::string& remote_address, std::chrono::steady_clock::time_point start) {
    const std::string_view method = req.method_string();
    if (compiled != nullptr) return *Routed(*compiled, req, target, remote_address, start, false);
    Reply reply = Unrouted(method, target);
    Log(method, nullptr, reply.status, start, ApiRequest{}, "");
    return reply;
  }

  // No route: a file of the web UI, the single-page app's index.html, 405 or 404.
  Reply Unrouted(std::string_view method, const Target& target) const {
    const bool read = method == "GET" || method == "HEAD";
    const bool api = target.path.rfind("/api/", 0) == 0;
    if (read && !options_.static_dir.empty()) {
      const std::vector<std::string_view> segments = Segments(target.path);
      // Only names below static_dir: no "..", no empty segment before the last ("//etc"), no NUL or backslash.
      bool safe = true;
      for (size_t i = 0; i < segments.size(); ++i) {
        const std::string_view s = segments[i];
        if (s == ".." || (s.empty() && i + 1 < segments.size()) || s.find('\\') != std::string_view::npos ||
            s.find('\0') != std::string_view::npos) {
          safe = false;
        }
      }
      std::optional<std::string> file;
      std::filesystem::path name = std::filesystem::path(options_.static_dir) / target.path.substr(1);
      if (safe) {
        if (target.path.back() == '/') name /= "index.html";
        file = ReadFile(name);
      }
      if (!file && !api) {  // a page of the app reloaded at its own address
        name = std::filesystem::path(options_.static_dir) / "index.html";
        file = ReadFile(name);
      }
      if (file) {
        Reply r;
        r.body = std::move(*file);
        r.content_type = ContentTypeOf(name);
        if (method == "HEAD") {
          r.headers.emplace_back("Content-Length", std::to_string(r.body.size()));
          r.body.clear();
        }
        return r;
      }
    }
    const std::vector<std::string_view> segments = Segments(target.path);
    for (const CompiledRoute& c : compiled_) {
      if (Matches(c, segments, nullptr)) {
        Reply r = ErrorReply(405, "method " + std::string(method) + " is not allowed on " + c.route->pattern);
        std::string allow;
        for (const CompiledRoute& other : compiled_) {
          if (Matches(other, segments, nullptr)) allow += (allow.empty() ? "" : ", ") + other.route->method;
        }
        r.headers.emplace_back("Allow", allow);
        return r;
      }
    }
    return ErrorReply(404, "no such route: " + std::string(method) + " " + target.path);
  }

  // A routed request's answer (HEAD: the GET's headers without the body). On an
  // I/O thread (`on_io_thread`, a route that AnswersOnIoThread): nullopt when it
  // met a lock held by another connection (nothing of it stays: its transaction
  // rolled back) and must be answered by the pool.
  std::optional<Reply> Routed(const CompiledRoute& compiled, const http::request<http::string_body>& req,
                              const Target& target, const std::string& remote_address,
                              std::chrono::steady_clock::time_point start, bool on_io_thread) {
    std::optional<Reply> reply = Handle(compiled, req, target, remote_address, start, on_io_thread);
    if (reply && req.method_string() == "HEAD") {
      reply->headers.emplace_back("Content-Length", std::to_string(reply->body_size()));
      reply->body.clear();
      reply->shared_body.reset();
    }
    return reply;
  }

  // On an I/O thread (`on_io_thread`) the handler runs once, with the I/O
  // thread's connection, and a TransientError gives nullopt instead of 409;
  // on a handler thread it is retried (RunHandler) and always answers.
  std::optional<Reply> Handle(const CompiledRoute& compiled, const http::request<http::string_body>& req,
                              const Target& target, const std::string& remote_address,
                              std::chrono::steady_clock::time_point start, bool on_io_thread) {
    const Route& route = *compiled.route;
    ApiRequest request;
    request.clock = &clock_;
    request.jobs = &jobs_;
    request.prefer_async = req["Prefer"].find("respond-async") != std::string_view::npos;
    int status = 500;
    Reply reply;
    try {
      request.db = on_io_thread ? &IoThreadConnection() : &ThreadConnection(database_);
      Matches(compiled, Segments(target.path), &request.path);
      request.query = ParseQuery(target.query);
      if (const auto it = req.find("If-Match"); it != req.end()) request.if_match = std::string(it->value());
      request.remote_address = remote_address;
      request.tls = tls_;
      // A quick read's statements (the session, then the route's few reads by
      // key) share one read snapshot: on SQLite one WAL read lock instead of
      // one per statement (store::ReadSnapshot). The session's last-use write,
      // when due, runs between two snapshots, before the handler as always.
      std::optional<store::ReadSnapshot> snapshot;
      const bool snapshot_reads = route.quick && route.method == "GET";
      if (snapshot_reads) snapshot.emplace(*request.db);
      if (std::optional<access::Sessions::Checked> due = Authenticate(route, req, request)) {
        snapshot.reset();
        access::Sessions(*request.db, clock_, hasher_, options_.sessions, &session_touches_).Touch(*due);
        if (snapshot_reads) snapshot.emplace(*request.db);
      }
      ReadBody(route, req, request);
      ApiResponse response = on_io_thread ? route.handler(request) : RunHandler(route, request);
      status = response.status;
      reply = ToReply(std::move(response));
    } catch (const Error& e) {
      // A lock met on an I/O thread: the pool runs the request again from the start, waiting as long as it must.
      if (on_io_thread && dynamic_cast<const store::TransientError*>(&e) != nullptr) return std::nullopt;
      status = HttpStatus(e.code());
      reply = JsonReply(status, ErrorJson(ErrorCodeName(e.code()), e.what(), e.details()));
    } catch (const std::exception& e) {
      status = 500;
      reply = JsonReply(500, ErrorJson("internal", "internal error"));
      Log(route.method, &route, status, start, request, e.what());
      return reply;
    }
    Log(route.method, &route, status, start, request, "");
    return reply;
  }

  // Who asks: the bearer token, or the web UI's session cookie (with its CSRF
  // token on whatever changes something); a route that needs a login refuses neither.
  // Writes nothing: returns the session check when its last use is due to be
  // written (access::Sessions::Touch), which the caller does.
  std::optional<access::Sessions::Checked> Authenticate(const Route& route, const http::request<http::string_body>& req,
                                                        ApiRequest& request) {
    const std::string_view auth = req["Authorization"];
    const std::optional<std::string> cookie = SessionCookie(req[http::field::cookie]);
    std::optional<access::Sessions::Checked> due;
    const auto check = [&] {
      access::Sessions sessions(*request.db, clock_, hasher_, options_.sessions, &session_touches_);
      access::Sessions::Checked checked = sessions.Check(request.token);
      request.caller = checked.caller;
      request.authenticated = true;
      if (checked.touch) due = std::move(checked);
    };
    if (auth.rfind("Bearer ", 0) == 0) {
      request.token = std::string(auth.substr(7));
      if (route.needs_login || !request.token.empty()) check();
    } else if (cookie && route.needs_login) {
      // The web UI's session cookie (docs/ACCESS.md): a browser sends it by
      // itself, so whatever changes something must also carry the session's
      // CSRF token, which only the page (not another site) can read.
      request.token = *cookie;
      check();
      if (route.method != "GET") {
        const std::string_view offered = req[kCsrfHeader];
        if (!access::CsrfTokenMatches(request.token, offered)) {
          throw Error(ErrorCode::kPermissionDenied,
                      "a request with the session cookie that changes something needs the session's CSRF token",
                      {{kCsrfHeader, offered.empty() ? "missing" : "not the token of this session"}});
        }
      }
    } else if (route.needs_login) {
      throw Error(ErrorCode::kUnauthenticated, "log in first: send Authorization: Bearer <token>");
    }
    return due;
  }

  // The request's body: raw bytes (uploads), parsed JSON, or {} for a write without one.
  static void ReadBody(const Route& route, const http::request<http::string_body>& req, ApiRequest& request) {
    const std::string& body = req.body();
    if (route.raw_body) {
      request.raw_body = body;
      if (const auto it = req.find("X-File-Name"); it != req.end()) {
        request.file_name = DecodeUrl(it->value(), false);
      }
    } else if (!body.empty()) {
      request.body = ParseJsonBody(body);
    } else if (route.method == "POST" || route.method == "PUT" || route.method == "PATCH") {
      request.body = nlohmann::json::object();
    }
  }

  // The handler's answer as bytes: 204 without a body, a download or pre-serialised JSON
  // as it is, otherwise the JSON body; the handler's headers but Content-Type follow.
  static Reply ToReply(ApiResponse response) {
    Reply reply;
    const auto file_type = response.headers.find("Content-Type");
    const int status = response.status;
    if (status == 204) {
      reply.status = 204;
    } else if (file_type != response.headers.end() && response.shared_body) {
      // A kept text (ApiResponse::VersionedText of a shared text): sent from where it is kept.
      reply.status = status;
      reply.headers.emplace_back("Cache-Control", "no-store");
      reply.shared_body = std::move(response.shared_body);
      reply.content_type = file_type->second;
    } else if (file_type != response.headers.end() && response.body.is_string()) {
      // A download (ApiResponse::File) or JSON serialised by the handler (VersionedText): the bytes as they are.
      reply.status = status;
      reply.headers.emplace_back("Cache-Control", "no-store");
      reply.body = std::move(response.body.get_ref<std::string&>());
      reply.content_type = file_type->second;
    } else {
      reply = JsonReply(status, response.body);
    }
    for (const auto& [k, v] : response.headers) {
      if (k != "Content-Type") reply.headers.emplace_back(k, v);
    }
    return reply;
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

  // One JSON line per answer: the route's pattern (never the path, which may
  // hold personal data), or null when no route matched. Written by the
  // request log's own thread (request_log.h), in the order logged here.
  void Log(std::string_view method, const Route* route, int status, std::chrono::steady_clock::time_point start,
           const ApiRequest& request, const std::string& internal_error) {
    RequestLogEntry entry;
    entry.at = clock_.NowSeconds();
    entry.method = method;
    if (route != nullptr) entry.route = route->pattern;
    entry.status = status;
    entry.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (request.authenticated) entry.user_id = request.caller.user_id;
    entry.internal_error = internal_error;
    request_log_.Append(RequestLogLine(entry));
  }

  // --- requests in flight, for Stop() -------------------------------------

  // False once stopping: the connection then closes instead of answering.
  bool BeginRequest() {
    std::scoped_lock lock(stop_mutex_);
    if (stopping_) return false;
    ++in_flight_;
    return true;
  }
  void EndRequest() {
    std::scoped_lock lock(stop_mutex_);
    if (--in_flight_ == 0) stop_cv_.notify_all();
  }
  bool stopping() {
    std::scoped_lock lock(stop_mutex_);
    return stopping_;
  }

  // The database connection of the I/O thread this runs on (made on first
  // use; its lock waits are at most kQuickLockWait).
  store::Connection& IoThreadConnection() {
    std::unique_ptr<store::Connection>& c = io_connections_.at(static_cast<size_t>(io_thread_index_));
    if (!c) {
      c = database_.Connect();
      c->SetLockWait(kQuickLockWait);
    }
    return *c;
  }

  void Accept();
  // A connection just accepted: served, or over max_connections refused with 503.
  void Admit(tcp::socket socket);
  int Bind();
  void Serve();
  void Stop();

  store::Database& database_;
  ServerOptions options_;
  const Clock& clock_;
  const access::PasswordHasher& hasher_;
  RequestLog request_log_;  // written by its own thread; flushed when Serve() returns
  access::SessionTouches session_touches_;  // all handler threads serve database_
  std::vector<CompiledRoute> compiled_;
  Jobs jobs_{database_, clock_};  // batches started with ?async=true, on a worker of their own

  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  int in_flight_ = 0;
  std::atomic<int> open_connections_{0};

  asio::thread_pool pool_;  // the handler threads
  // One slot per I/O thread, each used by its own thread only (io_thread_index_).
  std::vector<std::unique_ptr<store::Connection>> io_connections_;
  static thread_local int io_thread_index_;  // which I/O thread this is; -1 on any other
  asio::ssl::context ssl_;
  bool tls_ = false;
  // Declared last: destroyed first, with the connections its pending operations hold.
  asio::io_context io_{std::max(1, options_.io_threads)};
  tcp::acceptor acceptor_{asio::make_strand(io_)};
  asio::steady_timer accept_retry_{io_};
};

// One connection, plain TCP or TLS. Every step runs on the connection's
// strand; a request is answered on a handler thread and its answer posted back.
template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... Args>
  Connection(Engine& server, std::string remote_address, Args&&... args)
      : server_(server), remote_address_(std::move(remote_address)), stream_(std::forward<Args>(args)...) {}

  ~Connection() { --server_.open_connections_; }

  void Start() {
    if constexpr (kTls) {
      Lowest().expires_after(std::chrono::seconds(server_.options_.header_timeout_seconds));
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->Close();
                                self->ReadHeader();
                              });
    } else {
      ReadHeader();
    }
  }

 private:
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  // Between requests on a keep-alive connection: wait for the first byte of
  // the next one for idle_timeout_seconds, then give the header its deadline.
  void WaitForNextRequest() {
    if (buffer_.size() > 0) return ReadHeader();
    Lowest().expires_after(std::chrono::seconds(server_.options_.idle_timeout_seconds));
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->Close();
                              self->buffer_.commit(n);
                              self->ReadHeader();
                            });
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(kMaxHeaderBytes));
    parser_->body_limit(boost::none);  // decided per route once the header is in
    Lowest().expires_after(std::chrono::seconds(server_.options_.header_timeout_seconds));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    start_ = std::chrono::steady_clock::now();
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
      return Close();
    }
    if (ec == http::error::header_limit) return Refuse(431, "the request header is too large", nullptr);
    if (ec == http::error::bad_content_length) {
      return Refuse(400, "Content-Length is not a non-negative number", nullptr);
    }
    if (ec) return Refuse(400, "malformed request: " + ec.message(), nullptr);
    const auto& req = parser_->get();
    target_ = SplitTarget(req.target());
    if (target_.path.empty() || target_.path.front() != '/') {
      return Refuse(400, "the request target must be a path starting with /", nullptr);
    }
    route_ = server_.FindRoute(req.method_string(), Segments(target_.path));
    const size_t limit = server_.BodyLimit(route_);
    if (parser_->content_length() && *parser_->content_length() > limit) {
      return Refuse(413, "the request body is too large", route_);
    }
    parser_->body_limit(limit);
    if (parser_->is_done()) return Dispatch();
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      Lowest().expires_after(kWriteTimeout);
      return asio::async_write(stream_, asio::buffer(kContinue),
                               [self = this->shared_from_this()](beast::error_code e, size_t) {
                                 if (e) return self->Close();
                                 self->ReadBody();
                               });
    }
    ReadBody();
  }

  void ReadBody() {
    Lowest().expires_after(std::chrono::seconds(server_.options_.body_timeout_seconds));
    http::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec == http::error::body_limit) return self->Refuse(413, "the request body is too large", self->route_);
      if (ec == beast::error::timeout) return self->Refuse(408, "the request body did not arrive in time", self->route_);
      if (ec) return self->Close();
      self->Dispatch();
    });
  }

  // The request is in: answer it here (a quick route) or on a handler thread.
  void Dispatch() {
    if (!server_.BeginRequest()) return Close();
    const bool keep_alive = parser_->get().keep_alive();
    auto request = std::make_shared<http::request<http::string_body>>(parser_->release());
    parser_.reset();
    if (server_.AnswersOnIoThread(route_)) {
      std::optional<Reply> reply;
      try {
        reply = server_.Routed(*route_, *request, target_, remote_address_, start_, true);
      } catch (const std::exception&) {
        reply = ErrorReply(500, "internal error");
      }
      if (reply) return Send(std::move(*reply), keep_alive);
      // It met a lock another connection holds: the pool answers it.
    }
    asio::post(server_.pool_, [self = this->shared_from_this(), request, keep_alive] {
      Reply reply;
      try {
        reply = self->server_.Answer(self->route_, *request, self->target_, self->remote_address_, self->start_);
      } catch (const std::exception&) {
        reply = ErrorReply(500, "internal error");
      }
      asio::post(self->stream_.get_executor(), [self, keep_alive, reply = std::move(reply)]() mutable {
        self->Send(std::move(reply), keep_alive);
      });
    });
  }

  // On the connection's strand: writes a request's answer, then waits for the
  // next request or closes.
  void Send(Reply reply, bool keep_alive) {
    reply.close = !keep_alive || server_.stopping();
    Write(std::move(reply), [self = this->shared_from_this()] {
      self->server_.EndRequest();
      if (self->response_.keep_alive()) self->WaitForNextRequest();
      else self->CloseGracefully();
    }, [self = this->shared_from_this()] { self->server_.EndRequest(); });
  }

  // An answer before the body was read (400, 408, 413, 431): sent at once,
  // then the connection drains what the client still sends and closes.
  void Refuse(int status, const std::string& message, const CompiledRoute* route) {
    const std::string method = parser_ ? std::string(parser_->get().method_string()) : "";
    server_.Log(method, route != nullptr ? route->route : nullptr, status, start_, ApiRequest{}, "");
    Reply reply = ErrorReply(status, message);
    reply.close = true;
    parser_.reset();
    Write(std::move(reply), [self = this->shared_from_this()] { self->Linger(); }, [] {});
  }

  template <class Done, class Failed>
  void Write(Reply reply, Done done, Failed failed) {
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(reply.status));
    response_.set(http::field::server, "fupin");
    response_.set("X-Content-Type-Options", "nosniff");
    response_.set("X-Frame-Options", "DENY");
    response_.set("Referrer-Policy", "no-referrer");
    response_.set("Content-Security-Policy", kContentSecurityPolicy);
    if (!reply.content_type.empty()) response_.set(http::field::content_type, reply.content_type);
    std::optional<std::string> head_length;
    for (auto& [k, v] : reply.headers) {
      if (k == "Content-Length") head_length = v;
      else response_.insert(k, v);
    }
    response_.body().owned = std::move(reply.body);
    response_.body().shared = std::move(reply.shared_body);
    response_.keep_alive(!reply.close);
    response_.prepare_payload();
    if (head_length) response_.set(http::field::content_length, *head_length);
    Lowest().expires_after(kWriteTimeout);
    http::async_write(stream_, response_,
                      [self = this->shared_from_this(), done = std::move(done), failed = std::move(failed)](
                          beast::error_code ec, size_t) {
                        if (ec) {
                          failed();
                          return self->Close();
                        }
                        done();
                      });
  }

  void Linger() {
    Lowest().expires_after(kLingerTimeout);
    DrainSome();
  }
  void DrainSome() {
    stream_.async_read_some(asio::buffer(drain_), [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      self->DrainSome();
    });
  }

  void CloseGracefully() {
    if constexpr (kTls) {
      Lowest().expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->Close(); });
    } else {
      Close();
    }
  }

  void Close() {
    beast::error_code ignored;
    Lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Lowest().close();
  }

  Engine& server_;
  std::string remote_address_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<ReplyBody> response_;
  Target target_;
  const CompiledRoute* route_ = nullptr;
  std::chrono::steady_clock::time_point start_;
  std::array<char, 8192> drain_{};
};

void Engine::Accept() {
  acceptor_.async_accept(asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      // Out of file descriptors or the like: try again shortly instead of spinning.
      accept_retry_.expires_after(std::chrono::milliseconds(50));
      accept_retry_.async_wait([this](beast::error_code) {
        if (acceptor_.is_open()) Accept();
      });
      return;
    }
    Admit(std::move(socket));
    // Take what else the kernel has queued now, not one connection per turn:
    // every turn waits behind the ready work of all the open connections, so
    // at 1,000 busy connections one accept per turn left connections in the
    // kernel's queue for up to 20 s, their first request unanswered
    // (docs/PERFORMANCE.md, "Household reads, session 14"). The acceptor is
    // non-blocking (Bind), so an empty queue ends the loop at once.
    for (int i = 1; i < kAcceptBatch; ++i) {
      tcp::socket next(asio::make_strand(io_));
      acceptor_.accept(next, ec);
      if (ec) break;  // would_block: the queue is empty; anything else: the next async_accept reports it
      Admit(std::move(next));
    }
    Accept();
  });
}

void Engine::Admit(tcp::socket socket) {
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);  // small answers must not wait for the peer's delayed ACK
  if (open_connections_.load() >= options_.max_connections) {
    // Over the cap: a short 503 (best effort, never blocking) and close.
    const std::string body = ErrorJson("unavailable", "too many open connections").dump();
    const std::string text = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n"
                             "Content-Type: application/json; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n"
                             "X-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\nContent-Security-Policy: " +
                             std::string(kContentSecurityPolicy) + "\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n" + body;
    socket.non_blocking(true, ignored);
    socket.write_some(asio::buffer(text), ignored);
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    socket.close(ignored);
    return;
  }
  ++open_connections_;
  const std::string remote = socket.remote_endpoint(ignored).address().to_string();
  if (tls_) {
    std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(*this, remote, std::move(socket), ssl_)->Start();
  } else {
    std::make_shared<Connection<beast::tcp_stream>>(*this, remote, std::move(socket))->Start();
  }
}

int Engine::Bind() {
  const auto& o = options_;
  if (!o.tls_cert_file.empty() || !o.tls_key_file.empty()) {
    if (o.tls_cert_file.empty() || o.tls_key_file.empty()) {
      throw Error::InvalidArgument("TLS needs both a certificate and a key",
                                   {{o.tls_cert_file.empty() ? "--tls-cert" : "--tls-key", "missing"}});
    }
    beast::error_code ec;
    ssl_.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    ssl_.use_certificate_chain_file(o.tls_cert_file, ec);
    if (ec) {
      throw Error::InvalidArgument("cannot use the TLS certificate",
                                   {{"--tls-cert", "'" + o.tls_cert_file + "': " + ec.message()}});
    }
    ssl_.use_private_key_file(o.tls_key_file, asio::ssl::context::pem, ec);
    if (ec) {
      throw Error::InvalidArgument("cannot use the TLS key", {{"--tls-key", "'" + o.tls_key_file + "': " + ec.message()}});
    }
    tls_ = true;
  }
  // Each open connection is a file descriptor: allow as many as the hard limit.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  beast::error_code ec;
  const auto address = asio::ip::make_address(o.host == "localhost" ? "127.0.0.1" : o.host, ec);
  if (!ec) {
    const tcp::endpoint endpoint(address, static_cast<unsigned short>(o.port));
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    // The kernel's queue of connections not yet accepted: SOMAXCONN as the
    // build's glibc headers define it (4096 on Debian 12), cut to
    // net.core.somaxconn (docs/DEPLOY.md).
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    // Accept() takes every queued connection in one turn with non-blocking accepts.
    if (!ec) acceptor_.non_blocking(true, ec);
  }
  if (ec) throw Error::FailedPrecondition("cannot listen on " + o.host + ":" + std::to_string(o.port));
  return acceptor_.local_endpoint().port();
}

thread_local int Engine::io_thread_index_ = -1;

void Engine::Serve() {
  Accept();
  const int n = std::max(1, options_.io_threads);
  io_connections_.resize(static_cast<size_t>(n));
  const auto run = [this](int index) {
    io_thread_index_ = index;
    io_.run();
    io_thread_index_ = -1;
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < n; ++i) threads.emplace_back(run, i);
  run(0);
  for (auto& t : threads) t.join();
  pool_.join();
  request_log_.Flush();  // every answer's line is on the log stream when Serve() returns
}

void Engine::Stop() {
  {
    std::unique_lock lock(stop_mutex_);
    stopping_ = true;
  }
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
  });
  {
    // Requests in flight finish and their answers are written (bounded, so
    // that a client that stopped reading cannot hold the server up).
    std::unique_lock lock(stop_mutex_);
    stop_cv_.wait_for(lock, std::chrono::seconds(30), [this] { return in_flight_ == 0; });
  }
  io_.stop();
}

}  // namespace

class HttpServer::Impl : public Engine {
 public:
  using Engine::Engine;
};

HttpServer::HttpServer(store::Database& database, const ServerOptions& options, const Clock& clock,
                       const access::PasswordHasher& hasher, std::ostream& log)
    : impl_(std::make_unique<Impl>(database, options, clock, hasher, log)) {
  AddSystemRoutes(routes_);
  AddAccessRoutes(routes_, hasher, options.sessions);
  AddRegistryRoutes(routes_, options.household_text_bytes);
  AddAssessmentRoutes(routes_, options.facts_path);
  AddAssistanceRoutes(routes_);
  AddSocialRoutes(routes_, hasher);
  AddMonitoringRoutes(routes_);
  AddProjectRoutes(routes_);
  AddIndustryRoutes(routes_);
  AddHousingRoutes(routes_);
  AddReportRoutes(routes_, options.report_snapshot_max_age_seconds);
  AddQualityRoutes(routes_);
  AddPolicyRoutes(routes_);
  AddImportRoutes(routes_);
  AddJobRoutes(routes_);
  AddChangeRoutes(routes_);
  impl_->Install(routes_);
}

HttpServer::~HttpServer() = default;

int HttpServer::Bind() {
  port_ = impl_->Bind();
  return port_;
}

void HttpServer::Serve() { impl_->Serve(); }

void HttpServer::Stop() { impl_->Stop(); }

}  // namespace fupin::server
