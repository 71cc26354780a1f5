#pragma once
// The pieces every route handler uses: the request as the service layer sees
// it (caller, connection, path and query parameters, a strictly read JSON
// body) and the response (status, JSON, headers). Handlers parse, call one
// service function and render; rules stay in the services.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/caller.h"
#include "core/date.h"
#include "core/error.h"
#include "store/database.h"

namespace fupin::server {

class Jobs;

// Reads a JSON object field by field, collecting every problem with its JSON
// path; Finish() also refuses fields nobody asked for. Throws
// Error::InvalidArgument with all problems at once.
class BodyReader {
 public:
  explicit BodyReader(const nlohmann::json& body, std::string path = "");

  // Strings holding a NUL byte are refused (the parser already refused invalid UTF-8).
  std::optional<std::string> String(const std::string& key, bool required = false, size_t max_bytes = 2000);
  std::optional<int64_t> Int(const std::string& key, bool required = false);
  std::optional<bool> Bool(const std::string& key, bool required = false);
  std::optional<std::vector<std::string>> Strings(const std::string& key, bool required = false);
  // For fields that may be null to clear them: nullopt = absent, optional(nullopt) = null.
  std::optional<std::optional<std::string>> NullableString(const std::string& key, size_t max_bytes = 2000);
  std::optional<std::optional<int64_t>> NullableInt(const std::string& key);
  // Money in yuan as a JSON number or string with at most two decimals -> fen.
  std::optional<int64_t> Yuan(const std::string& key, bool required = false);

  // An array of objects: `read` gets a reader of each element (path
  // /key/i); its problems and unknown fields join this reader's.
  void Objects(const std::string& key, const std::function<void(BodyReader&)>& read, bool required = false);
  // A quantity as a JSON number or string with at most three decimals ->
  // thousandths (12.5 -> 12500).
  std::optional<int64_t> Milli(const std::string& key, bool required = false);
  // An array of integers.
  std::optional<std::vector<int64_t>> Ints(const std::string& key, bool required = false);

  void Problem(const std::string& key, const std::string& problem);
  // Throws if any problem was found or any field was not read.
  void Finish();

 private:
  const nlohmann::json* Field(const std::string& key, bool required);
  const nlohmann::json& body_;
  std::string path_;
  std::set<std::string> read_;
  std::vector<ErrorDetail> problems_;
};

struct ApiRequest {
  Caller caller;
  bool authenticated = false;
  std::string token;  // the session token, when authenticated
  store::Connection* db = nullptr;
  const Clock* clock = nullptr;
  std::map<std::string, std::string> path;   // {id} -> "12"
  std::multimap<std::string, std::string> query;
  nlohmann::json body;                       // object, or null when there is none
  std::optional<std::string> if_match;       // raw If-Match header
  std::string remote_address;                // the client's address (for throttles)
  bool tls = false;                          // came over HTTPS (the session cookie is then Secure)
  // Routes with raw_body: the body's bytes as sent (body stays null), and the
  // file name from the X-File-Name header (percent-decoded), if any.
  std::string raw_body;
  std::optional<std::string> file_name;
  Jobs* jobs = nullptr;          // the server's jobs (server/jobs.h)
  bool prefer_async = false;     // the header Prefer: respond-async was sent

  // A path parameter that must be a positive integer (400 otherwise).
  int64_t PathId(const std::string& name) const;
  // A query parameter; 400 naming "?name" when it is not valid UTF-8 or
  // holds a NUL byte (every route reads its parameters through these).
  std::optional<std::string> Query(const std::string& name) const;
  std::optional<int64_t> QueryInt(const std::string& name) const;
  // The version an update was based on, from If-Match ("\"v3\"" or "3").
  // 428 (precondition required) when absent, 400 when malformed.
  int64_t RequiredVersion() const;
  store::Connection& connection() const { return *db; }
};

struct ApiResponse {
  int status = 200;
  nlohmann::json body = nlohmann::json::object();
  std::map<std::string, std::string> headers;
  // When set, the bytes sent instead of `body` (with headers' Content-Type),
  // shared with whoever keeps them, not copied (VersionedText of a kept text).
  // Last and defaulted, so that aggregate initialisations may leave it out.
  std::shared_ptr<const std::string> shared_body{};

