// SPDX-License-Identifier: GPL-3.0-or-later
// Runs the detector on the newest captured frame, on its own thread. Frames that arrive while it
// is busy replace each other in the mailbox (dropped), so latency never builds up.
#pragma once

#include "widgets/pipeline/frame_result.h"
#include "widgets/pipeline/latest_slot.h"

#include <QObject>
#include <atomic>
#include <memory>

namespace rnnpool {

struct CapturedFrame {
  cv::Mat frame;
  std::int64_t index = -1;
};

class DetectionWorker : public QObject {
  Q_OBJECT
public:
  DetectionWorker(LatestSlot<CapturedFrame> &input, LatestSlot<FrameResult> &output);

  // Called from the capture thread after a put(): schedules at most one pending wake-up.
  void notifyFrame();

  void setThreshold(float threshold) { threshold_.store(threshold); }
  std::int64_t processedFrames() const { return processed_.load(); }
  std::int64_t droppedFrames() const { return dropped_.load(); }
  void countDropped() { dropped_.fetch_add(1); }

public slots:
  void setProcessor(std::shared_ptr<rnnpool::FrameProcessor> processor);

signals:
  void resultReady(); // a new FrameResult is in the output slot
  void processingFailed(QString message);

private slots:
  void processPending();

private:
  LatestSlot<CapturedFrame> &input_;
  LatestSlot<FrameResult> &output_;
  std::shared_ptr<FrameProcessor> processor_;
  std::atomic<bool> wake_pending_{false};
  std::atomic<float> threshold_{0.5f};
  std::atomic<std::int64_t> processed_{0};
  std::atomic<std::int64_t> dropped_{0};
};

} // namespace rnnpool
