#include "assistance/internal.h"

#include "access/audit.h"
#include "access/pairing.h"
#include "core/area_code.h"

namespace fupin::assistance::internal {

void Require(store::Connection& db, const Clock& clock, const Caller& caller, access::Access access,
             const std::string& area_code, std::optional<int64_t> household_id, const std::string& entity) {
  access::Audit audit(db, clock);
  access::Guard(audit, access::ActivePairingCheck(db, clock.Today()))
      .Require(caller, access, access::Resource::kAssistance, {area_code, household_id, entity});
}

std::optional<std::string> CheckArea(store::Connection& db, const std::string& text, const std::string& path,
                                     Problems& problems) {
  auto code = NormalizeAreaCode(text);
  if (!code) {
    problems.Add(path, "'" + text + "' is not an area code");
    return std::nullopt;
  }
  auto s = db.Prepare("SELECT 1 FROM areas WHERE code = ?");
  s->BindText(1, *code);
  if (!s->Step()) {
    problems.Add(path, "area " + *code + " is not in the area tree");
    return std::nullopt;
  }
  return code;
}

bool CheckDate(const std::string& text, const std::string& path, Problems& problems) {
  if (Date::Parse(text)) return true;
  problems.Add(path, "'" + text + "' is not a date YYYY-MM-DD");
  return false;
}

std::string WindowSql(int64_t limit, int64_t offset) {
  Problems problems;
  if (limit < 0 || limit > 1000) problems.Add("limit", "must be between 1 and 1000");
  if (offset < 0) problems.Add("offset", "must not be negative");
  problems.ThrowIfAny("invalid page");
  if (limit == 0) return "";
  return " LIMIT " + std::to_string(limit) + " OFFSET " + std::to_string(offset);
}

namespace {
std::string Escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}
}  // namespace

std::string ContainsPattern(const std::string& text) { return "%" + Escaped(text) + "%"; }
std::string PrefixPattern(const std::string& text) { return Escaped(text) + "%"; }

}  // namespace fupin::assistance::internal
