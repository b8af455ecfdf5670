// SPDX-License-Identifier: GPL-3.0-or-later
// Detections against ground truth for one image: which detections are true positives.
#pragma once

#include "core/detect/decode.h"

#include <span>
#include <vector>

namespace rnnpool::eval {

inline constexpr float kMatchIou = 0.5f;

// One detection's outcome: its score and whether it matched a ground-truth face.
struct ScoredMatch {
  float score = 0;
  bool true_positive = false;
};

// Greedy matching by score: detections are visited best score first (ties keep input order);
// each takes the still-unmatched ground-truth box it overlaps most, if that IoU >= iou_threshold,
// and is a false positive otherwise. Every ground-truth box is matched at most once, so a second
// detection of the same face is a false positive. Because higher scores are matched first, the
// outcome of a detection does not change when lower-scoring ones are dropped: matching once with
// all candidates serves every operating threshold. Returns one outcome per detection, input order.
std::vector<ScoredMatch> match_detections(std::span<const Detection> detections,
                                          std::span<const Box> ground_truth,
                                          float iou_threshold = kMatchIou);

} // namespace rnnpool::eval
