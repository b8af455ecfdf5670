// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/layers/layer_chart.h"

#include "widgets/common/number_format.h"
#include "widgets/common/palette.h"
#include "widgets/common/plot_refresher.h"
#include "widgets/model/layer_selection.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QToolTip>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace rnnpool {

namespace {
constexpr double kBarWidth = 0.8;
}

LayerChart::LayerChart(LayerSelection *selection, QWidget *parent)
    : QWidget(parent), selection_(selection) {
  auto *layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto *controls = new QHBoxLayout;
  dtype_box_ = new QComboBox(this);
  dtype_box_->setObjectName("layerChartDtype");
  dtype_box_->addItems({"f32", "i8"});
  log_box_ = new QCheckBox(tr("log scale"), this);
  log_box_->setObjectName("layerChartLog");
  controls->addWidget(new QLabel(tr("Activation bytes per layer:"), this));
  controls->addWidget(dtype_box_);
  controls->addWidget(log_box_);
  controls->addStretch(1);
  layout->addLayout(controls);

  plot_ = new QCustomPlot(this);
  plot_->setObjectName("layerChart");
  plot_->setMinimumSize(420, 260);
  plot_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  plot_->setMouseTracking(true);
  plot_->legend->setVisible(true);
  plot_->legend->setFont(QFont(font().family(), 8));
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  plot_->yAxis->setLabel(tr("output bytes (f32)"));
  plot_->xAxis->setTickLabelRotation(60);
  plot_->xAxis->setTickLabelFont(QFont(font().family(), 7));
  plot_->xAxis->grid()->setVisible(false);
  layout->addWidget(plot_, 1);

  connect(dtype_box_, &QComboBox::currentIndexChanged, this,
          [this](int i) { setDtype(i == 1 ? Dtype::I8 : Dtype::F32); });
  connect(log_box_, &QCheckBox::toggled, this, &LayerChart::setLogScale);
  connect(plot_, &QCustomPlot::mouseMove, this, &LayerChart::onMouseMove);
  connect(plot_, &QCustomPlot::mousePress, this, &LayerChart::onMousePress);
  connect(selection_, &LayerSelection::currentLayerChanged, this, &LayerChart::updateHighlight);
  connect(selection_, &LayerSelection::hoveredLayerChanged, this, &LayerChart::updateHover);
}

void LayerChart::setLayers(const QVector<LayerRow> &rows) {
  rows_ = rows;
  rebuild();
}

void LayerChart::setDtype(Dtype dtype) {
  if (dtype_box_->currentIndex() != int(dtype)) dtype_box_->setCurrentIndex(int(dtype));
  if (dtype == dtype_) return;
  dtype_ = dtype;
  plot_->yAxis->setLabel(dtype == Dtype::F32 ? tr("output bytes (f32)") : tr("output bytes (i8)"));
  rebuild();
}

void LayerChart::setLogScale(bool log) {
  if (log_box_->isChecked() != log) log_box_->setChecked(log);
  if (log == log_) return;
  log_ = log;
  updateValueAxis();
  PlotRefresher::instance().markDirty(plot_);
}

qint64 LayerChart::bytesOf(const LayerRow &row) const {
  return dtype_ == Dtype::F32 ? row.bytesF32 : row.bytesI8;
}

