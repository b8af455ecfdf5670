// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ops/fastgrnn_rows.h"
#include "core/ops/ops.h"

#include <Eigen/Core>
#include <cmath>
#include <stdexcept>
#include <string>

namespace rnnpool {
namespace detail {

namespace {
float sigmoid(float v) {
  return 1.0f / (1.0f + std::exp(-v));
}

void expect_size(const char *what, const char *array, std::size_t actual, std::size_t expected) {
  if (actual != expected)
    throw std::invalid_argument(std::string(what) + ": " + array + " has " +
                                std::to_string(actual) + " floats, expected " +
                                std::to_string(expected));
}
} // namespace

void check_fastgrnn_cell(const FastGRNNCell &cell, const char *what) {
  if (cell.input_size <= 0 || cell.hidden_size <= 0)
    throw std::invalid_argument(std::string(what) + ": input and hidden sizes must be positive");
  const auto in = std::size_t(cell.input_size), hid = std::size_t(cell.hidden_size);
  expect_size(what, "W", cell.W.size(), in * hid);
  expect_size(what, "U", cell.U.size(), hid * hid);
  expect_size(what, "bias_gate", cell.bias_gate.size(), hid);
  expect_size(what, "bias_update", cell.bias_update.size(), hid);
}

void fastgrnn_gate_rows(const FastGRNNCell &cell, float *pre, float *candidate, float *h,
                        std::size_t rows) {
  using Row = Eigen::Array<float, 1, Eigen::Dynamic>;
  const Eigen::Index hid = cell.hidden_size;
  const Eigen::Map<const Row> bias_gate(cell.bias_gate.data(), hid);
  const Eigen::Map<const Row> bias_update(cell.bias_update.data(), hid);
  const float zeta = sigmoid(cell.zeta), nu = sigmoid(cell.nu);
  // Row by row over contiguous maps: Eigen vectorises these (a 2-D broadcast it does not), and a
  // single step computes exactly what a batch does.
  for (std::size_t r = 0; r < rows; ++r) {
    Eigen::Map<Row> z(pre + r * hid, hid), cand(candidate + r * hid, hid), state(h + r * hid, hid);
    cand = (z + bias_update).tanh();
    z = (z + bias_gate).logistic(); // in place: pre is not needed any more
    state = z * state + (zeta * (1.0f - z) + nu) * cand;
  }
}

} // namespace detail

void fastgrnn_step(const FastGRNNCell &cell, const float *x, float *h, float *scratch) {
  using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Index in = cell.input_size, hid = cell.hidden_size;
  Eigen::Map<Eigen::RowVectorXf> pre(scratch, hid);
  pre.noalias() = Eigen::Map<const Eigen::RowVectorXf>(x, in) *
                  Eigen::Map<const RowMat>(cell.W.data(), in, hid);
  pre.noalias() += Eigen::Map<const Eigen::RowVectorXf>(h, hid) *
                   Eigen::Map<const RowMat>(cell.U.data(), hid, hid);
  detail::fastgrnn_gate_rows(cell, scratch, scratch + hid, h, 1);
}

} // namespace rnnpool
