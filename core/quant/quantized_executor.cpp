// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/quantized_executor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace rnnpool::quant {
namespace {

void check(rp_status st, const std::string &what) {
  if (st != RP_OK)
    throw std::runtime_error("quantized executor: kernel failed on " + what + " (status " +
                             std::to_string(st) + ")");
}

} // namespace

std::uint32_t QuantizedLayerOutput::crc32() const {
  return rp_crc32(0, bytes.data(), bytes.size());
}

std::int32_t QuantizedLayerOutput::value(std::size_t i) const {
  if (type == "int16") {
    std::int16_t v;
    std::memcpy(&v, bytes.data() + 2 * i, 2);
    return v;
  }
  return static_cast<std::int8_t>(bytes[i]);
}

QuantizedExecutor::QuantizedExecutor(const QuantizedModel &model)
    : model_(model), kernels_(model.view()), stem_conv_(kernels_.stem.conv),
      rnnpool_(kernels_.stem.rnnpool) {
  for (const rp_mbconv_t &m : kernels_.mob)
    mbconv_.emplace_back(m);
  for (int k = 0; k < RP_FACE_L2NORMS; ++k)
    l2norm_.emplace_back(kernels_.l2norm[k]);
  for (int k = 0; k < RP_FACE_HEADS; ++k) // same input and geometry: one pass, 8 lanes filled
    heads_.emplace_back(std::vector<rp_conv_t>{kernels_.loc[k], kernels_.conf[k]});
}

const QuantizedLayerOutput &QuantizedExecutor::output(const std::string &name) const {
  for (const auto &o : outputs_)
    if (o.name == name) return o;
  throw std::invalid_argument("quantized executor: no layer output '" + name + "'");
}

Tensor QuantizedExecutor::dequantized(const std::string &name) const {
  const QuantizedLayerOutput &o = output(name);
  Tensor t(o.shape);
  const QRNNPool &pool = model_.rnnpool;
  if ((name == "rnn_model" || name == "rnn_pad") &&
      std::size_t(o.shape.c) == pool.out_scales.size()) { // per channel: scale and centre
    for (std::size_t i = 0; i < o.elements(); ++i) {
      const int c = int(i % pool.out_scales.size());
      t.data()[i] = static_cast<float>(o.value(i) * pool.out_scales[std::size_t(c)] +
                                       pool.out_centre(c));
    }
    return t;
  }
  for (std::size_t i = 0; i < o.elements(); ++i)
    t.data()[i] = static_cast<float>(o.value(i) * o.scale);
  return t;
}

