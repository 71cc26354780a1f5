#include "server/api.h"

#include <algorithm>

#include "core/money.h"
#include "io/encoding.h"
#include "io/table_writer.h"
#include "server/messages_zh.h"

namespace fupin::server {
namespace {

// The text with every byte that is not part of valid UTF-8 replaced by U+FFFD.
std::string ValidUtf8(const std::string& text) {
  if (io::IsValidUtf8(text)) return text;
  const std::string quoted =
      nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return nlohmann::json::parse(quoted).get<std::string>();
}

}  // namespace

std::string TextProblem(std::string_view text) {
  if (!io::IsValidUtf8(text)) return "is not valid UTF-8";
  if (text.find('\0') != std::string_view::npos) return "contains a NUL byte";
  return "";
}

nlohmann::json ParseJsonBody(std::string_view text) {
  // Refuses nesting deeper than kMaxJsonDepth as soon as the parser enters it.
  const nlohmann::json::parser_callback_t depth_limit = [](int depth, nlohmann::json::parse_event_t event,
                                                           nlohmann::json&) {
    if ((event == nlohmann::json::parse_event_t::object_start ||
         event == nlohmann::json::parse_event_t::array_start) &&
        depth >= kMaxJsonDepth) {
      throw Error::InvalidArgument("the request body is nested too deeply",
                                   {{"/", "arrays and objects nest deeper than " + std::to_string(kMaxJsonDepth) +
                                              " levels"}});
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text.begin(), text.end(), depth_limit);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error::InvalidArgument("the request body is not JSON",
                                 {{"/", "malformed JSON at byte " + std::to_string(e.byte)}});
  } catch (const nlohmann::json::exception& e) {
    // out_of_range 406: a number beyond the range of a double (1e999).
    throw Error::InvalidArgument("the request body is not JSON this API takes",
                                 {{"/", e.id == 406 ? "a number is too large (beyond the range of a double)"
                                                    : "unreadable JSON"}});
  }
}

BodyReader::BodyReader(const nlohmann::json& body, std::string path) : body_(body), path_(std::move(path)) {
  if (!body_.is_object()) {
    throw Error::InvalidArgument("the request body must be a JSON object",
                                 {{path_.empty() ? "/" : path_, "expected an object"}});
  }
}

const nlohmann::json* BodyReader::Field(const std::string& key, bool required) {
  read_.insert(key);
  auto it = body_.find(key);
  if (it == body_.end()) {
    if (required) Problem(key, "is required");
    return nullptr;
  }
  return &*it;
}

void BodyReader::Problem(const std::string& key, const std::string& problem) {
  problems_.push_back({path_ + "/" + key, problem});
}

std::optional<std::string> BodyReader::String(const std::string& key, bool required, size_t max_bytes) {
  const auto* v = Field(key, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    Problem(key, std::string("must be a string, got ") + v->type_name());
    return std::nullopt;
  }
  std::string s = v->get<std::string>();
  if (s.size() > max_bytes) {
    Problem(key, "longer than " + std::to_string(max_bytes) + " bytes");
    return std::nullopt;
  }
  if (s.find('\0') != std::string::npos) {
    Problem(key, "contains a NUL byte");
    return std::nullopt;
  }
  return s;
}

std::optional<int64_t> BodyReader::Int(const std::string& key, bool required) {
  const auto* v = Field(key, required);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) {
    Problem(key, std::string("must be an integer, got ") + v->type_name());
    return std::nullopt;
  }
  if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    Problem(key, "is too large");
    return std::nullopt;
  }
  return v->get<int64_t>();
}

std::optional<bool> BodyReader::Bool(const std::string& key, bool required) {
  const auto* v = Field(key, required);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    Problem(key, std::string("must be true or false, got ") + v->type_name());
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::vector<std::string>> BodyReader::Strings(const std::string& key, bool required) {
  const auto* v = Field(key, required);
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    Problem(key, std::string("must be an array of strings, got ") + v->type_name());
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) {
      problems_.push_back({path_ + "/" + key + "/" + std::to_string(i), "must be a string"});
      continue;
    }
    if ((*v)[i].get_ref<const std::string&>().find('\0') != std::string::npos) {
      problems_.push_back({path_ + "/" + key + "/" + std::to_string(i), "contains a NUL byte"});
      continue;
    }
    out.push_back((*v)[i].get<std::string>());
  }
  return out;
}

std::optional<std::optional<std::string>> BodyReader::NullableString(const std::string& key, size_t max_bytes) {
  const auto* v = Field(key, false);
  if (!v) return std::nullopt;
  if (v->is_null()) return std::optional<std::optional<std::string>>(std::optional<std::string>());
  read_.erase(key);
  auto s = String(key, false, max_bytes);
  if (!s) return std::nullopt;
  return std::optional<std::optional<std::string>>(s);
}

