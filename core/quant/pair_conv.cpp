// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/pair_conv.h"

#include "core/quant/simd_requant.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace rnnpool::quant {
namespace {

void check(rp_status st, const char *what) {
  if (st != RP_OK)
    throw std::runtime_error(std::string("pair conv: ") + what + " failed (status " +
                             std::to_string(st) + ")");
}

bool same_geometry(const rp_conv_t &a, const rp_conv_t &b) {
  return a.in_h == b.in_h && a.in_w == b.in_w && a.in_c == b.in_c && a.out_h == b.out_h &&
         a.out_w == b.out_w && a.kernel == b.kernel && a.stride == b.stride && a.pad == b.pad &&
         a.input_offset == b.input_offset;
}

// Where one output pixel's kernel rows start in the padded image, and how to walk them.
struct Geometry {
  int K, stride, C, out_w;
  std::size_t row; // int16 values per padded image row
  int pairs, vectors;
  const std::int16_t *image;
  const std::int16_t *base(std::size_t px) const {
    const std::size_t oy = px / std::size_t(out_w), ox = px % std::size_t(out_w);
    return image + oy * std::size_t(stride) * row + ox * std::size_t(stride) * std::size_t(C);
  }
};

#if defined(__AVX2__)
// Accumulators of PX output pixels (bias first) for every 8-lane group, G groups at a time so
// PX * G accumulators stay in registers; then requantized and clamped into lanes[p][...].
template <int PX, int G>
void pixels_avx2(const Geometry &g, std::size_t px0, const std::int16_t *weights,
                 const std::int32_t *bias, const RequantLanes *rq, const std::int32_t *lo,
                 const std::int32_t *hi, std::int32_t *lanes) {
  const std::int16_t *base[PX];
  for (int p = 0; p < PX; ++p)
    base[p] = g.base(px0 + std::size_t(p));
  const std::size_t lane_count = std::size_t(g.vectors) * 8;
  for (int v0 = 0; v0 < g.vectors; v0 += G) {
    __m256i acc[PX][G];
    for (int v = 0; v < G; ++v) {
      const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(bias + 8 * (v0 + v)));
      for (int p = 0; p < PX; ++p)
        acc[p][v] = b;
    }
    for (int ky = 0; ky < g.K; ++ky) {
      const std::int16_t *x[PX];
      for (int p = 0; p < PX; ++p)
        x[p] = base[p] + std::size_t(ky) * g.row;
      const std::int16_t *w = weights + (std::size_t(ky) * g.pairs * g.vectors + v0) * 16;
      for (int pr = 0; pr < g.pairs; ++pr, w += std::size_t(g.vectors) * 16) {
        __m256i b[PX];
        for (int p = 0; p < PX; ++p) {
          std::int32_t pair;
          std::memcpy(&pair, x[p] + 2 * pr, sizeof pair);
          b[p] = _mm256_set1_epi32(pair);
        }
        for (int v = 0; v < G; ++v) {
          const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(w + 16 * v));
          for (int p = 0; p < PX; ++p)
            acc[p][v] = _mm256_add_epi32(acc[p][v], _mm256_madd_epi16(wv, b[p]));
        }
      }
    }
    for (int v = 0; v < G; ++v) {
      const int lane = 8 * (v0 + v);
      const __m256i l = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(lo + lane));
      const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(hi + lane));
      for (int p = 0; p < PX; ++p) {
        const __m256i r =
            _mm256_min_epi32(_mm256_max_epi32(requantize8(acc[p][v], rq[v0 + v]), l), h);
        _mm256_storeu_si256(reinterpret_cast<__m256i *>(lanes + p * lane_count + lane), r);
      }
    }
  }
}
#endif

// The same integers with plain loops (hosts without AVX2).
void pixel_portable(const Geometry &g, std::size_t px, const std::int16_t *weights,
                    const std::int32_t *bias, const std::int32_t *mul, const std::int32_t *shift,
                    const std::int32_t *lo, const std::int32_t *hi, std::int32_t *lanes) {
  const int n = g.vectors * 8;
  for (int l = 0; l < n; ++l)
    lanes[l] = bias[l];
  const std::int16_t *base = g.base(px);
  for (int ky = 0; ky < g.K; ++ky) {
    const std::int16_t *x = base + std::size_t(ky) * g.row;
    const std::int16_t *w = weights + std::size_t(ky) * g.pairs * n * 2;
    for (int pr = 0; pr < g.pairs; ++pr, w += std::size_t(n) * 2) {
      const std::int32_t x0 = x[2 * pr], x1 = x[2 * pr + 1];
      for (int l = 0; l < n; ++l)
        lanes[l] += w[2 * l] * x0 + w[2 * l + 1] * x1;
    }
  }
  for (int l = 0; l < n; ++l)
    lanes[l] = rp_clamp(rp_requantize(lanes[l], mul[l], shift[l]), lo[l], hi[l]);
}

} // namespace

