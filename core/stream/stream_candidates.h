// SPDX-License-Identifier: GPL-3.0-or-later
// Detections decoded as head pixels complete (spec section 2: one square prior per head cell,
// variances 0.1/0.2, softmax face score, threshold 0.05), kept in a bounded list of the best K
// so NMS never needs all 3,000 priors resident. The list is a flat array the caller owns.
#pragma once

#include "core/tensor/tensor.h"

#include <vector>

namespace rnnpool {

struct Candidate {
  float score = 0;
  float x1 = 0, y1 = 0, x2 = 0, y2 = 0; // normalised to the input image
  int prior = 0;                        // index over all heads' cells in row-major order
};

// Floats one candidate takes in the list: score, x1, y1, x2, y2, prior index.
inline constexpr int kCandidateFloats = 6;

struct CandidateDecoder {
  int image_w = 320, image_h = 240;
  int head_h[4] = {}, head_w[4] = {};
  int step[4] = {8, 8, 16, 16};    // reference QVGA config
  float size[4] = {8, 16, 32, 48}; // prior sizes in pixels
  float threshold = 0.05f;
  int capacity = 64;

  // Writes one candidate (kCandidateFloats) for head pixel (y, x) and returns true when its face
  // score passes the threshold. Head 0 has 4 score channels (3 background max-out + face).
  bool decode(int head, int y, int x, const float *loc, const float *conf, int conf_channels,
              float *out) const;
};

// Keeps the `capacity` best candidates: appends while there is room, then replaces the worst one
// when the new one is better. Better = higher score, then lower prior index, so the kept set does
// not depend on the order candidates arrive in.
void insert_candidate(float *list, int capacity, int &count, const float *candidate);

// The list's candidates, best score first (ties: lower prior index first).
std::vector<Candidate> sorted_candidates(const float *list, int count);

// The same bounded list from whole head tensors (loc.k, conf.k in head order): the whole-tensor
// reference for the streaming executor's list.
std::vector<Candidate> candidates_from_heads(const CandidateDecoder &decoder,
                                             const std::vector<const Tensor *> &loc,
                                             const std::vector<const Tensor *> &conf);

} // namespace rnnpool