std::optional<std::optional<int64_t>> BodyReader::NullableInt(const std::string& key) {
  const auto* v = Field(key, false);
  if (!v) return std::nullopt;
  if (v->is_null()) return std::optional<std::optional<int64_t>>(std::optional<int64_t>());
  auto i = Int(key, false);
  if (!i) return std::nullopt;
  return std::optional<std::optional<int64_t>>(i);
}

std::optional<int64_t> BodyReader::Yuan(const std::string& key, bool required) {
  const auto* v = Field(key, required);
  if (!v) return std::nullopt;
  std::optional<int64_t> fen;
  if (v->is_number_integer()) {
    fen = ParseYuan(std::to_string(v->get<int64_t>()));
  } else if (v->is_string()) {
    fen = ParseYuan(v->get<std::string>());
  } else if (v->is_number_float()) {
    // Only exact two-decimal values are taken; 0.1 + 0.2 style noise is refused.
    const std::string text = v->dump();
    fen = ParseYuan(text);
  }
  if (!fen) Problem(key, "must be an amount in yuan with at most two decimals");
  return fen;
}

void BodyReader::Objects(const std::string& key, const std::function<void(BodyReader&)>& read, bool required) {
  const auto* v = Field(key, required);
  if (!v) return;
  if (!v->is_array()) {
    Problem(key, std::string("must be an array of objects, got ") + v->type_name());
    return;
  }
  for (size_t i = 0; i < v->size(); ++i) {
    const std::string path = path_ + "/" + key + "/" + std::to_string(i);
    if (!(*v)[i].is_object()) {
      problems_.push_back({path, "must be an object"});
      continue;
    }
    BodyReader element((*v)[i], path);
    read(element);
    for (auto it = element.body_.begin(); it != element.body_.end(); ++it) {
      if (!element.read_.contains(it.key())) problems_.push_back({path + "/" + it.key(), "unknown field"});
    }
    problems_.insert(problems_.end(), element.problems_.begin(), element.problems_.end());
  }
}

std::optional<int64_t> BodyReader::Milli(const std::string& key, bool required) {
  const auto* v = Field(key, required);
  if (!v) return std::nullopt;
  const std::string text = v->is_string() ? v->get<std::string>() : v->is_number() ? v->dump() : std::string();
  // digits, optionally a point and one to three digits
  const size_t point = text.find('.');
  const std::string whole = text.substr(0, point);
  const std::string part = point == std::string::npos ? "" : text.substr(point + 1);
  const auto digits = [](const std::string& t) {
    return std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || whole.size() > 12 || !digits(whole) || (point != std::string::npos && (part.empty() ||
      part.size() > 3 || !digits(part)))) {
    Problem(key, "must be a quantity that is not negative, with at most three decimals");
    return std::nullopt;
  }
  int64_t milli = std::stoll(whole) * 1000;
  for (size_t i = 0; i < 3; ++i) milli += (i < part.size() ? part[i] - '0' : 0) * (i == 0 ? 100 : i == 1 ? 10 : 1);
  return milli;
}

std::optional<std::vector<int64_t>> BodyReader::Ints(const std::string& key, bool required) {
  const auto* v = Field(key, required);
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    Problem(key, std::string("must be an array of integers, got ") + v->type_name());
    return std::nullopt;
  }
  std::vector<int64_t> out;
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_number_integer()) {
      problems_.push_back({path_ + "/" + key + "/" + std::to_string(i), "must be an integer"});
      continue;
    }
    out.push_back((*v)[i].get<int64_t>());
  }
  return out;
}

void BodyReader::Finish() {
  for (auto it = body_.begin(); it != body_.end(); ++it) {
    if (!read_.contains(it.key())) problems_.push_back({path_ + "/" + it.key(), "unknown field"});
  }
  if (!problems_.empty()) throw Error::InvalidArgument("the request body is not valid", problems_);
}

int64_t ApiRequest::PathId(const std::string& name) const {
  auto it = path.find(name);
  const std::string text = it == path.end() ? "" : it->second;
  int64_t value = 0;
  bool ok = !text.empty() && text.size() <= 18;
  for (char c : text) {
    if (c < '0' || c > '9') {
      ok = false;
      break;
    }
    value = value * 10 + (c - '0');
  }
  if (!ok || value <= 0) {
    throw Error::InvalidArgument("bad " + name, {{"{" + name + "}", "'" + text + "' is not a positive integer id"}});
  }
  return value;
}

std::optional<std::string> ApiRequest::Query(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  if (const std::string problem = TextProblem(it->second); !problem.empty()) {
    throw Error::InvalidArgument("bad query parameter " + name, {{"?" + name, problem}});
  }
  return it->second;
}

