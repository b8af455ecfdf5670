// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/model/layer_selection.h"

namespace rnnpool {

void LayerSelection::setLayerNames(const QStringList &names) {
  names_ = names;
  setHoveredLayer(-1);
  setCurrentLayer(-1);
}

void LayerSelection::setCurrentLayer(int layer) {
  layer = clamp(layer);
  if (layer == current_) return; // views echo the selection back: stop the loop here
  current_ = layer;
  emit currentLayerChanged(layer);
}

void LayerSelection::setHoveredLayer(int layer) {
  layer = clamp(layer);
  if (layer == hovered_) return;
  hovered_ = layer;
  emit hoveredLayerChanged(layer);
}

} // namespace rnnpool
