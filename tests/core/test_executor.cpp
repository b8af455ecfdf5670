// SPDX-License-Identifier: GPL-3.0-or-later
// The executor on the zoo face model with random weights: every tensor present with its inferred
// shape, finite, and equal to running the operator directly; bad graphs and inputs rejected.
#include "core/model/executor.h"
#include "core/model/shape_inference.h"
#include "core/model/zoo.h"
#include "core/ops/ops.h"
#include "tests/core/random_weights.h"

#include <algorithm>
#include <cmath>
#include <functional>
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

bool all_finite(const Tensor &t) {
  for (float v : t.values())
    if (!std::isfinite(v)) return false;
  return true;
}

std::string invalid_argument_message(const std::function<void()> &f) {
  try {
    f();
  } catch (const std::invalid_argument &e) {
    return e.what();
  }
  return "(no std::invalid_argument thrown)";
}

class FaceModelExecutor : public ::testing::Test {
protected:
  void SetUp() override { test::fill_random_weights(graph, 42); }
  Graph graph = make_rnnpool_face_m4();
};

TEST_F(FaceModelExecutor, RunsWholeModelWithInferredShapesAndFiniteValues) {
  Executor exec(graph);
  const Tensor input = random_image({240, 320, 1}, 7);
  exec.run(input);
  const auto shapes = infer_shapes(graph);
  ASSERT_EQ(graph.outputs.size(), 8u);
  for (const std::string &name : graph.outputs) {
    const Tensor &t = exec.tensor(name);
    EXPECT_EQ(t.shape(), shapes.at(name)) << name;
    EXPECT_TRUE(all_finite(t)) << name;
  }
  // Spot-check the head shapes against spec section 2 (W x H x C printed as h, w, c here).
  EXPECT_EQ(exec.tensor("loc.0").shape(), (Shape{30, 40, 4}));
  EXPECT_EQ(exec.tensor("conf.0").shape(), (Shape{30, 40, 4}));
  EXPECT_EQ(exec.tensor("conf.1").shape(), (Shape{30, 40, 2}));
  EXPECT_EQ(exec.tensor("loc.3").shape(), (Shape{15, 20, 4}));
  for (const Layer &layer : graph.layers) {
    EXPECT_EQ(exec.tensor(layer.name).shape(), shapes.at(layer.name)) << layer.name;
    EXPECT_TRUE(all_finite(exec.tensor(layer.name))) << layer.name;
  }
  EXPECT_EQ(exec.layer_ms().size(), graph.layers.size());
  for (double ms : exec.layer_ms())
    EXPECT_GE(ms, 0.0);
  // The outputs are not degenerate (random weights still give varied scores).
  const auto &conf = exec.tensor("conf.0").values();
  EXPECT_NE(*std::min_element(conf.begin(), conf.end()),
            *std::max_element(conf.begin(), conf.end()));
}

TEST_F(FaceModelExecutor, LayerResultsEqualDirectOperatorCalls) {
  Executor exec(graph);
  const Tensor input = random_image({240, 320, 1}, 8);
  exec.run(input);
  EXPECT_EQ(exec.tensor("input").values(), input.values());
  Tensor conv, pooled, padded, sum;
  conv2d(input, std::get<Conv2dParams>(graph.find("conv")->params), conv);
  EXPECT_EQ(exec.tensor("conv").values(), conv.values());
  rnnpool_layer(conv, std::get<RNNPoolParams>(graph.find("rnn_model")->params), pooled);
  EXPECT_EQ(exec.tensor("rnn_model").values(), pooled.values());
  replicate_pad(pooled, ReplicatePadParams{1, 1}, padded);
  EXPECT_EQ(exec.tensor("rnn_pad").values(), padded.values());
  add(exec.tensor("mob.0.project"), exec.tensor("mob.1.project"), sum);
  EXPECT_EQ(exec.tensor("mob.1.add").values(), sum.values());
}

TEST_F(FaceModelExecutor, SecondRunWithOtherInputGivesFreshResults) {
  Executor exec(graph);
  exec.run(random_image({240, 320, 1}, 1));
  const std::vector<float> first = exec.tensor("loc.2").values();
  exec.run(random_image({240, 320, 1}, 2));
  EXPECT_NE(exec.tensor("loc.2").values(), first);
  exec.run(random_image({240, 320, 1}, 1));
  EXPECT_EQ(exec.tensor("loc.2").values(), first);
}

TEST_F(FaceModelExecutor, MissingWeightNamesLayerAndArray) {
  std::get<Conv2dParams>(graph.find("mob.1.dw")->params).weight.clear();
  const std::string msg = invalid_argument_message([&] { Executor exec(graph); });
  EXPECT_NE(msg.find("mob.1.dw"), std::string::npos) << msg;
  EXPECT_NE(msg.find("weight"), std::string::npos) << msg;
}

TEST_F(FaceModelExecutor, MissingRNNWeightNamesLayerAndArray) {
  std::get<RNNPoolParams>(graph.find("rnn_model")->params).rnn2.bias_update.resize(3);
  const std::string msg = invalid_argument_message([&] { Executor exec(graph); });
  EXPECT_NE(msg.find("rnn_model"), std::string::npos) << msg;
  EXPECT_NE(msg.find("bias_update"), std::string::npos) << msg;
}

TEST_F(FaceModelExecutor, MissingL2NormScaleAndBiasRejected) {
  std::get<L2NormParams>(graph.find("L2Norm4_3")->params).scale.clear();
  EXPECT_NE(invalid_argument_message([&] { Executor exec(graph); }).find("L2Norm4_3"),
            std::string::npos);
  test::fill_random_weights(graph, 42);
  std::get<Conv2dParams>(graph.find("conf.3")->params).bias.clear();
  EXPECT_NE(invalid_argument_message([&] { Executor exec(graph); }).find("conf.3"),
            std::string::npos);
}

TEST_F(FaceModelExecutor, MismatchedParamsRejected) {
  graph.find("rnn_pad")->params = NoParams{};
  EXPECT_NE(invalid_argument_message([&] { Executor exec(graph); }).find("rnn_pad"),
            std::string::npos);
}

TEST_F(FaceModelExecutor, WrongInputShapeAndUnknownTensorRejected) {
  Executor exec(graph);
  EXPECT_THROW(exec.run(random_image({320, 240, 1}, 1)), std::invalid_argument);
  EXPECT_THROW(exec.tensor("no.such.layer"), std::invalid_argument);
}

TEST(Executor, RunsSmallerInputSizes) {
  Graph g = make_rnnpool_face_m4({120, 160, 1});
  test::fill_random_weights(g, 3);
  Executor exec(g);
  exec.run(random_image({120, 160, 1}, 4));
  EXPECT_EQ(exec.tensor("loc.3").shape(), infer_shapes(g).at("loc.3"));
  EXPECT_TRUE(all_finite(exec.tensor("conf.3")));
}

} // namespace
} // namespace rnnpool
