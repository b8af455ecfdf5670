// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/tensor/tensor.h"

namespace rnnpool {

std::string Shape::to_string() const {
  return std::to_string(w) + "x" + std::to_string(h) + "x" + std::to_string(c);
}

} // namespace rnnpool
