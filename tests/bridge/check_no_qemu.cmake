# SPDX-License-Identifier: GPL-3.0-or-later
# cmake -DMARKER=... -P check_no_qemu.cmake: fails when a qemu-system-arm process whose command
# line carries MARKER (this build's bridge test suite) is still running.
execute_process(COMMAND pgrep -af "netduinoplus2.*${MARKER}" OUTPUT_VARIABLE found
  RESULT_VARIABLE rc)
if(rc EQUAL 0)
  message(FATAL_ERROR "orphaned QEMU processes of this test suite:\n${found}")
endif()
message(STATUS "no QEMU with marker ${MARKER} left running")
