// libFuzzer target: the XML inside an XLSX. Random bytes rarely survive ZIP's
// checksums and deflate, so this target splits its input at "\x00\x00" into
// sheet1.xml, sharedStrings.xml, styles.xml and workbook.xml, packs them into
// a stored (uncompressed) ZIP in memory and reads that.
#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "io/table.h"

namespace {

std::string Pack(const std::vector<std::pair<std::string, std::string_view>>& parts) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (buffer == nullptr) return {};
  zip_source_keep(buffer);
  zip_t* z = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (z == nullptr) {
    zip_source_free(buffer);
    return {};
  }
  for (const auto& [name, content] : parts) {
    zip_source_t* src = zip_source_buffer(z, content.data(), content.size(), 0);
    const zip_int64_t index = zip_file_add(z, name.c_str(), src, ZIP_FL_OVERWRITE);
    if (index >= 0) zip_set_file_compression(z, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
  }
  std::string out;
  if (zip_close(z) == 0 && zip_source_open(buffer) == 0) {
    char chunk[4096];
    zip_int64_t n;
    while ((n = zip_source_read(buffer, chunk, sizeof chunk)) > 0) out.append(chunk, static_cast<size_t>(n));
    zip_source_close(buffer);
  } else {
    zip_discard(z);
  }
  zip_source_free(buffer);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> pieces;
  while (pieces.size() < 3) {
    const size_t cut = input.find(std::string_view("\0\0", 2));
    if (cut == std::string_view::npos) break;
    pieces.push_back(input.substr(0, cut));
    input.remove_prefix(cut + 2);
  }
  pieces.push_back(input);
  const char* kDefaultWorkbook =
      R"(<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>)"
      R"(<sheet name="S" sheetId="1"/></sheets></workbook>)";
  std::vector<std::pair<std::string, std::string_view>> parts;
  parts.emplace_back("xl/worksheets/sheet1.xml", pieces[0]);
  if (pieces.size() > 1) parts.emplace_back("xl/sharedStrings.xml", pieces[1]);
  if (pieces.size() > 2) parts.emplace_back("xl/styles.xml", pieces[2]);
  parts.emplace_back("xl/workbook.xml", pieces.size() > 3 ? pieces[3] : std::string_view(kDefaultWorkbook));
  std::string zip = Pack(parts);
  if (zip.empty()) return 0;
  try {
    auto reader = fupin::io::OpenXlsxBytes(std::move(zip));
    fupin::io::Row row;
    while (reader->Next(row)) {
      if (row.cells.size() != row.kinds.size()) __builtin_trap();
    }
  } catch (const fupin::Error&) {
  }
  return 0;
}
