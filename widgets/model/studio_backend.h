// SPDX-License-Identifier: GPL-3.0-or-later
// What the main window needs from the model side. The app injects a core-backed implementation;
// tests inject a test double. Keeps widgets/ free of core analysis and planner types.
#pragma once

#include "widgets/model/layer_row.h"
#include "widgets/model/memory_plan_view.h"
#include "widgets/pipeline/frame_result.h"

#include <QString>
#include <memory>

namespace rnnpool {

class StudioBackend {
public:
  virtual ~StudioBackend() = default;
  // A detector for the detection thread; nullptr when no model is available.
  virtual std::shared_ptr<FrameProcessor> makeProcessor() = 0;
  // Per-layer rows in graph order (the index is the layer id shared by all views).
  virtual QVector<LayerRow> layers() = 0;
  // The plan for a strategy (layer | paper | streaming) and dtype (f32 | i8); empty when unknown.
  virtual MemoryPlanView plan(const QString &strategy, const QString &dtype) = 0;
  // One plain sentence about the model's state for the status bar ("model not loaded"); empty
  // when everything is in order.
  virtual QString statusMessage() const { return {}; }
  // The model's own operating score threshold: the slider's start until the user moves it.
  virtual float defaultScoreThreshold() const { return 0.5f; }
};

} // namespace rnnpool
