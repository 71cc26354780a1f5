#include "core/vocabulary.h"

namespace fupin {

std::string WireList(std::span<const Term> terms) {
  std::string out;
  for (size_t i = 0; i < terms.size(); ++i) {
    if (i > 0) out += i + 1 == terms.size() ? " or " : ", ";
    out += terms[i].wire;
  }
  return out;
}

std::string SqlQuoted(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

}  // namespace fupin