  static ApiResponse Ok(nlohmann::json body) { return {200, std::move(body), {}}; }
  static ApiResponse Created(nlohmann::json body) { return {201, std::move(body), {}}; }
  // With an ETag of the entity's version.
  static ApiResponse Versioned(nlohmann::json body, int64_t version, int status = 200);
  // The same with the JSON already serialised by the caller (hot reads that
  // write their JSON directly, see core/json_writer.h); sent as it is.
  static ApiResponse VersionedText(std::string json_text, int64_t version, int status = 200);
  // The same with a text kept elsewhere (registry::HouseholdTexts), sent without a copy.
  static ApiResponse VersionedText(std::shared_ptr<const std::string> json_text, int64_t version, int status = 200);
  // A download named `file_name` (Content-Disposition: attachment): `body`
  // holds the file's bytes as a JSON string and headers its Content-Type;
  // the server sends those bytes as they are instead of JSON.
  static ApiResponse File(std::string bytes, std::string content_type, const std::string& file_name);
  // An XLSX download named `file_name`: `write` writes the sheet to the path it is given.
  static ApiResponse Xlsx(const std::string& file_name, const std::function<void(const std::string& path)>& write);
};

using ApiHandler = std::function<ApiResponse(ApiRequest&)>;

struct Route {
  std::string method;   // GET, POST, PUT, PATCH, DELETE
  std::string pattern;  // OpenAPI style: /api/v1/households/{id}
  bool needs_login = true;
  ApiHandler handler;
  std::string summary;
  // The body is a file's bytes (an upload), not JSON; it may be as large as
  // ServerOptions::max_upload_bytes instead of max_body_bytes.
  bool raw_body = false;
  // Bounded work that reads a few rows by key and never scans, renders a
  // file or runs a batch: answered on the I/O thread that read the request,
  // without the hand-over to a handler thread and back (server/http_server.h,
  // ServerOptions::quick_on_io_threads). The rest runs on the handler threads.
  bool quick = false;
};

// Reads the standard paging parameters (limit 1..max, default 50; offset >= 0).
struct Paging {
  int64_t limit = 50;
  int64_t offset = 0;
};
Paging ReadPaging(const ApiRequest& request, int64_t max_limit = 1000);
nlohmann::json PageJson(int64_t total, const Paging& paging, nlohmann::json items);

// The deepest nesting of arrays and objects a request body may have.
inline constexpr int kMaxJsonDepth = 64;

// A request body as JSON. Anything that is not JSON this API can take is an
// Error::InvalidArgument at the JSON path "/" naming the byte where it went
// wrong: malformed JSON, invalid UTF-8 in a string, a number too large for a
// double (1e999, -1e999), nesting deeper than kMaxJsonDepth. Never another
// exception.
nlohmann::json ParseJsonBody(std::string_view text);

// Whether a text taken from the request (query or path parameter, body
// string) is something the services may see: valid UTF-8 without NUL bytes.
// Returns the problem ("is not valid UTF-8", "contains a NUL byte") or "".
std::string TextProblem(std::string_view text);

// The web UI's session (docs/ACCESS.md, "Session cookie"): the cookie that
// carries the token, and the header that must carry the session's CSRF token
// on every request with the cookie that is not a GET.
inline constexpr std::string_view kSessionCookie = "fupin_session";
inline constexpr char kCsrfHeader[] = "X-CSRF-Token";
// The Set-Cookie value that gives the browser `token` (HttpOnly,
// SameSite=Strict, Path=/api/, Secure when `tls`); an empty token clears it.
std::string SessionCookieValue(const std::string& token, bool tls);

// HTTP status for an error code (the one place this mapping lives).
int HttpStatus(ErrorCode code);
// {"error": {"code", "message", "details": [{"path", "problem"}]}}. Bytes of
// the message and details that are not valid UTF-8 (a value echoed back from
// a bad request) become U+FFFD, so the answer can always be serialised.
nlohmann::json ErrorJson(const std::string& code, const std::string& message,
                         const std::vector<ErrorDetail>& details = {});

}  // namespace fupin::server
