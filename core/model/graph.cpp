// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/graph.h"

namespace rnnpool {

const char *op_name(OpKind op) {
  switch (op) {
  case OpKind::Conv2d: return "conv2d";
  case OpKind::Add: return "add";
  case OpKind::L2Norm: return "l2norm";
  case OpKind::RNNPool: return "rnnpool";
  case OpKind::ReplicatePad: return "replicate_pad";
  case OpKind::GlobalAvgPool: return "global_avg_pool";
  case OpKind::FullyConnected: return "fully_connected";
  }
  return "unknown";
}

const Layer *Graph::find(const std::string &layer_name) const {
  for (const Layer &layer : layers)
    if (layer.name == layer_name) return &layer;
  return nullptr;
}

Layer *Graph::find(const std::string &layer_name) {
  for (Layer &layer : layers)
    if (layer.name == layer_name) return &layer;
  return nullptr;
}

} // namespace rnnpool
