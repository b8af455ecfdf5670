// SPDX-License-Identifier: GPL-3.0-or-later
// Where this build keeps its firmware images and the model they were built from.
#pragma once

#include <QString>

namespace rnnpool::bridge {

// The QEMU netduinoplus2 ELF built by cmake/Firmware.cmake (may not exist).
QString defaultQemuElf();

// The quantized model file the firmware images were generated from (RNNPOOL_FIRMWARE_QMODEL).
QString defaultFirmwareQuantizedModel();

} // namespace rnnpool::bridge
