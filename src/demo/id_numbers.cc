#include "demo/id_numbers.h"

#include <fmt/format.h>

namespace fupin::demo {

std::string FormatIdNumber(const std::string& prefix, const Date& birth, int sequence) {
  std::string first17 = fmt::format("{}{:04d}{:02d}{:02d}{:03d}", prefix, birth.year, birth.month, birth.day, sequence);
  return first17 + IdCheckCharacter(first17);
}

std::string IdNumberAllocator::Allocate(const std::string& prefix, Date& birth, Sex sex) {
  const int sex_bit = sex == Sex::kMale ? 1 : 0;
  for (;;) {
    int& count = used_[{prefix, birth.ToDays(), sex_bit}];
    if (count < 500) {
      const int slot = (first_slot_ + count) % 500;
      ++count;
      return FormatIdNumber(prefix, birth, slot * 2 + sex_bit);
    }
    birth = Date::FromDays(birth.ToDays() - 1);
  }
}

}  // namespace fupin::demo
