// SPDX-License-Identifier: GPL-3.0-or-later
// Host-only RNNPool over a whole int8 tensor that computes exactly the integers of
// rp_rnnpool_s8 (core/kernels), several times faster: every row and column segment is swept once
// and shared by the patches that overlap it (the device sweeps per patch to save RAM), each
// pixel's and each summary's x.W is requantized once and shared by every sweep reading it, and
// the FastGRNN step runs on whole hidden vectors (the compiler vectorises it). The integers
// cannot differ: every step is the same function of the same inputs as on the device.
#pragma once

#include "core/kernels/rp_kernels.h"

#include <cstdint>
#include <vector>

namespace rnnpool::quant {

class BatchedRNNPool {
public:
  // Throws std::invalid_argument when the parameters are unusable (as rp_rnnpool_s8 rejects them).
  explicit BatchedRNNPool(const rp_rnnpool_t &p);

  // in: in_h x in_w x in_c int8; out: out_h x out_w x 4*h2 int8 (rp_rnnpool_out_h/w).
  // Work buffers are allocated on the first call and reused.
  void run(const std::int8_t *in, std::int8_t *out);

  // A FastGRNN cell with U and W transposed to [input][hidden] int32 rows, so one step is a few
  // whole-vector operations over the hidden units.
  struct Cell {
    int in = 0, hid = 0;
    std::vector<std::int32_t> wt, ut;  // [in][hid], [hid][hid]
    std::vector<std::int16_t> u_pairs; // [hid/2][hid][2]: U[j][2p], U[j][2p+1] side by side
    std::vector<std::int16_t> w_pairs; // [in/2][hid][2] likewise for W (even input sizes)
    std::vector<std::int32_t> w_mul, w_shift, u_mul, u_shift, bias_gate, bias_update;
    std::int32_t zeta = 0, nu = 0;
  };

private:
  rp_rnnpool_t p_;
  Cell rnn1_, rnn2_;
  std::vector<std::int32_t> pixel_xw_, summary_xw_; // requantized x.W per pixel / per summary
  std::vector<std::int16_t> summaries_;             // row segments, then column segments
  std::vector<std::int16_t> final_;                 // RNN2 final states, 4 per patch
};

namespace detail {
// The step's activations (packed-table PWL), exported so tests can compare them with the
// device's rp_sigmoid_q12 / rp_tanh_q12 on every int16 input.
std::int32_t packed_sigmoid_q12(std::int32_t x);
std::int32_t packed_tanh_q12(std::int32_t x);
} // namespace detail

} // namespace rnnpool::quant
