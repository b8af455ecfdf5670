// SPDX-License-Identifier: GPL-3.0-or-later
// Detection post-processing (spec section 2): box decoding with variances 0.1/0.2, face scores by
// softmax over (background, face), score threshold and greedy NMS.
#pragma once

#include "core/detect/priors.h"

#include <span>
#include <vector>

namespace rnnpool {

struct Box {
  float x1 = 0, y1 = 0, x2 = 0, y2 = 0;
};

struct Detection {
  float x1 = 0, y1 = 0, x2 = 0, y2 = 0;
  float score = 0;
};

// centre = p_c + d_xy * 0.1 * p_wh ; wh = p_wh * exp(d_wh * 0.2) ; then corners.
// `offsets` holds (dx, dy, dw, dh).
Box decode_box(const Prior &prior, const float *offsets);

// softmax(background, face)[face] = 1 / (1 + exp(background - face)).
float face_probability(float background, float face);

// Intersection over union of two corner boxes (0 when either is empty).
float iou(const Box &a, const Box &b);

struct NmsConfig {
  float score_threshold = 0.05f; // candidates need score > this
  float iou_threshold = 0.3f;    // a box is dropped when its IoU with a kept one is > this
  int top_k = 5000;              // candidates considered, best first
  int keep_top_k = 750;          // boxes kept at most
};

// Greedy NMS: indices into boxes/scores of the kept boxes, best score first.
std::vector<std::size_t> nms(std::span<const Box> boxes, std::span<const float> scores,
                             const NmsConfig &config);

// One head's raw outputs, flattened HWC: loc has 4 values per cell; conf has 2 (background,
// face) or 4 (three background "max-out" channels, then face) values per cell.
struct HeadOutput {
  std::span<const float> loc;
  std::span<const float> conf;
  int conf_channels = 2;
};

// Decodes every head against `priors` (same order), thresholds, runs NMS and returns boxes in
// normalised input coordinates [0, 1], best first.
std::vector<Detection> decode_detections(std::span<const HeadOutput> heads,
                                         std::span<const Prior> priors, const NmsConfig &config);

} // namespace rnnpool
