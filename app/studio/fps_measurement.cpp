// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/studio/fps_measurement.h"

#include "widgets/main_window.h"
#include "widgets/pipeline/pipeline.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <chrono>
#include <thread>

namespace rnnpool {
namespace {

class TallyingProcessor : public FrameProcessor {
public:
  TallyingProcessor(std::shared_ptr<FrameProcessor> inner, std::shared_ptr<LatencyTally> tally)
      : inner_(std::move(inner)), tally_(std::move(tally)) {}
  FrameResult process(const cv::Mat &frame, float threshold) override {
    FrameResult result = inner_->process(frame, threshold);
    tally_->total_ms.fetch_add(result.latency_ms);
    tally_->frames.fetch_add(1);
    return result;
  }

private:
  std::shared_ptr<FrameProcessor> inner_;
  std::shared_ptr<LatencyTally> tally_;
};

} // namespace

std::shared_ptr<FrameProcessor> TallyingBackend::makeProcessor() {
  std::shared_ptr<FrameProcessor> inner = inner_->makeProcessor();
  if (!inner) return nullptr;
  return std::make_shared<TallyingProcessor>(std::move(inner), tally_);
}

DetectorPacedSource::DetectorPacedSource(std::unique_ptr<FrameSource> inner,
                                         std::function<std::int64_t()> outstanding)
    : inner_(std::move(inner)), outstanding_(std::move(outstanding)) {}

bool DetectorPacedSource::read(cv::Mat &frame) {
  using namespace std::chrono_literals;
  // Decode first, then wait: the decode overlaps the detection of the frame handed out before.
  cv::Mat next;
  if (!inner_->read(next)) {
    error_ = inner_->error();
    return false;
  }
  const auto give_up = std::chrono::steady_clock::now() + 500ms;
  while (outstanding_() > 0 && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(200us);
  frame = std::move(next);
  return true;
}

QString FpsReport::toText() const {
  return QStringLiteral("source: %1 (%2, clip %3 fps)\nmodel: %4\nmeasured: %5 s\n"
                        "processed: %6 frames = %7 fps (app counter at the end: %8 fps)\n"
                        "captured: %9, dropped: %10\nmean latency: %11 ms\n")
      .arg(source, paced ? "paced" : "unpaced")
      .arg(clip_fps, 0, 'f', 1)
      .arg(model)
      .arg(seconds, 0, 'f', 2)
      .arg(processed)
      .arg(processed_fps, 0, 'f', 1)
      .arg(app_counter_fps, 0, 'f', 0)
      .arg(captured)
      .arg(dropped)
      .arg(mean_latency_ms, 0, 'f', 2);
}

QByteArray FpsReport::toJson() const {
  QJsonObject o;
  o["source"] = source;
  o["model"] = model;
  o["paced"] = paced;
  o["clip_fps"] = clip_fps;
  o["seconds"] = seconds;
  o["processed"] = qint64(processed);
  o["captured"] = qint64(captured);
  o["dropped"] = qint64(dropped);
  o["processed_fps"] = processed_fps;
  o["app_counter_fps"] = app_counter_fps;
  o["mean_latency_ms"] = mean_latency_ms;
  return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

FpsMeasurement::FpsMeasurement(MainWindow *window, std::shared_ptr<LatencyTally> tally,
                               double warmup_seconds, double seconds, QObject *parent)
    : QObject(parent), window_(window), tally_(std::move(tally)), warmup_s_(warmup_seconds),
      seconds_(seconds) {}

void FpsMeasurement::start(FpsReport header) {
  report_ = std::move(header);
  QTimer::singleShot(int(warmup_s_ * 1000), Qt::PreciseTimer, this, &FpsMeasurement::begin);
}

void FpsMeasurement::begin() {
  const Pipeline *p = window_->pipeline();
  processed0_ = p->processedFrames();
  captured0_ = p->capturedFrames();
  dropped0_ = p->droppedFrames();
  tally_frames0_ = tally_->frames.load();
  tally_ms0_ = tally_->total_ms.load();
  clock_.start();
  QTimer::singleShot(int(seconds_ * 1000), Qt::PreciseTimer, this, &FpsMeasurement::end);
}

void FpsMeasurement::end() {
  const Pipeline *p = window_->pipeline();
  report_.seconds = double(clock_.nsecsElapsed()) * 1e-9;
  report_.processed = p->processedFrames() - processed0_;
  report_.captured = p->capturedFrames() - captured0_;
  report_.dropped = p->droppedFrames() - dropped0_;
  report_.processed_fps = report_.seconds > 0 ? double(report_.processed) / report_.seconds : 0;
  report_.app_counter_fps = p->processedFps();
  const std::int64_t frames = tally_->frames.load() - tally_frames0_;
  report_.mean_latency_ms =
      frames > 0 ? (tally_->total_ms.load() - tally_ms0_) / double(frames) : 0;
  emit finished(report_);
}

} // namespace rnnpool
