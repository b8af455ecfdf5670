// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/exact_conv.h"

namespace rnnpool::quant {

ExactConv::ExactConv(const rp_conv_t &p) : conv_({p}) {}

bool ExactConv::uses_host_kernel(bool u8_input) const {
  return conv_.exact_for(u8_input);
}

void ExactConv::run(const std::uint8_t *in, std::int8_t *out) {
  conv_.run(in, &out);
}

void ExactConv::run(const std::int8_t *in, std::int16_t *out) {
  conv_.run(in, &out);
}

} // namespace rnnpool::quant