PairConv::PairConv(const std::vector<rp_conv_t> &parts) : parts_(parts) {
  if (parts.empty()) throw std::invalid_argument("pair conv: no convolution given");
  const rp_conv_t &p = parts.front();
  int lanes = 0;
  for (const rp_conv_t &c : parts) {
    if (!c.weights || !c.rq.bias || !c.rq.multiplier || !c.rq.shift || c.in_h <= 0 || c.in_w <= 0 ||
        c.in_c <= 0 || c.out_c <= 0 || c.kernel <= 0 || c.stride <= 0 || c.pad < 0 ||
        c.out_h != (c.in_h + 2 * c.pad - c.kernel) / c.stride + 1 ||
        c.out_w != (c.in_w + 2 * c.pad - c.kernel) / c.stride + 1 || !same_geometry(c, p))
      throw std::invalid_argument("pair conv: unusable parameters (" + std::to_string(c.kernel) +
                                  "x" + std::to_string(c.kernel) + ", " + std::to_string(c.in_c) +
                                  " -> " + std::to_string(c.out_c) + " channels)");
    lane0_.push_back(lanes);
    lanes += c.out_c;
  }
  vectors_ = (lanes + 7) / 8;
  const int K = p.kernel, span = K * p.in_c;
  pairs_ = (span + 1) / 2;
  const std::size_t n = std::size_t(vectors_) * 8;
  bias_.assign(n, 0);
  mul_.assign(n, 1 << 30);
  shift_.assign(n, 0);
  act_min_.assign(n, 0);
  act_max_.assign(n, 0);
  weights_.assign(std::size_t(K) * pairs_ * n * 2, 0);
  lanes_.assign(n * 8, 0);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const rp_conv_t &c = parts[i];
    for (int oc = 0; oc < c.out_c; ++oc) {
      const std::size_t l = std::size_t(lane0_[i] + oc);
      bias_[l] = c.rq.bias[oc];
      mul_[l] = c.rq.multiplier[oc];
      shift_[l] = c.rq.shift[oc];
      shifts_ok_ = shifts_ok_ && requant_shift_ok(shift_[l]);
      act_min_[l] = c.rq.act_min;
      act_max_[l] = c.rq.act_max;
      for (int ky = 0; ky < K; ++ky)
        for (int j = 0; j < span; ++j) // OHWI: this kernel row's [kx][ci] run
          weights_[((std::size_t(ky) * pairs_ + j / 2) * n + l) * 2 + j % 2] =
              c.weights[(std::size_t(oc) * K + ky) * span + j];
    }
  }
#if defined(__AVX2__)
  if (shifts_ok_)
    for (int v = 0; v < vectors_; ++v)
      rq_.push_back(requant_lanes(mul_.data() + 8 * v, shift_.data() + 8 * v));
#endif
}

bool PairConv::exact_for(bool u8_input) const {
  const std::int32_t off = parts_.front().input_offset;
  const std::int32_t lo = (u8_input ? 0 : -128) + off, hi = (u8_input ? 255 : 127) + off;
  return shifts_ok_ && lo >= -32768 && hi <= 32767;
}

template <typename In> void PairConv::widen(const In *in, int in_h, int in_w) {
  const rp_conv_t &p = parts_.front();
  const int pad = p.pad, C = p.in_c, h = in_h + 2 * pad, w = in_w + 2 * pad;
  if (h != image_h_ || w != image_w_) { // the zero border is written once per size
    image_.assign(std::size_t(h) * w * C + 16, 0);
    image_h_ = h;
    image_w_ = w;
  }
  const std::int32_t off = p.input_offset;
  const std::size_t row = std::size_t(in_w) * C;
  for (int y = 0; y < in_h; ++y) {
    const In *src = in + std::size_t(y) * row;
    std::int16_t *dst = image_.data() + (std::size_t(y + pad) * w + pad) * C;
    for (std::size_t i = 0; i < row; ++i)
      dst[i] = std::int16_t(std::int32_t(src[i]) + off);
  }
}

