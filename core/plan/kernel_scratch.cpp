// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/plan/kernel_scratch.h"

namespace rnnpool {
namespace {

bool is_pointwise(const Conv2dParams &p) {
  return p.kernel == 1 && p.stride == 1 && p.pad == 0 && p.groups == 1;
}

} // namespace

std::size_t conv2d_scratch_bytes(const Conv2dParams &p, const Shape &in, PlanDType dtype) {
  if (is_pointwise(p)) return 0;
  const std::size_t window = std::size_t(p.kernel) * std::size_t(p.kernel);
  const bool depthwise = p.groups > 1 && p.groups == in.c;
  if (depthwise) return dtype == PlanDType::I8 ? std::size_t(in.c) * window * 2 : 0;
  const std::size_t per_group = std::size_t(in.c / p.groups);
  return dtype == PlanDType::I8 ? 2 * per_group * window * 2 : per_group * window * 4;
}

std::size_t rnnpool_scratch_bytes(const RNNPoolParams &p, PlanDType dtype) {
  return 2 * std::size_t(p.patch) * std::size_t(p.rnn1.hidden_size) * state_element_bytes(dtype);
}

std::size_t rnnpool_state_bytes(const RNNPoolParams &p, PlanDType dtype) {
  return std::size_t(p.rnn1.hidden_size + p.rnn2.hidden_size) * state_element_bytes(dtype);
}

std::size_t global_avg_pool_scratch_bytes(const Shape &in, PlanDType dtype) {
  return dtype == PlanDType::I8 ? std::size_t(in.c) * 4 : 0;
}

KernelWorkspace layer_workspace(const Layer &layer, std::span<const Shape> inputs,
                                PlanDType dtype) {
  switch (layer.op) {
  case OpKind::Conv2d:
    return {conv2d_scratch_bytes(std::get<Conv2dParams>(layer.params), inputs[0], dtype), 0};
  case OpKind::RNNPool: {
    const auto &p = std::get<RNNPoolParams>(layer.params);
    return {rnnpool_scratch_bytes(p, dtype), rnnpool_state_bytes(p, dtype)};
  }
  case OpKind::GlobalAvgPool: return {global_avg_pool_scratch_bytes(inputs[0], dtype), 0};
  case OpKind::Add:
  case OpKind::L2Norm:
  case OpKind::ReplicatePad:
  case OpKind::FullyConnected: return {};
  }
  return {};
}

} // namespace rnnpool
