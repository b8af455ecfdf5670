// SPDX-License-Identifier: GPL-3.0-or-later
// The arena over time: x is the step, y the byte offset, and each buffer a rectangle over the steps
// it lives at its offset, coloured by kind. This is the graphical form of the plan TFLite Micro's
// memory planner prints as text.
#pragma once

#include "widgets/model/memory_plan_view.h"

#include <QWidget>

class QCustomPlot;
class QCPItemRect;
class QMouseEvent;

namespace rnnpool {

class LayerSelection;

class MemoryMapChart : public QWidget {
  Q_OBJECT
public:
  // One rectangle: a buffer at one offset over consecutive steps.
  struct Block {
    PlanBuffer buffer;
    int firstStep = 0;
    int lastStep = 0;
  };

  MemoryMapChart(LayerSelection *selection, QWidget *parent = nullptr);

  void setPlan(const MemoryPlanView &plan);
  const QVector<Block> &blocks() const { return blocks_; }
  int highlightedStep() const { return highlighted_step_; }
  // Block under a plot-relative position; -1 when none.
  int blockAt(const QPointF &plotPos) const;
  QCustomPlot *plot() const { return plot_; }

private:
  void rebuild();
  void updateHighlight();
  void onMouseMove(QMouseEvent *event);
  void onMousePress(QMouseEvent *event);

  LayerSelection *selection_;
  QCustomPlot *plot_;
  MemoryPlanView plan_;
  QVector<Block> blocks_;
  QCPItemRect *highlight_ = nullptr;
  int highlighted_step_ = -1;
};

// Groups a plan's per-step buffers into rectangles (same name and offset on consecutive steps).
QVector<MemoryMapChart::Block> memoryMapBlocks(const MemoryPlanView &plan);

} // namespace rnnpool
