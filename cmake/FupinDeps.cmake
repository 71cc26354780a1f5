# Every library comes from a Debian package, found here once.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
# src/store: the PostgreSQL store (Debian libpq-dev).
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
# src/server: the HTTP transport (Boost.Beast/Asio, header-only, Debian libboost1.81-dev)
# and its TLS (Debian libssl-dev).
find_package(boost_headers 1.81 REQUIRED CONFIG)
find_package(OpenSSL REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
if(FUPIN_BUILD_TESTS)
  find_package(GTest REQUIRED)
  # The end-to-end tests' HTTP(S) client only; the server does not use it.
  pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
endif()
# src/io: XLSX reading (libzip + expat) and writing (libxlsxwriter).
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
pkg_check_modules(EXPAT REQUIRED IMPORTED_TARGET expat)
pkg_check_modules(XLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)
find_package(tomlplusplus REQUIRED)
# src/facts: checksums of the columnar copy of the facts (XXH3, Debian libxxhash-dev).
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
if(FUPIN_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
