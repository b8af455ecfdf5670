// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/quantized_model.h"

#include "core/model/executor.h"
#include "core/model/shape_inference.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace rnnpool::quant {
namespace {

const Layer &layer(const Graph &g, const std::string &name) {
  const Layer *l = g.find(name);
  if (!l) throw std::invalid_argument("quantize: the graph has no layer '" + name + "'");
  return *l;
}

template <class P> const P &params(const Graph &g, const std::string &name) {
  const P *p = std::get_if<P>(&layer(g, name).params);
  if (!p) throw std::invalid_argument("quantize: layer '" + name + "' has unexpected parameters");
  return *p;
}

double range(const ActivationRanges &r, const std::string &name) {
  const auto it = r.max_abs.find(name);
  if (it == r.max_abs.end())
    throw std::invalid_argument("quantize: no calibrated range for tensor '" + name + "'");
  return it->second;
}

// int8 scale of a tensor; ReLU6 outputs never exceed 6 so their range is capped there.
double s8_scale(const ActivationRanges &r, const std::string &name, bool relu6 = false) {
  double m = range(r, name);
  if (relu6) m = std::min(m, 6.0);
  return m > 0.0 ? m / 127.0 : 1.0 / 127.0;
}

double s16_scale(const ActivationRanges &r, const std::string &name) {
  const double m = range(r, name);
  return m > 0.0 ? m / 32767.0 : 1.0 / 32767.0;
}

// Canonical little-endian bytes for the digest.
struct DigestWriter {
  std::uint32_t crc = 0;
  void i32(std::int32_t v) {
    const std::uint32_t u = static_cast<std::uint32_t>(v);
    const std::uint8_t b[4] = {std::uint8_t(u), std::uint8_t(u >> 8), std::uint8_t(u >> 16),
                               std::uint8_t(u >> 24)};
    crc = rp_crc32(crc, b, 4);
  }
  template <class T> void array(const std::vector<T> &v) {
    i32(static_cast<std::int32_t>(v.size()));
    for (T x : v)
      i32(x);
  }
  void conv(const QConv &c) {
    const rp_conv_t &d = c.dims;
    for (std::int32_t v : {d.in_h, d.in_w, d.in_c, d.out_h, d.out_w, d.out_c, d.kernel, d.stride,
                           d.pad, d.input_offset, d.rq.act_min, d.rq.act_max})
      i32(v);
    array(c.weights);
    array(c.bias);
    array(c.multiplier);
    array(c.shift);
  }
  void rnn(const QFastGRNN &r) {
    i32(r.dims.input_size);
    i32(r.dims.hidden_size);
    i32(r.dims.zeta);
    i32(r.dims.nu);
    array(r.w);
    array(r.u);
    array(r.w_multiplier);
    array(r.w_shift);
    array(r.u_multiplier);
    array(r.u_shift);
    array(r.bias_gate);
    array(r.bias_update);
  }
};

template <class T> std::size_t bytes(const std::vector<T> &v) {
  return v.size() * sizeof(T);
}
std::size_t conv_bytes(const QConv &c) {
  return bytes(c.weights) + bytes(c.bias) + bytes(c.multiplier) + bytes(c.shift);
}
std::size_t rnn_bytes(const QFastGRNN &r) {
  return bytes(r.w) + bytes(r.u) + bytes(r.w_multiplier) + bytes(r.w_shift) +
         bytes(r.u_multiplier) + bytes(r.u_shift) + bytes(r.bias_gate) + bytes(r.bias_update) + 4;
}

} // namespace

ActivationRanges calibrate(const Graph &graph, const std::vector<Tensor> &inputs) {
  if (inputs.empty()) throw std::invalid_argument("calibrate: no calibration inputs");
  Executor ex(graph);
  ActivationRanges r;
  for (const Tensor &in : inputs) {
    ex.run(in);
    for (const Layer &l : graph.layers) {
      const Tensor &t = ex.tensor(l.name);
      const std::size_t C = std::size_t(t.c());
      auto &lo = r.channel_lo[l.name], &hi = r.channel_hi[l.name];
      lo.resize(C, std::numeric_limits<double>::infinity());
      hi.resize(C, -std::numeric_limits<double>::infinity());
      double m = 0.0;
      const auto values = t.values();
      for (std::size_t i = 0; i < values.size(); ++i) {
        const double v = values[i];
        m = std::max(m, std::fabs(v));
        lo[i % C] = std::min(lo[i % C], v);
        hi[i % C] = std::max(hi[i % C], v);
      }
      r.max_abs[l.name] = std::max(r.max_abs[l.name], m);
    }
  }
  return r;
}

