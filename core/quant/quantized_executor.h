// SPDX-License-Identifier: GPL-3.0-or-later
// Runs the quantized RNNPool-Face-M4 on the host through the same C kernels the firmware
// compiles, so its integers are the device's. Keeps every layer's raw integer output (golden
// vectors, CRC-32 digests) and can dequantize any of them for detection post-processing.
#pragma once

#include "core/quant/batched_rnnpool.h"
#include "core/quant/exact_conv.h"
#include "core/quant/host_l2norm.h"
#include "core/quant/host_mbconv.h"
#include "core/quant/pair_conv.h"
#include "core/quant/quantized_model.h"
#include "core/tensor/tensor.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace rnnpool::quant {

struct QuantizedLayerOutput {
  std::string name; // graph tensor name
  std::string type; // "int8" or "int16"
  Shape shape;
  double scale = 1.0;
  std::vector<std::uint8_t> bytes; // raw HWC values, little-endian (what the device holds)

  std::uint32_t crc32() const;
  std::size_t elements() const { return shape.elements(); }
  std::int32_t value(std::size_t i) const; // the i-th integer
};

class QuantizedExecutor {
public:
  explicit QuantizedExecutor(const QuantizedModel &model);
  // The executor keeps a reference (and kernel views into its arrays): no temporaries.
  explicit QuantizedExecutor(QuantizedModel &&) = delete;

  // frame: input.h * input.w grayscale pixels. Throws on a size mismatch or a kernel error.
  void run(std::span<const std::uint8_t> frame);

  // Layer outputs of the last run, in execution order: conv, rnn_model, rnn_pad, the four MBConv
  // block outputs, the three L2Norms, then loc.k, conf.k for k = 0..3.
  const std::vector<QuantizedLayerOutput> &outputs() const { return outputs_; }
  const QuantizedLayerOutput &output(const std::string &name) const; // throws if unknown
  Tensor dequantized(const std::string &name) const;

  // Milliseconds each output took to compute in the last run, in outputs() order. A head's
  // loc and conf run as one convolution: the pair's time is under conf.k, loc.k's is ~0.
  const std::vector<double> &layer_ms() const { return layer_ms_; }

  const QuantizedModel &model() const { return model_; }
  // The frame of the last run (what the device must receive to reproduce it).
  const std::vector<std::uint8_t> &frame() const { return frame_; }

private:
  const QuantizedModel &model_;
  rp_face_model_t kernels_;
  // The device kernels' integers, computed faster on the host (tests/kernels compare them).
  ExactConv stem_conv_;
  BatchedRNNPool rnnpool_;
  std::vector<HostMBConv> mbconv_;
  std::vector<HostL2Norm> l2norm_;
  std::vector<PairConv> heads_; // loc.k and conf.k as one convolution per source k
  std::vector<QuantizedLayerOutput> outputs_;
  std::vector<double> layer_ms_;
  std::vector<std::uint8_t> frame_;
};

// The uint8 frame the device receives for a preprocessed float input (pixel - mean).
std::vector<std::uint8_t> frame_from_input(const Tensor &input, double mean);

} // namespace rnnpool::quant
