// SPDX-License-Identifier: GPL-3.0-or-later
// A model is an ordered list of layers over named tensors. The same structure serves analysis
// (shapes, bytes, params, MAdds: weights may be empty) and execution (weights filled in by a
// model file loader, batch norm already folded into the convolutions).
#pragma once

#include "core/tensor/tensor.h"

#include <map>
#include <string>
#include <variant>
#include <vector>

namespace rnnpool {

enum class OpKind {
  Conv2d,        // stride, padding, groups (depthwise when groups == in == out), fused activation
  Add,           // residual add of two tensors of one shape
  L2Norm,        // x / (||x||_2 over channels + 1e-10) * scale[c]
  RNNPool,       // spec section 1
  ReplicatePad,  // replicate rows at the bottom, columns at the right
  GlobalAvgPool, // HxWxC -> 1x1xC
  FullyConnected // 1x1xIn -> 1x1xOut
};
const char *op_name(OpKind op);

enum class Activation { None, ReLU6 };

struct Conv2dParams {
  int out_channels = 0;
  int kernel = 1; // square kernels only (all the zoo needs)
  int stride = 1;
  int pad = 0; // symmetric zero padding
  int groups = 1;
  Activation activation = Activation::None;
  // weight: [out][kh][kw][in/groups] ("OHWI", sequential for HWC inputs); bias: [out].
  // Batch norm is folded in at load time, so every executable conv has a bias.
  std::vector<float> weight;
  std::vector<float> bias;
  // Set by fold_batch_norm for a 1x1 conv whose folded bias cancels most of its output (a batch
  // norm with a large mean x scale): the input's per-channel centre (solved from the batch
  // norm's running means) and the bias for centred inputs (bias + weight . centre, in double).
  // conv2d then computes weight . (x - centre) + centred_bias: the same function, but its float
  // sums stay small, so their rounding is not amplified by the batch norm's scale.
  std::vector<float> input_centre;
  std::vector<float> centred_bias;
};

// FastGRNN (spec section 1). W and U keep PyTorch's orientation: pre = x@W + h@U.
struct FastGRNNCell {
  int input_size = 0;
  int hidden_size = 0;
  std::vector<float> W;           // [input][hidden]
  std::vector<float> U;           // [hidden][hidden]
  std::vector<float> bias_gate;   // [hidden]  (reference name: bias_gate, EdgeML Bg)
  std::vector<float> bias_update; // [hidden]  (reference name: bias_update, EdgeML Bh)
  float zeta = 0.0f;              // raw; the cell uses sigmoid(zeta)
  float nu = 0.0f;                // raw; the cell uses sigmoid(nu)
};

struct RNNPoolParams {
  int patch = 8;     // P x P patches
  int stride = 4;    // no padding
  FastGRNNCell rnn1; // k -> h1, sweeps rows and columns of a patch
  FastGRNNCell rnn2; // h1 -> h2, bidirectional over the summaries
};

struct ReplicatePadParams {
  int bottom = 0;
  int right = 0;
};

struct L2NormParams {
  std::vector<float> scale; // [c]; size c when executable
};

struct FullyConnectedParams {
  int out_features = 0;
  std::vector<float> weight; // [out][in]
  std::vector<float> bias;   // [out]
};

struct NoParams {};

using LayerParams = std::variant<NoParams, Conv2dParams, RNNPoolParams, ReplicatePadParams,
                                 L2NormParams, FullyConnectedParams>;

struct Layer {
  std::string name; // unique; also the name of its output tensor
  OpKind op = OpKind::Conv2d;
  std::vector<std::string> inputs; // tensor names: the graph input or earlier layers' names
  LayerParams params;
  std::string block; // the architectural block it belongs to ("mob.0"), for grouping in views

  const std::string &output() const { return name; }
};

struct Graph {
  std::string architecture; // zoo name, e.g. "rnnpool-face-m4"
  std::string input_name = "input";
  Shape input_shape;
  std::vector<Layer> layers;
  std::vector<std::string> outputs; // graph outputs in order (face model: loc.0, conf.0, ...)

  const Layer *find(const std::string &layer_name) const;
  Layer *find(const std::string &layer_name);
};

} // namespace rnnpool
