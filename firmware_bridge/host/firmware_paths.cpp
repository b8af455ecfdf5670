// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/host/firmware_paths.h"

namespace rnnpool::bridge {

QString defaultQemuElf() {
  return QStringLiteral(RNNPOOL_DEFAULT_QEMU_ELF);
}

QString defaultFirmwareQuantizedModel() {
  return QStringLiteral(RNNPOOL_DEFAULT_FIRMWARE_QMODEL);
}

} // namespace rnnpool::bridge
