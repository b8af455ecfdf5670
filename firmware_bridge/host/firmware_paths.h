// SPDX-License-Identifier: GPL-3.0-or-later
// Where this build keeps its firmware images.
#pragma once

#include <QString>

namespace rnnpool::bridge {

// The QEMU netduinoplus2 ELF built by cmake/Firmware.cmake (may not exist).
QString defaultQemuElf();

} // namespace rnnpool::bridge
