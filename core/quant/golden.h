// SPDX-License-Identifier: GPL-3.0-or-later
// Golden vectors for the firmware: each layer's raw integer output of a quantized run as a .bin
// file (little-endian, HWC) and an index JSON with names, types, shapes, scales and CRC-32s.
#pragma once

#include "core/quant/quantized_executor.h"

#include <string>

namespace rnnpool::quant {

// Writes DIR/<stem>/frame.u8 (the uint8 input), DIR/<stem>/<index>_<layer>.bin and
// DIR/<stem>/layers.json. Throws naming the path on
// failure.
void write_golden_vectors(const QuantizedExecutor &executor, const std::string &dir,
                          const std::string &stem);

} // namespace rnnpool::quant
