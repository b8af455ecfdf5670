// SPDX-License-Identifier: GPL-3.0-or-later
// The studio's model side built on the core: the float FaceDetector for the live view, the
// per-layer analysis for the layer table and chart, and the memory planner for the RAM view.
// Without a model file the layer and RAM views still describe the architecture (they need no
// weights), frames pass through without boxes, and the status says how to get a model.
#pragma once

#include "core/io/model_file.h"
#include "core/model/graph.h"
#include "widgets/model/studio_backend.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rnnpool {

// Where the bundled model is looked for, in order: the source tree the binary was built from,
// then next to the executable.
std::vector<std::string> bundledModelCandidates();

class CoreStudioBackend : public StudioBackend {
public:
  // `model_path` empty: the bundled model (first existing candidate). A model that cannot be
  // loaded leaves the backend without a detector and says why in statusMessage().
  explicit CoreStudioBackend(const std::string &model_path = {});

  std::shared_ptr<FrameProcessor> makeProcessor() override;
  QVector<LayerRow> layers() override;
  // Computed on first request and cached (6 combinations at most).
  MemoryPlanView plan(const QString &strategy, const QString &dtype) override;
  QString statusMessage() const override { return status_; }
  // The manifest's score_threshold (0.5 without a model).
  float defaultScoreThreshold() const override {
    return model_ ? model_->manifest.score_threshold : 0.5f;
  }

  bool hasModel() const { return model_.has_value(); }
  // The model file in use or looked for.
  const std::string &modelPath() const { return model_path_; }
  // The graph the layer and RAM views describe: the model's, else the architecture at the
  // default input size.
  const Graph &graph() const { return graph_; }

private:
  std::string model_path_;
  std::optional<LoadedModel> model_;
  Graph graph_;
  QString status_;
  std::map<std::pair<QString, QString>, MemoryPlanView> plans_;
};

} // namespace rnnpool
