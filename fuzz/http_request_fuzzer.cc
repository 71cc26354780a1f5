// libFuzzer target: any bytes as what a client sends on a connection. Beast's
// request parser takes the head with the server's limits (16 KiB header,
// 1 MiB body), then everything fupin reads from it runs as in
// server/http_server.cc: the percent-decoded path and its segments, the query
// string and every parameter through ApiRequest::Query/QueryInt and
// ReadPaging, the session cookie, If-Match, and the body through
// ParseJsonBody. Checks besides "no crash": only fupin::Error escapes; a
// parameter the services get is valid UTF-8 without NUL; the segments put
// together give the path back; a cookie value is non-empty and has no ';';
// every refusal's JSON serialises in strict mode (as the server sends it).
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"
#include "server/api.h"
#include "server/request_head.h"

namespace {

namespace http = boost::beast::http;
using fupin::server::ApiRequest;

bool ValidText(const std::string& s) { return fupin::server::TextProblem(s).empty(); }

// What a refusal becomes on the wire must always be writable.
void CheckRefusal(const fupin::Error& e) {
  (void)fupin::server::ErrorJson(fupin::ErrorCodeName(e.code()), e.what(), e.details()).dump();
}

void ReadHead(const http::request<http::string_body>& req) {
  const std::string_view target = req.target();
  const size_t q = target.find('?');
  const std::string path = fupin::server::DecodeUrl(target.substr(0, q), false);
  if (!path.empty() && path.front() == '/') {
    std::string joined;
    for (std::string_view s : fupin::server::Segments(path)) joined += "/" + std::string(s);
    if (joined != path) __builtin_trap();
  }
  ApiRequest request;
  if (q != std::string_view::npos) request.query = fupin::server::ParseQuery(target.substr(q + 1));
  for (const auto& [name, value] : request.query) {
    if (name.empty()) __builtin_trap();
    try {
      const auto text = request.Query(name);
      if (!text || !ValidText(*text)) __builtin_trap();
      (void)request.QueryInt(name);
    } catch (const fupin::Error& e) {
      if (e.code() != fupin::ErrorCode::kInvalidArgument) __builtin_trap();
      CheckRefusal(e);
    }
  }
  try {
    (void)fupin::server::ReadPaging(request, 500);
  } catch (const fupin::Error& e) {
    CheckRefusal(e);
  }
  if (const auto cookie = fupin::server::SessionCookie(req[http::field::cookie])) {
    if (cookie->empty() || cookie->find(';') != std::string::npos) __builtin_trap();
  }
  if (const auto it = req.find(http::field::if_match); it != req.end()) {
    request.if_match = std::string(it->value());
    try {
      if (request.RequiredVersion() <= 0) __builtin_trap();
    } catch (const fupin::Error& e) {
      CheckRefusal(e);
    }
  }
  try {
    if (!req.body().empty()) (void)fupin::server::ParseJsonBody(req.body());
  } catch (const fupin::Error& e) {
    if (e.code() != fupin::ErrorCode::kInvalidArgument) __builtin_trap();
    CheckRefusal(e);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(1024 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty() && !parser.is_done()) {
    const size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    if (ec == http::error::need_more) break;
    if (ec) return 0;  // the server answers 400 and closes
    if (used == 0) break;
    rest.remove_prefix(used);
  }
  if (parser.is_header_done()) ReadHead(parser.get());
  return 0;
}
