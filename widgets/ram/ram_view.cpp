// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/ram/ram_view.h"

#include "widgets/common/number_format.h"
#include "widgets/ram/memory_map_chart.h"
#include "widgets/ram/ram_timeline_chart.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

namespace rnnpool {

RamView::RamView(LayerSelection *selection, QWidget *parent)
    : QWidget(parent), selection_(selection) {
  strategy_box_ = new QComboBox(this);
  strategy_box_->setObjectName("ramStrategy");
  strategy_box_->addItem(tr("layer by layer"), "layer");
  strategy_box_->addItem(tr("paper (RNNPool patch-wise)"), "paper");
  strategy_box_->addItem(tr("streaming"), "streaming");
  dtype_box_ = new QComboBox(this);
  dtype_box_->setObjectName("ramDtype");
  dtype_box_->addItem("f32", "f32");
  dtype_box_->addItem("i8", "i8");
  board_box_ = new QComboBox(this);
  board_box_->setObjectName("ramBoard");
  board_box_->addItem(tr("192 KiB (STM32F405/F407)"), 192);
  board_box_->addItem(tr("256 KiB (STM32F401/F411)"), 256);
  board_box_->addItem(tr("custom"), 0);
  custom_kib_ = new QSpinBox(this);
  custom_kib_->setObjectName("ramCustomKiB");
  custom_kib_->setRange(1, 65536);
  custom_kib_->setValue(128);
  custom_kib_->setSuffix(" KiB");
  custom_kib_->setEnabled(false);
  stacking_box_ = new QComboBox(this);
  stacking_box_->addItem(tr("stack by kind"));
  stacking_box_->addItem(tr("stack by buffer"));

  auto *controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Strategy"), this));
  controls->addWidget(strategy_box_);
  controls->addWidget(new QLabel(tr("dtype"), this));
  controls->addWidget(dtype_box_);
  controls->addWidget(new QLabel(tr("Board RAM"), this));
  controls->addWidget(board_box_);
  controls->addWidget(custom_kib_);
  controls->addWidget(stacking_box_);
  controls->addStretch(1);

  peak_label_ = new QLabel(this);
  peak_label_->setObjectName("ramPeakLabel");
  peak_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  measured_label_ = new QLabel(this);
  measured_label_->setObjectName("ramMeasuredLabel");
  auto *labels = new QHBoxLayout;
  labels->addWidget(peak_label_, 1);
  labels->addWidget(measured_label_);

  timeline_ = new RamTimelineChart(selection_, this);
  map_ = new MemoryMapChart(selection_, this);
  auto *charts = new QSplitter(Qt::Horizontal, this);
  charts->addWidget(timeline_);
  charts->addWidget(map_);
  charts->setChildrenCollapsible(false);
  charts->setStretchFactor(0, 3);
  charts->setStretchFactor(1, 2);

  auto *layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addLayout(controls);
  layout->addLayout(labels);
  layout->addWidget(charts, 1);

  connect(strategy_box_, &QComboBox::currentIndexChanged, this, &RamView::requestPlan);
  connect(dtype_box_, &QComboBox::currentIndexChanged, this, &RamView::requestPlan);
  connect(board_box_, &QComboBox::currentIndexChanged, this, &RamView::updateBudget);
  connect(custom_kib_, &QSpinBox::valueChanged, this, &RamView::updateBudget);
  connect(stacking_box_, &QComboBox::currentIndexChanged, this, [this](int i) {
    timeline_->setStacking(i == 0 ? RamTimelineChart::Stacking::ByKind
                                  : RamTimelineChart::Stacking::ByBuffer);
  });
  updateBudget();
  updateLabels();
}

QString RamView::strategy() const {
  return strategy_box_->currentData().toString();
}

QString RamView::dtype() const {
  return dtype_box_->currentData().toString();
}

void RamView::setStrategy(const QString &strategy) {
  const int i = strategy_box_->findData(strategy);
  if (i >= 0) strategy_box_->setCurrentIndex(i);
}

void RamView::setDtype(const QString &dtype) {
  const int i = dtype_box_->findData(dtype);
  if (i >= 0) dtype_box_->setCurrentIndex(i);
}

qint64 RamView::budgetBytes() const {
  const int kib = board_box_->currentData().toInt();
  return qint64(kib > 0 ? kib : custom_kib_->value()) * 1024;
}

void RamView::requestPlan() {
  emit planRequested(strategy(), dtype());
}

void RamView::setPlan(const MemoryPlanView &plan) {
  plan_ = plan;
  timeline_->setPlan(plan);
  map_->setPlan(plan);
  updateLabels();
}

void RamView::setMeasuredPeak(qint64 bytes) {
  measured_ = bytes;
  updateLabels();
}

QString RamView::peakLabelText() const {
  return timeline_->peakLabelText();
}

QString RamView::measuredText() const {
  return measured_label_->text();
}

int RamView::highlightedStep() const {
  return timeline_->highlightedStep();
}

void RamView::updateBudget() {
  custom_kib_->setEnabled(board_box_->currentData().toInt() == 0);
  timeline_->setBudget(budgetBytes());
  updateLabels();
}

void RamView::updateLabels() {
  if (plan_.isEmpty()) {
    peak_label_->setText(tr("No plan for %1 / %2 yet").arg(strategy(), dtype()));
  } else {
    const qint64 budget = budgetBytes();
    const QString fit =
        plan_.peakBytes <= budget ? tr("fits the board") : tr("over the board's RAM");
    peak_label_->setText(
        tr("Planned (%1, %2): %3; arena %4; %5")
            .arg(plan_.strategy, plan_.dtype, peakLabelText(), formatBytes(plan_.arenaBytes), fit));
  }
  if (measured_ < 0) {
    measured_label_->setText(tr("measured peak: no device"));
  } else {
    const qint64 diff = measured_ - plan_.peakBytes;
    measured_label_->setText(tr("measured peak %1 vs planned %2 (%3%4)")
                                 .arg(formatCount(measured_), formatCount(plan_.peakBytes),
                                      diff >= 0 ? "+" : "-", formatCount(std::abs(diff))));
  }
}

} // namespace rnnpool
