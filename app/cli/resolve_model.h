// SPDX-License-Identifier: GPL-3.0-or-later
// Turns a --model argument (a zoo name or a model file path) into a Graph, for every command.
#pragma once

#include "core/model/graph.h"

#include <stdexcept>
#include <string>

namespace rnnpool::cli {

// Thrown with the whole one-line message: "cannot open model 'X': <reason>".
struct ModelOpenError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A zoo architecture by name (no weights), or later the graph of a model file.
Graph resolve_model_graph(const std::string &name_or_file);

} // namespace rnnpool::cli