// x = scale[c] * q + centre[c] substituted into the 1x1 expansion: weights times scale[c], and the
// centres' contribution moved into the bias (in double: the trained model's bias nearly cancels
// it).
Conv2dParams expand_over_rnnpool_codes(const Conv2dParams &e, const QRNNPool &pool) {
  const std::size_t C = pool.out_scales.size(), O = std::size_t(e.out_channels);
  if (e.kernel != 1 || e.groups != 1 || e.weight.size() != O * C || e.bias.size() != O)
    throw std::invalid_argument("quantize: mob.0.expand is not a 1x1 conv over the " +
                                std::to_string(C) + " RNNPool channels");
  Conv2dParams out = e;
  out.input_centre.clear(); // the codes are not centred: weight and bias are the plain ones
  out.centred_bias.clear();
  for (std::size_t o = 0; o < O; ++o) {
    double bias = double(e.bias[o]);
    for (std::size_t c = 0; c < C; ++c) {
      const double w = double(e.weight[o * C + c]);
      bias += w * pool.out_centre(int(c));
      out.weight[o * C + c] = float(w * pool.out_scales[c]);
    }
    out.bias[o] = float(bias);
  }
  return out;
}

QuantizedModel quantize_face_model(const Graph &g, double mean, const ActivationRanges &r) {
  if (g.architecture != "rnnpool-face-m4")
    throw std::invalid_argument("quantize: architecture '" + g.architecture +
                                "' is not supported (only rnnpool-face-m4)");
  const auto shapes = infer_shapes(g);
  auto shape = [&](const std::string &n) {
    if (n == g.input_name) return g.input_shape;
    return shapes.at(n);
  };
  QuantizedModel q;
  q.input = g.input_shape;
  q.mean = mean;
  q.tensors.push_back({"input", "uint8", 1.0, int(std::nearbyint(mean)), g.input_shape,
                       "grayscale frame; float value = pixel - mean"});

  const double conv_scale = s8_scale(r, "conv", true);
  q.conv = quantize_frame_conv(params<Conv2dParams>(g, "conv"), g.input_shape, mean, conv_scale);
  q.tensors.push_back({"conv", "int8", conv_scale, 0, shape("conv"), "ReLU6 clamp"});

  const auto pool_lo = r.channel_lo.find("rnn_model"), pool_hi = r.channel_hi.find("rnn_model");
  if (pool_lo == r.channel_lo.end() || pool_hi == r.channel_hi.end())
    throw std::invalid_argument("quantize: no calibrated channel ranges for tensor 'rnn_model'");
  q.rnnpool = quantize_rnnpool(params<RNNPoolParams>(g, "rnn_model"), shape("conv"), conv_scale,
                               pool_lo->second, pool_hi->second);
  const double pool_scale =
      *std::max_element(q.rnnpool.out_scales.begin(), q.rnnpool.out_scales.end());
  const char *pool_note = "per channel: float = scale[c] * q + centre[c] (largest scale shown)";
  q.tensors.push_back({"rnn_model", "int8", pool_scale, 0, shape("rnn_model"),
                       std::string(pool_note) + "; FastGRNN state int16 Q11 inside"});
  const auto &pad = params<ReplicatePadParams>(g, "rnn_pad");
  q.pad_bottom = pad.bottom;
  q.pad_right = pad.right;
  q.tensors.push_back({"rnn_pad", "int8", pool_scale, 0, shape("rnn_pad"),
                       std::string(pool_note) + "; replicate pad"});

  std::string mob_outputs[RP_FACE_MBCONVS];
  std::string x = "rnn_pad";
  double x_scale = 1.0; // block 0's expansion absorbs the RNNPool channel scales and centres
  for (int i = 0; i < RP_FACE_MBCONVS; ++i) {
    const std::string b = "mob." + std::to_string(i);
    const Conv2dParams *expand =
        g.find(b + ".expand") ? &params<Conv2dParams>(g, b + ".expand") : nullptr;
    Conv2dParams expand_on_codes; // block 0: the expansion as a function of the int8 codes
    if (i == 0) {
      if (!expand)
        throw std::invalid_argument("quantize: mob.0 must start with a 1x1 expansion (it reads "
                                    "the per-channel RNNPool codes)");
      expand_on_codes = expand_over_rnnpool_codes(*expand, q.rnnpool);
      expand = &expand_on_codes;
    }
    const bool residual = g.find(b + ".add") != nullptr;
    const double e_scale = expand ? s8_scale(r, b + ".expand", true) : x_scale;
    const double d_scale = s8_scale(r, b + ".dw", true);
    const double p_scale = s8_scale(r, b + ".project");
    const double a_scale = residual ? s8_scale(r, b + ".add") : p_scale;
    q.mob[i] = quantize_mbconv(expand, params<Conv2dParams>(g, b + ".dw"),
                               params<Conv2dParams>(g, b + ".project"), residual, shape(x), x_scale,
                               e_scale, d_scale, p_scale, a_scale);
    if (expand)
      q.tensors.push_back({b + ".expand", "int8", e_scale, 0, shape(b + ".expand"),
                           "ReLU6; fused: 3 rows in a ring"});
    q.tensors.push_back({b + ".dw", "int8", d_scale, 0, shape(b + ".dw"), "ReLU6; fused: 1 row"});
    q.tensors.push_back({b + ".project", "int8", p_scale, 0, shape(b + ".project"),
                         residual ? "fused: added in place" : ""});
    if (residual) q.tensors.push_back({b + ".add", "int8", a_scale, 0, shape(b + ".add"), ""});
    x = residual ? b + ".add" : b + ".project";
    mob_outputs[i] = x;
    x_scale = a_scale;
  }

  const char *norms[RP_FACE_L2NORMS] = {"L2Norm3_3", "L2Norm4_3", "L2Norm5_3"};
  std::string sources[RP_FACE_HEADS];
  double source_scales[RP_FACE_HEADS];
  for (int k = 0; k < RP_FACE_L2NORMS; ++k) {
    const Layer &l = layer(g, norms[k]);
    if (l.inputs.size() != 1 || l.inputs[0] != mob_outputs[k])
      throw std::invalid_argument(std::string("quantize: ") + norms[k] + " does not read " +
                                  mob_outputs[k]);
    const double s = s8_scale(r, norms[k]);
    q.l2norm[k] = quantize_l2norm(params<L2NormParams>(g, norms[k]), shape(l.inputs[0]), s);
    q.tensors.push_back({norms[k], "int8", s, 0, shape(norms[k]), "scale folded into multipliers"});
    sources[k] = norms[k];
    source_scales[k] = s;
  }
  sources[3] = "mob.3.add";
  source_scales[3] = q.mob[3].out_scale;
  for (int k = 0; k < RP_FACE_HEADS; ++k) {
    for (const char *kind : {"loc.", "conf."}) {
      const std::string name = kind + std::to_string(k);
      const Layer &l = layer(g, name);
      if (l.inputs.size() != 1 || l.inputs[0] != sources[k])
        throw std::invalid_argument("quantize: head '" + name + "' does not read " + sources[k]);
      const double s = s16_scale(r, name);
      QConv c = quantize_conv(params<Conv2dParams>(g, name), shape(sources[k]), source_scales[k], s,
                              ConvOutput::Int16);
      (kind[0] == 'l' ? q.loc[k] : q.conf[k]) = std::move(c);
      q.tensors.push_back({name, "int16", s, 0, shape(name), "head"});
    }
  }
  return q;
}

