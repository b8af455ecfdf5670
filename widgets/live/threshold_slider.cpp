// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/live/threshold_slider.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <cmath>

namespace rnnpool {

ThresholdSlider::ThresholdSlider(QWidget *parent) : QWidget(parent) {
  auto *layout = new QHBoxLayout(this);
  layout->setContentsMargins(6, 2, 6, 2);
  layout->addWidget(new QLabel(tr("Score threshold"), this));
  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setObjectName("thresholdSlider");
  // Integer hundredths: QSlider has no float mode.
  slider_->setRange(int(std::lround(kMin * 100)), int(std::lround(kMax * 100)));
  slider_->setValue(50);
  value_ = new QLabel("0.50", this);
  value_->setMinimumWidth(value_->fontMetrics().horizontalAdvance("0.000"));
  layout->addWidget(slider_, 1);
  layout->addWidget(value_);
  connect(slider_, &QSlider::valueChanged, this, [this](int v) {
    value_->setText(QString::number(v / 100.0, 'f', 2));
    emit thresholdChanged(float(v / 100.0));
  });
}

float ThresholdSlider::threshold() const {
  return float(slider_->value() / 100.0);
}

void ThresholdSlider::setThreshold(float threshold) {
  slider_->setValue(int(std::lround(std::clamp(threshold, kMin, kMax) * 100)));
}

} // namespace rnnpool
