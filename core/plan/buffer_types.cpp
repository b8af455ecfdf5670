// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/plan/buffer_types.h"

namespace rnnpool {

const char *dtype_name(PlanDType dtype) {
  return dtype == PlanDType::F32 ? "f32" : "i8";
}

std::size_t activation_element_bytes(PlanDType dtype) {
  return dtype == PlanDType::F32 ? 4 : 1;
}

std::size_t state_element_bytes(PlanDType dtype) {
  return dtype == PlanDType::F32 ? 4 : 2;
}

const char *buffer_kind_name(BufferKind kind) {
  switch (kind) {
  case BufferKind::Tensor: return "tensor";
  case BufferKind::Scratch: return "scratch";
  case BufferKind::State: return "state";
  }
  return "unknown";
}

} // namespace rnnpool
