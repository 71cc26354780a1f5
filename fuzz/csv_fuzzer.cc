// libFuzzer target: any bytes as a CSV file (encoding detected, then parsed).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "io/table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto reader = fupin::io::OpenCsvBytes(std::string(reinterpret_cast<const char*>(data), size));
    fupin::io::Row row;
    size_t last = 0;
    while (reader->Next(row)) {
      if (row.number <= last || row.cells.size() != row.kinds.size()) __builtin_trap();
      last = row.number;
    }
  } catch (const fupin::Error&) {
    // Refusing bad input is fine; crashing or hanging is not.
  }
  return 0;
}
