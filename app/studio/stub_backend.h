// SPDX-License-Identifier: GPL-3.0-or-later
// The studio's backend until the core-backed one exists: layer shapes and activation bytes come
// from the zoo architecture's shape inference (real numbers); there is no trained model, no
// per-layer analysis (params, MAdds) and no memory planner yet, so it says "model not loaded",
// frames pass through without boxes, and the RAM view shows no plan. The integrator replaces it.
#pragma once

#include "widgets/model/studio_backend.h"

namespace rnnpool {

class StubStudioBackend : public StudioBackend {
public:
  std::shared_ptr<FrameProcessor> makeProcessor() override { return nullptr; }
  QVector<LayerRow> layers() override;
  MemoryPlanView plan(const QString &strategy, const QString &dtype) override;
  QString statusMessage() const override;
};

} // namespace rnnpool
