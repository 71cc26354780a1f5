#!/usr/bin/env bash
# Configures and builds fupin into build/ (the executable is build/fupin).
# Extra arguments go to cmake, e.g. -DFUPIN_WERROR=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
# ccache (scripts/setup.sh installs it; CMakeLists.txt uses it when present) may reuse
# objects compiled in another clone of the repository: paths under this folder are
# hashed relative to it, and the build folder's absolute path is not hashed.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
cmake -S . -B "$BUILD_DIR" -G Ninja "$@" >/dev/null
# TARGETS (space-separated) builds only those targets, e.g. TARGETS=unit_tests.
# shellcheck disable=SC2086
ninja -C "$BUILD_DIR" ${TARGETS:-}
