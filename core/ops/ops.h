// SPDX-License-Identifier: GPL-3.0-or-later
// Float32 reference operators over HWC tensors. `out` is resized by the callee (its allocation is
// reused across calls). Weights come from the layer parameters in core/model/graph.h.
#pragma once

#include "core/model/graph.h"

namespace rnnpool {

// Convolution with stride, symmetric zero padding and groups (depthwise when groups == channels),
// bias and fused activation.
void conv2d(const Tensor &in, const Conv2dParams &p, Tensor &out);

void add(const Tensor &a, const Tensor &b, Tensor &out);

// out = in / (||in||_2 over channels + 1e-10) * scale[c]
void l2norm(const Tensor &in, const L2NormParams &p, Tensor &out);

void replicate_pad(const Tensor &in, const ReplicatePadParams &p, Tensor &out);
void global_avg_pool(const Tensor &in, Tensor &out);
void fully_connected(const Tensor &in, const FullyConnectedParams &p, Tensor &out);

// One FastGRNN step in place: h <- cell(x, h). `scratch` holds 2 * hidden_size floats.
void fastgrnn_step(const FastGRNNCell &cell, const float *x, float *h, float *scratch);

// Floats of scratch rnnpool_patch needs (CMSIS-NN style: the caller owns every buffer).
std::size_t rnnpool_patch_scratch_floats(const RNNPoolParams &p, int rows, int cols);

// One RNNPool patch (spec section 1): rows x cols pixels of `channels` values each; pixel (r, c)
// starts at patch[r * row_stride + c * channels]. Writes 4 * h2 floats to out.
void rnnpool_patch(const RNNPoolParams &p, const float *patch, int rows, int cols, int channels,
                   std::ptrdiff_t row_stride, float *out, float *scratch);

// RNNPool as a layer: P x P patches at stride S, no padding.
void rnnpool_layer(const Tensor &in, const RNNPoolParams &p, Tensor &out);

} // namespace rnnpool
