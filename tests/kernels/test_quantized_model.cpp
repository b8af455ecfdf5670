// SPDX-License-Identifier: GPL-3.0-or-later
// The whole quantized RNNPool-Face-M4 (random weights: no trained model is needed) against the
// float executor, its file round trip and digest, and the emitted C.
#include "core/model/executor.h"
#include "core/model/zoo.h"
#include "core/quant/emit_c.h"
#include "core/quant/quantized_executor.h"
#include "core/quant/quantized_model_file.h"
#include "tests/core/random_weights.h"

#include <cmath>
#include <gtest/gtest.h>
#include <random>

using namespace rnnpool;
using namespace rnnpool::quant;

namespace {

constexpr double kMean = 117.312;

// A smooth image with some texture, mean subtracted (what preprocessing gives the float model).
Tensor synthetic_input(Shape s, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  const float fx = 0.05f + 0.2f * u(rng), fy = 0.05f + 0.2f * u(rng), ph = 6.0f * u(rng);
  Tensor t(s);
  for (int y = 0; y < s.h; ++y)
    for (int x = 0; x < s.w; ++x) {
      const float v =
          128.0f + 90.0f * std::sin(fx * x + ph) * std::cos(fy * y) + 20.0f * (u(rng) - 0.5f);
      // The device sees whole pixels; give the float model the same pixels.
      t.at(y, x, 0) = std::clamp(std::round(v), 0.0f, 255.0f) - float(kMean);
    }
  return t;
}

class QuantizedFaceModel : public ::testing::Test {
protected:
  void SetUp() override {
    test::fill_random_weights(graph, 5);
    // Pixel-unit inputs: scale the first conv so its outputs are not all saturated at 6.
    auto &conv = std::get<Conv2dParams>(graph.find("conv")->params);
    for (float &w : conv.weight)
      w *= 0.02f;
    std::vector<Tensor> calibration;
    for (unsigned s = 0; s < 4; ++s)
      calibration.push_back(synthetic_input(graph.input_shape, s));
    model = quantize_face_model(graph, kMean, calibrate(graph, calibration));
  }
  Graph graph = make_rnnpool_face_m4({48, 64, 1});
  QuantizedModel model;
};

TEST_F(QuantizedFaceModel, HeadsFollowTheFloatModel) {
  Executor fexec(graph);
  QuantizedExecutor qexec(model);
  for (unsigned seed : {100u, 101u}) {
    const Tensor in = synthetic_input(graph.input_shape, seed);
    fexec.run(in);
    qexec.run(frame_from_input(in, kMean));
    for (const std::string name : {"rnn_model", "mob.0.project", "mob.3.add", "L2Norm3_3", "loc.0",
                                   "conf.0", "loc.3", "conf.3"}) {
      const Tensor &f = fexec.tensor(name);
      const Tensor q = qexec.dequantized(name);
      ASSERT_EQ(f.shape(), q.shape()) << name;
      double max_abs = 0, max_err = 0, sum_err = 0;
      for (std::size_t i = 0; i < f.size(); ++i) {
        max_abs = std::max(max_abs, double(std::fabs(f.data()[i])));
        max_err = std::max(max_err, double(std::fabs(f.data()[i] - q.data()[i])));
        sum_err += std::fabs(f.data()[i] - q.data()[i]);
      }
      std::printf("%-14s max|f| %8.4f  max err %8.4f (%.1f%%)  mean err %.4f\n", name.c_str(),
                  max_abs, max_err, 100 * max_err / max_abs, sum_err / double(f.size()));
      // Random weights, eight int8 layers deep: the heads stay within 10% of their range.
      EXPECT_LT(max_err, 0.10 * max_abs) << name;
    }
  }
}

TEST_F(QuantizedFaceModel, TypesWeightsAndLayerOrder) {
  EXPECT_EQ(model.tensor("input").type, "uint8");
  EXPECT_EQ(model.tensor("input").zero_point, 117);
  EXPECT_EQ(model.tensor("rnn_model").type, "int8");
  EXPECT_EQ(model.tensor("loc.2").type, "int16");
  const auto sizes = quantized_element_bytes(model);
  EXPECT_EQ(sizes.at("conv"), 1u);
  EXPECT_EQ(sizes.at("conf.1"), 2u);
  // Weights are input-size independent: the full model fits the 100 KiB budget.
  EXPECT_LE(model.weight_bytes(), 100u * 1024u);
  QuantizedExecutor q(model);
  q.run(frame_from_input(synthetic_input(graph.input_shape, 3), kMean));
  std::vector<std::string> names;
  for (const auto &o : q.outputs())
    names.push_back(o.name);
  const std::vector<std::string> expect = {
      "conv",      "rnn_model", "rnn_pad",   "mob.0.project", "mob.1.add", "mob.2.project",
      "mob.3.add", "L2Norm3_3", "L2Norm4_3", "L2Norm5_3",     "loc.0",     "conf.0",
      "loc.1",     "conf.1",    "loc.2",     "conf.2",        "loc.3",     "conf.3"};
  EXPECT_EQ(names, expect);
  EXPECT_THROW(q.run(std::vector<std::uint8_t>(10)), std::invalid_argument);
}

TEST_F(QuantizedFaceModel, FileRoundTripKeepsDigestAndOutputs) {
  const std::string text = quantized_model_to_json(model);
  const QuantizedModel back = quantized_model_from_json(text, "memory");
  EXPECT_EQ(back.digest(), model.digest());
  QuantizedExecutor a(model), b(back);
  const auto frame = frame_from_input(synthetic_input(graph.input_shape, 9), kMean);
  a.run(frame);
  b.run(frame);
  for (std::size_t i = 0; i < a.outputs().size(); ++i)
    EXPECT_EQ(a.outputs()[i].crc32(), b.outputs()[i].crc32()) << a.outputs()[i].name;
  // An edited file is refused with a one-line reason.
  std::string edited = text;
  const auto at = edited.find("\"bias\": [");
  ASSERT_NE(at, std::string::npos);
  edited.insert(at + 9, "1");
  EXPECT_THROW(quantized_model_from_json(edited, "edited"), std::runtime_error);
  EXPECT_THROW(quantized_model_from_json("{}", "empty"), std::runtime_error);
}

TEST_F(QuantizedFaceModel, EmittedCNamesTheDigestAndTheModel) {
  const EmittedC c = emit_c(model);
  char digest[16];
  std::snprintf(digest, sizeof digest, "0x%08xu", model.digest());
  EXPECT_NE(c.header.find(digest), std::string::npos);
  EXPECT_NE(c.source.find("const rp_face_model_t rp_face_model"), std::string::npos);
  EXPECT_NE(c.source.find("static const int16_t rnn1_w"), std::string::npos);
}

} // namespace
