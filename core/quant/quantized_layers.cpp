// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/quantized_layers.h"

#include "core/quant/qparams.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace rnnpool::quant {
namespace {

void fill_requant(QConv &q, const std::vector<float> &bias, double acc_scale_base) {
  const auto n = q.weight_scales.size();
  q.bias.resize(n);
  q.multiplier.resize(n);
  q.shift.resize(n);
  for (std::size_t oc = 0; oc < n; ++oc) {
    const double acc_scale = acc_scale_base * q.weight_scales[oc];
    const double b = bias.empty() ? 0.0 : double(bias[oc]);
    q.bias[oc] = static_cast<std::int32_t>(std::llround(b / acc_scale));
    const QMultiplier m = quantize_multiplier(acc_scale / q.out_scale);
    q.multiplier[oc] = m.multiplier;
    q.shift[oc] = m.shift;
  }
}

void fill_dims(QConv &q, const Conv2dParams &p, Shape in, ConvOutput output) {
  rp_conv_t &d = q.dims;
  d.in_h = in.h;
  d.in_w = in.w;
  d.in_c = in.c;
  d.kernel = p.kernel;
  d.stride = p.stride;
  d.pad = p.pad;
  d.out_h = (in.h + 2 * p.pad - p.kernel) / p.stride + 1;
  d.out_w = (in.w + 2 * p.pad - p.kernel) / p.stride + 1;
  d.out_c = p.out_channels;
  d.input_offset = 0;
  const int qmax = output == ConvOutput::Int16 ? 32767 : 127;
  d.rq.act_min = -qmax - 1;
  d.rq.act_max = qmax;
  if (p.activation == Activation::ReLU6) {
    d.rq.act_min = 0;
    d.rq.act_max =
        static_cast<std::int32_t>(std::min<double>(qmax, std::nearbyint(6.0 / q.out_scale)));
  }
}

void check_conv(const Conv2dParams &p, Shape in, const char *what) {
  const std::size_t per = std::size_t(p.kernel) * p.kernel * (in.c / std::max(1, p.groups));
  if (p.out_channels <= 0 || p.weight.size() != per * std::size_t(p.out_channels) ||
      (!p.bias.empty() && p.bias.size() != std::size_t(p.out_channels)))
    throw std::invalid_argument(std::string(what) + ": conv weights do not match " +
                                in.to_string() + " -> " + std::to_string(p.out_channels));
}

} // namespace

rp_conv_t QConv::view() const {
  rp_conv_t d = dims;
  d.weights = weights.data();
  d.rq.bias = bias.data();
  d.rq.multiplier = multiplier.data();
  d.rq.shift = shift.data();
  return d;
}

QConv quantize_conv(const Conv2dParams &p, Shape in, double in_scale, double out_scale,
                    ConvOutput output) {
  check_conv(p, in, "quantize_conv");
  QConv q;
  q.in_scale = in_scale;
  q.out_scale = out_scale;
  q.depthwise = p.groups > 1;
  if (q.depthwise && (p.groups != in.c || p.out_channels != in.c || p.kernel != 3))
    throw std::invalid_argument("quantize_conv: only 3x3 depthwise grouped convolutions");
  std::vector<std::int8_t> ohwi =
      quantize_per_channel_s8(p.weight, p.out_channels, q.weight_scales);
  if (q.depthwise) { // [C][3][3] -> [3][3][C]: channels contiguous per tap
    q.weights.resize(ohwi.size());
    for (int c = 0; c < in.c; ++c)
      for (int t = 0; t < 9; ++t)
        q.weights[std::size_t(t) * in.c + c] = ohwi[std::size_t(c) * 9 + t];
  } else {
    q.weights = std::move(ohwi);
  }
  fill_dims(q, p, in, output);
  fill_requant(q, p.bias, in_scale);
  return q;
}

QConv quantize_frame_conv(const Conv2dParams &p, Shape in, double mean, double out_scale) {
  check_conv(p, in, "quantize_frame_conv");
  if (p.groups != 1) throw std::invalid_argument("quantize_frame_conv: grouped first conv");
  const double zero_point = std::nearbyint(mean);
  Conv2dParams shifted = p;
  // x = (pixel - zero_point) - frac: the constant -frac goes into the bias (exact away from the
  // border; at the border the float model pads x with 0, the kernel skips the tap).
  const double frac = mean - zero_point;
  const std::size_t per = p.weight.size() / std::size_t(p.out_channels);
  shifted.bias.assign(std::size_t(p.out_channels), 0.0f);
  for (std::size_t oc = 0; oc < std::size_t(p.out_channels); ++oc) {
    double sum_w = 0.0;
    for (std::size_t i = 0; i < per; ++i)
      sum_w += p.weight[oc * per + i];
    const double b = p.bias.empty() ? 0.0 : p.bias[oc];
    shifted.bias[oc] = static_cast<float>(b - frac * sum_w);
  }
  QConv q = quantize_conv(shifted, in, 1.0, out_scale);
  q.dims.input_offset = -static_cast<std::int32_t>(zero_point);
  return q;
}

