// SPDX-License-Identifier: GPL-3.0-or-later
// A memory plan as the RAM views draw it: per step (one layer executing) the buffers that are live
// and where they sit in the arena.
#pragma once

#include <QString>
#include <QVector>

namespace rnnpool {

struct PlanBuffer {
  QString name;
  qint64 offset = 0; // bytes from the arena start
  qint64 bytes = 0;
  QString kind; // tensor | scratch | state | input; streaming: band | ring | row | candidates
};

// Named apart from core/plan's PlanStep: both live in namespace rnnpool and end up in one binary.
struct PlanViewStep {
  QString layer; // the layer executing at this step
  qint64 liveBytes = 0;
  QVector<PlanBuffer> buffers;
};

struct MemoryPlanView {
  QString strategy; // layer | paper | streaming
  QString dtype;    // f32 | i8
  qint64 peakBytes = 0;
  qint64 arenaBytes = 0;
  int peakStep = -1;
  QVector<PlanViewStep> steps;

  bool isEmpty() const { return steps.isEmpty(); }
  // Step index at which `layer` executes; -1 when the plan has no such step.
  int stepOfLayer(const QString &layer) const {
    for (int i = 0; i < steps.size(); ++i)
      if (steps[i].layer == layer) return i;
    return -1;
  }
};

} // namespace rnnpool
