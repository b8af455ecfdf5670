// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/quantized_model_file.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace rnnpool::quant {
namespace {

using nlohmann::json;
// v2: per-channel RNNPool output centres and scales.
constexpr const char *kFormat = "rnnpool-quantized-v2";

json conv_json(const QConv &c) {
  const rp_conv_t &d = c.dims;
  return {{"dims",
           {d.in_h, d.in_w, d.in_c, d.out_h, d.out_w, d.out_c, d.kernel, d.stride, d.pad,
            d.input_offset, d.rq.act_min, d.rq.act_max}},
          {"depthwise", c.depthwise},
          {"in_scale", c.in_scale},
          {"out_scale", c.out_scale},
          {"weight_scales", c.weight_scales},
          {"weights", c.weights},
          {"bias", c.bias},
          {"multiplier", c.multiplier},
          {"shift", c.shift}};
}

QConv conv_from(const json &j) {
  QConv c;
  const auto d = j.at("dims").get<std::vector<std::int32_t>>();
  if (d.size() != 12) throw std::runtime_error("conv dims must have 12 values");
  c.dims.in_h = d[0];
  c.dims.in_w = d[1];
  c.dims.in_c = d[2];
  c.dims.out_h = d[3];
  c.dims.out_w = d[4];
  c.dims.out_c = d[5];
  c.dims.kernel = d[6];
  c.dims.stride = d[7];
  c.dims.pad = d[8];
  c.dims.input_offset = d[9];
  c.dims.rq.act_min = d[10];
  c.dims.rq.act_max = d[11];
  c.depthwise = j.at("depthwise").get<bool>();
  c.in_scale = j.at("in_scale").get<double>();
  c.out_scale = j.at("out_scale").get<double>();
  c.weight_scales = j.at("weight_scales").get<std::vector<double>>();
  c.weights = j.at("weights").get<std::vector<std::int8_t>>();
  c.bias = j.at("bias").get<std::vector<std::int32_t>>();
  c.multiplier = j.at("multiplier").get<std::vector<std::int32_t>>();
  c.shift = j.at("shift").get<std::vector<std::int32_t>>();
  const std::size_t oc = std::size_t(std::max(0, c.dims.out_c));
  const std::size_t per =
      c.depthwise ? 9 : std::size_t(c.dims.kernel * c.dims.kernel * c.dims.in_c);
  if (c.bias.size() != oc || c.multiplier.size() != oc || c.shift.size() != oc ||
      c.weights.size() != oc * per)
    throw std::runtime_error("conv arrays do not match its dims");
  return c;
}

json rnn_json(const QFastGRNN &r) {
  return {{"input_size", r.dims.input_size},
          {"hidden_size", r.dims.hidden_size},
          {"zeta_q15", r.dims.zeta},
          {"nu_q15", r.dims.nu},
          {"w", r.w},
          {"u", r.u},
          {"w_multiplier", r.w_multiplier},
          {"w_shift", r.w_shift},
          {"u_multiplier", r.u_multiplier},
          {"u_shift", r.u_shift},
          {"bias_gate", r.bias_gate},
          {"bias_update", r.bias_update},
          {"w_scales", r.w_scales},
          {"u_scales", r.u_scales}};
}

QFastGRNN rnn_from(const json &j) {
  QFastGRNN r;
  r.dims.input_size = j.at("input_size").get<std::int32_t>();
  r.dims.hidden_size = j.at("hidden_size").get<std::int32_t>();
  r.dims.zeta = j.at("zeta_q15").get<std::int16_t>();
  r.dims.nu = j.at("nu_q15").get<std::int16_t>();
  r.w = j.at("w").get<std::vector<std::int16_t>>();
  r.u = j.at("u").get<std::vector<std::int16_t>>();
  r.w_multiplier = j.at("w_multiplier").get<std::vector<std::int32_t>>();
  r.w_shift = j.at("w_shift").get<std::vector<std::int32_t>>();
  r.u_multiplier = j.at("u_multiplier").get<std::vector<std::int32_t>>();
  r.u_shift = j.at("u_shift").get<std::vector<std::int32_t>>();
  r.bias_gate = j.at("bias_gate").get<std::vector<std::int32_t>>();
  r.bias_update = j.at("bias_update").get<std::vector<std::int32_t>>();
  r.w_scales = j.at("w_scales").get<std::vector<double>>();
  r.u_scales = j.at("u_scales").get<std::vector<double>>();
  const auto in = std::size_t(std::max(0, r.dims.input_size));
  const auto h = std::size_t(std::max(0, r.dims.hidden_size));
  if (h == 0 || h > RP_RNN_MAX_HIDDEN || r.w.size() != in * h || r.u.size() != h * h ||
      r.w_multiplier.size() != h || r.w_shift.size() != h || r.u_multiplier.size() != h ||
      r.u_shift.size() != h || r.bias_gate.size() != h || r.bias_update.size() != h)
    throw std::runtime_error("FastGRNN arrays do not match its sizes");
  return r;
}

} // namespace

