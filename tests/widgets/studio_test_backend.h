// SPDX-License-Identifier: GPL-3.0-or-later
// TEST DOUBLE: a StudioBackend with five hand-written layers and small hand-written plans, so the
// GUI tests can drive the window before the core analysis and planner exist. Its detector is a
// stand-in that reports one fixed box per frame; none of these numbers describe the real model.
#pragma once

#include "widgets/model/studio_backend.h"

#include <atomic>

namespace rnnpool::test {

// Returns the frame with one fixed box and per-layer times; counts its calls.
class FixedBoxProcessor : public FrameProcessor {
public:
  explicit FixedBoxProcessor(int layers) : layers_(layers) {}
  FrameResult process(const cv::Mat &frame, float threshold) override {
    FrameResult r;
    r.frame = frame;
    r.boxes.push_back({10, 10, 60, 70, std::max(threshold, 0.9f)});
    r.latency_ms = 1.0;
    r.layer_ms.assign(std::size_t(layers_), 0.25);
    calls.fetch_add(1);
    return r;
  }
  std::atomic<int> calls{0};

private:
  int layers_;
};

class TestStudioBackend : public StudioBackend {
public:
  std::shared_ptr<FrameProcessor> makeProcessor() override {
    processor = std::make_shared<FixedBoxProcessor>(int(layers().size()));
    return processor;
  }

  QVector<LayerRow> layers() override {
    auto row = [](QString name, QString op, QString in, QString out, qint64 elements) {
      LayerRow r;
      r.name = name;
      r.op = op;
      r.inputShapes = in;
      r.outputShape = out;
      r.bytesF32 = elements * 4;
      r.bytesI8 = elements;
      r.params = 100;
      r.madds = 1234567;
      return r;
    };
    return {row("conv", "conv2d", "320x240x1", "160x120x4", 76800),
            row("rnn_model", "rnnpool", "160x120x4", "39x29x64", 72384),
            row("mob.0.expand", "conv2d", "40x30x64", "40x30x128", 153600),
            row("mob.0.dw", "conv2d", "40x30x128", "40x30x128", 153600),
            row("loc.0", "conv2d", "40x30x32", "40x30x4", 4800)};
  }

  // "layer": input+output live per step. "paper": smaller (the RNNPool trick). Others: empty.
  MemoryPlanView plan(const QString &strategy, const QString &dtype) override {
    ++plan_calls;
    MemoryPlanView p;
    p.strategy = strategy;
    p.dtype = dtype;
    const qint64 scale = strategy == "paper" ? 1 : strategy == "layer" ? 2 : 0;
    if (scale == 0) return p;
    const QStringList names = {"conv", "rnn_model", "mob.0.expand", "mob.0.dw", "loc.0"};
    const qint64 sizes[] = {30000, 20000, 40000, 45000, 5000};
    for (int s = 0; s < names.size(); ++s) {
      PlanViewStep step;
      step.layer = names[s];
      const qint64 in = s == 0 ? 12000 * scale : sizes[s - 1] * scale;
      const qint64 out = sizes[s] * scale;
      step.buffers = {
          {s == 0 ? "input" : names[s - 1], (s % 2) ? out : 0, in, s == 0 ? "input" : "tensor"},
          {names[s], (s % 2) ? 0 : in, out, "tensor"}};
      if (names[s] == "rnn_model") step.buffers.append({"rnn_state", in + out, 512, "state"});
      for (const PlanBuffer &b : step.buffers)
        step.liveBytes += b.bytes;
      if (step.liveBytes > p.peakBytes) p.peakBytes = step.liveBytes, p.peakStep = s;
      for (const PlanBuffer &b : step.buffers)
        p.arenaBytes = std::max(p.arenaBytes, b.offset + b.bytes);
      p.steps.append(step);
    }
    return p;
  }

  QString statusMessage() const override { return "test backend"; }

  std::shared_ptr<FixedBoxProcessor> processor;
  int plan_calls = 0;
};

} // namespace rnnpool::test
