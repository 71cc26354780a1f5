#pragma once
// What the HTTP transport reads out of a request's head before a route runs:
// the percent-decoded path and its segments, the query string, the session
// cookie. Apart from http_server.cc (no Beast or Asio here), so that the unit
// tests and fuzz/http_request_fuzzer.cc reach them (docs/FUZZING.md).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fupin::server {

// Percent-decoding as the web sends it: %XX, the older %uXXXX, and '+' as a
// space in query strings. A malformed escape stays as it was written. The
// result may be any bytes (%ff, %00): whoever uses it checks it (TextProblem).
std::string DecodeUrl(std::string_view s, bool plus_is_space);

// "a=1&b=x+y&a=2" -> {a:1, a:2, b:"x y"}; a pair without '=' has an empty
// value, an empty name is skipped, the same pair twice counts once.
std::multimap<std::string, std::string> ParseQuery(std::string_view query);

// "/api/v1/x/12" -> {"api", "v1", "x", "12"} (views into `path`).
std::vector<std::string_view> Segments(std::string_view path);

// The value of the session cookie (kSessionCookie) in a Cookie header
// ("a=1; fupin_session=..."), if there is one with a value.
std::optional<std::string> SessionCookie(std::string_view header);

}  // namespace fupin::server
