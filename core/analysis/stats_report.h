// SPDX-License-Identifier: GPL-3.0-or-later
// GraphStats as JSON, CSV or an aligned text table (the formats of `rnnpool-cli analyze`).
#pragma once

#include "core/analysis/layer_stats.h"

#include <nlohmann/json.hpp>
#include <string>

namespace rnnpool {

// {"architecture", "input_shape", "layers": [{name, op, block, input_shapes, output_shape,
//  bytes_f32, bytes_i8, params, madds}], "totals": {params, madds, max_activation_layer,
//  max_activation_bytes_f32, max_activation_bytes_i8, layers}}. Shapes are "WxHxC" strings.
nlohmann::json stats_to_json(const GraphStats &stats);

// Header line, one line per layer, then a "TOTAL" line; several input shapes joined with ';'.
std::string stats_to_csv(const GraphStats &stats);

// Aligned columns with a header, one row per layer, a totals line and the largest activation.
std::string stats_to_table(const GraphStats &stats);

} // namespace rnnpool
