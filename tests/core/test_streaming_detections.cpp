// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 3, acceptance 5, last clause: the streaming executor's detections (NMS over its bounded
// candidate list) equal whole-tensor execution's detections (core/detect over every prior),
// when the whole-tensor path considers the same number of best candidates (top_k = capacity).
#include "core/detect/decode.h"
#include "core/detect/priors.h"
#include "core/model/executor.h"
#include "core/model/zoo.h"
#include "core/stream/streaming_executor.h"
#include "tests/core/random_weights.h"

#include <gtest/gtest.h>
#include <random>

namespace rnnpool {
namespace {

std::vector<Detection> whole_tensor_detections(const Executor &exec, const Graph &graph,
                                               const NmsConfig &config) {
  std::vector<HeadOutput> heads;
  std::vector<Shape> maps;
  for (int k = 0; k < 4; ++k) {
    const Tensor &loc = exec.tensor("loc." + std::to_string(k));
    const Tensor &conf = exec.tensor("conf." + std::to_string(k));
    heads.push_back({loc.values(), conf.values(), conf.c()});
    maps.push_back(loc.shape());
  }
  const auto priors =
      make_priors(maps, face_m4_anchors(), graph.input_shape.w, graph.input_shape.h);
  return decode_detections(heads, priors, config);
}

std::vector<Detection> streaming_detections(const StreamingExecutor &stream,
                                            const NmsConfig &config) {
  std::vector<Box> boxes;
  std::vector<float> scores;
  for (const Candidate &c : stream.candidates()) {
    boxes.push_back({c.x1, c.y1, c.x2, c.y2});
    scores.push_back(c.score);
  }
  std::vector<Detection> out;
  for (std::size_t i : nms(boxes, scores, config))
    out.push_back({boxes[i].x1, boxes[i].y1, boxes[i].x2, boxes[i].y2, scores[i]});
  return out;
}

TEST(StreamingDetections, EqualWholeTensorDetections) {
  constexpr int kCapacity = 64;
  for (unsigned seed : {3u, 11u}) {
    Graph graph = make_rnnpool_face_m4({240, 320, 1});
    test::fill_random_weights(graph, seed);
    Executor whole(graph);
    StreamingExecutor stream(graph, kCapacity);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> value(-1.0f, 1.0f);
    Tensor input(graph.input_shape);
    for (float &v : input.values())
      v = value(rng);
    whole.run(input);
    stream.run(input);

    NmsConfig config;
    config.top_k = kCapacity;
    const auto expected = whole_tensor_detections(whole, graph, config);
    const auto got = streaming_detections(stream, config);
    ASSERT_FALSE(expected.empty()) << "seed " << seed << ": nothing to compare";
    ASSERT_EQ(got.size(), expected.size()) << "seed " << seed;
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_NEAR(got[i].score, expected[i].score, 1e-5f) << "detection " << i;
      EXPECT_NEAR(got[i].x1, expected[i].x1, 1e-5f) << "detection " << i;
      EXPECT_NEAR(got[i].y1, expected[i].y1, 1e-5f) << "detection " << i;
      EXPECT_NEAR(got[i].x2, expected[i].x2, 1e-5f) << "detection " << i;
      EXPECT_NEAR(got[i].y2, expected[i].y2, 1e-5f) << "detection " << i;
    }
  }
}

} // namespace
} // namespace rnnpool
