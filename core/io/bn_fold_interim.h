// SPDX-License-Identifier: GPL-3.0-or-later
// INTERIM: batch-norm folding until core/model/batch_norm.h (the ops branch) lands in main; then
// this file goes and the loader calls fold_batch_norm.
#pragma once

#include "core/model/graph.h"

#include <span>

namespace rnnpool {

// w[o] *= gamma[o] / sqrt(var[o] + eps);  b[o] = beta[o] + (b[o] - mean[o]) * that scale
// (b = 0 when the conv has no bias).
void fold_batch_norm_interim(Conv2dParams &conv, std::span<const float> gamma,
                             std::span<const float> beta, std::span<const float> mean,
                             std::span<const float> var, float eps = 1e-5f);

} // namespace rnnpool
