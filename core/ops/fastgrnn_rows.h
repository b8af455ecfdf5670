// SPDX-License-Identifier: GPL-3.0-or-later
// FastGRNN pieces shared by the single-step cell and the batched RNNPool layer, so both use the
// very same element functions (their results then differ only by summation order).
#pragma once

#include "core/model/graph.h"

#include <cstddef>

namespace rnnpool::detail {

// Throws std::invalid_argument naming `what` when the cell's arrays have the wrong sizes.
void check_fastgrnn_cell(const FastGRNNCell &cell, const char *what);

// Gate step for `rows` states at once. pre[r] = x_r@W + h_r@U (rows x hidden, row-major) on entry;
// h (rows x hidden) is updated in place: h <- z*h + (sigmoid(zeta)*(1-z) + sigmoid(nu)) * h~.
// pre is clobbered and candidate (rows x hidden) is work space: no allocations here.
void fastgrnn_gate_rows(const FastGRNNCell &cell, float *pre, float *candidate, float *h,
                        std::size_t rows);

} // namespace rnnpool::detail
