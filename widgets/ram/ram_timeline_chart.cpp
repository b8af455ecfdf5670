// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/ram/ram_timeline_chart.h"

#include "widgets/common/number_format.h"
#include "widgets/common/palette.h"
#include "widgets/common/plot_refresher.h"
#include "widgets/model/layer_selection.h"

#include <QToolTip>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace rnnpool {

namespace {
constexpr double kKiB = 1024.0;
constexpr double kBarWidth = 0.85;
const QStringList kKindOrder = {"input", "tensor", "state", "ring", "scratch", "candidates"};
} // namespace

RamTimelineChart::RamTimelineChart(LayerSelection *selection, QWidget *parent)
    : QWidget(parent), selection_(selection) {
  plot_ = new QCustomPlot(this);
  plot_->setObjectName("ramTimelineChart");
  plot_->setMinimumSize(420, 220);
  plot_->setMouseTracking(true);
  plot_->xAxis->setLabel(tr("step (layer executing)"));
  plot_->yAxis->setLabel(tr("live KiB"));
  plot_->legend->setVisible(true);
  plot_->legend->setFont(QFont(font().family(), 8));
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
  auto *layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  connect(plot_, &QCustomPlot::mouseMove, this, &RamTimelineChart::onMouseMove);
  connect(plot_, &QCustomPlot::mousePress, this, &RamTimelineChart::onMousePress);
  connect(selection_, &LayerSelection::currentLayerChanged, this,
          &RamTimelineChart::updateHighlight);
  connect(selection_, &LayerSelection::hoveredLayerChanged, this, &RamTimelineChart::updateHover);
  rebuild();
}

void RamTimelineChart::setPlan(const MemoryPlanView &plan) {
  plan_ = plan;
  rebuild();
}

void RamTimelineChart::setStacking(Stacking stacking) {
  if (stacking == stacking_) return;
  stacking_ = stacking;
  rebuild();
}

void RamTimelineChart::setBudget(qint64 bytes) {
  budget_ = bytes;
  updateBudget();
}

QString RamTimelineChart::peakLabelText() const {
  if (plan_.isEmpty()) return {};
  const int step = plan_.peakStep >= 0 && plan_.peakStep < plan_.steps.size() ? plan_.peakStep : -1;
  return tr("peak %1 at %2")
      .arg(formatBytes(plan_.peakBytes), step >= 0 ? plan_.steps[step].layer : tr("?"));
}

void RamTimelineChart::rebuild() {
  plot_->clearPlottables();
  plot_->clearItems();
  highlight_ = nullptr;
  hover_ = nullptr;
  peak_text_ = nullptr;
  budget_line_ = nullptr;
  budget_text_ = nullptr;

  // Selection band first, so the bars are drawn over it.
  highlight_ = new QCPItemRect(plot_);
  highlight_->setPen(QPen(kSelectionColor, 1.5, Qt::DashLine));
  highlight_->setBrush(QColor(255, 220, 0, 70));
  highlight_->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
  highlight_->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
  highlight_->setLayer("background");
  hover_ = new QCPItemRect(plot_);
  hover_->setPen(QPen(kSelectionColor, 1, Qt::DotLine));
  hover_->setBrush(Qt::NoBrush);
  hover_->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
  hover_->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);

  empty_text_ = new QCPItemText(plot_);
  empty_text_->position->setType(QCPItemPosition::ptAxisRectRatio);
  empty_text_->position->setCoords(0.5, 0.5);
  empty_text_->setText(tr("No memory plan yet"));
  empty_text_->setVisible(plan_.isEmpty());

  // Stack groups in a stable order: by kind in a fixed order, by buffer in order of appearance.
  QStringList groups;
  auto groupOf = [this](const PlanBuffer &b) {
    return stacking_ == Stacking::ByKind ? b.kind : b.name;
  };
  if (stacking_ == Stacking::ByKind) groups = kKindOrder;
  for (const PlanViewStep &step : plan_.steps)
    for (const PlanBuffer &b : step.buffers)
      if (!groups.contains(groupOf(b))) groups << groupOf(b);

  QCPBars *below = nullptr;
  double top = 0;
  for (int g = 0; g < groups.size(); ++g) {
    QVector<double> keys, values;
    for (int s = 0; s < plan_.steps.size(); ++s) {
      qint64 sum = 0;
      for (const PlanBuffer &b : plan_.steps[s].buffers)
        if (groupOf(b) == groups[g]) sum += b.bytes;
      if (sum > 0) {
        keys << s;
        values << sum / kKiB;
      }
    }
    if (keys.isEmpty()) continue;
    auto *bars = new QCPBars(plot_->xAxis, plot_->yAxis);
    bars->setName(groups[g]);
    bars->setWidth(kBarWidth);
    bars->setSelectable(QCP::stNone);
    const QColor c = stacking_ == Stacking::ByKind ? colorForKind(groups[g]) : colorForIndex(g);
    bars->setBrush(c);
    bars->setPen(QPen(c.darker(140), 0.5));
    bars->setData(keys, values, true);
    if (below) bars->moveAbove(below);
    below = bars;
    // Many buffers would flood the legend; kinds are few.
    if (stacking_ == Stacking::ByBuffer && groups.size() > 12) bars->removeFromLegend();
  }
  plot_->legend->setVisible(plot_->legend->itemCount() > 0);
  for (const PlanViewStep &step : plan_.steps)
    top = std::max(top, step.liveBytes / kKiB);
  top = std::max(top, plan_.peakBytes / kKiB);

  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  const int every = std::max(1, int(plan_.steps.size() / 40)); // keep labels legible
  for (int s = 0; s < plan_.steps.size(); s += every)
    ticker->addTick(s, plan_.steps[s].layer);
  plot_->xAxis->setTicker(ticker);
  plot_->xAxis->setTickLabelRotation(60);
  plot_->xAxis->setTickLabelFont(QFont(font().family(), 7));
  plot_->xAxis->setRange(-0.7, std::max<double>(plan_.steps.size(), 1) - 0.3);

  if (!plan_.isEmpty()) {
    peak_text_ = new QCPItemText(plot_);
    peak_text_->setObjectName("peakLabel");
    const int step = std::clamp(plan_.peakStep, 0, int(plan_.steps.size()) - 1);
    peak_text_->position->setCoords(step, plan_.peakBytes / kKiB);
    peak_text_->setPositionAlignment(Qt::AlignBottom | Qt::AlignHCenter);
    peak_text_->setText(QStringLiteral("\u25BC ") + peakLabelText());
    peak_text_->setFont(QFont(font().family(), 9, QFont::Bold));
    peak_text_->setPadding(QMargins(2, 2, 2, 4));
    peak_text_->setClipToAxisRect(false);
    // Keep the label inside the plot when the peak is near an edge.
    if (step < plan_.steps.size() / 4)
      peak_text_->setPositionAlignment(Qt::AlignBottom | Qt::AlignLeft);
    else if (step > plan_.steps.size() * 3 / 4)
      peak_text_->setPositionAlignment(Qt::AlignBottom | Qt::AlignRight);
  }
  plot_->yAxis->setRange(0, std::max(1.0, top) * 1.25);

  budget_line_ = new QCPItemStraightLine(plot_);
  budget_line_->setPen(QPen(QColor(200, 0, 0), 1.5, Qt::DashLine));
  budget_text_ = new QCPItemText(plot_);
  budget_text_->setColor(QColor(200, 0, 0));
  budget_text_->setPositionAlignment(Qt::AlignBottom | Qt::AlignRight);
  budget_text_->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
  updateBudget();
  updateHighlight();
  updateHover();
}