rp_face_model_t QuantizedModel::view() const {
  rp_face_model_t m{};
  m.stem.conv = conv.view();
  m.stem.rnnpool = rnnpool.view();
  m.pad_bottom = pad_bottom;
  m.pad_right = pad_right;
  for (int i = 0; i < RP_FACE_MBCONVS; ++i)
    m.mob[i] = mob[i].view();
  for (int i = 0; i < RP_FACE_L2NORMS; ++i)
    m.l2norm[i] = l2norm[i].view();
  for (int i = 0; i < RP_FACE_HEADS; ++i) {
    m.loc[i] = loc[i].view();
    m.conf[i] = conf[i].view();
  }
  m.digest = digest();
  return m;
}

std::uint32_t QuantizedModel::digest() const {
  DigestWriter w;
  w.i32(input.h);
  w.i32(input.w);
  w.conv(conv);
  w.i32(rnnpool.dims.patch);
  w.i32(rnnpool.dims.stride);
  w.array(rnnpool.out_offset);
  w.array(rnnpool.out_multiplier);
  w.array(rnnpool.out_shift);
  w.rnn(rnnpool.rnn1);
  w.rnn(rnnpool.rnn2);
  w.i32(pad_bottom);
  w.i32(pad_right);
  for (const QMBConv &m : mob) {
    w.i32(m.dims.has_expand);
    if (m.dims.has_expand) w.conv(m.expand);
    w.conv(m.depthwise);
    w.conv(m.project);
    w.i32(m.dims.has_residual);
    const rp_add_t &a = m.dims.residual;
    for (std::int32_t v :
         {a.a_multiplier, a.a_shift, a.b_multiplier, a.b_shift, a.out_multiplier, a.out_shift})
      w.i32(v);
  }
  for (const QL2Norm &l : l2norm) {
    w.array(l.multiplier);
    w.array(l.shift);
  }
  for (int k = 0; k < RP_FACE_HEADS; ++k) {
    w.conv(loc[k]);
    w.conv(conf[k]);
  }
  return w.crc;
}