std::string quantized_model_to_json(const QuantizedModel &m) {
  json j;
  j["format"] = kFormat;
  j["architecture"] = m.architecture;
  j["input"] = {m.input.h, m.input.w, m.input.c};
  j["mean"] = m.mean;
  char digest[16];
  std::snprintf(digest, sizeof digest, "%08x", m.digest());
  j["digest"] = digest;
  j["weight_bytes"] = m.weight_bytes();
  if (!m.manifest_json.empty()) j["manifest"] = json::parse(m.manifest_json);
  for (const auto &t : m.tensors)
    j["tensors"].push_back({{"name", t.name},
                            {"type", t.type},
                            {"scale", t.scale},
                            {"zero_point", t.zero_point},
                            {"shape", {t.shape.h, t.shape.w, t.shape.c}},
                            {"note", t.note}});
  j["conv"] = conv_json(m.conv);
  const rp_rnnpool_t &p = m.rnnpool.dims;
  j["rnnpool"] = {{"dims", {p.in_h, p.in_w, p.in_c, p.patch, p.stride}},
                  {"out_offset", m.rnnpool.out_offset},
                  {"out_multiplier", m.rnnpool.out_multiplier},
                  {"out_shift", m.rnnpool.out_shift},
                  {"in_scale", m.rnnpool.in_scale},
                  {"out_scales", m.rnnpool.out_scales},
                  {"rnn1", rnn_json(m.rnnpool.rnn1)},
                  {"rnn2", rnn_json(m.rnnpool.rnn2)}};
  j["pad"] = {m.pad_bottom, m.pad_right};
  for (const QMBConv &b : m.mob) {
    const rp_mbconv_t &d = b.dims;
    const rp_add_t &a = d.residual;
    json jb = {{"dims", {d.in_h, d.in_w, d.in_c, d.hidden_c, d.out_c, d.stride}},
               {"in_scale", b.in_scale},
               {"out_scale", b.out_scale},
               {"depthwise", conv_json(b.depthwise)},
               {"project", conv_json(b.project)}};
    if (d.has_expand) jb["expand"] = conv_json(b.expand);
    if (d.has_residual)
      jb["residual"] = {a.a_multiplier, a.a_shift,        a.b_multiplier,
                        a.b_shift,      a.out_multiplier, a.out_shift};
    j["mob"].push_back(jb);
  }
  for (const QL2Norm &l : m.l2norm)
    j["l2norm"].push_back({{"dims", {l.dims.pixels, l.dims.channels}},
                           {"out_scale", l.out_scale},
                           {"multiplier", l.multiplier},
                           {"shift", l.shift}});
  for (int k = 0; k < RP_FACE_HEADS; ++k) {
    j["loc"].push_back(conv_json(m.loc[k]));
    j["conf"].push_back(conv_json(m.conf[k]));
  }
  return j.dump(1);
}

