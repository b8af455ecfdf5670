// SPDX-License-Identifier: GPL-3.0-or-later
// The host side the studio compares the device with: bridge::QuantizedHostReference over the
// quantized model the firmware was built from (RNNPOOL_FIRMWARE_QMODEL), i.e. the firmware's own
// streaming C executor, plus the mean its preprocessing subtracts (the frame sent to the device
// depends on it).
#pragma once

#include "firmware_bridge/host/host_reference.h"

#include <QString>
#include <memory>

namespace rnnpool {

struct FirmwareReference {
  std::unique_ptr<bridge::HostReference> reference;
  double mean = 0; // the quantized model's input mean
  QString modelPath;
};

// The quantized model this build's firmware runs (may not exist).
QString defaultFirmwareModelPath();

// Throws std::runtime_error naming the file when it is missing or invalid.
FirmwareReference loadFirmwareReference(const QString &quantizedModelPath);

} // namespace rnnpool