void LayerChart::rebuild() {
  plot_->clearPlottables();
  plot_->clearItems();
  highlight_bars_ = nullptr;
  hover_bars_ = nullptr;

  // One QCPBars per op: that is what gives the legend one entry per op.
  QMap<QString, QCPBars *> by_op;
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  for (int i = 0; i < rows_.size(); ++i) {
    const LayerRow &row = rows_[i];
    QCPBars *&bars = by_op[row.op];
    if (!bars) {
      bars = new QCPBars(plot_->xAxis, plot_->yAxis);
      bars->setName(row.op);
      bars->setWidth(kBarWidth);
      const QColor c = colorForOp(row.op);
      bars->setBrush(c);
      bars->setPen(isRnnPoolOp(row.op) ? QPen(c.darker(170), 2) : QPen(c.darker(130)));
      bars->setSelectable(QCP::stNone);
    }
    bars->addData(i, double(bytesOf(row)));
    ticker->addTick(i, row.name);
    if (isRnnPoolOp(row.op)) {
      // The point of the paper: the RNNPool layer replaces the big early activations.
      auto *tag = new QCPItemText(plot_);
      tag->position->setType(QCPItemPosition::ptPlotCoords);
      tag->position->setCoords(i, double(bytesOf(row)));
      // Rotated upwards from the bar's top, so it never overlaps the neighbouring bars.
      tag->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
      tag->setRotation(-90);
      tag->setText(tr(" RNNPool"));
      tag->setColor(colorForOp("rnnpool").darker(130));
      tag->setFont(QFont(font().family(), 8, QFont::Bold));
      tag->setClipToAxisRect(false);
    }
  }
  plot_->xAxis->setTicker(ticker);
  plot_->xAxis->setRange(-0.7, std::max<double>(rows_.size(), 1) - 0.3);

  // The selection outline is a bar chart of its own holding at most one bar, drawn on top.
  highlight_bars_ = new QCPBars(plot_->xAxis, plot_->yAxis);
  highlight_bars_->setWidth(kBarWidth + 0.15);
  highlight_bars_->setPen(QPen(kSelectionColor, 2.5));
  highlight_bars_->setBrush(QColor(255, 255, 255, 70));
  highlight_bars_->removeFromLegend();
  highlight_bars_->setSelectable(QCP::stNone);
  hover_bars_ = new QCPBars(plot_->xAxis, plot_->yAxis);
  hover_bars_->setWidth(kBarWidth + 0.15);
  hover_bars_->setPen(QPen(kSelectionColor, 1.5, Qt::DashLine));
  hover_bars_->setBrush(Qt::NoBrush);
  hover_bars_->removeFromLegend();
  hover_bars_->setSelectable(QCP::stNone);
  updateValueAxis();
  updateHighlight();
  updateHover();
}

void LayerChart::updateHover() {
  const int layer = selection_->hoveredLayer();
  hovered_ = layer >= 0 && layer < rows_.size() ? layer : -1;
  if (hover_bars_) {
    hover_bars_->data()->clear();
    if (hovered_ >= 0) hover_bars_->addData(hovered_, double(bytesOf(rows_[hovered_])));
  }
  PlotRefresher::instance().markDirty(plot_);
}

void LayerChart::updateValueAxis() {
  double hi = 1;
  double lo = std::numeric_limits<double>::max();
  for (const LayerRow &row : rows_) {
    hi = std::max(hi, double(bytesOf(row)));
    if (bytesOf(row) > 0) lo = std::min(lo, double(bytesOf(row)));
  }
  if (log_) {
    plot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
    plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    plot_->yAxis->setRange(std::max(1.0, lo == std::numeric_limits<double>::max() ? 1 : lo / 2),
                           hi * 3);
  } else {
    plot_->yAxis->setScaleType(QCPAxis::stLinear);
    plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    plot_->yAxis->setRange(0, hi * 1.12);
  }
}

void LayerChart::updateHighlight() {
  highlighted_ = selection_->currentLayer() < rows_.size() ? selection_->currentLayer() : -1;
  if (highlight_bars_) {
    highlight_bars_->data()->clear();
    if (highlighted_ >= 0)
      highlight_bars_->addData(highlighted_, double(bytesOf(rows_[highlighted_])));
  }
  PlotRefresher::instance().markDirty(plot_);
}

int LayerChart::layerAt(const QPointF &plotPos) const {
  if (rows_.isEmpty() || !plot_->axisRect()->rect().contains(plotPos.toPoint())) return -1;
  const double key = plot_->xAxis->pixelToCoord(plotPos.x());
  const int index = int(std::lround(key));
  if (index < 0 || index >= rows_.size() || std::abs(key - index) > kBarWidth / 2) return -1;
  return index;
}

void LayerChart::onMouseMove(QMouseEvent *event) {
  const int index = layerAt(event->position());
  selection_->setHoveredLayer(index);
  if (index < 0) {
    QToolTip::hideText();
    return;
  }
  const LayerRow &row = rows_[index];
  QToolTip::showText(event->globalPosition().toPoint(),
                     tr("%1 (%2)\noutput %3\nf32 %4\ni8 %5")
                         .arg(row.name, row.op, row.outputShape, formatBytes(row.bytesF32),
                              formatBytes(row.bytesI8)),
                     plot_);
}

void LayerChart::onMousePress(QMouseEvent *event) {
  const int index = layerAt(event->position());
  if (index >= 0) selection_->setCurrentLayer(index);
}

} // namespace rnnpool
