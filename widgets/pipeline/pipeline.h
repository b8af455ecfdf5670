// SPDX-License-Identifier: GPL-3.0-or-later
// Capture and detection on two worker threads (moveToThread), joined by one-frame mailboxes.
// The GUI polls takeResult() from its redraw timer; nothing here touches widgets.
#pragma once

#include "widgets/pipeline/capture_worker.h"
#include "widgets/pipeline/detection_worker.h"

#include <QElapsedTimer>
#include <QObject>
#include <QThread>
#include <deque>
#include <mutex>

namespace rnnpool {

class Pipeline : public QObject {
  Q_OBJECT
public:
  explicit Pipeline(QObject *parent = nullptr);
  ~Pipeline() override;

  void setSource(std::shared_ptr<FrameSource> source);
  void stopSource();
  void setProcessor(std::shared_ptr<FrameProcessor> processor);
  void setThreshold(float threshold);

  // The newest result not yet taken (older ones were superseded).
  std::optional<FrameResult> takeResult() { return results_.take(); }

  std::int64_t capturedFrames() const { return captured_.load(); }
  std::int64_t processedFrames() const { return detection_->processedFrames(); }
  std::int64_t droppedFrames() const { return detection_->droppedFrames(); }
  // Processed frames per second over the last second.
  double processedFps() const;

signals:
  void sourceStarted(QString description, double fps);
  void sourceFailed(QString message);
  void sourceEnded();
  void processingFailed(QString message);
  void resultReady();

private:
  void onResult();

  LatestSlot<CapturedFrame> frames_;
  LatestSlot<FrameResult> results_;
  QThread capture_thread_;
  QThread detection_thread_;
  CaptureWorker *capture_ = nullptr;
  DetectionWorker *detection_ = nullptr;
  std::atomic<std::int64_t> captured_{0};
  mutable std::mutex fps_mutex_;
  std::deque<qint64> result_times_ms_;
  QElapsedTimer clock_;
};

} // namespace rnnpool
