// SPDX-License-Identifier: GPL-3.0-or-later
// Building blocks shared by the zoo architectures (declared in zoo.h, namespace zoo_detail).
#include "core/model/zoo.h"

namespace rnnpool::zoo_detail {

Layer conv_layer(const std::string &name, const std::string &input, int out_channels, int kernel,
                 int stride, int pad, int groups, Activation act, const std::string &block) {
  Conv2dParams p;
  p.out_channels = out_channels;
  p.kernel = kernel;
  p.stride = stride;
  p.pad = pad;
  p.groups = groups;
  p.activation = act;
  return Layer{name, OpKind::Conv2d, {input}, p, block};
}

std::string add_mbconv(Graph &g, const std::string &block, const std::string &input,
                       int in_channels, int expansion, int out_channels, int stride) {
  const int hidden = in_channels * expansion;
  std::string x = input;
  if (expansion != 1) {
    g.layers.push_back(
        conv_layer(block + ".expand", x, hidden, 1, 1, 0, 1, Activation::ReLU6, block));
    x = block + ".expand";
  }
  g.layers.push_back(
      conv_layer(block + ".dw", x, hidden, 3, stride, 1, hidden, Activation::ReLU6, block));
  g.layers.push_back(conv_layer(block + ".project", block + ".dw", out_channels, 1, 1, 0, 1,
                                Activation::None, block));
  if (stride == 1 && in_channels == out_channels) {
    g.layers.push_back(
        Layer{block + ".add", OpKind::Add, {input, block + ".project"}, NoParams{}, block});
    return block + ".add";
  }
  return block + ".project";
}

RNNPoolParams rnnpool_params(int patch, int stride, int in_channels, int hidden1, int hidden2) {
  RNNPoolParams p;
  p.patch = patch;
  p.stride = stride;
  p.rnn1.input_size = in_channels;
  p.rnn1.hidden_size = hidden1;
  p.rnn2.input_size = hidden1;
  p.rnn2.hidden_size = hidden2;
  return p;
}

} // namespace rnnpool::zoo_detail
