// SPDX-License-Identifier: GPL-3.0-or-later
// The integer streaming executor (core/kernels/rp_face_stream.c, the firmware's) against the
// whole-tensor quantized executor: every layer digest and head output bit-identical, for several
// frame sizes and frames, pushed in any chunking; its arena equal to the streaming plan's i8
// arena buffer by buffer; its integer head decoding against the float decoding.
#include "core/model/zoo.h"
#include "core/plan/memory_plan.h"
#include "core/quant/quantized_executor.h"
#include "core/quant/quantized_streaming_executor.h"
#include "core/stream/stream_candidates.h"
#include "core/stream/streaming_schedule.h"
#include "tests/core/random_weights.h"

#include <cmath>
#include <cstring>
#include <gtest/gtest.h>
#include <random>

using namespace rnnpool;
using namespace rnnpool::quant;

namespace {

constexpr double kMean = 117.312;

Tensor synthetic_input(Shape s, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  const float fx = 0.05f + 0.2f * u(rng), fy = 0.05f + 0.2f * u(rng), ph = 6.0f * u(rng);
  Tensor t(s);
  for (int y = 0; y < s.h; ++y)
    for (int x = 0; x < s.w; ++x) {
      const float v =
          128.0f + 90.0f * std::sin(fx * x + ph) * std::cos(fy * y) + 20.0f * (u(rng) - 0.5f);
      t.at(y, x, 0) = std::clamp(std::round(v), 0.0f, 255.0f) - float(kMean);
    }
  return t;
}

std::vector<std::uint8_t> frame_of(Shape s, unsigned seed) {
  return frame_from_input(synthetic_input(s, seed), kMean);
}

class FaceStream : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    Graph graph = make_rnnpool_face_m4({48, 64, 1});
    test::fill_random_weights(graph, 5);
    auto &conv = std::get<Conv2dParams>(graph.find("conv")->params);
    for (float &w : conv.weight)
      w *= 0.02f;
    std::vector<Tensor> calibration;
    for (unsigned s = 0; s < 4; ++s)
      calibration.push_back(synthetic_input(graph.input_shape, s));
    model_ = new QuantizedModel(quantize_face_model(graph, kMean, calibrate(graph, calibration)));
  }
  static void TearDownTestSuite() {
    delete model_;
    model_ = nullptr;
  }
  static inline QuantizedModel *model_ = nullptr;
};

// Every layer's CRC and size, and the head outputs, equal the whole-tensor executor's.
void expect_same_as_whole_tensor(const QuantizedModel &base, Shape shape, unsigned seed,
                                 std::size_t chunk) {
  const QuantizedModel m = with_input_shape(base, shape);
  const auto frame = frame_of(shape, seed);
  QuantizedExecutor whole(m);
  whole.run(frame);
  const QuantizedStreamingExecutor stream(m);
  const StreamingRun run = stream.run(frame, shape.h, shape.w, chunk);
  ASSERT_EQ(whole.outputs().size(), std::size_t(RP_STREAM_LAYERS));
  for (int i = 0; i < RP_STREAM_LAYERS; ++i) {
    const QuantizedLayerOutput &o = whole.outputs()[std::size_t(i)];
    EXPECT_EQ(o.name, stream_layer_name(i));
    EXPECT_EQ(run.bytes[std::size_t(i)], o.bytes.size()) << o.name << " at " << shape.to_string();
    EXPECT_EQ(run.crc[std::size_t(i)], o.crc32()) << o.name << " at " << shape.to_string();
  }
  for (int k = 0; k < RP_FACE_HEADS; ++k) {
    const auto &loc = whole.output("loc." + std::to_string(k)).bytes;
    const auto &conf = whole.output("conf." + std::to_string(k)).bytes;
    ASSERT_EQ(run.loc[k].size() * 2, loc.size());
    ASSERT_EQ(run.conf[k].size() * 2, conf.size());
    EXPECT_EQ(std::memcmp(run.loc[k].data(), loc.data(), loc.size()), 0) << "loc." << k;
    EXPECT_EQ(std::memcmp(run.conf[k].data(), conf.data(), conf.size()), 0) << "conf." << k;
  }
}

