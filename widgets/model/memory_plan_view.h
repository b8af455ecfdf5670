// SPDX-License-Identifier: GPL-3.0-or-later
// A memory plan as the RAM views draw it: per step (one layer executing) the buffers that are live
// and where they sit in the arena.
#pragma once

#include <QString>
#include <QStringList>
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
  // Step index at which `layer` executes (first step for a streaming plan, whose steps are rows
  // of fused stages such as "mob.0 row 3"); -1 when the plan has no such step.
  int stepOfLayer(const QString &layer) const {
    for (int i = 0; i < steps.size(); ++i)
      if (steps[i].layer == layer) return i;
    const QString stage = streamingStageOf(layer);
    for (int i = 0; i < steps.size(); ++i)
      if (steps[i].layer.section(QStringLiteral(" row "), 0, 0) == stage) return i;
    return -1;
  }

  // The streaming schedule's stage that computes a graph layer: conv and rnn_pad run inside the
  // RNNPool rows, an MBConv block's depthwise/project/add in its "mob.K" stage, L2Norm k in head
  // k's window, loc.k/conf.k in "head.k".
  static QString streamingStageOf(const QString &layer) {
    if (layer == QLatin1String("conv") || layer == QLatin1String("rnn_pad"))
      return QStringLiteral("rnn_model");
    const QStringList parts = layer.split(QLatin1Char('.'));
    if (parts.size() == 3 && parts[0] == QLatin1String("mob") &&
        parts[2] != QLatin1String("expand"))
      return parts[0] + QLatin1Char('.') + parts[1];
    if (parts.size() == 2 &&
        (parts[0] == QLatin1String("loc") || parts[0] == QLatin1String("conf")))
      return QStringLiteral("head.") + parts[1];
    static const QStringList norms = {QStringLiteral("L2Norm3_3"), QStringLiteral("L2Norm4_3"),
                                      QStringLiteral("L2Norm5_3")};
    if (norms.contains(layer)) return QStringLiteral("head.%1.window").arg(norms.indexOf(layer));
    return layer;
  }
};

} // namespace rnnpool
