#!/usr/bin/env bash
# README command 2: set up, build with warnings as errors, build the web UI, run
# every test (the browser tests among them) with clang-tidy beside them on the
# sources not recorded clean in scripts/tidy-clean.txt (scripts/tidy.sh, docs/CHECKS.md); then
# build again under AddressSanitizer and UndefinedBehaviorSanitizer and run
# the unit tests once more.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
JOBS=${JOBS:-$(nproc)}

echo "== build (warnings are errors)"
BUILD_DIR=build ./scripts/build.sh -DFUPIN_WERROR=ON -DFUPIN_SANITIZE=OFF
echo "== web UI"
./scripts/build-web.sh
echo "== clang-tidy on the sources not recorded clean (beside the tests, one at a time)"
JOBS=1 ./scripts/tidy.sh > build/tidy.log 2>&1 &
tidy_pid=$!
echo "== all tests (SQLite, and PostgreSQL: FUPIN_TEST_PG_URL or a throwaway server)"
(cd build && ../scripts/with-postgres.sh ctest --output-on-failure -j "$JOBS")
echo "== clang-tidy findings"
tidy_status=0
wait "$tidy_pid" || tidy_status=$?
cat build/tidy.log
[ "$tidy_status" -eq 0 ] || { echo "clang-tidy failed (build/tidy.log)" >&2; exit "$tidy_status"; }

if [ "${FUPIN_SKIP_SANITIZERS:-0}" != "1" ]; then
  echo "== unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
  # Only the unit-test executables (target unit_tests): the end-to-end tests and the program
  # itself are not run under the sanitizers, so they are not built for them.
  BUILD_DIR=build-asan TARGETS=unit_tests ./scripts/build.sh -DFUPIN_WERROR=ON -DFUPIN_SANITIZE=ON \
    -DCMAKE_BUILD_TYPE=Debug
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -j "$JOBS" -L unit -LE postgres)
fi
