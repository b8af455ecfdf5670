// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/studio/core_backend.h"

#include "app/studio/core_adapters.h"
#include "app/studio/detector_processor.h"
#include "core/analysis/layer_stats.h"
#include "core/model/zoo.h"
#include "core/plan/memory_plan.h"
#include "core/plan/strategy_liveness.h"
#include "core/stream/streaming_schedule.h"
#include "widgets/pipeline/pass_through_processor.h"

#include <QObject>
#include <QtDebug>
#include <filesystem>

namespace rnnpool {
namespace {

const char *const kBundledModel = "resources/models/rnnpool-face-m4.npz";

// The streaming plan's own buffer kinds (band, ring, row, candidates...) say more than the
// planner's tensor/scratch/state.
std::map<std::string, std::string> streamingKinds(const Graph &graph) {
  std::map<std::string, std::string> kinds;
  for (const StreamBuffer &b : make_streaming_schedule(graph).buffers)
    kinds[b.name] = stream_buffer_kind_name(b.kind);
  return kinds;
}

} // namespace

std::vector<std::string> bundledModelCandidates() {
  namespace fs = std::filesystem;
  std::vector<std::string> candidates{(fs::path(RNNPOOL_SOURCE_DIR) / kBundledModel).string()};
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back((exe.parent_path() / kBundledModel).string());
    candidates.push_back((exe.parent_path() / fs::path(kBundledModel).filename()).string());
  }
  return candidates;
}

CoreStudioBackend::CoreStudioBackend(const std::string &model_path) : model_path_(model_path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (model_path_.empty()) {
    const std::vector<std::string> candidates = bundledModelCandidates();
    model_path_ = candidates.front();
    for (const std::string &c : candidates)
      if (fs::exists(c, ec)) {
        model_path_ = c;
        break;
      }
  }
  const QString path = QString::fromStdString(model_path_);
  if (!model_path.empty() && !fs::exists(model_path_, ec)) {
    status_ = QObject::tr("Model file %1 does not exist; no detections").arg(path);
  } else if (!fs::exists(model_path_, ec)) {
    status_ = QObject::tr("No trained model found at %1: train one (tools/training) or pass "
                          "--model PATH")
                  .arg(path);
  } else {
    try {
      model_ = load_model_file(model_path_);
      // A detector is built here once so a model the detector refuses is reported at start-up.
      DetectorProcessor probe(*model_);
      // rnnpool-cli init-model writes "random weights (seed N), not trained".
      const std::string &description = model_->manifest.description;
      if (description.find("random") != std::string::npos ||
          description.find("not trained") != std::string::npos)
        status_ = QObject::tr("Untrained model %1: boxes are meaningless").arg(path);
    } catch (const std::exception &e) {
      model_.reset();
      status_ = QObject::tr("Cannot load the model %1: %2").arg(path, QString::fromUtf8(e.what()));
    }
  }
  if (model_) {
    graph_ = model_->graph;
  } else {
    const ModelManifest defaults;
    graph_ = make_rnnpool_face_m4(Shape{defaults.input_height, defaults.input_width, 1});
  }
}

std::shared_ptr<FrameProcessor> CoreStudioBackend::makeProcessor() {
  if (!model_) return std::make_shared<PassThroughProcessor>();
  return std::make_shared<DetectorProcessor>(*model_);
}

QVector<LayerRow> CoreStudioBackend::layers() {
  try {
    return layerRowsFromStats(analyze_graph(graph_));
  } catch (const std::exception &e) {
    // Only an inconsistent graph gets here (a core bug the core tests catch); show no rows.
    qWarning("rnnpool-studio: layer analysis failed: %s", e.what());
    return {};
  }
}

MemoryPlanView CoreStudioBackend::plan(const QString &strategy, const QString &dtype) {
  const auto key = std::make_pair(strategy, dtype);
  if (auto it = plans_.find(key); it != plans_.end()) return it->second;
  MemoryPlanView view;
  view.strategy = strategy;
  view.dtype = dtype;
  try {
    const PlanStrategy s = parse_strategy(strategy.toStdString());
    const MemoryPlan plan = make_memory_plan(graph_, s, parse_dtype(dtype.toStdString()));
    view = planViewFromPlan(plan, graph_.input_name,
                            s == PlanStrategy::Streaming ? streamingKinds(graph_)
                                                         : std::map<std::string, std::string>{});
  } catch (const std::exception &e) {
    qWarning("rnnpool-studio: no %s/%s plan: %s", qPrintable(strategy), qPrintable(dtype),
             e.what());
  }
  plans_[key] = view;
  return view;
}

} // namespace rnnpool
