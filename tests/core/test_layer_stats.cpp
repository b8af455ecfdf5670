// SPDX-License-Identifier: GPL-3.0-or-later
// Library numbers of the per-layer analysis against independent counts written here: plain loops
// over each architecture's published layer table, not the zoo graphs.
#include "core/analysis/layer_stats.h"
#include "core/model/zoo.h"

#include <cstdint>
#include <cstdio>
#include <gtest/gtest.h>

using namespace rnnpool;

namespace {

// An independent MobileNetV2-style counter: feature map size, channels and running totals.
struct Counter {
  std::int64_t h, w, c;
  std::int64_t params = 0, madds = 0;

  void conv(std::int64_t out, std::int64_t k, std::int64_t stride, bool depthwise = false) {
    const std::int64_t in_per_group = depthwise ? 1 : c;
    h = (h + 2 * (k / 2) - k) / stride + 1;
    w = (w + 2 * (k / 2) - k) / stride + 1;
    params += out * k * k * in_per_group + out; // folded batch norm: one bias per channel
    madds += h * w * out * k * k * in_per_group;
    c = out;
  }
  void bottleneck(std::int64_t t, std::int64_t out, std::int64_t n, std::int64_t s) {
    for (std::int64_t i = 0; i < n; ++i) {
      const std::int64_t hidden = c * t;
      if (t != 1) conv(hidden, 1, 1);
      conv(hidden, 3, i == 0 ? s : 1, true);
      conv(out, 1, 1);
    }
  }
  void classifier_tail() {
    conv(1280, 1, 1);
    params += 1280 * 1000 + 1000;
    madds += 1280 * 1000;
  }
  // RNNPool on the current map; patch P, stride S, RNN1 c -> h1, RNN2 h1 -> h2.
  void rnnpool(std::int64_t P, std::int64_t S, std::int64_t h1, std::int64_t h2) {
    const std::int64_t patches = ((h - P) / S + 1) * ((w - P) / S + 1);
    std::int64_t per_patch = 0;
    for (int pass = 0; pass < 2; ++pass) // rows, then columns
      for (std::int64_t seq = 0; seq < P; ++seq)
        for (std::int64_t step = 0; step < P; ++step)
          per_patch += c * h1 + h1 * h1;
    for (int seq = 0; seq < 4; ++seq) // RNN2: 2 directions x (row, column) summaries
      for (std::int64_t step = 0; step < P; ++step)
        per_patch += h1 * h2 + h2 * h2;
    madds += patches * per_patch;
    params += (c * h1 + h1 * h1 + 2 * h1 + 2) + (h1 * h2 + h2 * h2 + 2 * h2 + 2);
    h = (h - P) / S + 1;
    w = (w - P) / S + 1;
    c = 4 * h2;
  }
};

const LayerStats &layer(const GraphStats &s, const std::string &name) {
  for (const LayerStats &l : s.layers)
    if (l.name == name) return l;
  throw std::out_of_range(name);
}

} // namespace

TEST(LayerStats, MobileNetV2MatchesIndependentCountAndStandardNumbers) {
  Counter ref{224, 224, 3};
  ref.conv(32, 3, 2);
  ref.bottleneck(1, 16, 1, 1);
  ref.bottleneck(6, 24, 2, 2);
  ref.bottleneck(6, 32, 3, 2);
  ref.bottleneck(6, 64, 4, 2);
  ref.bottleneck(6, 96, 3, 1);
  ref.bottleneck(6, 160, 3, 2);
  ref.bottleneck(6, 320, 1, 1);
  ref.classifier_tail();

  const GraphStats s = analyze_graph(make_mobilenetv2());
  std::printf("mobilenetv2: params %llu, MAdds %llu\n", (unsigned long long)s.total_params,
              (unsigned long long)s.total_madds);
  EXPECT_EQ(s.total_params, std::uint64_t(ref.params));
  EXPECT_EQ(s.total_madds, std::uint64_t(ref.madds));
  EXPECT_GE(s.total_params, 3'400'000u);
  EXPECT_LE(s.total_params, 3'600'000u);
  EXPECT_NEAR(double(s.total_madds), 300e6, 0.03 * 300e6);
  EXPECT_EQ(layer(s, "features.18").output_shape.to_string(), "7x7x1280");
  EXPECT_EQ(layer(s, "classifier").output_shape.to_string(), "1x1x1000");
  // Block 1 has t = 1: no expand layer, no residual (32 -> 16 channels).
  EXPECT_EQ(s.layers[1].name, "features.1.dw");
}

