// SPDX-License-Identifier: GPL-3.0-or-later
// What the bridge's QEMU tests share: the firmware path, a QemuFlasher tagged with this suite's
// marker (so the orphan check can find strays), and blocking helpers.
#pragma once

#include "firmware_bridge/host/qemu_flasher.h"

#include <QString>
#include <memory>
#include <stdexcept>

namespace rnnpool::bridge::test {

inline QString suiteMarker() {
  return QStringLiteral(RNNPOOL_BRIDGE_TEST_MARKER);
}

// Starts the QEMU firmware; throws with QEMU's message when it does not come up.
inline std::unique_ptr<QemuFlasher> startQemu() {
  FlashOptions options;
  options.elf = QStringLiteral(RNNPOOL_FIRMWARE_QEMU_ELF);
  options.qemuName = suiteMarker();
  auto qemu = std::make_unique<QemuFlasher>(options);
  qemu->start();
  if (!qemu->waitForFinished(20000))
    throw std::runtime_error("QEMU did not start: " + qemu->errorMessage().toStdString());
  return qemu;
}

} // namespace rnnpool::bridge::test
