// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/stream_decode.h"

#include "core/quant/qparams.h"

#include <cmath>
#include <string>

namespace rnnpool::quant {

rp_face_decode_t face_decode_params(const QuantizedModel &model) {
  constexpr int kStep[RP_FACE_HEADS] = {8, 8, 16, 16};
  constexpr int kSize[RP_FACE_HEADS] = {8, 16, 32, 48};
  constexpr double kBox = double(1 << RP_STREAM_BOX_Q);
  rp_face_decode_t d{};
  for (int k = 0; k < RP_FACE_HEADS; ++k) {
    const double loc = model.tensor("loc." + std::to_string(k)).scale;
    const double conf = model.tensor("conf." + std::to_string(k)).scale;
    const QMultiplier score = quantize_multiplier(conf * 4096.0); // logit in Q12
    const QMultiplier xy = quantize_multiplier(loc * 0.1 * kSize[k] * kBox);
    const QMultiplier wh = quantize_multiplier(loc * 0.2 * 4096.0); // exponent in Q12
    d.score_multiplier[k] = score.multiplier;
    d.score_shift[k] = score.shift;
    d.xy_multiplier[k] = xy.multiplier;
    d.xy_shift[k] = xy.shift;
    d.wh_multiplier[k] = wh.multiplier;
    d.wh_shift[k] = wh.shift;
    d.step[k] = kStep[k];
    d.size[k] = kSize[k];
  }
  d.score_threshold_q15 = int(std::floor(0.05 * 32768.0)); // score > 0.05
  d.nms_iou_q15 = int(std::floor(0.3 * 32768.0));
  return d;
}

} // namespace rnnpool::quant
