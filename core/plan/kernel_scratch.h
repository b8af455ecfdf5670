// SPDX-License-Identifier: GPL-3.0-or-later
// Workspace each kernel declares, from shapes alone, the way CMSIS-NN's *_get_buffer_size()
// functions do, so a memory plan can reserve it. i8 sizes follow the CMSIS-NN DSP (Cortex-M4)
// kernels; f32 sizes describe the host's float kernels.
#pragma once

#include "core/model/graph.h"
#include "core/plan/buffer_types.h"

#include <cstddef>
#include <span>

namespace rnnpool {

// Regular k x k convolution (k > 1, groups == 1): i8 im2col of two output pixels as int16
// (arm_convolve_s8_get_buffer_size: 2 * in_c * k * k * 2); f32 one pixel's im2col. Pointwise (1x1,
// stride 1, no padding) needs none (arm_convolve_1x1_s8_fast); depthwise i8 needs in_c * k * k
// int16 (arm_depthwise_conv_s8_opt_get_buffer_size), f32 none.
std::size_t conv2d_scratch_bytes(const Conv2dParams &p, const Shape &in, PlanDType dtype);

// RNNPool: the P row summaries and P column summaries of RNN1 for the current patch (state type).
std::size_t rnnpool_scratch_bytes(const RNNPoolParams &p, PlanDType dtype);

// RNNPool: the running hidden states of RNN1 (h1) and RNN2 (h2) (state type).
std::size_t rnnpool_state_bytes(const RNNPoolParams &p, PlanDType dtype);

// Global average pooling: i8 sums per channel in int32 (arm_avgpool_s8_get_buffer_size); f32
// accumulates in the output.
std::size_t global_avg_pool_scratch_bytes(const Shape &in, PlanDType dtype);

struct KernelWorkspace {
  std::size_t scratch_bytes = 0; // live while the layer runs
  std::size_t state_bytes = 0;   // carried across the kernel's inner loop
};

// Dispatches on the layer's op; add, L2Norm (per pixel, in registers), replicate pad and fully
// connected (arm_fully_connected_s8_get_buffer_size is 0) declare none.
KernelWorkspace layer_workspace(const Layer &layer, std::span<const Shape> inputs, PlanDType dtype);

} // namespace rnnpool
