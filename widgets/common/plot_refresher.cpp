// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/common/plot_refresher.h"

#include <qcustomplot.h>

namespace rnnpool {

PlotRefresher::PlotRefresher(QObject *parent) : QObject(parent) {
  timer_.setInterval(kIntervalMs);
  // Coarse timers are fine for a display refresh and let the OS batch wake-ups.
  timer_.setTimerType(Qt::CoarseTimer);
  connect(&timer_, &QTimer::timeout, this, &PlotRefresher::tick);
}

PlotRefresher &PlotRefresher::instance() {
  static PlotRefresher *refresher = new PlotRefresher(); // lives as long as the process
  return *refresher;
}

void PlotRefresher::markDirty(QCustomPlot *plot) {
  if (!plot || isDirty(plot)) return;
  dirty_.append(plot);
  // The timer only runs while something waits, so an idle window costs no wake-ups.
  if (!timer_.isActive()) timer_.start();
}

bool PlotRefresher::isDirty(const QCustomPlot *plot) const {
  for (const auto &p : dirty_)
    if (p == plot) return true;
  return false;
}

void PlotRefresher::flush() {
  tick();
}

void PlotRefresher::tick() {
  const auto plots = std::exchange(dirty_, {});
  for (const auto &plot : plots) {
    if (!plot) continue;                      // destroyed since it was marked
    plot->replot(QCustomPlot::rpRefreshHint); // synchronous: flush() then grab() sees it
    ++replots_;
  }
  if (dirty_.isEmpty()) timer_.stop();
}

} // namespace rnnpool
