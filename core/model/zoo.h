// SPDX-License-Identifier: GPL-3.0-or-later
// Built-in architectures. Graphs come without weights (enough for analysis and planning); a model
// file loader fills them in.
#pragma once

#include "core/model/graph.h"

#include <string>
#include <vector>

namespace rnnpool {

// RNNPool-Face-M4 (spec section 2) for a grayscale input of the given size (default 320x240).
// Layer names follow the reference state_dict: "conv", "rnn_model", "rnn_pad",
// "mob.{i}.expand|dw|project|add", "L2Norm3_3", "L2Norm4_3", "L2Norm5_3", "loc.{k}", "conf.{k}".
// Outputs: loc.0, conf.0, loc.1, conf.1, loc.2, conf.2, loc.3, conf.3.
Graph make_rnnpool_face_m4(Shape input = {240, 320, 1});

// The detection sources feeding head k (0..3), in order.
std::vector<std::string> rnnpool_face_m4_sources();

// MobileNetV2 for ImageNet: 224x224x3 input, width 1.0, 1000 classes, batch norm folded.
Graph make_mobilenetv2();

// MobileNetV2-RNNPool (RNNPool paper Table 10): conv 3x3/2 to 112x112x32, RNNPool patch 6 stride 4
// (h1 = h2 = 16) replicate-padded to 28x28x64, then MobileNetV2's last four stages, conv 1x1 to
// 1280, global average pool, FC 1000.
Graph make_mobilenetv2_rnnpool();

// Names accepted by make_zoo_model(): "rnnpool-face-m4", "mobilenetv2", "mobilenetv2-rnnpool".
std::vector<std::string> zoo_model_names();

// A zoo architecture by name; throws std::invalid_argument listing the known names otherwise.
Graph make_zoo_model(const std::string &name);

namespace zoo_detail {
// Appends an MBConv (inverted residual) block: 1x1 expand + ReLU6 (omitted when t == 1),
// 3x3 depthwise (stride s) + ReLU6, 1x1 project, residual add when s == 1 and in == out.
// Returns the name of the block's output tensor.
std::string add_mbconv(Graph &g, const std::string &block, const std::string &input,
                       int in_channels, int expansion, int out_channels, int stride);
Layer conv_layer(const std::string &name, const std::string &input, int out_channels, int kernel,
                 int stride, int pad, int groups, Activation act, const std::string &block);
// RNNPool over `in_channels` with RNN1 k -> hidden1 and RNN2 hidden1 -> hidden2 (no weights).
RNNPoolParams rnnpool_params(int patch, int stride, int in_channels, int hidden1, int hidden2);
} // namespace zoo_detail

} // namespace rnnpool
