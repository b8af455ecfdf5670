// SPDX-License-Identifier: GPL-3.0-or-later
// The quantized RNNPool-Face-M4: derived from the float graph (the source of truth) and
// activation ranges calibrated by running the float model on data. Holds the integer arrays and
// the per-tensor types and scales; saved to its own file and emitted as C for the firmware.
#pragma once

#include "core/kernels/rp_face_model.h"
#include "core/model/graph.h"
#include "core/quant/quantized_layers.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rnnpool::quant {

// What the calibration inputs made each tensor do.
struct ActivationRanges {
  std::map<std::string, double> max_abs; // largest |value| per tensor name
  std::map<std::string, std::vector<double>> channel_lo, channel_hi; // per channel (last axis)
};

// Runs the float model on each input (preprocessed, mean subtracted) and records the ranges of
// every layer output. Throws if `inputs` is empty.
ActivationRanges calibrate(const Graph &graph, const std::vector<Tensor> &inputs);

// One row of the types-and-scales table (docs/quantization.md).
struct TensorQuantInfo {
  std::string name; // graph tensor name ("input", "conv", ..., "loc.0")
  std::string type; // "uint8", "int8", "int16"
  double scale = 1.0;
  int zero_point = 0;
  Shape shape;
  std::string note; // e.g. "ReLU6: clamp to q(6.0)"
};

struct QuantizedModel {
  std::string architecture = "rnnpool-face-m4";
  Shape input;       // frame shape (h, w, 1)
  double mean = 0.0; // subtracted by the float model; the frame zero point is round(mean)
  QConv conv;
  QRNNPool rnnpool;
  int pad_bottom = 1, pad_right = 1;
  QMBConv mob[RP_FACE_MBCONVS];
  QL2Norm l2norm[RP_FACE_L2NORMS];
  QConv loc[RP_FACE_HEADS], conf[RP_FACE_HEADS];
  std::vector<TensorQuantInfo> tensors; // every executed tensor, in execution order
  std::string manifest_json;            // the float model's manifest (detection settings)

  // The kernel structs pointing into this object (valid while it lives, unmoved).
  rp_face_model_t view() const;
  // CRC-32 over the canonical little-endian bytes of every array and parameter.
  std::uint32_t digest() const;
  // Bytes of quantized weights, biases and requantization parameters (what goes to flash).
  std::size_t weight_bytes() const;
  const TensorQuantInfo &tensor(const std::string &name) const; // throws if unknown
};

// Quantizes an executable rnnpool-face-m4 graph. `ranges` must hold every layer output of the
// graph (calibrate() gives that). Throws std::invalid_argument naming what is missing or wrong.
QuantizedModel quantize_face_model(const Graph &graph, double mean, const ActivationRanges &ranges);

// The same model for another frame size: only the dimensions change (integer parameters do not
// depend on the input size), as FaceDetector rebuilds the float graph per input size.
QuantizedModel with_input_shape(const QuantizedModel &model, Shape input);

// Element size in bytes of each tensor of the quantized model (for the memory planner): graph
// tensor name -> 1 (uint8/int8) or 2 (int16). Fused MBConv internals (expand, dw) are listed
// too, though the row-by-row kernel never materialises them.
std::map<std::string, std::size_t> quantized_element_bytes(const QuantizedModel &model);

} // namespace rnnpool::quant