QuantizedModel quantized_model_from_json(const std::string &text, const std::string &what) {
  try {
    const json j = json::parse(text);
    const std::string format = j.value("format", std::string());
    if (format == "rnnpool-quantized-v1")
      throw std::runtime_error("written by an older rnnpool-cli (rnnpool-quantized-v1); "
                               "re-run rnnpool-cli quantize on the float model");
    if (format != kFormat) throw std::runtime_error(std::string("not a ") + kFormat + " file");
    QuantizedModel m;
    m.architecture = j.at("architecture").get<std::string>();
    const auto in = j.at("input").get<std::vector<int>>();
    if (in.size() != 3) throw std::runtime_error("input must be [h, w, c]");
    m.input = {in[0], in[1], in[2]};
    m.mean = j.at("mean").get<double>();
    if (j.contains("manifest")) m.manifest_json = j.at("manifest").dump();
    for (const auto &t : j.at("tensors")) {
      const auto s = t.at("shape").get<std::vector<int>>();
      if (s.size() != 3) throw std::runtime_error("tensor shape must be [h, w, c]");
      m.tensors.push_back({t.at("name").get<std::string>(), t.at("type").get<std::string>(),
                           t.at("scale").get<double>(), t.at("zero_point").get<int>(),
                           Shape{s[0], s[1], s[2]}, t.value("note", std::string())});
    }
    m.conv = conv_from(j.at("conv"));
    const json &p = j.at("rnnpool");
    const auto pd = p.at("dims").get<std::vector<std::int32_t>>();
    if (pd.size() != 5) throw std::runtime_error("rnnpool dims must have 5 values");
    m.rnnpool.rnn1 = rnn_from(p.at("rnn1"));
    m.rnnpool.rnn2 = rnn_from(p.at("rnn2"));
    m.rnnpool.dims = {pd[0], pd[1], pd[2], pd[3], pd[4], {}, {}, nullptr, nullptr, nullptr};
    m.rnnpool.in_scale = p.at("in_scale").get<double>();
    m.rnnpool.out_offset = p.at("out_offset").get<std::vector<std::int16_t>>();
    m.rnnpool.out_multiplier = p.at("out_multiplier").get<std::vector<std::int32_t>>();
    m.rnnpool.out_shift = p.at("out_shift").get<std::vector<std::int32_t>>();
    m.rnnpool.out_scales = p.at("out_scales").get<std::vector<double>>();
    const std::size_t channels = 4 * std::size_t(std::max(m.rnnpool.rnn2.dims.hidden_size, 0));
    for (std::size_t n : {m.rnnpool.out_offset.size(), m.rnnpool.out_multiplier.size(),
                          m.rnnpool.out_shift.size(), m.rnnpool.out_scales.size()})
      if (n != channels)
        throw std::runtime_error("rnnpool output arrays must have " + std::to_string(channels) +
                                 " values (4 x RNN2 hidden), one has " + std::to_string(n));
    const auto pad = j.at("pad").get<std::vector<int>>();
    if (pad.size() != 2) throw std::runtime_error("pad must be [bottom, right]");
    m.pad_bottom = pad[0];
    m.pad_right = pad[1];
    if (j.at("mob").size() != RP_FACE_MBCONVS || j.at("l2norm").size() != RP_FACE_L2NORMS ||
        j.at("loc").size() != RP_FACE_HEADS || j.at("conf").size() != RP_FACE_HEADS)
      throw std::runtime_error("wrong number of blocks, norms or heads");
    for (int i = 0; i < RP_FACE_MBCONVS; ++i) {
      const json &jb = j.at("mob")[i];
      QMBConv &b = m.mob[i];
      const auto d = jb.at("dims").get<std::vector<std::int32_t>>();
      if (d.size() != 6) throw std::runtime_error("mbconv dims must have 6 values");
      b.dims = rp_mbconv_t{};
      b.dims.in_h = d[0];
      b.dims.in_w = d[1];
      b.dims.in_c = d[2];
      b.dims.hidden_c = d[3];
      b.dims.out_c = d[4];
      b.dims.stride = d[5];
      b.in_scale = jb.at("in_scale").get<double>();
      b.out_scale = jb.at("out_scale").get<double>();
      b.depthwise = conv_from(jb.at("depthwise"));
      b.project = conv_from(jb.at("project"));
      if (jb.contains("expand")) {
        b.dims.has_expand = 1;
        b.expand = conv_from(jb.at("expand"));
      }
      if (jb.contains("residual")) {
        const auto a = jb.at("residual").get<std::vector<std::int32_t>>();
        if (a.size() != 6) throw std::runtime_error("residual must have 6 values");
        b.dims.has_residual = 1;
        b.dims.residual = {a[0], a[1], a[2], a[3], a[4], a[5]};
      }
    }
    for (int k = 0; k < RP_FACE_L2NORMS; ++k) {
      const json &jl = j.at("l2norm")[k];
      QL2Norm &l = m.l2norm[k];
      const auto d = jl.at("dims").get<std::vector<std::int32_t>>();
      if (d.size() != 2) throw std::runtime_error("l2norm dims must have 2 values");
      l.dims = rp_l2norm_t{d[0], d[1], nullptr, nullptr};
      l.out_scale = jl.at("out_scale").get<double>();
      l.multiplier = jl.at("multiplier").get<std::vector<std::int32_t>>();
      l.shift = jl.at("shift").get<std::vector<std::int32_t>>();
      if (l.multiplier.size() != std::size_t(d[1]) || l.shift.size() != std::size_t(d[1]))
        throw std::runtime_error("l2norm arrays do not match its channels");
    }
    for (int k = 0; k < RP_FACE_HEADS; ++k) {
      m.loc[k] = conv_from(j.at("loc")[k]);
      m.conf[k] = conv_from(j.at("conf")[k]);
    }
    char digest[16];
    std::snprintf(digest, sizeof digest, "%08x", m.digest());
    if (j.at("digest").get<std::string>() != digest)
      throw std::runtime_error("digest mismatch: the file says " +
                               j.at("digest").get<std::string>() + ", its contents give " + digest +
                               " (edited or corrupt)");
    return m;
  } catch (const std::exception &e) {
    throw std::runtime_error(what + ": " + e.what());
  }
}

void save_quantized_model(const std::string &path, const QuantizedModel &model) {
  std::ofstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot write " + path);
  f << quantized_model_to_json(model) << '\n';
  if (!f) throw std::runtime_error("error writing " + path);
}

QuantizedModel load_quantized_model(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return quantized_model_from_json(ss.str(), path);
}

} // namespace rnnpool::quant
