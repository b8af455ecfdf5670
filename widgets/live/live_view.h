// SPDX-License-Identifier: GPL-3.0-or-later
// The newest frame, scaled to fit with its aspect kept, with the host's boxes (green, with scores),
// the device's boxes (orange, dashed) when a device reported some, and an overlay with FPS,
// latency and the source. The frame is converted to a QImage once per update, never per paint.
#pragma once

#include "widgets/pipeline/frame_result.h"

#include <QImage>
#include <QWidget>
#include <vector>

namespace rnnpool {

class LiveView : public QWidget {
  Q_OBJECT
public:
  explicit LiveView(QWidget *parent = nullptr);

  // `frame` is BGR (or gray) 8-bit as captured; boxes are in its pixel coordinates.
  void setFrame(const cv::Mat &frame, const std::vector<DetectedBox> &hostBoxes);
  // Boxes the device found on the same frame; an empty vector hides them.
  void setDeviceBoxes(const std::vector<DetectedBox> &deviceBoxes);
  void setStats(double fps, double latencyMs);
  void setSourceDescription(const QString &description);
  // A plain sentence drawn over the view when there is nothing to show ("No source").
  void setMessage(const QString &message);

  qint64 framesShown() const { return frames_; }
  const QImage &image() const { return image_; }
  const std::vector<DetectedBox> &hostBoxes() const { return host_boxes_; }
  const std::vector<DetectedBox> &deviceBoxes() const { return device_boxes_; }
  QString overlayText() const;

  QSize sizeHint() const override { return {800, 600}; }
  QSize minimumSizeHint() const override { return {320, 240}; }

protected:
  void paintEvent(QPaintEvent *event) override;

private:
  QRectF imageRect() const;
  void drawBoxes(QPainter &p, const QRectF &target, const std::vector<DetectedBox> &boxes,
                 const QColor &color, Qt::PenStyle style, bool scores) const;

  QImage image_;
  std::vector<DetectedBox> host_boxes_;
  std::vector<DetectedBox> device_boxes_;
  double fps_ = 0, latency_ms_ = 0;
  QString source_;
  QString message_;
  qint64 frames_ = 0;
};

} // namespace rnnpool
