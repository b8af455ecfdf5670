// SPDX-License-Identifier: GPL-3.0-or-later
// The row-streaming executor against whole-tensor execution on the face model with random
// weights (issue 3, acceptance 5), and the streaming schedule's buffer inventory and placement.
#include "core/model/executor.h"
#include "core/model/zoo.h"
#include "core/stream/streaming_executor.h"
#include "core/stream/streaming_schedule.h"
#include "tests/core/random_weights.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <random>

namespace rnnpool {
namespace {

Tensor random_image(Shape s, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  Tensor t(s);
  for (float &v : t.values())
    v = value(rng);
  return t;
}

float max_abs_diff(const Tensor &a, const Tensor &b) {
  EXPECT_EQ(a.shape(), b.shape());
  float worst = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    const float d = std::abs(a.values()[i] - b.values()[i]);
    if (!(d <= worst)) worst = std::isnan(d) ? INFINITY : d;
  }
  return worst;
}

std::string invalid_argument_message(const std::function<void()> &f) {
  try {
    f();
  } catch (const std::invalid_argument &e) {
    return e.what();
  }
  return "(no std::invalid_argument thrown)";
}

struct Case {
  Shape input;
  unsigned weight_seed, image_seed;
};

class StreamingVsWholeTensor : public ::testing::TestWithParam<Case> {};

TEST_P(StreamingVsWholeTensor, HeadOutputsAndCandidatesMatch) {
  const Case c = GetParam();
  Graph graph = make_rnnpool_face_m4(c.input);
  test::fill_random_weights(graph, c.weight_seed);
  // A low threshold and a small list so the bounded list is full and must pick the best.
  StreamingExecutor stream(graph, 16);
  Executor whole(graph);
  for (unsigned frame = 0; frame < 2; ++frame) { // a second frame reuses the arena
    const Tensor input = random_image(c.input, c.image_seed + frame);
    whole.run(input);
    stream.run(input, /*poison_dead_memory=*/true);
    std::vector<const Tensor *> loc, conf;
    for (const std::string &name : graph.outputs) {
      const float err = max_abs_diff(stream.output(name), whole.tensor(name));
      EXPECT_LE(err, 1e-5f) << name << " at " << c.input.to_string();
      (name.rfind("loc", 0) == 0 ? loc : conf).push_back(&whole.tensor(name));
    }
    const std::vector<Candidate> expected = candidates_from_heads(stream.decoder(), loc, conf);
    const std::vector<Candidate> &got = stream.candidates();
    ASSERT_EQ(got.size(), expected.size());
    EXPECT_FALSE(got.empty());
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].prior, expected[i].prior) << i;
      EXPECT_NEAR(got[i].score, expected[i].score, 1e-5f);
      EXPECT_NEAR(got[i].x1, expected[i].x1, 1e-5f);
      EXPECT_NEAR(got[i].y2, expected[i].y2, 1e-5f);
    }
  }
  // Every buffer is used and none reaches past the planned arena.
  EXPECT_EQ(stream.high_water_bytes(), stream.arena_bytes());
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, StreamingVsWholeTensor,
    ::testing::Values(Case{{240, 320, 1}, 42, 7}, Case{{240, 320, 1}, 3, 11},
                      Case{{120, 160, 1}, 5, 13},
                      Case{{97, 131, 1}, 9, 17}, // odd sizes: odd rows at stride 2
                      Case{{64, 72, 1}, 21, 19}));

TEST(StreamingSchedule, FaceModelI8ArenaUnder80KiB) {
  const StreamingSchedule s = make_streaming_schedule(make_rnnpool_face_m4());
  const std::size_t i8 = place_stream_buffers(s, StreamDType::I8).arena_bytes;
  EXPECT_LE(i8, 81920u);
  EXPECT_LE(i8, 65536u); // the mark worth reaching
  EXPECT_GE(i8, s.peak_bytes(StreamDType::I8));
  // The largest buffers are the expansion rings, far below the 76,800 B RNNPool output.
  EXPECT_EQ(s.buffer("mob.0.expand.ring").i8_bytes, std::size_t(2 * 40 + 3) * 128);
  EXPECT_EQ(s.buffer("conv.band").i8_bytes, 8u * 160 * 4);
  EXPECT_EQ(s.buffer("input.rows").i8_bytes, 3u * 320);
  EXPECT_EQ(s.buffer("rnn_pad.row").i8_bytes, 40u * 64);
  EXPECT_EQ(s.buffer("detect.candidates").i8_bytes, 64u * 6 * 2);
  for (const auto &b : s.buffers)
    EXPECT_LT(b.i8_bytes, 76800u) << b.name;
}

