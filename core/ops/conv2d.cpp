// SPDX-License-Identifier: GPL-3.0-or-later
// Convolution over HWC tensors with OHWI weights. Three paths: 1x1 as one GEMM over all pixels,
// depthwise as channel-vectorised taps, everything else as im2col over bands of output rows +
// GEMM per group. No allocations per pixel; the work buffer is reused across calls.
#include "core/ops/ops.h"

#include <Eigen/Core>
#include <algorithm>
#include <stdexcept>
#include <string>

namespace rnnpool {
namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using StridedRowMap = Eigen::Map<RowMat, 0, Eigen::OuterStride<>>;

[[noreturn]] void fail(const std::string &what) {
  throw std::invalid_argument("conv2d: " + what);
}

void check(const Tensor &in, const Conv2dParams &p) {
  if (p.kernel <= 0 || p.stride <= 0 || p.pad < 0 || p.groups <= 0 || p.out_channels <= 0)
    fail("kernel, stride, groups and out channels must be positive, pad non-negative");
  if (in.c() % p.groups != 0 || p.out_channels % p.groups != 0)
    fail("channels " + std::to_string(in.c()) + " -> " + std::to_string(p.out_channels) +
         " not divisible by " + std::to_string(p.groups) + " groups");
  const std::size_t expected =
      std::size_t(p.out_channels) * p.kernel * p.kernel * std::size_t(in.c() / p.groups);
  if (p.weight.size() != expected)
    fail("weight has " + std::to_string(p.weight.size()) + " floats, expected " +
         std::to_string(expected));
  if (!p.bias.empty() && p.bias.size() != std::size_t(p.out_channels))
    fail("bias has " + std::to_string(p.bias.size()) + " floats, expected " +
         std::to_string(p.out_channels));
  if (!p.input_centre.empty() && (p.kernel != 1 || p.input_centre.size() != std::size_t(in.c()) ||
                                  p.centred_bias.size() != std::size_t(p.out_channels)))
    fail("an input centre is for 1x1 convs and needs one value per input channel and a "
         "centred bias per output channel");
  if (in.h() + 2 * p.pad < p.kernel || in.w() + 2 * p.pad < p.kernel)
    fail("kernel " + std::to_string(p.kernel) + " larger than padded input " +
         in.shape().to_string());
}

// Bias (the centred one for a centred 1x1 conv) and activation over all output pixels at once.
void finish(const Conv2dParams &p, Tensor &out) {
  Eigen::Map<RowMat> m(out.data(), Eigen::Index(out.h()) * out.w(), out.c());
  const std::vector<float> &bias = p.input_centre.empty() ? p.bias : p.centred_bias;
  if (!bias.empty()) m.rowwise() += Eigen::Map<const Eigen::RowVectorXf>(bias.data(), out.c());
  if (p.activation == Activation::ReLU6) m = m.cwiseMax(0.0f).cwiseMin(6.0f);
}

void conv_pointwise(const Tensor &in, const Conv2dParams &p, Tensor &out) {
  const Eigen::Index pixels = Eigen::Index(in.h()) * in.w();
  Eigen::Map<RowMat>(out.data(), pixels, out.c()).noalias() =
      Eigen::Map<const RowMat>(in.data(), pixels, in.c()) *
      Eigen::Map<const RowMat>(p.weight.data(), out.c(), in.c()).transpose();
}

// weight . (x - centre): the same GEMM on centred inputs (see Conv2dParams::input_centre).
void conv_pointwise_centred(const Tensor &in, const Conv2dParams &p, Tensor &out) {
  const Eigen::Index pixels = Eigen::Index(in.h()) * in.w();
  thread_local RowMat centred;
  centred = Eigen::Map<const RowMat>(in.data(), pixels, in.c());
  centred.rowwise() -= Eigen::Map<const Eigen::RowVectorXf>(p.input_centre.data(), in.c());
  Eigen::Map<RowMat>(out.data(), pixels, out.c()).noalias() =
      centred * Eigen::Map<const RowMat>(p.weight.data(), out.c(), in.c()).transpose();
}

void conv_depthwise(const Tensor &in, const Conv2dParams &p, Tensor &out) {
  using Channels = Eigen::Map<Eigen::ArrayXf>;
  using ConstChannels = Eigen::Map<const Eigen::ArrayXf>;
  const int C = in.c(), K = p.kernel;
  // OHWI with one input per group is [C][ky][kx]; taps as [ky][kx][C] vectorise over channels.
  thread_local std::vector<float> taps;
  taps.resize(std::size_t(K) * K * C);
  for (int c = 0; c < C; ++c)
    for (int t = 0; t < K * K; ++t)
      taps[std::size_t(t) * C + c] = p.weight[std::size_t(c) * K * K + t];
  for (int oy = 0; oy < out.h(); ++oy) {
    const int y0 = oy * p.stride - p.pad;
    const int ky_begin = std::max(0, -y0), ky_end = std::min(K, in.h() - y0);
    for (int ox = 0; ox < out.w(); ++ox) {
      const int x0 = ox * p.stride - p.pad;
      const int kx_begin = std::max(0, -x0), kx_end = std::min(K, in.w() - x0);
      Channels acc(out.pixel(oy, ox), C);
      acc.setZero();
      for (int ky = ky_begin; ky < ky_end; ++ky)
        for (int kx = kx_begin; kx < kx_end; ++kx)
          acc += ConstChannels(in.pixel(y0 + ky, x0 + kx), C) *
                 ConstChannels(taps.data() + std::size_t(ky * K + kx) * C, C);
    }
  }
}

// One input channel (the gray stem conv): im2col would copy single floats and feed a GEMM only
// out_c wide, so accumulate directly: per tap, every output pixel of a row gets pixel * taps[oc].
template <int OC> void conv_single_channel(const Tensor &in, const Conv2dParams &p, Tensor &out) {
  using Taps = Eigen::Array<float, OC, 1>;
  const int K = p.kernel, oc = OC > 0 ? OC : p.out_channels;
  // OHWI with one input channel is [oc][ky][kx]; as [ky][kx][oc] one tap is contiguous.
  thread_local std::vector<float> taps;
  taps.resize(std::size_t(K) * K * oc);
  for (int o = 0; o < oc; ++o)
    for (int t = 0; t < K * K; ++t)
      taps[std::size_t(t) * oc + o] = p.weight[std::size_t(o) * K * K + t];
  for (int oy = 0; oy < out.h(); ++oy) {
    float *row = out.pixel(oy, 0);
    std::fill_n(row, std::size_t(out.w()) * oc, 0.0f);
    for (int ky = 0; ky < K; ++ky) {
      const int y = oy * p.stride - p.pad + ky;
      if (y < 0 || y >= in.h()) continue;
      const float *src = in.pixel(y, 0);
      for (int kx = 0; kx < K; ++kx) {
        // Output columns whose input column x = ox * stride - pad + kx lies inside the image.
        const int last_x = in.w() - 1 + p.pad - kx; // ox * stride <= last_x
        if (last_x < 0) continue;
        const int lo = std::max(0, (p.pad - kx + p.stride - 1) / p.stride);
        const int hi = std::min(out.w(), last_x / p.stride + 1);
        const float *w = taps.data() + std::size_t(ky * K + kx) * oc;
        for (int ox = lo; ox < hi; ++ox) {
          const float v = src[ox * p.stride - p.pad + kx];
          if constexpr (OC > 0)
            Eigen::Map<Taps>(row + ox * OC) += v * Eigen::Map<const Taps>(w);
          else
            Eigen::Map<Eigen::ArrayXf>(row + std::ptrdiff_t(ox) * oc, oc) +=
                v * Eigen::Map<const Eigen::ArrayXf>(w, oc);
        }
      }
    }
  }
}

void conv_general(const Tensor &in, const Conv2dParams &p, Tensor &out) {
  const int K = p.kernel, in_c = in.c(), group_in = in_c / p.groups;
  const int group_out = p.out_channels / p.groups, out_w = out.w();
  const Eigen::Index patch_len = Eigen::Index(K) * K * group_in; // one im2col row, [ky][kx][ci]
  // Bands of output rows keep the im2col buffer around 1 MB while making the GEMMs tall.
  const int band =
      std::clamp(int((1 << 18) / std::max<Eigen::Index>(1, patch_len * out_w)), 1, out.h());
  thread_local std::vector<float> cols;
  cols.resize(std::size_t(band) * out_w * patch_len);
  for (int oy0 = 0; oy0 < out.h(); oy0 += band) {
    const int rows = std::min(band, out.h() - oy0);
    for (int g = 0; g < p.groups; ++g) {
      float *dst = cols.data();
      for (int oy = oy0; oy < oy0 + rows; ++oy)
        for (int ox = 0; ox < out_w; ++ox)
          for (int ky = 0; ky < K; ++ky) {
            const int y = oy * p.stride - p.pad + ky;
            for (int kx = 0; kx < K; ++kx, dst += group_in) {
              const int x = ox * p.stride - p.pad + kx;
              if (y < 0 || y >= in.h() || x < 0 || x >= in.w())
                std::fill_n(dst, group_in, 0.0f);
              else
                std::copy_n(in.pixel(y, x) + g * group_in, group_in, dst);
            }
          }
      const Eigen::Index pixels = Eigen::Index(rows) * out_w;
      StridedRowMap(out.pixel(oy0, 0) + g * group_out, pixels, group_out,
                    Eigen::OuterStride<>(p.out_channels))
          .noalias() = Eigen::Map<const RowMat>(cols.data(), pixels, patch_len) *
                       Eigen::Map<const RowMat>(p.weight.data() + g * group_out * patch_len,
                                                group_out, patch_len)
                           .transpose();
    }
  }
}

} // namespace

void conv2d(const Tensor &in, const Conv2dParams &p, Tensor &out) {
  check(in, p);
  out.reshape({(in.h() + 2 * p.pad - p.kernel) / p.stride + 1,
               (in.w() + 2 * p.pad - p.kernel) / p.stride + 1, p.out_channels});
  const bool pointwise = p.kernel == 1 && p.stride == 1 && p.pad == 0 && p.groups == 1;
  if (pointwise && !p.input_centre.empty())
    conv_pointwise_centred(in, p, out);
  else if (pointwise)
    conv_pointwise(in, p, out);
  else if (p.groups == in.c() && p.groups == p.out_channels)
    conv_depthwise(in, p, out);
  else if (in.c() == 1 && p.out_channels == 4)
    conv_single_channel<4>(in, p, out);
  else if (in.c() == 1)
    conv_single_channel<0>(in, p, out);
  else
    conv_general(in, p, out);
  finish(p, out);
}

} // namespace rnnpool
