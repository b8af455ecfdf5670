// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/pipeline/detection_worker.h"

#include <QMetaObject>
#include <exception>

namespace rnnpool {

DetectionWorker::DetectionWorker(LatestSlot<CapturedFrame> &input, LatestSlot<FrameResult> &output)
    : input_(input), output_(output) {}

void DetectionWorker::notifyFrame() {
  if (!wake_pending_.exchange(true))
    QMetaObject::invokeMethod(this, &DetectionWorker::processPending, Qt::QueuedConnection);
}

void DetectionWorker::setProcessor(std::shared_ptr<FrameProcessor> processor) {
  processor_ = std::move(processor);
}

void DetectionWorker::processPending() {
  wake_pending_.store(false);
  std::optional<CapturedFrame> captured = input_.take();
  if (!captured || !processor_) return;
  try {
    FrameResult result = processor_->process(captured->frame, threshold_.load());
    result.frame_index = captured->index;
    if (result.frame.empty()) result.frame = captured->frame;
    output_.put(std::move(result));
    processed_.fetch_add(1);
    emit resultReady();
  } catch (const std::exception &e) {
    emit processingFailed(QString::fromStdString(e.what()));
  }
}

} // namespace rnnpool
