#pragma once
// Hands out valid, unique GB 11643 ID numbers for generated persons: the
// area prefix, the birth date, a sequence number whose parity is the sex
// (odd for men, even for women) and the check character.
#include <cstdint>
#include <map>
#include <string>
#include <tuple>

#include "core/date.h"
#include "core/id_number.h"

namespace fupin::demo {

class IdNumberAllocator {
 public:
  // Sequence numbers for each (prefix, date, sex) start at `first_slot`
  // (0..399) so that two seeds give different numbers for the same person.
  explicit IdNumberAllocator(int first_slot = 0) : first_slot_(first_slot % 400) {}

  // A number not handed out before by this allocator. `prefix` is 6 digits.
  // When the 500 slots of that day and sex are used up, the birth date moves
  // one day earlier (and `birth` is updated), so the result always agrees
  // with the birth date it reports.
  std::string Allocate(const std::string& prefix, Date& birth, Sex sex);

 private:
  int first_slot_;
  std::map<std::tuple<std::string, int64_t, int>, int> used_;
};

// The 18-character number for a prefix, birth date and 3-digit sequence.
std::string FormatIdNumber(const std::string& prefix, const Date& birth, int sequence);

}  // namespace fupin::demo
