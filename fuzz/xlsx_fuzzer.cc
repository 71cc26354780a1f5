// libFuzzer target: any bytes as an XLSX file (a ZIP archive). Seed it with
// tests/fixtures/xlsx/*.xlsx.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "io/table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto reader = fupin::io::OpenXlsxBytes(std::string(reinterpret_cast<const char*>(data), size));
    fupin::io::Row row;
    while (reader->Next(row)) {
      if (row.cells.size() != row.kinds.size()) __builtin_trap();
    }
  } catch (const fupin::Error&) {
  }
  return 0;
}
