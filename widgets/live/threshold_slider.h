// SPDX-License-Identifier: GPL-3.0-or-later
// The detector's score threshold, 0.05..0.95 in steps of 0.01, with its value shown beside it.
#pragma once

#include <QWidget>

class QSlider;
class QLabel;

namespace rnnpool {

class ThresholdSlider : public QWidget {
  Q_OBJECT
public:
  static constexpr float kMin = 0.05f, kMax = 0.95f;

  explicit ThresholdSlider(QWidget *parent = nullptr);
  float threshold() const;
  QSlider *slider() const { return slider_; }

public slots:
  void setThreshold(float threshold); // clamped to [kMin, kMax]

signals:
  void thresholdChanged(float threshold);

private:
  QSlider *slider_;
  QLabel *value_;
};

} // namespace rnnpool
