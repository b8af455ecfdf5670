// SPDX-License-Identifier: GPL-3.0-or-later
// Matches device detections to reference detections by IoU, greedily (best pairs first), and
// lists the disagreements: reference boxes the device missed and device boxes with no match.
#pragma once

#include <cstddef>
#include <vector>

namespace rnnpool::compare {

struct Box {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float score = 0;
  int label = 0;
};

float iou(const Box &a, const Box &b);

struct BoxPair {
  std::size_t reference = 0; // index into the reference list
  std::size_t device = 0;    // index into the device list
  float iou = 0;
  float score_delta = 0; // device score - reference score
};

struct DetectionMatch {
  std::vector<BoxPair> matched;
  std::vector<std::size_t> missed; // reference boxes without a device match
  std::vector<std::size_t> extra;  // device boxes without a reference match
  bool agree() const { return missed.empty() && extra.empty(); }
};

// Pairs (reference, device) with IoU >= min_iou and equal labels, highest IoU first, each box
// used at most once.
DetectionMatch match_detections(const std::vector<Box> &reference, const std::vector<Box> &device,
                                float min_iou = 0.5f);

} // namespace rnnpool::compare
