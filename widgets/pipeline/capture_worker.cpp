// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/pipeline/capture_worker.h"

#include <cmath>

namespace rnnpool {

CaptureWorker::CaptureWorker(FrameSink sink) : sink_(std::move(sink)) {}

void CaptureWorker::setSource(std::shared_ptr<FrameSource> source) {
  stop();
  source_ = std::move(source);
  if (!source_) return;
  if (!timer_) {
    timer_ = new QTimer(this);
    timer_->setTimerType(Qt::PreciseTimer);
    connect(timer_, &QTimer::timeout, this, &CaptureWorker::tick);
  }
  // Videos play at their own rate; live cameras block in read(), so poll them quickly.
  const double fps = source_->fps();
  timer_->start(fps > 0 ? int(std::lround(1000.0 / fps)) : 1);
  emit sourceStarted(QString::fromStdString(source_->description()), fps);
}

void CaptureWorker::stop() {
  if (timer_) timer_->stop();
  source_.reset();
}

void CaptureWorker::tick() {
  if (!source_) return;
  cv::Mat frame;
  if (!source_->read(frame)) {
    const std::string why = source_->error();
    stop();
    if (why.empty())
      emit sourceEnded();
    else
      emit sourceFailed(QString::fromStdString(why));
    return;
  }
  sink_(std::move(frame), index_++);
}

} // namespace rnnpool