void RamTimelineChart::updateHover() {
  const QString name = selection_->layerNames().value(selection_->hoveredLayer());
  hovered_step_ = name.isEmpty() ? -1 : plan_.stepOfLayer(name);
  if (hover_) {
    hover_->setVisible(hovered_step_ >= 0);
    hover_->topLeft->setCoords(hovered_step_ - 0.5, 0);
    hover_->bottomRight->setCoords(hovered_step_ + 0.5, 1);
  }
  PlotRefresher::instance().markDirty(plot_);
}

void RamTimelineChart::updateBudget() {
  if (!budget_line_) return;
  const bool show = budget_ > 0;
  budget_line_->setVisible(show);
  budget_text_->setVisible(show);
  if (show) {
    const double y = budget_ / kKiB;
    budget_line_->point1->setCoords(0, y);
    budget_line_->point2->setCoords(1, y);
    budget_text_->position->setCoords(0.99, y);
    budget_text_->setText(tr("board RAM %1 KiB").arg(budget_ / 1024.0, 0, 'f', 0));
    // Keep the budget visible even when the plan is far below it.
    const QCPRange r = plot_->yAxis->range();
    if (y * 1.1 > r.upper) plot_->yAxis->setRange(0, y * 1.15);
  }
  PlotRefresher::instance().markDirty(plot_);
}

void RamTimelineChart::updateHighlight() {
  highlighted_step_ = plan_.stepOfLayer(selection_->currentLayerName());
  if (selection_->currentLayerName().isEmpty()) highlighted_step_ = -1;
  if (highlight_) {
    highlight_->setVisible(highlighted_step_ >= 0);
    highlight_->topLeft->setCoords(highlighted_step_ - 0.5, 0);
    highlight_->bottomRight->setCoords(highlighted_step_ + 0.5, 1);
  }
  PlotRefresher::instance().markDirty(plot_);
}

int RamTimelineChart::stepAt(const QPointF &plotPos) const {
  if (plan_.isEmpty() || !plot_->axisRect()->rect().contains(plotPos.toPoint())) return -1;
  const int step = int(std::lround(plot_->xAxis->pixelToCoord(plotPos.x())));
  return step >= 0 && step < plan_.steps.size() ? step : -1;
}

void RamTimelineChart::onMouseMove(QMouseEvent *event) {
  const int step = stepAt(event->position());
  if (step < 0) {
    QToolTip::hideText();
    return;
  }
  selection_->setHoveredLayer(selection_->indexOf(plan_.steps[step].layer));
  const PlanViewStep &s = plan_.steps[step];
  QString text = tr("step %1: %2\nlive %3").arg(step).arg(s.layer, formatBytes(s.liveBytes));
  for (const PlanBuffer &b : s.buffers)
    text += QStringLiteral("\n  %1 [%2] %3").arg(b.name, b.kind, formatCount(b.bytes));
  QToolTip::showText(event->globalPosition().toPoint(), text, plot_);
}

void RamTimelineChart::onMousePress(QMouseEvent *event) {
  const int step = stepAt(event->position());
  if (step >= 0) selection_->setCurrentLayer(selection_->indexOf(plan_.steps[step].layer));
}

} // namespace rnnpool
