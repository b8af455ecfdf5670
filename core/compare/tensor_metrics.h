// SPDX-License-Identifier: GPL-3.0-or-later
// Device-vs-reference metrics for one output tensor: the figures vendor validation tools report
// (RMSE, MAE, L2 relative error, error mean/std, cosine similarity, max abs error) plus
// bit-exactness. Pure math on flat arrays; no Qt.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace rnnpool::compare {

struct TensorMetrics {
  std::size_t count = 0;
  double rmse = 0.0;
  double mae = 0.0;
  double l2_relative = 0.0; // ||device - reference|| / ||reference|| (0 when both are zero)
  double error_mean = 0.0;  // mean of (device - reference)
  double error_std = 0.0;   // population std of (device - reference)
  double cosine = 1.0;      // cosine similarity (1 when both are zero)
  double max_abs = 0.0;
  std::size_t mismatches = 0; // elements that differ at all
  bool bit_exact = true;
};

// Throws std::invalid_argument naming both sizes when they differ.
TensorMetrics compare_tensors(std::span<const float> reference, std::span<const float> device);
TensorMetrics compare_tensors(std::span<const int8_t> reference, std::span<const int8_t> device);
TensorMetrics compare_tensors(std::span<const uint8_t> reference, std::span<const uint8_t> device);

// "rmse 0.12 mae 0.05 ... bit-exact" on one line.
std::string to_string(const TensorMetrics &m);

} // namespace rnnpool::compare
