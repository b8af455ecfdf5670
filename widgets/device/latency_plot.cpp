// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/device/latency_plot.h"

#include "widgets/common/plot_refresher.h"

#include <QVBoxLayout>
#include <qcustomplot.h>

namespace rnnpool {

LatencyPlot::LatencyPlot(QWidget *parent) : QWidget(parent) {
  plot_ = new QCustomPlot(this);
  plot_->setObjectName("latencyPlot");
  plot_->setMinimumSize(320, 160);
  plot_->addGraph();
  plot_->graph(0)->setPen(QPen(QColor(255, 140, 0), 1.5));
  plot_->graph(0)->setName(tr("device latency"));
  plot_->xAxis->setLabel(tr("frame"));
  setUnit("ms");
  auto *layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
}

void LatencyPlot::setUnit(const QString &unit) {
  plot_->yAxis->setLabel(tr("latency (%1)").arg(unit));
  PlotRefresher::instance().markDirty(plot_);
}

void LatencyPlot::appendLatency(double frame, double value) {
  auto data = plot_->graph(0)->data();
  if (data->isEmpty()) min_ = max_ = value;
  data->add(QCPGraphData(frame, value));
  if (data->size() > kMaxPoints) data->removeBefore(data->at(data->size() - kMaxPoints)->key);
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  plot_->xAxis->setRange(data->constBegin()->key, std::max(frame, data->constBegin()->key + 1));
  const double pad = std::max(1e-3, (max_ - min_) * 0.1);
  plot_->yAxis->setRange(std::max(0.0, min_ - pad), max_ + pad);
  PlotRefresher::instance().markDirty(plot_);
}

void LatencyPlot::clear() {
  plot_->graph(0)->data()->clear();
  PlotRefresher::instance().markDirty(plot_);
}

int LatencyPlot::pointCount() const {
  return plot_->graph(0)->data()->size();
}

} // namespace rnnpool
