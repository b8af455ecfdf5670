// SPDX-License-Identifier: GPL-3.0-or-later
// EdgeML's dump_model.py layout for an RNNPool (spec section 1): one .npy per tensor in a
// directory: W1 [k,h1], U1 [h1,h1], Bg1 [1,h1], Bh1 [1,h1], zeta1 [1,1], nu1 [1,1] for RNN1 and
// W2, U2, Bg2, Bh2, zeta2, nu2 for RNN2.
#pragma once

#include "core/model/graph.h"

#include <string>

namespace rnnpool {

// Reads and validates the twelve files; errors (FormatError / std::runtime_error) name the file.
RNNPoolParams import_edgeml_rnnpool(const std::string &directory, int patch = 8, int stride = 4);

// Writes params in the same layout (for tests and for exporting back to EdgeML tools).
void export_edgeml_rnnpool(const RNNPoolParams &params, const std::string &directory);

} // namespace rnnpool
