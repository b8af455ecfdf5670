// SPDX-License-Identifier: GPL-3.0-or-later
// An EvalReport as a text table (detector x subset) or as JSON with the same numbers.
#pragma once

#include "core/eval/evaluation.h"

#include <nlohmann/json.hpp>
#include <string>

namespace rnnpool::eval {

// Undefined metrics (no faces, no detections, no negatives) print as "-".
std::string format_table(const EvalReport &report);

// Undefined metrics are null.
nlohmann::ordered_json report_to_json(const EvalReport &report);

} // namespace rnnpool::eval