TEST(LayerStats, MobileNetV2RNNPoolFollowsTable10) {
  Counter ref{224, 224, 3};
  ref.conv(32, 3, 2);
  ref.rnnpool(6, 4, 16, 16);
  ASSERT_EQ(ref.h, 27);
  ref.h = ref.w = 28; // replicate pad: no parameters, no MAdds
  ref.bottleneck(6, 64, 4, 2);
  ref.bottleneck(6, 96, 3, 1);
  ref.bottleneck(6, 160, 3, 2);
  ref.bottleneck(6, 320, 1, 1);
  ref.classifier_tail();

  const GraphStats s = analyze_graph(make_mobilenetv2_rnnpool());
  std::printf("mobilenetv2-rnnpool: params %llu, MAdds %llu\n", (unsigned long long)s.total_params,
              (unsigned long long)s.total_madds);
  EXPECT_EQ(s.total_params, std::uint64_t(ref.params));
  EXPECT_EQ(s.total_madds, std::uint64_t(ref.madds));
  // The independent estimate: about 265M MAdds and 3.49M parameters (the latter counts
  // batch norm unfolded, one parameter more per channel; folded we count 3.47M).
  EXPECT_NEAR(double(s.total_madds), 265e6, 0.01 * 265e6);
  EXPECT_NEAR(double(s.total_params), 3.49e6, 0.01 * 3.49e6);

  const LayerStats &pool = layer(s, "rnn_model");
  EXPECT_EQ(pool.output_shape.to_string(), "27x27x64");
  EXPECT_EQ(layer(s, "rnn_pad").output_shape.to_string(), "28x28x64");
  // Per patch: 72 RNN1 steps of 32*16 + 16*16 and 24 RNN2 steps of 16*16 + 16*16; 729 patches.
  EXPECT_EQ(pool.madds, 729u * (72u * 768u + 24u * 512u));
  EXPECT_EQ(pool.params, (32u * 16 + 256 + 32 + 2) + (256u + 256 + 32 + 2));
}

TEST(LayerStats, FaceM4CountsMatchSpec) {
  const GraphStats s = analyze_graph(make_rnnpool_face_m4());
  std::printf("rnnpool-face-m4: params %llu, MAdds %llu (RNNPool %llu)\n",
              (unsigned long long)s.total_params, (unsigned long long)s.total_madds,
              (unsigned long long)layer(s, "rnn_model").madds);
  // 29 x 39 patches of (128 steps x (4*16 + 16*16) + 32 steps x (16*16 + 16*16)).
  EXPECT_EQ(layer(s, "rnn_model").madds, 29u * 39u * (128u * 320u + 32u * 512u));
  EXPECT_EQ(layer(s, "rnn_model").params, (4u * 16 + 256 + 32 + 2) + (256u + 256 + 32 + 2));
  EXPECT_EQ(layer(s, "conv").params, 4u * 9u + 4u);
  EXPECT_EQ(layer(s, "conv").madds, 160u * 120u * 4u * 9u);
  EXPECT_EQ(layer(s, "mob.0.dw").params, 128u * 9u + 128u);
  EXPECT_EQ(layer(s, "L2Norm5_3").params, 64u);
  EXPECT_EQ(layer(s, "L2Norm5_3").madds, 0u);
  EXPECT_EQ(layer(s, "mob.1.add").params, 0u);
  EXPECT_EQ(layer(s, "conf.0").madds, 40u * 30u * 4u * 9u * 32u);
  EXPECT_EQ(layer(s, "rnn_pad").output_bytes(kInt8Bytes), 76'800u);
  EXPECT_EQ(layer(s, "rnn_pad").output_bytes(kFloat32Bytes), 307'200u);
  EXPECT_EQ(s.total_madds, 103'313'664u); // spec section 4: the dense model is ~103M
  EXPECT_EQ(s.total_params, 55'366u);
  EXPECT_EQ(s.max_activation_layer, "mob.0.expand");
  EXPECT_EQ(s.max_activation_elements, 40u * 30u * 128u);
}

TEST(LayerStats, FullyConnectedAndGroupedConvCounts) {
  Graph g;
  g.input_shape = {4, 4, 8};
  g.layers.push_back(
      zoo_detail::conv_layer("grouped", "input", 6, 3, 1, 1, 2, Activation::None, "b"));
  g.layers.push_back(Layer{"gap", OpKind::GlobalAvgPool, {"grouped"}, NoParams{}, "b"});
  FullyConnectedParams fc;
  fc.out_features = 5;
  g.layers.push_back(Layer{"fc", OpKind::FullyConnected, {"gap"}, fc, "b"});
  const GraphStats s = analyze_graph(g);
  EXPECT_EQ(s.layers[0].params, 6u * 9u * 4u + 6u); // 8 inputs in 2 groups: 4 per filter
  EXPECT_EQ(s.layers[0].madds, 4u * 4u * 6u * 9u * 4u);
  EXPECT_EQ(s.layers[1].madds, 0u);
  EXPECT_EQ(s.layers[2].params, 6u * 5u + 5u);
  EXPECT_EQ(s.layers[2].madds, 30u);
  EXPECT_EQ(s.total_params, s.layers[0].params + s.layers[2].params);
}

TEST(LayerStats, InconsistentGraphNamesTheLayer) {
  Graph g;
  g.input_shape = {4, 4, 8};
  g.layers.push_back(
      zoo_detail::conv_layer("broken", "missing", 6, 3, 1, 1, 1, Activation::None, "b"));
  try {
    analyze_graph(g);
    FAIL();
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find("broken"), std::string::npos);
  }
}
