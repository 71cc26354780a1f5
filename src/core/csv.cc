#include "core/csv.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace fupin {

CsvReader::CsvReader(std::string_view text) : text_(text) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool CsvReader::Next(std::vector<std::string>& fields) {
  fields.clear();
  // Skip empty lines.
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= text_.size()) return false;
  record_line_ = line_;
  std::string field;
  while (true) {
    field.clear();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      ++pos_;
      const size_t opened_line = line_;
      bool closed = false;
      while (pos_ < text_.size()) {
        const char c = text_[pos_++];
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            field.push_back('"');
            ++pos_;
          } else {
            closed = true;
            break;
          }
        } else {
          if (c == '\n') ++line_;
          field.push_back(c);
        }
      }
      if (!closed) {
        throw Error::InvalidArgument("CSV: quoted field opened on line " + std::to_string(opened_line) +
                                     " is never closed");
      }
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
        throw Error::InvalidArgument("CSV line " + std::to_string(line_) +
                                     ": unexpected character after a closing quote");
      }
    } else {
      const size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
        if (text_[pos_] == '"') {
          throw Error::InvalidArgument("CSV line " + std::to_string(line_) +
                                       ": a quote inside an unquoted field");
        }
        ++pos_;
      }
      field.assign(text_.substr(start, pos_ - start));
    }
    fields.push_back(field);
    if (pos_ >= text_.size()) return true;
    const char sep = text_[pos_];
    if (sep == ',') {
      ++pos_;
      if (pos_ >= text_.size()) {
        fields.emplace_back();
        return true;
      }
      continue;
    }
    // End of record: CRLF or LF (a lone CR also ends it).
    ++pos_;
    if (sep == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
    ++line_;
    return true;
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error::InvalidArgument("cannot open " + path + ": " + std::strerror(errno));
  }
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) throw Error::InvalidArgument("cannot read " + path);
  return std::move(out).str();
}

}  // namespace fupin
