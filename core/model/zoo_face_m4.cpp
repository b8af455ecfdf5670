// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/zoo.h"

namespace rnnpool {

using namespace zoo_detail;

Graph make_rnnpool_face_m4(Shape input) {
  Graph g;
  g.architecture = "rnnpool-face-m4";
  g.input_shape = input;
  g.layers.push_back(conv_layer("conv", "input", 4, 3, 2, 1, 1, Activation::ReLU6, "conv"));

  g.layers.push_back(
      Layer{"rnn_model", OpKind::RNNPool, {"conv"}, rnnpool_params(8, 4, 4, 16, 16), "rnnpool"});
  g.layers.push_back(
      Layer{"rnn_pad", OpKind::ReplicatePad, {"rnn_model"}, ReplicatePadParams{1, 1}, "rnnpool"});

  // (in, out, stride) per block; expansion t = 2 throughout (spec section 2).
  const std::string s1 = add_mbconv(g, "mob.0", "rnn_pad", 64, 2, 32, 1);
  const std::string s2 = add_mbconv(g, "mob.1", s1, 32, 2, 32, 1);
  const std::string s3 = add_mbconv(g, "mob.2", s2, 32, 2, 64, 2);
  add_mbconv(g, "mob.3", s3, 64, 2, 64, 1); // source 4: "mob.3.add"

  const struct {
    const char *name;
    std::string input;
  } norms[] = {{"L2Norm3_3", s1}, {"L2Norm4_3", s2}, {"L2Norm5_3", s3}};
  for (const auto &n : norms)
    g.layers.push_back(Layer{n.name, OpKind::L2Norm, {n.input}, L2NormParams{}, "l2norm"});

  const std::vector<std::string> sources = rnnpool_face_m4_sources();
  const int score_channels[] = {4, 2, 2, 2}; // head 1: 3 background + 1 face ("max-out")
  for (int k = 0; k < 4; ++k) {
    const std::string loc = "loc." + std::to_string(k), conf = "conf." + std::to_string(k);
    g.layers.push_back(conv_layer(loc, sources[k], 4, 3, 1, 1, 1, Activation::None, "head"));
    g.layers.push_back(
        conv_layer(conf, sources[k], score_channels[k], 3, 1, 1, 1, Activation::None, "head"));
    g.outputs.push_back(loc);
    g.outputs.push_back(conf);
  }
  return g;
}

std::vector<std::string> rnnpool_face_m4_sources() {
  return {"L2Norm3_3", "L2Norm4_3", "L2Norm5_3", "mob.3.add"};
}

} // namespace rnnpool
