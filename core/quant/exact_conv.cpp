// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/exact_conv.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace rnnpool::quant {
namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void check(rp_status st, const char *what) {
  if (st != RP_OK)
    throw std::runtime_error(std::string("exact conv: ") + what + " failed (status " +
                             std::to_string(st) + ")");
}

} // namespace

ExactConv::ExactConv(const rp_conv_t &p) : p_(p) {
  if (!p.weights || !p.rq.bias || !p.rq.multiplier || !p.rq.shift || p.in_h <= 0 || p.in_w <= 0 ||
      p.in_c <= 0 || p.out_c <= 0 || p.kernel <= 0 || p.stride <= 0 || p.pad < 0 ||
      p.out_h != (p.in_h + 2 * p.pad - p.kernel) / p.stride + 1 ||
      p.out_w != (p.in_w + 2 * p.pad - p.kernel) / p.stride + 1)
    throw std::invalid_argument("exact conv: unusable parameters (" + std::to_string(p.kernel) +
                                "x" + std::to_string(p.kernel) + ", " + std::to_string(p.in_c) +
                                " -> " + std::to_string(p.out_c) + " channels)");
  const int K = p.kernel, cin = p.in_c, cout = p.out_c;
  weights_.resize(std::size_t(K) * K * cin * cout);
  for (int oc = 0; oc < cout; ++oc)
    for (int t = 0; t < K * K * cin; ++t) // OHWI: [oc][ky][kx][ci]
      weights_[std::size_t(t) * cout + oc] = float(p.weights[std::size_t(oc) * K * K * cin + t]);
}

bool ExactConv::uses_float_gemm(bool u8_input) const {
  // Largest |input term| times largest |weight| (128) times the terms of one output.
  const double x_max = u8_input ? 255.0 + std::abs(double(p_.input_offset))
                                : 128.0 + std::abs(double(p_.input_offset));
  return x_max * 128.0 * p_.kernel * p_.kernel * p_.in_c <= double(1 << 24);
}

template <typename In> void ExactConv::accumulate(const In *in) {
  const int K = p_.kernel, cin = p_.in_c, ow = p_.out_w;
  const std::size_t len = std::size_t(K) * K * cin, pixels = std::size_t(p_.out_h) * ow;
  cols_.resize(pixels * len);
  acc_.resize(pixels * p_.out_c);
  const float offset = float(p_.input_offset);
  float *dst = cols_.data();
  for (int oy = 0; oy < p_.out_h; ++oy)
    for (int ox = 0; ox < ow; ++ox)
      for (int ky = 0; ky < K; ++ky) {
        const int y = oy * p_.stride - p_.pad + ky;
        for (int kx = 0; kx < K; ++kx, dst += cin) {
          const int x = ox * p_.stride - p_.pad + kx;
          if (y < 0 || y >= p_.in_h || x < 0 || x >= p_.in_w) {
            std::fill_n(dst, cin, 0.0f); // padding taps contribute nothing on the device either
            continue;
          }
          const In *src = in + (std::size_t(y) * p_.in_w + x) * cin;
          for (int c = 0; c < cin; ++c)
            dst[c] = float(src[c]) + offset;
        }
      }
  Eigen::Map<RowMat>(acc_.data(), Eigen::Index(pixels), p_.out_c).noalias() =
      Eigen::Map<const RowMat>(cols_.data(), Eigen::Index(pixels), Eigen::Index(len)) *
      Eigen::Map<const RowMat>(weights_.data(), Eigen::Index(len), p_.out_c);
}

template <typename Out> void ExactConv::finish(Out *out) const {
  const rp_requant_t &rq = p_.rq;
  const std::size_t pixels = std::size_t(p_.out_h) * p_.out_w;
  for (std::size_t px = 0; px < pixels; ++px)
    for (int oc = 0; oc < p_.out_c; ++oc) {
      const std::int32_t acc = std::int32_t(acc_[px * p_.out_c + oc]) + rq.bias[oc];
      out[px * p_.out_c + oc] = Out(
          rp_clamp(rp_requantize(acc, rq.multiplier[oc], rq.shift[oc]), rq.act_min, rq.act_max));
    }
}

void ExactConv::run(const std::uint8_t *in, std::int8_t *out) {
  if (!uses_float_gemm(true)) {
    check(rp_conv_u8_s8(&p_, in, 0, p_.in_h, 0, p_.out_h, out), "rp_conv_u8_s8");
    return;
  }
  accumulate(in);
  finish(out);
}

void ExactConv::run(const std::int8_t *in, std::int16_t *out) {
  if (!uses_float_gemm(false)) {
    check(rp_conv_s8_s16(&p_, in, 0, p_.in_h, 0, p_.out_h, out), "rp_conv_s8_s16");
    return;
  }
  accumulate(in);
  finish(out);
}

} // namespace rnnpool::quant
