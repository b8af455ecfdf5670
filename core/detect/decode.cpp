// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/detect/decode.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace rnnpool {

Box decode_box(const Prior &p, const float *d) {
  const float cx = p.cx + d[0] * 0.1f * p.w;
  const float cy = p.cy + d[1] * 0.1f * p.h;
  const float w = p.w * std::exp(d[2] * 0.2f);
  const float h = p.h * std::exp(d[3] * 0.2f);
  return {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
}

float face_probability(float background, float face) {
  return 1.0f / (1.0f + std::exp(background - face));
}

float iou(const Box &a, const Box &b) {
  const float iw = std::min(a.x2, b.x2) - std::max(a.x1, b.x1);
  const float ih = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
  if (iw <= 0 || ih <= 0) return 0.0f;
  const float inter = iw * ih;
  const float uni = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

std::vector<std::size_t> nms(std::span<const Box> boxes, std::span<const float> scores,
                             const NmsConfig &config) {
  if (boxes.size() != scores.size()) throw std::invalid_argument("nms: boxes/scores mismatch");
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < scores.size(); ++i)
    if (scores[i] > config.score_threshold) order.push_back(i);
  // Stable, so equal scores keep prior order and the result is deterministic.
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  if (order.size() > std::size_t(config.top_k)) order.resize(std::size_t(config.top_k));

  std::vector<std::size_t> kept;
  std::vector<bool> dropped(order.size(), false);
  for (std::size_t i = 0; i < order.size() && kept.size() < std::size_t(config.keep_top_k); ++i) {
    if (dropped[i]) continue;
    kept.push_back(order[i]);
    for (std::size_t j = i + 1; j < order.size(); ++j)
      if (!dropped[j] && iou(boxes[order[i]], boxes[order[j]]) > config.iou_threshold)
        dropped[j] = true;
  }
  return kept;
}

std::vector<Detection> decode_detections(std::span<const HeadOutput> heads,
                                         std::span<const Prior> priors, const NmsConfig &config) {
  std::vector<Box> boxes;
  std::vector<float> scores;
  boxes.reserve(priors.size());
  scores.reserve(priors.size());
  for (std::size_t k = 0; k < heads.size(); ++k) {
    const HeadOutput &h = heads[k];
    const std::size_t cc = std::size_t(h.conf_channels);
    if ((cc != 2 && cc != 4) || h.loc.size() % 4 != 0 || h.conf.size() / cc != h.loc.size() / 4 ||
        h.conf.size() % cc != 0)
      throw std::invalid_argument("decode_detections: head " + std::to_string(k) +
                                  " outputs do not match");
    for (std::size_t cell = 0; cell < h.loc.size() / 4; ++cell) {
      if (boxes.size() >= priors.size())
        throw std::invalid_argument("decode_detections: more head cells than priors");
      boxes.push_back(decode_box(priors[boxes.size()], h.loc.data() + 4 * cell));
      const float *c = h.conf.data() + cc * cell;
      // Head 1's "max-out": background is the largest of its three background channels.
      const float background = cc == 4 ? std::max({c[0], c[1], c[2]}) : c[0];
      scores.push_back(face_probability(background, c[cc - 1]));
    }
  }
  if (boxes.size() != priors.size())
    throw std::invalid_argument("decode_detections: " + std::to_string(boxes.size()) +
                                " head cells for " + std::to_string(priors.size()) + " priors");
  std::vector<Detection> out;
  for (std::size_t i : nms(boxes, scores, config))
    out.push_back({boxes[i].x1, boxes[i].y1, boxes[i].x2, boxes[i].y2, scores[i]});
  return out;
}

} // namespace rnnpool
