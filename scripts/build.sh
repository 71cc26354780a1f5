#!/usr/bin/env bash
# Configures and builds fupin into build/ (the executable is build/fupin).
# Extra arguments go to cmake, e.g. -DFUPIN_WERROR=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja "$@" >/dev/null
ninja -C "$BUILD_DIR"
