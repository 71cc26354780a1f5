// libFuzzer target: any bytes as an import file (CSV, encoding detected),
// read into a table and checked as the person template or the
// household-years template (headers, every cell, household columns agreeing,
// duplicates): no crash, no hang, and every problem names a row of the file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "dataio/importer.h"
#include "io/table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto kind = (data[0] & 1) != 0 ? fupin::dataio::TemplateKind::kHouseholdYears
                                       : fupin::dataio::TemplateKind::kPersons;
  try {
    auto reader = fupin::io::OpenCsvBytes(std::string(reinterpret_cast<const char*>(data + 1), size - 1));
    fupin::io::Table table;
    fupin::io::Row row;
    while (reader->Next(row)) table.rows.push_back(row);
    std::vector<fupin::dataio::ImportProblem> problems;
    fupin::dataio::CheckTableOnly(kind, table, fupin::Date{2026, 11, 28}, problems);
    const size_t last = table.rows.empty() ? 1 : table.rows.back().number;
    for (const auto& p : problems) {
      if (p.row == 0 || p.row > last || p.reason.empty()) __builtin_trap();
    }
  } catch (const fupin::Error&) {
    // Refusing bad input is fine; crashing or hanging is not.
  }
  return 0;
}
