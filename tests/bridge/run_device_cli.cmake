# SPDX-License-Identifier: GPL-3.0-or-later
# cmake -DCLI=rnnpool-cli -DARGS="device|run|--qemu|..." -DFRAMES=n -P run_device_cli.cmake
# Runs `rnnpool-cli device run ... --json` and checks its report: exit code 0, `bit_exact` true,
# `frame_count` = `bit_exact_frames` = FRAMES, and in every frame every layer digest equal and the
# detections identical. Any failure prints the command's whole stdout and stderr, so a failing
# run in CI can be diagnosed from the test log alone. ARGS is '|'-separated (';' would be split by
# add_test).
string(REPLACE "|" ";" _args "${ARGS}")
string(REPLACE "|" " " _shown "${ARGS}")
execute_process(COMMAND ${CLI} ${_args}
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
function(fail why)
  message(FATAL_ERROR "${why}\n--- command: ${CLI} ${_shown}\n--- exit code: ${rc}\n"
    "--- stderr:\n${err}\n--- stdout:\n${out}")
endfunction()
if(NOT rc EQUAL 0)
  fail("rnnpool-cli device run failed")
endif()
string(JSON bit_exact ERROR_VARIABLE json_error GET "${out}" bit_exact)
if(json_error)
  fail("stdout is not the JSON report: ${json_error}")
endif()
string(JSON count GET "${out}" frame_count)
string(JSON exact_frames GET "${out}" bit_exact_frames)
if(NOT bit_exact OR NOT count EQUAL FRAMES OR NOT exact_frames EQUAL FRAMES)
  fail("expected ${FRAMES} bit-exact frames: bit_exact ${bit_exact}, ${exact_frames} of ${count}")
endif()
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  string(JSON frame_exact GET "${out}" frames ${i} bit_exact)
  string(JSON identical GET "${out}" frames ${i} detections identical)
  string(JSON layers LENGTH "${out}" frames ${i} layers)
  string(JSON equal GET "${out}" frames ${i} layers_digest_equal)
  if(NOT frame_exact OR NOT identical OR NOT equal EQUAL layers OR layers EQUAL 0)
    fail("frame ${i}: bit_exact ${frame_exact}, ${equal}/${layers} digests equal, detections "
      "identical ${identical}")
  endif()
endforeach()
message(STATUS "${err}")
message(STATUS "${FRAMES} frame(s) bit-exact on every layer and detection")