void QuantizedExecutor::run(std::span<const std::uint8_t> frame) {
  const Shape in = model_.input;
  if (frame.size() != in.elements())
    throw std::invalid_argument("quantized executor: frame has " + std::to_string(frame.size()) +
                                " pixels, the model expects " + in.to_string());
  layer_ms_.clear();
  std::size_t count = 0; // outputs of this run so far; their buffers are reused across runs
  frame_.assign(frame.begin(), frame.end());
  // Each add() closes the previous layer's time and starts the next one's.
  auto lap = std::chrono::steady_clock::now();
  auto close_lap = [&] {
    const auto now = std::chrono::steady_clock::now();
    if (count > 0)
      layer_ms_.push_back(std::chrono::duration<double, std::milli>(now - lap).count());
    lap = now;
  };
  auto add = [&](const std::string &name, const char *type, Shape shape) -> std::uint8_t * {
    close_lap();
    const TensorQuantInfo &info = model_.tensor(name);
    if (count == outputs_.size()) outputs_.emplace_back();
    QuantizedLayerOutput &o = outputs_[count++];
    o.name = name;
    o.type = type;
    o.shape = shape;
    o.scale = info.scale;
    o.bytes.resize(shape.elements() * (std::string(type) == "int16" ? 2 : 1)); // kernels fill all
    lap = std::chrono::steady_clock::now(); // the bookkeeping above is not the layer's time
    return o.bytes.data();
  };
  auto s8 = [&](std::size_t i) {
    return reinterpret_cast<std::int8_t *>(outputs_[i].bytes.data());
  };

  const rp_conv_t &conv = kernels_.stem.conv;
  add("conv", "int8", {conv.out_h, conv.out_w, conv.out_c});
  stem_conv_.run(frame.data(), s8(0)); // bit-identical to rp_conv_u8_s8

  const rp_rnnpool_t &pool = kernels_.stem.rnnpool;
  const Shape pool_shape{rp_rnnpool_out_h(&pool), rp_rnnpool_out_w(&pool),
                         4 * pool.rnn2.hidden_size};
  add("rnn_model", "int8", pool_shape);
  rnnpool_.run(s8(0), s8(1)); // bit-identical to rp_rnnpool_s8 (tests/kernels)
  const Shape padded{pool_shape.h + kernels_.pad_bottom, pool_shape.w + kernels_.pad_right,
                     pool_shape.c};
  add("rnn_pad", "int8", padded);
  check(rp_replicate_pad_s8(s8(1), pool_shape.h, pool_shape.w, pool_shape.c, kernels_.pad_bottom,
                            kernels_.pad_right, s8(2)),
        "rnn_pad");

  std::size_t x = 2;
  std::size_t mob_out[RP_FACE_MBCONVS];
  for (int i = 0; i < RP_FACE_MBCONVS; ++i) {
    const rp_mbconv_t &m = kernels_.mob[i];
    const std::string b = "mob." + std::to_string(i);
    const std::string name = m.has_residual ? b + ".add" : b + ".project";
    add(name, "int8", {rp_mbconv_out_h(&m), rp_mbconv_out_w(&m), m.out_c});
    mbconv_[std::size_t(i)].run(s8(x), s8(count - 1)); // bit-identical to rp_mbconv_s8
    x = count - 1;
    mob_out[i] = x;
  }
  const char *norms[RP_FACE_L2NORMS] = {"L2Norm3_3", "L2Norm4_3", "L2Norm5_3"};
  std::size_t sources[RP_FACE_HEADS];
  for (int k = 0; k < RP_FACE_L2NORMS; ++k) {
    const Shape s = outputs_[mob_out[k]].shape;
    add(norms[k], "int8", s);
    l2norm_[std::size_t(k)].run(s8(mob_out[k]), s8(count - 1)); // bit-identical to rp_l2norm_s8
    sources[k] = count - 1;
  }
  sources[3] = mob_out[3];
  // Each head's box and score convolutions run as one (as rp_conv_s8_s16 each): its time is
  // reported under conf.k, loc.k's is ~0.
  for (int k = 0; k < RP_FACE_HEADS; ++k) {
    for (int which = 0; which < 2; ++which) { // loc, then conf
      const rp_conv_t *head = which == 0 ? &kernels_.loc[k] : &kernels_.conf[k];
      const std::string name = (which == 0 ? "loc." : "conf.") + std::to_string(k);
      add(name, "int16", {head->out_h, head->out_w, head->out_c});
    }
    // Pointers taken after both add()s: the second may have grown outputs_.
    std::int16_t *outs[2] = {reinterpret_cast<std::int16_t *>(outputs_[count - 2].bytes.data()),
                             reinterpret_cast<std::int16_t *>(outputs_[count - 1].bytes.data())};
    heads_[std::size_t(k)].run(s8(sources[k]), outs);
  }
  close_lap();
  outputs_.resize(count);
}

std::vector<std::uint8_t> frame_from_input(const Tensor &input, double mean) {
  if (input.c() != 1)
    throw std::invalid_argument("frame_from_input: expected one channel, got " +
                                input.shape().to_string());
  std::vector<std::uint8_t> frame(input.size());
  for (std::size_t i = 0; i < input.size(); ++i)
    frame[i] = static_cast<std::uint8_t>(
        std::clamp(std::nearbyint(double(input.data()[i]) + mean), 0.0, 255.0));
  return frame;
}

} // namespace rnnpool::quant
