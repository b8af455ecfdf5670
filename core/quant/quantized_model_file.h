// SPDX-License-Identifier: GPL-3.0-or-later
// The quantized model's own file (JSON, "rnnpool-quantized-v2"): every integer array and
// parameter plus the types-and-scales table, and the digest, checked on load. Derived from the
// float NPZ by `rnnpool-cli quantize`; regenerate rather than edit.
#pragma once

#include "core/quant/quantized_model.h"

#include <string>

namespace rnnpool::quant {

std::string quantized_model_to_json(const QuantizedModel &model);
// `what` names the source in errors (std::runtime_error, one line).
QuantizedModel quantized_model_from_json(const std::string &text, const std::string &what);

void save_quantized_model(const std::string &path, const QuantizedModel &model);
QuantizedModel load_quantized_model(const std::string &path);

} // namespace rnnpool::quant