int fastgrnn_weight_max(int n) {
  return static_cast<int>(std::min<std::int64_t>(4095, 2147483647ll / (32768ll * std::max(1, n))));
}

rp_fastgrnn_t QFastGRNN::view() const {
  rp_fastgrnn_t d = dims;
  d.w = w.data();
  d.u = u.data();
  d.w_multiplier = w_multiplier.data();
  d.w_shift = w_shift.data();
  d.u_multiplier = u_multiplier.data();
  d.u_shift = u_shift.data();
  d.bias_gate = bias_gate.data();
  d.bias_update = bias_update.data();
  return d;
}

QFastGRNN quantize_fastgrnn(const FastGRNNCell &cell, double x_scale) {
  const int in = cell.input_size, hid = cell.hidden_size;
  if (in <= 0 || hid <= 0 || hid > RP_RNN_MAX_HIDDEN || cell.W.size() != std::size_t(in) * hid ||
      cell.U.size() != std::size_t(hid) * hid || cell.bias_gate.size() != std::size_t(hid) ||
      cell.bias_update.size() != std::size_t(hid))
    throw std::invalid_argument("quantize_fastgrnn: cell tensors do not match input " +
                                std::to_string(in) + ", hidden " + std::to_string(hid));
  QFastGRNN q;
  const double pre_unit = std::ldexp(1.0, -RP_RNN_PRE_Q);
  const double state_unit = std::ldexp(1.0, -RP_RNN_STATE_Q);
  // W is [in][hid] (x@W); the kernel wants row j = column j of W, likewise U.
  auto quantize_matrix = [&](const std::vector<float> &m, int rows, double unit,
                             std::vector<std::int16_t> &out, std::vector<double> &scales,
                             std::vector<std::int32_t> &mult, std::vector<std::int32_t> &shift) {
    const int wmax = fastgrnn_weight_max(std::max(rows, hid));
    out.assign(std::size_t(rows) * hid, 0);
    scales.assign(std::size_t(hid), 1.0);
    mult.assign(std::size_t(hid), 0);
    shift.assign(std::size_t(hid), 0);
    for (int j = 0; j < hid; ++j) {
      double max_abs = 0.0;
      for (int i = 0; i < rows; ++i)
        max_abs = std::max(max_abs, double(std::fabs(m[std::size_t(i) * hid + j])));
      scales[j] = symmetric_scale(max_abs, wmax);
      for (int i = 0; i < rows; ++i)
        out[std::size_t(j) * rows + i] =
            static_cast<std::int16_t>(quantize_value(m[std::size_t(i) * hid + j], scales[j], wmax));
      const QMultiplier qm = quantize_multiplier(unit * scales[j] / pre_unit);
      mult[j] = qm.multiplier;
      shift[j] = qm.shift;
    }
  };
  quantize_matrix(cell.W, in, x_scale, q.w, q.w_scales, q.w_multiplier, q.w_shift);
  quantize_matrix(cell.U, hid, state_unit, q.u, q.u_scales, q.u_multiplier, q.u_shift);
  for (int j = 0; j < hid; ++j) {
    q.bias_gate.push_back(static_cast<std::int32_t>(std::llround(cell.bias_gate[j] / pre_unit)));
    q.bias_update.push_back(
        static_cast<std::int32_t>(std::llround(cell.bias_update[j] / pre_unit)));
  }
  auto q15_sigmoid = [](float raw) {
    const double s = 1.0 / (1.0 + std::exp(-double(raw)));
    return static_cast<std::int16_t>(std::min(32767.0, std::nearbyint(s * 32768.0)));
  };
  q.dims.input_size = in;
  q.dims.hidden_size = hid;
  q.dims.zeta = q15_sigmoid(cell.zeta);
  q.dims.nu = q15_sigmoid(cell.nu);
  q.dims.x_q = 0;
  return q;
}

rp_rnnpool_t QRNNPool::view() const {
  rp_rnnpool_t d = dims;
  d.rnn1 = rnn1.view();
  d.rnn2 = rnn2.view();
  d.out_offset = out_offset.data();
  d.out_multiplier = out_multiplier.data();
  d.out_shift = out_shift.data();
  return d;
}

