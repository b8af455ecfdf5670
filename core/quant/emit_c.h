// SPDX-License-Identifier: GPL-3.0-or-later
// Emits the quantized model as C for the firmware build: rp_model_data.h (declarations, the
// model digest, the buffer sizes) and rp_model_data.c (const arrays, in flash, and one const
// rp_face_model_t pointing at them).
#pragma once

#include "core/quant/quantized_model.h"

#include <string>

namespace rnnpool::quant {

struct EmittedC {
  std::string header; // rp_model_data.h
  std::string source; // rp_model_data.c
};
EmittedC emit_c(const QuantizedModel &model);

// Writes both files into `dir` (created if missing). Throws naming the path on failure.
void write_emitted_c(const QuantizedModel &model, const std::string &dir);

} // namespace rnnpool::quant
