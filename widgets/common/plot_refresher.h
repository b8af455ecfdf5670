// SPDX-License-Identifier: GPL-3.0-or-later
// Coalescing replot timer (PlotJuggler style): views mark a plot dirty whenever its data changes,
// and every tick (40 ms, about 25 Hz) each dirty plot is replotted once. A view that receives a
// thousand samples between two ticks still costs one replot; plots are never replotted per sample.
#pragma once

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QVector>

class QCustomPlot;

namespace rnnpool {

class PlotRefresher : public QObject {
  Q_OBJECT
public:
  static constexpr int kIntervalMs = 40;

  explicit PlotRefresher(QObject *parent = nullptr);

  // The application-wide refresher every chart uses.
  static PlotRefresher &instance();

  // Schedules one replot of `plot` at the next tick; repeated calls before the tick coalesce.
  void markDirty(QCustomPlot *plot);
  bool isDirty(const QCustomPlot *plot) const;

  // Replots every dirty plot now (before a screenshot or an export).
  void flush();

  // Replots performed so far (for tests and the status line).
  qint64 replotCount() const { return replots_; }

private:
  void tick();

  QTimer timer_;
  QVector<QPointer<QCustomPlot>> dirty_;
  qint64 replots_ = 0;
};

} // namespace rnnpool
