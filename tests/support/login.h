#pragma once
// A client logged in through the API, for end-to-end test fixtures: a failed
// login is a test failure (EXPECT), as each fixture's own helper had it.
#include <string>

#include <gtest/gtest.h>

#include "support/server.h"

namespace fupin::testing {

inline ApiClient LoggedIn(int port, const std::string& name, const std::string& password) {
  ApiClient c(port);
  auto r = c.Login(name, password);
  EXPECT_EQ(r.status, 201) << r.text;
  return c;
}

}  // namespace fupin::testing
