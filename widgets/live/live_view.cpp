// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/live/live_view.h"

#include "widgets/common/palette.h"

#include <QPainter>
#include <opencv2/imgproc.hpp>

namespace rnnpool {

namespace {

QImage toQImage(const cv::Mat &frame) {
  if (frame.empty() || frame.depth() != CV_8U) return {};
  cv::Mat rgb;
  switch (frame.channels()) {
  case 1: cv::cvtColor(frame, rgb, cv::COLOR_GRAY2RGB); break;
  case 3: cv::cvtColor(frame, rgb, cv::COLOR_BGR2RGB); break;
  case 4: cv::cvtColor(frame, rgb, cv::COLOR_BGRA2RGB); break;
  default: return {};
  }
  // copy(): the QImage must own its pixels once `rgb` goes away.
  return QImage(rgb.data, rgb.cols, rgb.rows, int(rgb.step), QImage::Format_RGB888).copy();
}

} // namespace

LiveView::LiveView(QWidget *parent) : QWidget(parent) {
  setAttribute(Qt::WA_OpaquePaintEvent);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setObjectName("liveView");
}

void LiveView::setFrame(const cv::Mat &frame, const std::vector<DetectedBox> &hostBoxes) {
  image_ = toQImage(frame);
  host_boxes_ = hostBoxes;
  ++frames_;
  message_.clear();
  update();
}

void LiveView::setDeviceBoxes(const std::vector<DetectedBox> &deviceBoxes) {
  device_boxes_ = deviceBoxes;
  update();
}

void LiveView::setStats(double fps, double latencyMs) {
  fps_ = fps;
  latency_ms_ = latencyMs;
  update();
}

void LiveView::setSourceDescription(const QString &description) {
  source_ = description;
  update();
}

void LiveView::setMessage(const QString &message) {
  message_ = message;
  update();
}

QString LiveView::overlayText() const {
  QString text = tr("%1 FPS   %2 ms").arg(fps_, 0, 'f', 1).arg(latency_ms_, 0, 'f', 1);
  if (!source_.isEmpty()) text += "   " + source_;
  text += tr("   faces: %1").arg(host_boxes_.size());
  if (!device_boxes_.empty()) text += tr(" (device %1)").arg(device_boxes_.size());
  return text;
}

QRectF LiveView::imageRect() const {
  if (image_.isNull()) return {};
  const QSizeF scaled = QSizeF(image_.size()).scaled(size(), Qt::KeepAspectRatio);
  return QRectF(QPointF((width() - scaled.width()) / 2, (height() - scaled.height()) / 2), scaled);
}

void LiveView::drawBoxes(QPainter &p, const QRectF &target, const std::vector<DetectedBox> &boxes,
                         const QColor &color, Qt::PenStyle style, bool scores) const {
  const double sx = target.width() / image_.width();
  const double sy = target.height() / image_.height();
  p.setPen(QPen(color, 2.5, style));
  p.setBrush(Qt::NoBrush);
  for (const DetectedBox &b : boxes) {
    const QRectF r(target.left() + b.x1 * sx, target.top() + b.y1 * sy, (b.x2 - b.x1) * sx,
                   (b.y2 - b.y1) * sy);
    p.drawRect(r);
    if (!scores) continue;
    const QString label = QString::number(b.score, 'f', 2);
    const QRectF tag(r.left(), r.top() - 18, p.fontMetrics().horizontalAdvance(label) + 8, 18);
    p.fillRect(tag, color);
    p.setPen(Qt::black);
    p.drawText(tag, Qt::AlignCenter, label);
    p.setPen(QPen(color, 2.5, style));
  }
}

void LiveView::paintEvent(QPaintEvent *) {
  QPainter p(this);
  p.fillRect(rect(), QColor(24, 24, 28));
  const QRectF target = imageRect();
  if (!image_.isNull()) {
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    p.drawImage(target, image_);
    p.setRenderHint(QPainter::Antialiasing);
    drawBoxes(p, target, host_boxes_, kHostBoxColor, Qt::SolidLine, true);
    drawBoxes(p, target, device_boxes_, kDeviceBoxColor, Qt::DashLine, false);
  }
  // Overlay: a dark strip keeps the text readable on any frame.
  const QString text = overlayText();
  QFont font = p.font();
  font.setPointSizeF(font.pointSizeF() * 1.2);
  p.setFont(font);
  const QRect strip(8, 8, p.fontMetrics().horizontalAdvance(text) + 16,
                    p.fontMetrics().height() + 8);
  p.fillRect(strip, QColor(0, 0, 0, 160));
  p.setPen(Qt::white);
  p.drawText(strip, Qt::AlignCenter, text);
  if (!message_.isEmpty() || image_.isNull()) {
    p.setPen(QColor(230, 230, 230));
    p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
               message_.isEmpty() ? tr("Waiting for frames...") : message_);
  }
}

} // namespace rnnpool