template <typename Out>
void PairConv::store(const std::int32_t *lanes, Out *const *outs, std::size_t px) {
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    const int oc = parts_[i].out_c;
    const std::int32_t *src = lanes + lane0_[i];
    Out *dst = outs[i] + px * std::size_t(oc);
    for (int c = 0; c < oc; ++c) // clamped to the output type's range already
      dst[c] = Out(src[c]);
  }
}

template <typename In, typename Out>
void PairConv::run_impl(const In *in, Out *const *outs, std::int32_t pixels) {
  const rp_conv_t &p = parts_.front();
  if (!exact_for(std::is_same_v<In, std::uint8_t>)) {
    for (std::size_t i = 0; i < parts_.size(); ++i) {
      if constexpr (std::is_same_v<In, std::uint8_t>)
        check(rp_conv_u8_s8(&parts_[i], in, 0, p.in_h, 0, p.out_h, outs[i]), "rp_conv_u8_s8");
      else if constexpr (std::is_same_v<Out, std::int16_t>)
        check(rp_conv_s8_s16(&parts_[i], in, 0, p.in_h, 0, p.out_h, outs[i]), "rp_conv_s8_s16");
      else if (p.kernel == 1 && pixels > 0)
        check(rp_pointwise_s8(&parts_[i], in, pixels, outs[i]), "rp_pointwise_s8");
      else
        check(rp_conv_s8(&parts_[i], in, 0, p.in_h, 0, p.out_h, outs[i]), "rp_conv_s8");
    }
    return;
  }
  const bool pointwise = pixels > 0;
  if (pointwise && (p.kernel != 1 || p.stride != 1 || p.pad != 0))
    throw std::invalid_argument("pair conv: a pixel count needs a 1x1, stride 1, pad 0 conv");
  const int in_h = pointwise ? 1 : p.in_h, in_w = pointwise ? pixels : p.in_w;
  const int out_h = pointwise ? 1 : p.out_h, out_w = pointwise ? pixels : p.out_w;
  widen(in, in_h, in_w);
  const Geometry g{
      p.kernel, p.stride, p.in_c,       out_w, std::size_t(image_w_) * std::size_t(p.in_c),
      pairs_,   vectors_, image_.data()};
  const std::size_t total = std::size_t(out_h) * out_w;
  std::int32_t *lane_buf = lanes_.data(); // 8 pixels' worth, sized at construction
  std::size_t px = 0;
#if defined(__AVX2__)
  const std::size_t n = std::size_t(vectors_) * 8;
  auto block = [&]<int PX, int G>() {
    for (; px + PX <= total; px += PX) {
      pixels_avx2<PX, G>(g, px, weights_.data(), bias_.data(), rq_.data(), act_min_.data(),
                         act_max_.data(), lane_buf);
      for (int q = 0; q < PX; ++q)
        store(lane_buf + std::size_t(q) * n, outs, px + std::size_t(q));
    }
  };
  if (vectors_ % 4 == 0) {
    block.template operator()<2, 4>();
    block.template operator()<1, 4>();
  } else if (vectors_ % 2 == 0) {
    block.template operator()<4, 2>();
    block.template operator()<1, 2>();
  } else {
    block.template operator()<8, 1>();
    block.template operator()<1, 1>();
  }
#endif
  for (; px < total; ++px) {
    pixel_portable(g, px, weights_.data(), bias_.data(), mul_.data(), shift_.data(),
                   act_min_.data(), act_max_.data(), lane_buf);
    store(lane_buf, outs, px);
  }
}

void PairConv::run(const std::uint8_t *in, std::int8_t *const *outs, std::int32_t pixels) {
  run_impl(in, outs, pixels);
}
void PairConv::run(const std::int8_t *in, std::int8_t *const *outs, std::int32_t pixels) {
  run_impl(in, outs, pixels);
}
void PairConv::run(const std::int8_t *in, std::int16_t *const *outs, std::int32_t pixels) {
  run_impl(in, outs, pixels);
}

} // namespace rnnpool::quant
