// SPDX-License-Identifier: GPL-3.0-or-later
// Quantized layers: integer arrays owned on the host plus the kernel parameter structs that point
// into them (core/kernels/rp_kernels.h). Built from the float layers and activation scales.
//
// Types (docs/quantization.md): activations int8 symmetric per tensor (zero point 0); the frame is
// uint8 with zero point round(mean) and scale 1; conv weights int8 symmetric per output channel;
// biases int32 at scale s_in * s_w[c]; FastGRNN weights int16 (|w| <= 4095) per hidden unit,
// pre-activations Q12, gates Q15, state Q11; head outputs int16.
#pragma once

#include "core/kernels/rp_kernels.h"
#include "core/model/graph.h"

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace rnnpool::quant {

struct QConv {
  rp_conv_t dims{};                 // weights/rq pointers are filled by view()
  std::vector<std::int8_t> weights; // OHWI; depthwise: [3][3][C]
  std::vector<std::int32_t> bias, multiplier, shift;
  std::vector<double> weight_scales; // per output channel
  double in_scale = 1.0, out_scale = 1.0;
  bool depthwise = false;

  // The kernel struct with pointers into this object (valid while it lives, unmoved).
  rp_conv_t view() const;
};

enum class ConvOutput { Int8, Int16 };

// `in` is the input shape; out_scale is the output's scale (int8 or int16 range per `output`).
QConv quantize_conv(const Conv2dParams &p, Shape in, double in_scale, double out_scale,
                    ConvOutput output = ConvOutput::Int8);

// The first conv on a uint8 frame: the float model sees (pixel - mean). Zero point round(mean),
// scale 1; the fractional part of the mean is folded into the bias.
QConv quantize_frame_conv(const Conv2dParams &p, Shape in, double mean, double out_scale);

struct QFastGRNN {
  rp_fastgrnn_t dims{};
  std::vector<std::int16_t> w, u;
  std::vector<std::int32_t> w_multiplier, w_shift, u_multiplier, u_shift, bias_gate, bias_update;
  std::vector<double> w_scales, u_scales;
  rp_fastgrnn_t view() const;
};
// x_scale: real value of one input unit (an int8 activation scale, or 2^-11 for a Q11 state).
QFastGRNN quantize_fastgrnn(const FastGRNNCell &cell, double x_scale);

struct QRNNPool {
  rp_rnnpool_t dims{}; // its out_* pointers are set by view()
  QFastGRNN rnn1, rnn2;
  double in_scale = 1.0;
  // Output channel c (4 * h2): float = out_scales[c] * int8 + out_offset[c] / 2^11.
  std::vector<double> out_scales;
  std::vector<std::int16_t> out_offset; // Q11
  std::vector<std::int32_t> out_multiplier, out_shift;
  double out_centre(int c) const { return std::ldexp(double(out_offset[std::size_t(c)]), -11); }
  rp_rnnpool_t view() const;
};
// One symmetric scale for every output channel (centres 0).
QRNNPool quantize_rnnpool(const RNNPoolParams &p, Shape in, double in_scale, double out_scale);
// Per output channel: the calibrated range [lo[c], hi[c]] is centred and spread over int8.
QRNNPool quantize_rnnpool(const RNNPoolParams &p, Shape in, double in_scale,
                          std::span<const double> lo, std::span<const double> hi);

rp_add_t quantize_add(double a_scale, double b_scale, double out_scale);

struct QMBConv {
  rp_mbconv_t dims{};
  QConv expand, depthwise, project;
  double in_scale = 1.0, out_scale = 1.0; // block input / block output (after the add)
  rp_mbconv_t view() const;
};
// expand may be null (t == 1). Scales: block input, expand output, depthwise output, project
// output, and the add output (ignored without a residual).
QMBConv quantize_mbconv(const Conv2dParams *expand, const Conv2dParams &depthwise,
                        const Conv2dParams &project, bool residual, Shape in, double in_scale,
                        double expand_scale, double dw_scale, double project_scale,
                        double add_scale);

struct QL2Norm {
  rp_l2norm_t dims{};
  std::vector<std::int32_t> multiplier, shift;
  double out_scale = 1.0;
  rp_l2norm_t view() const;
};
QL2Norm quantize_l2norm(const L2NormParams &p, Shape in, double out_scale);

// Largest |weight| of the int16 FastGRNN matrices for a dot product of n terms with |x| <= 2^15,
// so that the int32 accumulator cannot overflow (4095 for n = 16).
int fastgrnn_weight_max(int n);

} // namespace rnnpool::quant
