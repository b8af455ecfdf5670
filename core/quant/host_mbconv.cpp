// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/host_mbconv.h"

#include <stdexcept>
#include <string>

namespace rnnpool::quant {
namespace {

void check(rp_status st, const char *what) {
  if (st != RP_OK)
    throw std::runtime_error(std::string("host mbconv: ") + what + " failed (status " +
                             std::to_string(st) + ")");
}

// The block's pointwise views carry real sizes, but only channels matter for a 1x1 conv: PairConv
// sees a 1x1 image and gets the pixel count per run.
rp_conv_t pointwise_view(const rp_conv_t &p) {
  if (!p.weights || !p.rq.bias || !p.rq.multiplier || !p.rq.shift || p.in_c <= 0 || p.out_c <= 0 ||
      p.input_offset != 0)
    throw std::invalid_argument("exact pointwise: unusable parameters (" + std::to_string(p.in_c) +
                                " -> " + std::to_string(p.out_c) + " channels)");
  rp_conv_t v = p;
  v.in_h = v.in_w = v.out_h = v.out_w = 1;
  v.kernel = v.stride = 1;
  v.pad = 0;
  return v;
}

} // namespace

ExactPointwise::ExactPointwise(const rp_conv_t &p) : conv_({pointwise_view(p)}) {}

void ExactPointwise::run(const std::int8_t *in, std::int32_t pixels, std::int8_t *out) {
  conv_.run(in, &out, pixels);
}

HostMBConv::HostMBConv(const rp_mbconv_t &p)
    : p_(p), expand_(p.has_expand ? p.expand : p.project), depthwise3x3_(p.depthwise),
      project_(p.project) {
  if (p.in_h <= 0 || p.in_w <= 0 || p.in_c <= 0 || p.hidden_c <= 0 || p.out_c <= 0 ||
      (p.has_expand && (p.expand.in_c != p.in_c || p.expand.out_c != p.hidden_c)) ||
      (!p.has_expand && p.hidden_c != p.in_c) || p.project.in_c != p.hidden_c ||
      p.project.out_c != p.out_c || p.depthwise.in_c != p.hidden_c || p.depthwise.kernel != 3 ||
      p.depthwise.pad != 1 || p.depthwise.stride != p.stride || p.depthwise.in_h != p.in_h ||
      p.depthwise.in_w != p.in_w || p.depthwise.out_h != rp_mbconv_out_h(&p) ||
      p.depthwise.out_w != rp_mbconv_out_w(&p) || !p.depthwise.weights || !p.depthwise.rq.bias ||
      !p.depthwise.rq.multiplier || !p.depthwise.rq.shift ||
      (p.has_residual && (p.stride != 1 || p.in_c != p.out_c)))
    throw std::invalid_argument("host mbconv: inconsistent block (" + std::to_string(p.in_c) +
                                " -> " + std::to_string(p.hidden_c) + " -> " +
                                std::to_string(p.out_c) + " channels)");
}

void HostMBConv::run(const std::int8_t *in, std::int8_t *out) {
  const std::int32_t in_px = p_.in_h * p_.in_w;
  const std::int32_t out_h = rp_mbconv_out_h(&p_), out_px = out_h * rp_mbconv_out_w(&p_);
  const std::int8_t *hidden = in;
  if (p_.has_expand) {
    hidden_.resize(std::size_t(in_px) * p_.hidden_c);
    expand_.run(in, in_px, hidden_.data());
    hidden = hidden_.data();
  }
  depthwise_.resize(std::size_t(out_px) * p_.hidden_c);
  depthwise3x3_.run(hidden, depthwise_.data());
  project_.run(depthwise_.data(), out_px, out);
  if (p_.has_residual)
    check(rp_add_s8(&p_.residual, in, out, out, out_px * p_.out_c), "residual add");
}

} // namespace rnnpool::quant
