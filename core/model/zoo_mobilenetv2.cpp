// SPDX-License-Identifier: GPL-3.0-or-later
// MobileNetV2 (Sandler et al. 2018, width 1.0, 224x224x3, 1000 classes) and the paper's
// MobileNetV2-RNNPool (RNNPool paper Table 10). Layer names follow torchvision's
// "features.{i}" numbering of the base network so weights could be mapped later.
#include "core/model/zoo.h"

namespace rnnpool {

using namespace zoo_detail;

namespace {

struct Bottleneck {
  int t, c, n, s; // expansion, output channels, repeats, first stride (MobileNetV2 Table 2)
};

// Appends the bottleneck stages as blocks "features.{index}..."; returns the last tensor's name.
std::string add_bottlenecks(Graph &g, std::string x, int &in_channels, int &index,
                            std::initializer_list<Bottleneck> stages) {
  for (const Bottleneck &b : stages) {
    for (int i = 0; i < b.n; ++i) {
      x = add_mbconv(g, "features." + std::to_string(index++), x, in_channels, b.t, b.c,
                     i == 0 ? b.s : 1);
      in_channels = b.c;
    }
  }
  return x;
}

// conv 1x1 to 1280 + ReLU6, global average pool, FC to the classes.
void add_classifier_tail(Graph &g, const std::string &x, int index) {
  const std::string last = "features." + std::to_string(index);
  g.layers.push_back(conv_layer(last, x, 1280, 1, 1, 0, 1, Activation::ReLU6, last));
  g.layers.push_back(Layer{"pool", OpKind::GlobalAvgPool, {last}, NoParams{}, "classifier"});
  FullyConnectedParams fc;
  fc.out_features = 1000;
  g.layers.push_back(Layer{"classifier", OpKind::FullyConnected, {"pool"}, fc, "classifier"});
  g.outputs = {"classifier"};
}

} // namespace

Graph make_mobilenetv2() {
  Graph g;
  g.architecture = "mobilenetv2";
  g.input_shape = {224, 224, 3};
  g.layers.push_back(
      conv_layer("features.0", "input", 32, 3, 2, 1, 1, Activation::ReLU6, "features.0"));
  int channels = 32, index = 1;
  const std::string x = add_bottlenecks(g, "features.0", channels, index,
                                        {{1, 16, 1, 1},
                                         {6, 24, 2, 2},
                                         {6, 32, 3, 2},
                                         {6, 64, 4, 2},
                                         {6, 96, 3, 1},
                                         {6, 160, 3, 2},
                                         {6, 320, 1, 1}});
  add_classifier_tail(g, x, index);
  return g;
}

Graph make_mobilenetv2_rnnpool() {
  Graph g;
  g.architecture = "mobilenetv2-rnnpool";
  g.input_shape = {224, 224, 3};
  g.layers.push_back(
      conv_layer("features.0", "input", 32, 3, 2, 1, 1, Activation::ReLU6, "features.0"));
  // 112x112x32 -> RNNPool 6/4 gives (112-6)/4+1 = 27x27x64, replicate-padded to 28x28x64: the
  // resolution the base network reaches after the stages RNNPool replaces (its first three).
  g.layers.push_back(Layer{
      "rnn_model", OpKind::RNNPool, {"features.0"}, rnnpool_params(6, 4, 32, 16, 16), "rnnpool"});
  g.layers.push_back(
      Layer{"rnn_pad", OpKind::ReplicatePad, {"rnn_model"}, ReplicatePadParams{1, 1}, "rnnpool"});
  int channels = 64, index = 1;
  const std::string x =
      add_bottlenecks(g, "rnn_pad", channels, index,
                      {{6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}});
  add_classifier_tail(g, x, index);
  return g;
}

} // namespace rnnpool
