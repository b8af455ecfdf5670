// SPDX-License-Identifier: GPL-3.0-or-later
// Reads a FrameSource on its own thread at the source's pace and hands each frame to a sink.
#pragma once

#include "core/capture/frame_source.h"

#include <QObject>
#include <QTimer>
#include <functional>
#include <memory>

namespace rnnpool {

class CaptureWorker : public QObject {
  Q_OBJECT
public:
  using FrameSink = std::function<void(cv::Mat frame, std::int64_t index)>;
  explicit CaptureWorker(FrameSink sink);

public slots:
  // Takes ownership; stops the previous source. Runs on the worker thread.
  void setSource(std::shared_ptr<rnnpool::FrameSource> source);
  void stop();

signals:
  void sourceStarted(QString description, double fps);
  void sourceFailed(QString message); // plain words for the status bar
  void sourceEnded();

private:
  void tick();

  FrameSink sink_;
  std::shared_ptr<FrameSource> source_;
  QTimer *timer_ = nullptr;
  std::int64_t index_ = 0;
};

} // namespace rnnpool