TEST(StreamingSchedule, LifetimesFollowTheRows) {
  const StreamingSchedule s = make_streaming_schedule(make_rnnpool_face_m4());
  const auto step = [&](const std::string &name) {
    const auto it = std::find(s.steps.begin(), s.steps.end(), name);
    EXPECT_NE(it, s.steps.end()) << name;
    return int(it - s.steps.begin());
  };
  EXPECT_EQ(s.steps.front(), "rnn_model row 0");
  EXPECT_EQ(s.steps.back(), "head.3 row 14");
  // Input rows and the conv band die with the last RNNPool row; the padded row lives on for the
  // replicated bottom row, expanded while mob.0 computes row 28.
  EXPECT_EQ(s.buffer("input.rows").last_step, step("rnn_model row 28"));
  EXPECT_EQ(s.buffer("conv.band").last_step, step("rnn_model row 28"));
  EXPECT_EQ(s.buffer("rnn_pad.row").last_step, step("mob.0 row 28"));
  EXPECT_EQ(s.buffer("mob.3.expand.ring").first_step, step("mob.3.expand row 0"));
  EXPECT_EQ(s.buffer("head.3.window").first_step, step("head.3.window row 0"));
  EXPECT_EQ(s.buffer("detect.candidates").first_step, step("head.0 row 0"));
  EXPECT_EQ(s.buffer("detect.candidates").last_step, int(s.steps.size()) - 1);
  // Every output row of every stage is a step exactly once.
  for (int k = 0; k < 4; ++k)
    for (int y = 0; y < s.geometry.head_in[k].h; ++y)
      EXPECT_EQ(std::count(s.steps.begin(), s.steps.end(),
                           "head." + std::to_string(k) + " row " + std::to_string(y)),
                1);
}

TEST(StreamingSchedule, PlacementNeverOverlapsLiveBuffers) {
  for (Shape in : {Shape{240, 320, 1}, Shape{120, 160, 1}}) {
    const StreamingSchedule s = make_streaming_schedule(make_rnnpool_face_m4(in));
    for (StreamDType dt : {StreamDType::F32, StreamDType::I8}) {
      const StreamPlacement p = place_stream_buffers(s, dt);
      for (std::size_t i = 0; i < s.buffers.size(); ++i) {
        EXPECT_EQ(p.offsets[i] % 4, 0u);
        EXPECT_LE(p.offsets[i] + s.buffers[i].bytes(dt), p.arena_bytes);
        for (std::size_t j = i + 1; j < s.buffers.size(); ++j) {
          const auto &a = s.buffers[i], &b = s.buffers[j];
          const bool same_time = a.first_step <= b.last_step && b.first_step <= a.last_step;
          const bool same_space = p.offsets[i] < p.offsets[j] + b.bytes(dt) &&
                                  p.offsets[j] < p.offsets[i] + a.bytes(dt);
          EXPECT_FALSE(same_time && same_space) << a.name << " / " << b.name;
        }
      }
    }
  }
}

TEST(StreamingSchedule, RejectsOtherGraphsWithTheOffendingLayer) {
  Graph g = make_rnnpool_face_m4();
  g.find("mob.2.dw")->name = "mob.2.depthwise";
  EXPECT_NE(invalid_argument_message([&] { make_streaming_schedule(g); }).find("mob.2"),
            std::string::npos);
  Graph other;
  other.input_shape = {32, 32, 1};
  other.layers.push_back(
      zoo_detail::conv_layer("stem", "input", 4, 3, 1, 1, 1, Activation::ReLU6, "stem"));
  EXPECT_NE(invalid_argument_message([&] { make_streaming_schedule(other); }).find("'conv'"),
            std::string::npos);
}

TEST(StreamingExecutorErrors, NeedsWeightsAndTheScheduledInputSize) {
  const Graph empty = make_rnnpool_face_m4();
  EXPECT_NE(invalid_argument_message([&] { StreamingExecutor e(empty); }).find("weights"),
            std::string::npos);
  Graph g = make_rnnpool_face_m4();
  test::fill_random_weights(g, 1);
  StreamingExecutor e(g);
  EXPECT_NE(invalid_argument_message([&] {
              e.run(Tensor({120, 160, 1}));
            }).find("120"),
            std::string::npos);
  EXPECT_NE(invalid_argument_message([&] { e.output("loc.9"); }).find("loc.9"), std::string::npos);
}

} // namespace
} // namespace rnnpool
