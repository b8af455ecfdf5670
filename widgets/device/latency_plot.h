// SPDX-License-Identifier: GPL-3.0-or-later
// Device latency over time (frame index vs ms or M instructions). Samples are appended as they
// arrive; the plot is redrawn by the shared coalescing refresher, never per sample.
#pragma once

#include <QWidget>

class QCustomPlot;

namespace rnnpool {

class LatencyPlot : public QWidget {
  Q_OBJECT
public:
  static constexpr int kMaxPoints = 5000; // older samples scroll out

  explicit LatencyPlot(QWidget *parent = nullptr);

  void setUnit(const QString &unit); // "ms" or "M instructions"
  void appendLatency(double frame, double value);
  void clear();
  int pointCount() const;
  QCustomPlot *plot() const { return plot_; }

private:
  QCustomPlot *plot_;
  double min_ = 0, max_ = 0;
};

} // namespace rnnpool