TEST_F(FaceStream, BitIdenticalToWholeTensorAtSeveralSizes) {
  for (Shape s : {Shape{48, 64, 1}, Shape{97, 131, 1}, Shape{64, 72, 1}, Shape{240, 320, 1}})
    for (unsigned seed : {11u, 12u})
      expect_same_as_whole_tensor(*model_, s, seed, 0);
}

TEST_F(FaceStream, ChunkingDoesNotChangeTheResult) {
  // The device receives arbitrary chunks; rows complete in the middle of them.
  for (std::size_t chunk : {1u, 7u, 333u, 2040u})
    expect_same_as_whole_tensor(*model_, {48, 64, 1}, 13, chunk);
}

TEST_F(FaceStream, ArenaIsTheStreamingPlanBufferByBuffer) {
  for (Shape s : {Shape{48, 64, 1}, Shape{97, 131, 1}, Shape{240, 320, 1}}) {
    const QuantizedModel m = with_input_shape(*model_, s);
    const QuantizedStreamingExecutor stream(m);
    const rp_face_stream_layout_t l = stream.layout(s.h, s.w);
    const Graph g = make_rnnpool_face_m4(s);
    const StreamingSchedule schedule = make_streaming_schedule(g);
    ASSERT_EQ(schedule.buffers.size(), std::size_t(RP_STREAM_BUFFERS));
    for (int i = 0; i < RP_STREAM_BUFFERS; ++i)
      EXPECT_EQ(std::size_t(l.bytes[i]), schedule.buffers[std::size_t(i)].i8_bytes)
          << schedule.buffers[std::size_t(i)].name << " at " << s.to_string();
    const MemoryPlan plan = make_memory_plan(g, PlanStrategy::Streaming, PlanDType::I8);
    // The executor places every buffer side by side: the plan's arena whenever the pipeline
    // fills (every buffer live at the peak, as at 320x240); a frame too small for that (64x48:
    // the input band is gone before the last head starts) gets the plain sum, above the plan.
    EXPECT_EQ(std::size_t(l.arena_bytes), schedule.total_bytes(StreamDType::I8));
    if (schedule.peak_bytes(StreamDType::I8) == schedule.total_bytes(StreamDType::I8))
      EXPECT_EQ(std::size_t(l.arena_bytes), plan.arena_bytes) << s.to_string();
    else
      EXPECT_GT(std::size_t(l.arena_bytes), plan.arena_bytes) << s.to_string();
    // What the run really touches (painted arena) is the whole layout.
    const StreamingRun run = stream.run(frame_of(s, 3), s.h, s.w);
    EXPECT_EQ(run.arena_high_water, std::size_t(l.arena_bytes)) << s.to_string();
    std::printf("[ measure ] %dx%d: plan %zu B, layout %d B, painted high-water %zu B\n", s.w, s.h,
                plan.arena_bytes, l.arena_bytes, run.arena_high_water);
  }
}

