// SPDX-License-Identifier: GPL-3.0-or-later
// What a memory plan is made of: element types, buffers with lifetimes over the execution steps.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace rnnpool {

// f32: every activation and state float32. i8: the quantized model's convention until the
// fixed-point work fixes per-layer types: int8 activations, int16 RNN state.
enum class PlanDType { F32, I8 };
const char *dtype_name(PlanDType dtype);
std::size_t activation_element_bytes(PlanDType dtype);
std::size_t state_element_bytes(PlanDType dtype);

enum class BufferKind {
  Tensor,  // a layer output (or the graph input) that is resident whole
  Scratch, // a kernel's temporary workspace, live during its layer only
  State    // values carried across a kernel's inner steps (RNN states, ring buffers)
};
const char *buffer_kind_name(BufferKind kind);

// One buffer and the inclusive range of steps it must stay resident for.
struct BufferLifetime {
  std::string name;
  BufferKind kind = BufferKind::Tensor;
  std::size_t bytes = 0;
  int first_step = 0;
  int last_step = 0;

  bool live_at(int step) const { return first_step <= step && step <= last_step; }
  bool overlaps_in_time(const BufferLifetime &o) const {
    return first_step <= o.last_step && o.first_step <= last_step;
  }
};

// The steps of one execution (one per layer for whole-layer strategies; a streaming strategy
// will use one per band) and every buffer's lifetime over them.
struct Liveness {
  std::vector<std::string> steps; // what runs at each step (a layer name)
  std::vector<BufferLifetime> buffers;
};

} // namespace rnnpool
