// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/host_mbconv.h"

#include <Eigen/Core>
#include <stdexcept>
#include <string>

namespace rnnpool::quant {
namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Largest input depth for which every partial sum of int8 x int8 products is exact in float32.
constexpr std::int32_t kExactDepth = (1 << 24) / (128 * 128);

void check(rp_status st, const char *what) {
  if (st != RP_OK)
    throw std::runtime_error(std::string("host mbconv: ") + what + " failed (status " +
                             std::to_string(st) + ")");
}

// rp_depthwise3x3_s8 on a whole tensor with the channel loop innermost (the device's order has it
// outermost), so the compiler vectorises across channels; integer sums, so the same bytes.
void depthwise3x3(const rp_conv_t &p, const std::int8_t *in, std::int8_t *out,
                  std::vector<std::int32_t> &acc) {
  const int C = p.in_c;
  acc.resize(std::size_t(C));
  for (int oy = 0; oy < p.out_h; ++oy) {
    const int iy0 = oy * p.stride - p.pad;
    for (int ox = 0; ox < p.out_w; ++ox, out += C) {
      const int ix0 = ox * p.stride - p.pad;
      std::int32_t *a = acc.data();
      for (int c = 0; c < C; ++c)
        a[c] = p.rq.bias[c];
      for (int ky = 0; ky < 3; ++ky) {
        const int iy = iy0 + ky;
        if (iy < 0 || iy >= p.in_h) continue;
        for (int kx = 0; kx < 3; ++kx) {
          const int ix = ix0 + kx;
          if (ix < 0 || ix >= p.in_w) continue;
          const std::int8_t *x = in + (std::size_t(iy) * p.in_w + ix) * C;
          const std::int8_t *w = p.weights + std::size_t(ky * 3 + kx) * C;
          for (int c = 0; c < C; ++c)
            a[c] += std::int32_t(x[c]) * std::int32_t(w[c]);
        }
      }
      for (int c = 0; c < C; ++c)
        out[c] = std::int8_t(rp_clamp(rp_requantize(a[c], p.rq.multiplier[c], p.rq.shift[c]),
                                      p.rq.act_min, p.rq.act_max));
    }
  }
}

} // namespace

ExactPointwise::ExactPointwise(const rp_conv_t &p) : p_(p) {
  if (!p.weights || !p.rq.bias || !p.rq.multiplier || !p.rq.shift || p.in_c <= 0 || p.out_c <= 0 ||
      p.input_offset != 0)
    throw std::invalid_argument("exact pointwise: unusable parameters (" + std::to_string(p.in_c) +
                                " -> " + std::to_string(p.out_c) + " channels)");
  exact_float_ = p.in_c <= kExactDepth;
  weights_.resize(std::size_t(p.in_c) * p.out_c);
  for (std::int32_t oc = 0; oc < p.out_c; ++oc)
    for (std::int32_t ic = 0; ic < p.in_c; ++ic)
      weights_[std::size_t(ic) * p.out_c + oc] = float(p.weights[std::size_t(oc) * p.in_c + ic]);
}

void ExactPointwise::run(const std::int8_t *in, std::int32_t pixels, std::int8_t *out) {
  if (!exact_float_) {
    check(rp_pointwise_s8(&p_, in, pixels, out), "pointwise");
    return;
  }
  const std::size_t n_in = std::size_t(pixels) * p_.in_c, n_out = std::size_t(pixels) * p_.out_c;
  in_.resize(n_in);
  acc_.resize(n_out);
  for (std::size_t i = 0; i < n_in; ++i)
    in_[i] = float(in[i]);
  Eigen::Map<RowMat>(acc_.data(), pixels, p_.out_c).noalias() =
      Eigen::Map<const RowMat>(in_.data(), pixels, p_.in_c) *
      Eigen::Map<const RowMat>(weights_.data(), p_.in_c, p_.out_c);
  const rp_requant_t &rq = p_.rq;
  for (std::int32_t px = 0; px < pixels; ++px) {
    const float *a = acc_.data() + std::size_t(px) * p_.out_c;
    std::int8_t *o = out + std::size_t(px) * p_.out_c;
    for (std::int32_t oc = 0; oc < p_.out_c; ++oc) {
      const std::int32_t acc = std::int32_t(a[oc]) + rq.bias[oc]; // a[oc] is an exact integer
      o[oc] = std::int8_t(
          rp_clamp(rp_requantize(acc, rq.multiplier[oc], rq.shift[oc]), rq.act_min, rq.act_max));
    }
  }
}

HostMBConv::HostMBConv(const rp_mbconv_t &p)
    : p_(p), expand_(p.has_expand ? p.expand : p.project), project_(p.project) {
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
  depthwise3x3(p_.depthwise, hidden, depthwise_.data(), dw_acc_);
  project_.run(depthwise_.data(), out_px, out);
  if (p_.has_residual)
    check(rp_add_s8(&p_.residual, in, out, out, out_px * p_.out_c), "residual add");
}

} // namespace rnnpool::quant
