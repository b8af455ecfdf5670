// SPDX-License-Identifier: GPL-3.0-or-later
// The plan's timeline: bytes live at each step (one layer executing), stacked by buffer kind or by
// buffer, with the peak labelled, the board's RAM budget as a line and the selected layer's step
// shaded. Clicking a step selects its layer.
#pragma once

#include "widgets/model/memory_plan_view.h"

#include <QWidget>

class QCustomPlot;
class QCPItemRect;
class QCPItemStraightLine;
class QCPItemText;
class QCPItemLine;
class QMouseEvent;

namespace rnnpool {

class LayerSelection;

class RamTimelineChart : public QWidget {
  Q_OBJECT
public:
  enum class Stacking { ByKind, ByBuffer };

  RamTimelineChart(LayerSelection *selection, QWidget *parent = nullptr);

  void setPlan(const MemoryPlanView &plan);
  void setStacking(Stacking stacking);
  Stacking stacking() const { return stacking_; }
  // The board's RAM in bytes; 0 hides the line.
  void setBudget(qint64 bytes);
  qint64 budget() const { return budget_; }

  // "peak 76,800 bytes (75.0 KiB) at conv"; empty without a plan.
  QString peakLabelText() const;
  // The step drawn as selected; -1 when the selected layer is not in the plan.
  int highlightedStep() const { return highlighted_step_; }
  // The step outlined because its layer is hovered (here or in another view); -1 when none.
  int hoveredStep() const { return hovered_step_; }
  // Step under a plot-relative position; -1 outside the bars.
  int stepAt(const QPointF &plotPos) const;
  QCustomPlot *plot() const { return plot_; }

private:
  void rebuild();
  void updateHighlight();
  void updateHover();
  void updateBudget();
  void onMouseMove(QMouseEvent *event);
  void onMousePress(QMouseEvent *event);

  LayerSelection *selection_;
  QCustomPlot *plot_;
  MemoryPlanView plan_;
  Stacking stacking_ = Stacking::ByKind;
  qint64 budget_ = 0;
  int highlighted_step_ = -1;
  int hovered_step_ = -1;
  QCPItemRect *highlight_ = nullptr;
  QCPItemRect *hover_ = nullptr;
  QCPItemStraightLine *budget_line_ = nullptr;
  QCPItemText *budget_text_ = nullptr;
  QCPItemText *peak_text_ = nullptr;
  QCPItemText *empty_text_ = nullptr;
};

} // namespace rnnpool
