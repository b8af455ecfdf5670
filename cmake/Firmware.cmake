# SPDX-License-Identifier: GPL-3.0-or-later
# Builds firmware_bridge/target (a standalone cross-compiled project) as an external project
# when RNNPOOL_BUILD_FIRMWARE is ON and arm-none-eabi-gcc is installed. For host tests it sets
#   RNNPOOL_HAVE_FIRMWARE        ON when the images are built
#   RNNPOOL_FIRMWARE_QEMU_ELF    path of rnnpool-fw-qemu-netduinoplus2.elf
#   RNNPOOL_FIRMWARE_NUCLEO_ELF  path of rnnpool-fw-nucleo-f439zi.elf (and .bin next to it)
#   RNNPOOL_FIRMWARE_MODEL_C_DIR the generated model sources (rp_model_data.h, rp_model_plan.h)
# and the target `rnnpool_firmware` to depend on.
# The model: RNNPOOL_FIRMWARE_QMODEL names a quantized model file (JSON from `rnnpool-cli
# quantize`); at build time `rnnpool-cli emit-c` turns it into C arrays plus the planner's arena
# (rp_model_plan.h), which sizes the firmware's arena. Swapping in another model is one -D.
include(ExternalProject)

# Defined even when no firmware is built: the host bridge compares a flashed board with it.
set(RNNPOOL_FIRMWARE_QMODEL
  "${PROJECT_SOURCE_DIR}/resources/models/rnnpool-face-m4.q.json"
  CACHE FILEPATH "Quantized model (rnnpool-cli quantize --output) the firmware runs")

set(RNNPOOL_HAVE_FIRMWARE OFF CACHE INTERNAL "")
find_program(RNNPOOL_ARM_GCC arm-none-eabi-gcc)
if(NOT RNNPOOL_BUILD_FIRMWARE)
  return()
endif()
if(NOT RNNPOOL_ARM_GCC)
  message(STATUS "Firmware: arm-none-eabi-gcc not found; firmware and QEMU tests skipped")
  return()
endif()

set(RNNPOOL_FIRMWARE_ARENA_SIZE "" CACHE STRING
  "Override of the firmware's arena bytes; empty: the streaming plan's (the normal case)")
if(NOT EXISTS "${RNNPOOL_FIRMWARE_QMODEL}")
  message(STATUS "Firmware: no quantized model at ${RNNPOOL_FIRMWARE_QMODEL}; firmware skipped")
  return()
endif()
set(_fw_dir "${CMAKE_BINARY_DIR}/firmware")
set(_model_dir "${CMAKE_BINARY_DIR}/firmware_model")
set(RNNPOOL_FIRMWARE_MODEL_C_DIR "${_model_dir}" CACHE INTERNAL "")
# Generation needs the quantized file only (no float model, no calibration data).
add_custom_command(
  OUTPUT ${_model_dir}/rp_model_data.c ${_model_dir}/rp_model_data.h ${_model_dir}/rp_model_plan.h
  COMMAND $<TARGET_FILE:rnnpool-cli> emit-c --quantized ${RNNPOOL_FIRMWARE_QMODEL}
          --output ${_model_dir}
  DEPENDS rnnpool-cli ${RNNPOOL_FIRMWARE_QMODEL}
  COMMENT "Generating the firmware model sources from ${RNNPOOL_FIRMWARE_QMODEL}"
  VERBATIM)
add_custom_target(rnnpool_firmware_model
  DEPENDS ${_model_dir}/rp_model_data.c ${_model_dir}/rp_model_plan.h)
set(RNNPOOL_FIRMWARE_QEMU_ELF "${_fw_dir}/rnnpool-fw-qemu-netduinoplus2.elf" CACHE INTERNAL "")
set(RNNPOOL_FIRMWARE_NUCLEO_ELF "${_fw_dir}/rnnpool-fw-nucleo-f439zi.elf" CACHE INTERNAL "")
ExternalProject_Add(rnnpool_firmware
  SOURCE_DIR "${PROJECT_SOURCE_DIR}/firmware_bridge/target"
  BINARY_DIR "${_fw_dir}"
  CMAKE_ARGS
    -DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/toolchain-arm-none-eabi.cmake
    -DCMAKE_BUILD_TYPE=MinSizeRel
    -DRNNPOOL_ARENA_SIZE=${RNNPOOL_FIRMWARE_ARENA_SIZE}
    -DRNNPOOL_MODEL_C_DIR=${_model_dir}
  DEPENDS rnnpool_firmware_model
  # The sub-build tracks its own sources (including firmware_bridge/protocol); always run it.
  BUILD_ALWAYS ON
  INSTALL_COMMAND ""
  USES_TERMINAL_BUILD ON
  BUILD_BYPRODUCTS "${RNNPOOL_FIRMWARE_QEMU_ELF}" "${RNNPOOL_FIRMWARE_NUCLEO_ELF}")
set(RNNPOOL_HAVE_FIRMWARE ON CACHE INTERNAL "")
message(STATUS "Firmware: building ${RNNPOOL_FIRMWARE_QEMU_ELF}")
