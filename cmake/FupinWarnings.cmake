# Shared compile options: every fupin target links fupin_options.
add_library(fupin_options INTERFACE)
target_compile_features(fupin_options INTERFACE cxx_std_20)
target_compile_options(fupin_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wconversion -Wsign-conversion
  -Wnull-dereference -Wimplicit-fallthrough)
if(FUPIN_WERROR)
  target_compile_options(fupin_options INTERFACE -Werror)
endif()
if(FUPIN_SANITIZE)
  target_compile_options(fupin_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(fupin_options INTERFACE -fsanitize=address,undefined)
endif()

if(FUPIN_BUILD_FUZZ)
  # Coverage for libFuzzer in every library, plus the sanitizers that make
  # memory errors crash; fuzz targets add -fsanitize=fuzzer when linking.
  target_compile_options(fupin_options INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(fupin_options INTERFACE -fsanitize=address,undefined)
endif()

# fupin_add_test(NAME name SOURCES ... LIBS ... [LABELS ...] [BOTH_STORES])
# One GoogleTest executable, registered with CTest test by test. BOTH_STORES
# registers every test a second time, prefixed "pg.", with
# FUPIN_TEST_STORE=postgres: test fixtures (registry::testing::RegistryFixture)
# then use a fresh PostgreSQL database on FUPIN_TEST_PG_URL.
function(fupin_add_test)
  cmake_parse_arguments(T "BOTH_STORES" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT FUPIN_BUILD_TESTS)
    return()
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} fupin_options GTest::gtest GTest::gtest_main)
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  if("unit" IN_LIST T_LABELS)
    # The target `unit_tests` builds just these (the sanitizer pass of scripts/test.sh).
    set_property(GLOBAL APPEND PROPERTY FUPIN_UNIT_TEST_TARGETS ${T_NAME})
  endif()
  gtest_discover_tests(${T_NAME}
    PROPERTIES LABELS "${T_LABELS}"
    DISCOVERY_TIMEOUT 60)
  if(T_BOTH_STORES)
    gtest_discover_tests(${T_NAME}
      TEST_PREFIX "pg."
      TEST_LIST ${T_NAME}_PG_TESTS
      PROPERTIES LABELS "${T_LABELS};postgres" ENVIRONMENT "FUPIN_TEST_STORE=postgres"
      DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
