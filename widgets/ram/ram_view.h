// SPDX-License-Identifier: GPL-3.0-or-later
// The RAM view: selectors (strategy, dtype, board budget, stacking), the timeline and the memory
// map of one plan, and planned vs measured peak once a device reported its number. It asks for
// plans (planRequested) and shows what it is given (setPlan); it never computes one.
#pragma once

#include "widgets/model/memory_plan_view.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QSpinBox;

namespace rnnpool {

class LayerSelection;
class MemoryMapChart;
class RamTimelineChart;

class RamView : public QWidget {
  Q_OBJECT
public:
  RamView(LayerSelection *selection, QWidget *parent = nullptr);

  QString strategy() const;
  QString dtype() const;
  void setStrategy(const QString &strategy); // emits planRequested when it changes
  void setDtype(const QString &dtype);
  // The budget line in bytes (from the board combo or the custom spin box).
  qint64 budgetBytes() const;

  const MemoryPlanView &plan() const { return plan_; }
  QString peakLabelText() const;
  QString measuredText() const;
  int highlightedStep() const;

  RamTimelineChart *timeline() const { return timeline_; }
  MemoryMapChart *memoryMap() const { return map_; }
  QComboBox *strategyBox() const { return strategy_box_; }

public slots:
  void setPlan(const rnnpool::MemoryPlanView &plan);
  // A device's measured peak; negative clears it.
  void setMeasuredPeak(qint64 bytes);
  void requestPlan(); // emits planRequested for the current selectors

signals:
  void planRequested(QString strategy, QString dtype);

private:
  void updateBudget();
  void updateLabels();

  LayerSelection *selection_;
  QComboBox *strategy_box_;
  QComboBox *dtype_box_;
  QComboBox *board_box_;
  QComboBox *stacking_box_;
  QSpinBox *custom_kib_;
  QLabel *peak_label_;
  QLabel *measured_label_;
  RamTimelineChart *timeline_;
  MemoryMapChart *map_;
  MemoryPlanView plan_;
  qint64 measured_ = -1;
};

} // namespace rnnpool
