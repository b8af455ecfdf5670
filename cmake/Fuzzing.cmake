# SPDX-License-Identifier: GPL-3.0-or-later
# libFuzzer targets need clang (-fsanitize=fuzzer). With another compiler they are skipped and
# the fuzz tests say so.
include(CheckCXXSourceCompiles)
set(RNNPOOL_HAVE_LIBFUZZER OFF)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  set(CMAKE_REQUIRED_FLAGS "-fsanitize=fuzzer")
  check_cxx_source_compiles(
    "#include <cstddef>\n#include <cstdint>\nextern \"C\" int LLVMFuzzerTestOneInput(const uint8_t*, size_t){return 0;}"
    RNNPOOL_LIBFUZZER_WORKS)
  unset(CMAKE_REQUIRED_FLAGS)
  if(RNNPOOL_LIBFUZZER_WORKS)
    set(RNNPOOL_HAVE_LIBFUZZER ON)
  endif()
endif()

# rnnpool_add_fuzzer(name SOURCES ... LIBS ... [SECONDS n]): a libFuzzer binary and a CTest
# test that runs it for a bounded time on its seed corpus.
function(rnnpool_add_fuzzer name)
  cmake_parse_arguments(F "" "SECONDS;CORPUS" "SOURCES;LIBS" ${ARGN})
  if(NOT RNNPOOL_HAVE_LIBFUZZER)
    return()
  endif()
  if(NOT F_SECONDS)
    set(F_SECONDS 30)
  endif()
  add_executable(${name} ${F_SOURCES})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  set(corpus_dir "${CMAKE_CURRENT_BINARY_DIR}/${name}_corpus")
  set(seed_args "")
  if(F_CORPUS)
    set(seed_args "${F_CORPUS}")
  endif()
  add_test(NAME ${name}
    COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
      $<TARGET_FILE:${name}> -max_total_time=${F_SECONDS} -rss_limit_mb=2048 -timeout=10
      ${corpus_dir} ${seed_args})
  set_tests_properties(${name} PROPERTIES LABELS "fuzz" TIMEOUT 300
    FIXTURES_REQUIRED ${name}_corpus)
  add_test(NAME ${name}_corpus COMMAND ${CMAKE_COMMAND} -E make_directory ${corpus_dir})
  set_tests_properties(${name}_corpus PROPERTIES FIXTURES_SETUP ${name}_corpus)
endfunction()
