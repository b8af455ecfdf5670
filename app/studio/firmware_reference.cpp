// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/studio/firmware_reference.h"

#include "core/quant/quantized_model_file.h"
#include "firmware_bridge/host/firmware_paths.h"
#include "firmware_bridge/host/quantized_host_reference.h"

#include <stdexcept>

namespace rnnpool {

QString defaultFirmwareModelPath() {
  return bridge::defaultFirmwareQuantizedModel();
}

FirmwareReference loadFirmwareReference(const QString &quantizedModelPath) {
  if (quantizedModelPath.isEmpty())
    throw std::runtime_error("no quantized model configured for the device comparison");
  FirmwareReference out;
  out.reference =
      std::make_unique<bridge::QuantizedHostReference>(quantizedModelPath.toStdString());
  // The reference does not expose its model; the mean is one number of the same file.
  out.mean = quant::load_quantized_model(quantizedModelPath.toStdString()).mean;
  out.modelPath = quantizedModelPath;
  return out;
}

} // namespace rnnpool