TEST_F(FaceStream, DetectionsFollowTheFloatDecodingOfTheSameHeads) {
  const Shape s{240, 320, 1};
  const QuantizedModel m = with_input_shape(*model_, s);
  const auto frame = frame_of(s, 21);
  QuantizedExecutor whole(m);
  whole.run(frame);
  const QuantizedStreamingExecutor stream(m);
  const StreamingRun run = stream.run(frame, s.h, s.w);
  ASSERT_FALSE(run.detections.empty()) << "random model: expected candidates above 0.05";
  CandidateDecoder dec;
  for (int k = 0; k < 4; ++k) {
    const rp_conv_t &head = m.view().loc[k];
    dec.head_h[k] = head.out_h;
    dec.head_w[k] = head.out_w;
  }
  float prev_score = 2.0f;
  for (const rp_face_detection_t &d : run.detections) {
    int k = 0, idx = d.prior;
    while (idx >= dec.head_h[k] * dec.head_w[k]) {
      idx -= dec.head_h[k] * dec.head_w[k];
      ++k;
    }
    const Tensor loc = whole.dequantized("loc." + std::to_string(k));
    const Tensor conf = whole.dequantized("conf." + std::to_string(k));
    const int y = idx / dec.head_w[k], x = idx % dec.head_w[k];
    float ref[kCandidateFloats];
    const bool kept = dec.decode(k, y, x, loc.pixel(y, x), conf.pixel(y, x), conf.c(), ref);
    const float score = float(d.score_q15) / 32768.0f;
    EXPECT_NEAR(score, ref[0], 1e-3) << "prior " << d.prior;
    EXPECT_TRUE(kept || ref[0] > 0.049f);
    const float box[4] = {float(d.x1) / 16 / s.w, float(d.y1) / 16 / s.h, float(d.x2) / 16 / s.w,
                          float(d.y2) / 16 / s.h};
    for (int c = 0; c < 4; ++c) // within a quarter pixel of the float decoding
      EXPECT_NEAR(box[c] * (c % 2 ? s.h : s.w), ref[1 + c] * (c % 2 ? s.h : s.w), 0.25)
          << "prior " << d.prior << " coordinate " << c;
    EXPECT_LE(score, prev_score) << "detections best first";
    prev_score = score;
  }
  // NMS: no two kept boxes overlap by more than IoU 0.3.
  for (std::size_t i = 0; i < run.detections.size(); ++i)
    for (std::size_t j = i + 1; j < run.detections.size(); ++j) {
      const auto &a = run.detections[i], &b = run.detections[j];
      const double iw = std::min(a.x2, b.x2) - std::max(a.x1, b.x1);
      const double ih = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
      if (iw <= 0 || ih <= 0) continue;
      const double inter = iw * ih;
      const double uni =
          double(a.x2 - a.x1) * (a.y2 - a.y1) + double(b.x2 - b.x1) * (b.y2 - b.y1) - inter;
      EXPECT_LE(inter / uni, 0.3 + 1e-6) << i << " vs " << j;
    }
  std::printf("[ measure ] 320x240 random model: %zu detections after NMS\n",
              run.detections.size());
}

TEST(FaceStreamExp, IntegerExpFollowsExp) {
  double worst = 0;
  for (int v = -6 * 4096; v <= 6 * 4096; v += 7) {
    const double ref = std::exp(v / 4096.0) * 65536.0;
    // Relative error, beside the output's own rounding (1 LSB of Q16 for small values).
    worst = std::max(worst, (std::fabs(rp_exp_q12_q16(v) - ref) - 1.0) / ref);
  }
  std::printf("[ measure ] rp_exp_q12_q16 max relative error over [-6, 6]: %.2e (+1 LSB)\n", worst);
  EXPECT_LT(worst, 1e-3);
  EXPECT_GT(rp_exp_q12_q16(1 << 30), 0) << "clamped, no overflow";
  EXPECT_GE(rp_exp_q12_q16(-(1 << 30)), 0);
}

TEST_F(FaceStream, BadFramesAreRefusedWithoutCrashing) {
  const QuantizedStreamingExecutor stream(*model_);
  EXPECT_THROW(stream.layout(10, 10), std::invalid_argument); // no RNNPool row fits
  const std::vector<std::uint8_t> frame(48 * 64, 100);
  EXPECT_THROW(stream.run(frame, 48, 63), std::invalid_argument);
  rp_face_stream_t s;
  std::vector<std::uint32_t> small(16);
  const rp_face_model_t k = model_->view();
  const rp_face_decode_t d = stream.decode();
  EXPECT_EQ(rp_face_stream_begin(&s, &k, &d, 48, 64, 64, small.data(), 64), RP_ERR_ARG);
  std::vector<std::uint32_t> arena(stream.layout(48, 64).arena_bytes / 4);
  ASSERT_EQ(rp_face_stream_begin(&s, &k, &d, 48, 64, 64, arena.data(), int(arena.size() * 4)),
            RP_OK);
  EXPECT_EQ(rp_face_stream_push(&s, frame.data(), 100), RP_OK);
  std::int32_t n = 0;
  rp_face_detection_t out[4];
  EXPECT_EQ(rp_face_stream_finish(&s, out, 4, &n), RP_ERR_ROWS) << "frame incomplete";
  EXPECT_EQ(rp_face_stream_push(&s, frame.data(), int(frame.size())), RP_ERR_ARG)
      << "more pixels than the frame holds";
}

} // namespace
