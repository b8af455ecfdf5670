// SPDX-License-Identifier: GPL-3.0-or-later
// The integer head decoding of the streaming executor (rp_face_decode_t): prior geometry from the
// spec (section 2) and multipliers folding the quantized head output scales into box offsets,
// exponents and score logits. Emitted next to the model for the firmware.
#pragma once

#include "core/kernels/rp_face_stream.h"
#include "core/quant/quantized_model.h"

namespace rnnpool::quant {

// Reference QVGA anchors: head strides 8, 8, 16, 16 pixels, prior sizes 8, 16, 32, 48 pixels;
// score threshold 0.05, NMS IoU 0.3. Throws if a head tensor's scale is missing.
rp_face_decode_t face_decode_params(const QuantizedModel &model);

} // namespace rnnpool::quant
