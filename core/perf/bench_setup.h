// SPDX-License-Identifier: GPL-3.0-or-later
// What every latency measurement of the face model shares: one model (float graph and its
// quantized form) and one deterministic 320x240 input, so the Google Benchmark binaries,
// `rnnpool-cli bench` and the PyTorch harness all time the same work.
#pragma once

#include "core/io/model_file.h"
#include "core/quant/quantized_model.h"
#include "core/tensor/tensor.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rnnpool::perf {

inline constexpr std::uint32_t kBenchSeed = 1; // as `rnnpool-cli init-model --random --seed 1`

struct BenchSetup {
  LoadedModel model;               // float graph for manifest.input_width x input_height
  quant::QuantizedModel quantized; // calibrated on `input` (speed, not accuracy, matters here)
  Tensor input;                    // [h][w][1], mean subtracted
  std::vector<std::uint8_t> frame; // the same input as the device's uint8 frame
  std::string description;         // "random weights (seed 1)" or the model path
};

// A smooth synthetic gray frame with some structure (gradients, discs): deterministic, no file.
std::vector<std::uint8_t> synthetic_frame(int height, int width);

// model_path empty: random weights with kBenchSeed. Heap-allocated because the quantized model
// hands out pointers into itself and must not move.
std::unique_ptr<BenchSetup> make_bench_setup(const std::string &model_path = {});

} // namespace rnnpool::perf
