#pragma once
// A reader of comma-separated values as RFC 4180 describes them: fields may be
// quoted with '"', a quote inside a quoted field is doubled, quoted fields may
// hold commas and line breaks; lines end in LF or CRLF. A UTF-8 byte order
// mark at the start is skipped. The reader does not own the text.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fupin {

class CsvReader {
 public:
  explicit CsvReader(std::string_view text);

  // Reads the next record into `fields` (cleared first). Returns false at the
  // end of the text. Throws fupin::Error (invalid_argument) naming the line on
  // an unterminated quoted field or a quote inside an unquoted field.
  // A completely empty line is skipped.
  bool Next(std::vector<std::string>& fields);

  // 1-based line number where the record last returned by Next() started.
  size_t record_line() const { return record_line_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t record_line_ = 0;
};

// Reads a whole file into memory; throws fupin::Error naming the path.
std::string ReadFile(const std::string& path);

}  // namespace fupin