std::optional<int64_t> ApiRequest::QueryInt(const std::string& name) const {
  auto text = Query(name);
  if (!text) return std::nullopt;
  try {
    size_t used = 0;
    const long long v = std::stoll(*text, &used);
    if (used == text->size()) return v;
  } catch (const std::exception&) {
  }
  throw Error::InvalidArgument("bad query parameter " + name, {{"?" + name, "'" + *text + "' is not an integer"}});
}

int64_t ApiRequest::RequiredVersion() const {
  if (!if_match) {
    throw Error(ErrorCode::kFailedPrecondition, "an update needs If-Match with the version it was based on",
                {{"If-Match", "missing: send the ETag you read"}});
  }
  std::string t = *if_match;
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
  if (!t.empty() && t.front() == 'v') t = t.substr(1);
  try {
    size_t used = 0;
    const long long v = std::stoll(t, &used);
    if (used == t.size() && v > 0) return v;
  } catch (const std::exception&) {
  }
  throw Error::InvalidArgument("bad If-Match", {{"If-Match", "'" + *if_match + "' is not an ETag of this API"}});
}

ApiResponse ApiResponse::Versioned(nlohmann::json body, int64_t version, int status) {
  ApiResponse r{status, std::move(body), {}};
  r.headers["ETag"] = "\"v" + std::to_string(version) + "\"";
  return r;
}

ApiResponse ApiResponse::VersionedText(std::string json_text, int64_t version, int status) {
  ApiResponse r{status, nlohmann::json(std::move(json_text)), {}};
  // A string body with a Content-Type is sent as its bytes (see File).
  r.headers["Content-Type"] = "application/json; charset=utf-8";
  r.headers["ETag"] = "\"v" + std::to_string(version) + "\"";
  return r;
}

ApiResponse ApiResponse::VersionedText(std::shared_ptr<const std::string> json_text, int64_t version, int status) {
  ApiResponse r{status, nullptr, {}};
  r.shared_body = std::move(json_text);
  r.headers["Content-Type"] = "application/json; charset=utf-8";
  r.headers["ETag"] = "\"v" + std::to_string(version) + "\"";
  return r;
}

ApiResponse ApiResponse::File(std::string bytes, std::string content_type, const std::string& file_name) {
  ApiResponse r{200, nlohmann::json(std::move(bytes)), {}};
  r.headers["Content-Type"] = std::move(content_type);
  r.headers["Content-Disposition"] = "attachment; filename=\"" + file_name + "\"";
  return r;
}

ApiResponse ApiResponse::Xlsx(const std::string& file_name, const std::function<void(const std::string& path)>& write) {
  return File(io::BytesWrittenTo(".xlsx", write), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              file_name);
}

Paging ReadPaging(const ApiRequest& request, int64_t max_limit) {
  Paging p;
  std::vector<ErrorDetail> problems;
  if (auto limit = request.QueryInt("limit")) {
    if (*limit < 1 || *limit > max_limit) {
      problems.push_back({"?limit", "must be between 1 and " + std::to_string(max_limit)});
    }
    p.limit = *limit;
  }
  if (auto offset = request.QueryInt("offset")) {
    if (*offset < 0) problems.push_back({"?offset", "must not be negative"});
    p.offset = *offset;
  }
  if (!problems.empty()) throw Error::InvalidArgument("bad paging", problems);
  return p;
}

nlohmann::json PageJson(int64_t total, const Paging& paging, nlohmann::json items) {
  return {{"total", total}, {"limit", paging.limit}, {"offset", paging.offset}, {"items", std::move(items)}};
}

std::string SessionCookieValue(const std::string& token, bool tls) {
  // No Max-Age on a live session: the browser forgets it when closed, and the
  // server's timeouts (30 minutes idle, 12 hours) end it anyway.
  std::string v = std::string(kSessionCookie) + "=" + token + "; Path=/api/; HttpOnly; SameSite=Strict";
  if (token.empty()) v += "; Max-Age=0";
  if (tls) v += "; Secure";
  return v;
}

int HttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kFailedPrecondition: return 422;
    case ErrorCode::kResourceExhausted: return 429;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

nlohmann::json ErrorJson(const std::string& code, const std::string& message,
                         const std::vector<ErrorDetail>& details) {
  nlohmann::json d = nlohmann::json::array();
  for (const auto& x : details) d.push_back({{"path", ValidUtf8(x.path)}, {"problem", ValidUtf8(x.problem)}});
  const std::string text = ValidUtf8(message);
  return {{"error", {{"code", code}, {"message", text}, {"message_zh", MessageZh(code, text)}, {"details", d}}}};
}

}  // namespace fupin::server
