// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/host_mbconv.h"

#include "core/quant/simd_requant.h"

#include <stdexcept>
#include <string>

namespace rnnpool::quant {
namespace {

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
#if defined(__AVX2__)
  // The clamp bounds are int8, so the saturating packs after it change nothing.
  bool vector_rq = p.rq.act_min >= -128 && p.rq.act_max <= 127;
  std::vector<RequantLanes> rq;
  for (int c = 0; c + 8 <= C; c += 8) {
    for (int l = 0; l < 8; ++l)
      vector_rq = vector_rq && requant_shift_ok(p.rq.shift[c + l]);
    rq.push_back(requant_lanes(p.rq.multiplier + c, p.rq.shift + c));
  }
#endif
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
      int c = 0;
#if defined(__AVX2__)
      if (vector_rq) {
        const __m256i lo = _mm256_set1_epi32(p.rq.act_min), hi = _mm256_set1_epi32(p.rq.act_max);
        for (; c + 8 <= C; c += 8) {
          const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(a + c));
          const __m256i r = _mm256_min_epi32(_mm256_max_epi32(requantize8(v, rq[c / 8]), lo), hi);
          const __m128i w =
              _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
          _mm_storel_epi64(reinterpret_cast<__m128i *>(out + c), _mm_packs_epi16(w, w));
        }
      }
#endif
      for (; c < C; ++c)
        out[c] = std::int8_t(rp_clamp(rp_requantize(a[c], p.rq.multiplier[c], p.rq.shift[c]),
                                      p.rq.act_min, p.rq.act_max));
    }
  }
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
