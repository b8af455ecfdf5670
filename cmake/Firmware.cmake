# SPDX-License-Identifier: GPL-3.0-or-later
# Builds firmware_bridge/target (a standalone cross-compiled project) as an external project
# when RNNPOOL_BUILD_FIRMWARE is ON and arm-none-eabi-gcc is installed. For host tests it sets
#   RNNPOOL_HAVE_FIRMWARE        ON when the images are built
#   RNNPOOL_FIRMWARE_QEMU_ELF    path of rnnpool-fw-qemu-netduinoplus2.elf
#   RNNPOOL_FIRMWARE_NUCLEO_ELF  path of rnnpool-fw-nucleo-f439zi.elf (and .bin next to it)
#   RNNPOOL_FIRMWARE_ARENA_SIZE  arena bytes the images are built with (a cache option)
# and the target `rnnpool_firmware` to depend on.
include(ExternalProject)

set(RNNPOOL_HAVE_FIRMWARE OFF CACHE INTERNAL "")
find_program(RNNPOOL_ARM_GCC arm-none-eabi-gcc)
if(NOT RNNPOOL_BUILD_FIRMWARE)
  return()
endif()
if(NOT RNNPOOL_ARM_GCC)
  message(STATUS "Firmware: arm-none-eabi-gcc not found; firmware and QEMU tests skipped")
  return()
endif()

set(RNNPOOL_FIRMWARE_ARENA_SIZE 32768 CACHE STRING
  "Bytes of the firmware's activation arena (the streaming plan's size once the model exists)")
set(_fw_dir "${CMAKE_BINARY_DIR}/firmware")
set(RNNPOOL_FIRMWARE_QEMU_ELF "${_fw_dir}/rnnpool-fw-qemu-netduinoplus2.elf" CACHE INTERNAL "")
set(RNNPOOL_FIRMWARE_NUCLEO_ELF "${_fw_dir}/rnnpool-fw-nucleo-f439zi.elf" CACHE INTERNAL "")
ExternalProject_Add(rnnpool_firmware
  SOURCE_DIR "${PROJECT_SOURCE_DIR}/firmware_bridge/target"
  BINARY_DIR "${_fw_dir}"
  CMAKE_ARGS
    -DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/toolchain-arm-none-eabi.cmake
    -DCMAKE_BUILD_TYPE=MinSizeRel
    -DRNNPOOL_ARENA_SIZE=${RNNPOOL_FIRMWARE_ARENA_SIZE}
  # The sub-build tracks its own sources (including firmware_bridge/protocol); always run it.
  BUILD_ALWAYS ON
  INSTALL_COMMAND ""
  USES_TERMINAL_BUILD ON
  BUILD_BYPRODUCTS "${RNNPOOL_FIRMWARE_QEMU_ELF}" "${RNNPOOL_FIRMWARE_NUCLEO_ELF}")
set(RNNPOOL_HAVE_FIRMWARE ON CACHE INTERNAL "")
message(STATUS "Firmware: building ${RNNPOOL_FIRMWARE_QEMU_ELF}")
