// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/pipeline/pipeline.h"

#include <QMetaObject>

namespace rnnpool {

Pipeline::Pipeline(QObject *parent) : QObject(parent) {
  clock_.start();
  detection_ = new DetectionWorker(frames_, results_);
  capture_ = new CaptureWorker([this](cv::Mat frame, std::int64_t index) {
    captured_.fetch_add(1);
    if (frames_.put(CapturedFrame{std::move(frame), index})) detection_->countDropped();
    detection_->notifyFrame();
  });
  capture_->moveToThread(&capture_thread_);
  detection_->moveToThread(&detection_thread_);
  connect(&capture_thread_, &QThread::finished, capture_, &QObject::deleteLater);
  connect(&detection_thread_, &QThread::finished, detection_, &QObject::deleteLater);
  connect(capture_, &CaptureWorker::sourceStarted, this, &Pipeline::sourceStarted);
  connect(capture_, &CaptureWorker::sourceFailed, this, &Pipeline::sourceFailed);
  connect(capture_, &CaptureWorker::sourceEnded, this, &Pipeline::sourceEnded);
  connect(detection_, &DetectionWorker::processingFailed, this, &Pipeline::processingFailed);
  connect(detection_, &DetectionWorker::resultReady, this, &Pipeline::onResult);
  capture_thread_.setObjectName("capture");
  detection_thread_.setObjectName("detection");
  capture_thread_.start();
  detection_thread_.start();
}

Pipeline::~Pipeline() {
  QMetaObject::invokeMethod(capture_, &CaptureWorker::stop, Qt::BlockingQueuedConnection);
  capture_thread_.quit();
  capture_thread_.wait();
  detection_thread_.quit();
  detection_thread_.wait();
}

void Pipeline::setSource(std::shared_ptr<FrameSource> source) {
  QMetaObject::invokeMethod(capture_, [this, source] { capture_->setSource(source); });
}

void Pipeline::stopSource() {
  QMetaObject::invokeMethod(capture_, &CaptureWorker::stop);
}

void Pipeline::setProcessor(std::shared_ptr<FrameProcessor> processor) {
  QMetaObject::invokeMethod(detection_, [this, processor] { detection_->setProcessor(processor); });
}

void Pipeline::setThreshold(float threshold) {
  detection_->setThreshold(threshold);
}

void Pipeline::onResult() {
  {
    std::lock_guard lock(fps_mutex_);
    const qint64 now = clock_.elapsed();
    result_times_ms_.push_back(now);
    while (!result_times_ms_.empty() && result_times_ms_.front() < now - 1000)
      result_times_ms_.pop_front();
  }
  emit resultReady();
}

double Pipeline::processedFps() const {
  std::lock_guard lock(fps_mutex_);
  const qint64 now = clock_.elapsed();
  std::size_t recent = 0;
  for (qint64 t : result_times_ms_)
    if (t >= now - 1000) ++recent;
  return double(recent);
}

} // namespace rnnpool