QRNNPool quantize_rnnpool(const RNNPoolParams &p, Shape in, double in_scale,
                          std::span<const double> lo, std::span<const double> hi) {
  if (p.rnn1.input_size != in.c || p.rnn2.input_size != p.rnn1.hidden_size)
    throw std::invalid_argument("quantize_rnnpool: RNN1 input " +
                                std::to_string(p.rnn1.input_size) + " for " + std::to_string(in.c) +
                                " channels, or RNN2 input does not match RNN1 hidden");
  const std::size_t channels = 4 * std::size_t(p.rnn2.hidden_size);
  if (lo.size() != channels || hi.size() != channels)
    throw std::invalid_argument("quantize_rnnpool: " + std::to_string(lo.size()) +
                                " calibrated channel ranges for " + std::to_string(channels) +
                                " output channels");
  QRNNPool q;
  q.in_scale = in_scale;
  q.rnn1 = quantize_fastgrnn(p.rnn1, in_scale);
  q.rnn2 = quantize_fastgrnn(p.rnn2, std::ldexp(1.0, -RP_RNN_STATE_Q));
  q.dims.in_h = in.h;
  q.dims.in_w = in.w;
  q.dims.in_c = in.c;
  q.dims.patch = p.patch;
  q.dims.stride = p.stride;
  const double state_lsb = std::ldexp(1.0, -RP_RNN_STATE_Q);
  for (std::size_t c = 0; c < channels; ++c) {
    const double centre =
        std::clamp(std::nearbyint((lo[c] + hi[c]) / 2.0 / state_lsb), -32768.0, 32767.0);
    const double half = std::max({hi[c] - centre * state_lsb, centre * state_lsb - lo[c], 0.0});
    // 25% headroom over the calibrated spread; never finer than a quarter of the state's LSB.
    const double scale = std::max(half * 1.25 / 127.0, state_lsb / 4.0);
    const QMultiplier m = quantize_multiplier(state_lsb / scale);
    q.out_offset.push_back(std::int16_t(centre));
    q.out_scales.push_back(scale);
    q.out_multiplier.push_back(m.multiplier);
    q.out_shift.push_back(m.shift);
  }
  return q;
}

QRNNPool quantize_rnnpool(const RNNPoolParams &p, Shape in, double in_scale, double out_scale) {
  // A symmetric range [-127, 127] * out_scale centred on 0, in the per-channel form.
  const std::vector<double> hi(4 * std::size_t(std::max(p.rnn2.hidden_size, 0)),
                               127.0 * out_scale / 1.25),
      lo(hi.size(), -127.0 * out_scale / 1.25);
  return quantize_rnnpool(p, in, in_scale, lo, hi);
}

rp_add_t quantize_add(double a_scale, double b_scale, double out_scale) {
  const double twice_max = 2.0 * std::max(a_scale, b_scale);
  const QMultiplier a = quantize_multiplier(a_scale / twice_max);
  const QMultiplier b = quantize_multiplier(b_scale / twice_max);
  const QMultiplier o =
      quantize_multiplier(twice_max / (std::ldexp(1.0, RP_ADD_LEFT_SHIFT) * out_scale));
  return rp_add_t{a.multiplier, a.shift, b.multiplier, b.shift, o.multiplier, o.shift};
}

rp_mbconv_t QMBConv::view() const {
  rp_mbconv_t d = dims;
  if (d.has_expand) d.expand = expand.view();
  d.depthwise = depthwise.view();
  d.project = project.view();
  return d;
}

QMBConv quantize_mbconv(const Conv2dParams *expand, const Conv2dParams &depthwise,
                        const Conv2dParams &project, bool residual, Shape in, double in_scale,
                        double expand_scale, double dw_scale, double project_scale,
                        double add_scale) {
  QMBConv q;
  q.in_scale = in_scale;
  Shape hidden = in;
  if (expand) {
    q.expand = quantize_conv(*expand, in, in_scale, expand_scale);
    hidden.c = expand->out_channels;
  }
  q.depthwise = quantize_conv(depthwise, hidden, expand ? expand_scale : in_scale, dw_scale);
  const Shape dw_out{q.depthwise.dims.out_h, q.depthwise.dims.out_w, hidden.c};
  q.project = quantize_conv(project, dw_out, dw_scale, project_scale);
  rp_mbconv_t &d = q.dims;
  d.in_h = in.h;
  d.in_w = in.w;
  d.in_c = in.c;
  d.hidden_c = hidden.c;
  d.out_c = project.out_channels;
  d.stride = depthwise.stride;
  d.has_expand = expand ? 1 : 0;
  d.has_residual = residual ? 1 : 0;
  q.out_scale = project_scale;
  if (residual) {
    d.residual = quantize_add(in_scale, project_scale, add_scale);
    q.out_scale = add_scale;
  }
  return q;
}

rp_l2norm_t QL2Norm::view() const {
  rp_l2norm_t d = dims;
  d.multiplier = multiplier.data();
  d.shift = shift.data();
  return d;
}

QL2Norm quantize_l2norm(const L2NormParams &p, Shape in, double out_scale) {
  if (p.scale.size() != std::size_t(in.c))
    throw std::invalid_argument("quantize_l2norm: " + std::to_string(p.scale.size()) +
                                " scales for " + std::to_string(in.c) + " channels");
  QL2Norm q;
  q.out_scale = out_scale;
  q.dims.pixels = in.h * in.w;
  q.dims.channels = in.c;
  for (float s : p.scale) {
    const QMultiplier m = quantize_multiplier(double(s) / out_scale * std::ldexp(1.0, -26));
    q.multiplier.push_back(m.multiplier);
    q.shift.push_back(m.shift);
  }
  return q;
}

} // namespace rnnpool::quant
