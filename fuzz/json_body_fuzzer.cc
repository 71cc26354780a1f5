// libFuzzer target: any bytes as a JSON request body. ParseJsonBody, then a
// BodyReader that reads every key of the object by a type the first byte
// picks (string, integer, yes/no, yuan, list of strings, nullable string or
// integer), as a route would, and Finish. Checks besides "no crash": only
// fupin::Error (kInvalidArgument) escapes, never a nlohmann exception; a
// string handed to a route has no NUL and fits its limit; an amount is
// integer fen; every refusal's JSON serialises in strict mode.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "server/api.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t pick = data[0];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    const nlohmann::json body = fupin::server::ParseJsonBody(text);
    fupin::server::BodyReader reader(body);
    std::vector<std::string> keys;
    if (body.is_object()) {
      for (auto it = body.begin(); it != body.end(); ++it) keys.push_back(it.key());
    }
    for (size_t i = 0; i < keys.size(); ++i) {
      const std::string& key = keys[i];
      switch ((pick + i) % 8) {
        case 0:
          if (auto s = reader.String(key, true, 64); s && (s->size() > 64 || s->find('\0') != std::string::npos)) {
            __builtin_trap();
          }
          break;
        case 1: (void)reader.Int(key, true); break;
        case 2: (void)reader.Bool(key, true); break;
        case 3: (void)reader.Yuan(key, true); break;
        case 4:
          if (auto list = reader.Strings(key, true)) {
            for (const auto& s : *list) {
              if (s.find('\0') != std::string::npos) __builtin_trap();
            }
          }
          break;
        case 5: (void)reader.NullableString(key, 200); break;
        case 6: (void)reader.NullableInt(key); break;
        default: break;  // left unread: Finish names it as unknown
      }
    }
    (void)reader.String("required_field", (pick & 0x80) != 0, 100);
    reader.Finish();
  } catch (const fupin::Error& e) {
    if (e.code() != fupin::ErrorCode::kInvalidArgument) __builtin_trap();
    (void)fupin::server::ErrorJson(fupin::ErrorCodeName(e.code()), e.what(), e.details()).dump();
  }
  return 0;
}
