#!/usr/bin/env bash
# Installs everything fupin needs on a Debian 12 machine: the Debian packages
# (compiler, build tools, libraries, chromium for the browser tests) and the npm
# packages of the lockfiles (./ and web/).
# Idempotent: what is already there is not installed again.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  g++ cmake ninja-build ccache pkg-config git binutils
  libsqlite3-dev sqlite3 libsodium-dev nlohmann-json3-dev libcli11-dev libfmt-dev libspdlog-dev
  libboost1.81-dev libssl-dev openssl   # the HTTP(S) server (Boost.Beast/Asio); openssl for the TLS test's certificate
  libcpp-httplib-dev libtomlplusplus-dev libxlsxwriter-dev libzip-dev libexpat1-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libpq-dev postgresql
  john-data   # /usr/share/john/password.lst: the common passwords refused (src/access/CMakeLists.txt)
  chromium fonts-wqy-microhei
  wrk jq curl   # bench/suite.sh
  clang-tidy    # scripts/tidy.sh, run by scripts/test.sh
  bsdutils   # script(1): the progress line on a pseudo-terminal (tests/e2e/jobs_test.cc)
  libxxhash-dev   # src/facts: checksums of the columnar copy of the facts
)

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm packages, exactly as the lockfile says; reinstalled only when it changed.
install_npm() {
  local dir=$1
  [ -f "$dir/package-lock.json" ] || return 0
  local stamp="$dir/node_modules/.fupin-lock-sha"
  local sha
  sha=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sha" ]; then
    echo "setup: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$sha" > "$stamp"
  fi
}
install_npm .
for d in web; do
  [ -d "$d" ] && install_npm "$d"
done
echo "setup: done"