std::size_t QuantizedModel::weight_bytes() const {
  std::size_t n = conv_bytes(conv) + rnn_bytes(rnnpool.rnn1) + rnn_bytes(rnnpool.rnn2) +
                  bytes(rnnpool.out_offset) + bytes(rnnpool.out_multiplier) +
                  bytes(rnnpool.out_shift);
  for (const QMBConv &m : mob)
    n += (m.dims.has_expand ? conv_bytes(m.expand) : 0) + conv_bytes(m.depthwise) +
         conv_bytes(m.project) + (m.dims.has_residual ? sizeof(rp_add_t) : 0);
  for (const QL2Norm &l : l2norm)
    n += bytes(l.multiplier) + bytes(l.shift);
  for (int k = 0; k < RP_FACE_HEADS; ++k)
    n += conv_bytes(loc[k]) + conv_bytes(conf[k]);
  return n;
}

const TensorQuantInfo &QuantizedModel::tensor(const std::string &name) const {
  for (const auto &t : tensors)
    if (t.name == name) return t;
  throw std::invalid_argument("quantized model: no tensor '" + name + "'");
}

QuantizedModel with_input_shape(const QuantizedModel &model, Shape input) {
  if (input.c != 1 || input.h < 16 || input.w < 16)
    throw std::invalid_argument("quantized model: unsupported input " + input.to_string());
  QuantizedModel m = model;
  m.input = input;
  auto conv_out = [](rp_conv_t &d, int h, int w) {
    d.in_h = h;
    d.in_w = w;
    d.out_h = (h + 2 * d.pad - d.kernel) / d.stride + 1;
    d.out_w = (w + 2 * d.pad - d.kernel) / d.stride + 1;
  };
  conv_out(m.conv.dims, input.h, input.w);
  rp_rnnpool_t &p = m.rnnpool.dims;
  p.in_h = m.conv.dims.out_h;
  p.in_w = m.conv.dims.out_w;
  if (p.in_h < p.patch || p.in_w < p.patch)
    throw std::invalid_argument("quantized model: input " + input.to_string() +
                                " is too small for the RNNPool patch");
  int h = rp_rnnpool_out_h(&p) + m.pad_bottom, w = rp_rnnpool_out_w(&p) + m.pad_right;
  int source_h[RP_FACE_HEADS], source_w[RP_FACE_HEADS];
  for (int i = 0; i < RP_FACE_MBCONVS; ++i) {
    rp_mbconv_t &b = m.mob[i].dims;
    b.in_h = h;
    b.in_w = w;
    conv_out(m.mob[i].depthwise.dims, h, w);
    h = m.mob[i].depthwise.dims.out_h;
    w = m.mob[i].depthwise.dims.out_w;
    source_h[i] = h;
    source_w[i] = w;
  }
  for (int k = 0; k < RP_FACE_L2NORMS; ++k)
    m.l2norm[k].dims.pixels = source_h[k] * source_w[k];
  for (int k = 0; k < RP_FACE_HEADS; ++k) {
    conv_out(m.loc[k].dims, source_h[k], source_w[k]);
    conv_out(m.conf[k].dims, source_h[k], source_w[k]);
  }
  for (auto &t : m.tensors)
    t.shape = {0, 0, t.shape.c}; // per-size shapes: see the executor
  return m;
}

std::map<std::string, std::size_t> quantized_element_bytes(const QuantizedModel &model) {
  std::map<std::string, std::size_t> m;
  for (const auto &t : model.tensors)
    m[t.name] = t.type == "int16" ? 2 : 1;
  return m;
}

} // namespace rnnpool::quant
