#pragma once
// Two pieces of work at once, in one place: the batch paths that read two
// tables on two connections (the indicators, the entitlement fill) use this.
#include <functional>

namespace fupin {

// Runs `other` on a second thread and `here` on this one, waits for both, and
// rethrows the first failure (here's first; then other's).
void InParallel(const std::function<void()>& other, const std::function<void()>& here);

}  // namespace fupin
