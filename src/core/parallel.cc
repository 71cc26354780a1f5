#include "core/parallel.h"

#include <exception>
#include <thread>

namespace fupin {

void InParallel(const std::function<void()>& other, const std::function<void()>& here) {
  std::exception_ptr failure;
  std::thread thread([&] {
    try {
      other();
    } catch (...) {
      failure = std::current_exception();
    }
  });
  try {
    here();
  } catch (...) {
    thread.join();
    throw;
  }
  thread.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace fupin
