// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/stream/stream_candidates.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace rnnpool {
namespace {

// a better than b: higher score, then lower prior index.
bool better(const float *a, const float *b) {
  return a[0] > b[0] || (a[0] == b[0] && a[5] < b[5]);
}

} // namespace

bool CandidateDecoder::decode(int head, int y, int x, const float *loc, const float *conf,
                              int conf_channels, float *out) const {
  float background = conf[0];
  for (int c = 1; c < conf_channels - 1; ++c) // max-out over the background channels
    background = std::max(background, conf[c]);
  const float face = conf[conf_channels - 1];
  const float score = 1.0f / (1.0f + std::exp(background - face)); // softmax, two classes
  if (!(score > threshold)) return false;
  const float pw = size[head] / float(image_w), ph = size[head] / float(image_h);
  const float pcx = (float(x) + 0.5f) * float(step[head]) / float(image_w);
  const float pcy = (float(y) + 0.5f) * float(step[head]) / float(image_h);
  const float cx = pcx + loc[0] * 0.1f * pw, cy = pcy + loc[1] * 0.1f * ph;
  const float w = pw * std::exp(loc[2] * 0.2f), h = ph * std::exp(loc[3] * 0.2f);
  int prior = y * head_w[head] + x;
  for (int k = 0; k < head; ++k)
    prior += head_h[k] * head_w[k];
  out[0] = score;
  out[1] = cx - w / 2;
  out[2] = cy - h / 2;
  out[3] = cx + w / 2;
  out[4] = cy + h / 2;
  out[5] = float(prior); // exact: far below 2^24 priors
  return true;
}

void insert_candidate(float *list, int capacity, int &count, const float *candidate) {
  if (count < capacity) {
    std::copy_n(candidate, kCandidateFloats, list + std::ptrdiff_t(count) * kCandidateFloats);
    ++count;
    return;
  }
  if (capacity <= 0) return;
  float *worst = list;
  for (int i = 1; i < count; ++i) {
    float *c = list + std::ptrdiff_t(i) * kCandidateFloats;
    if (better(worst, c)) worst = c;
  }
  if (better(candidate, worst)) std::copy_n(candidate, kCandidateFloats, worst);
}

std::vector<Candidate> sorted_candidates(const float *list, int count) {
  std::vector<const float *> order;
  for (int i = 0; i < count; ++i)
    order.push_back(list + std::ptrdiff_t(i) * kCandidateFloats);
  std::sort(order.begin(), order.end(),
            [](const float *a, const float *b) { return better(a, b); });
  std::vector<Candidate> out;
  for (const float *c : order)
    out.push_back({c[0], c[1], c[2], c[3], c[4], int(c[5])});
  return out;
}

std::vector<Candidate> candidates_from_heads(const CandidateDecoder &decoder,
                                             const std::vector<const Tensor *> &loc,
                                             const std::vector<const Tensor *> &conf) {
  if (loc.size() != 4 || conf.size() != 4)
    throw std::invalid_argument("candidates_from_heads: expected 4 loc and 4 conf tensors");
  std::vector<float> list(std::size_t(std::max(decoder.capacity, 0)) * kCandidateFloats);
  int count = 0;
  float candidate[kCandidateFloats];
  for (int k = 0; k < 4; ++k)
    for (int y = 0; y < loc[k]->h(); ++y)
      for (int x = 0; x < loc[k]->w(); ++x)
        if (decoder.decode(k, y, x, loc[k]->pixel(y, x), conf[k]->pixel(y, x), conf[k]->c(),
                           candidate))
          insert_candidate(list.data(), decoder.capacity, count, candidate);
  return sorted_candidates(list.data(), count);
}

} // namespace rnnpool
