// SPDX-License-Identifier: GPL-3.0-or-later
// The headless measurement mode (rnnpool-studio --measure-fps SECONDS): the window runs with all
// views live while the app's own counters (processed, captured and dropped frames from the
// pipeline, latency from the detector) are sampled after a warm-up and again SECONDS later.
#pragma once

#include "core/capture/frame_source.h"
#include "widgets/model/studio_backend.h"

#include <QElapsedTimer>
#include <QObject>
#include <atomic>
#include <functional>
#include <memory>

namespace rnnpool {

class MainWindow;

// Frames processed and their summed detector latency, shared with the detection thread.
struct LatencyTally {
  std::atomic<std::int64_t> frames{0};
  std::atomic<double> total_ms{0.0};
};

// Forwards to another backend; its processors add each frame's latency to `tally`.
class TallyingBackend : public StudioBackend {
public:
  TallyingBackend(std::shared_ptr<StudioBackend> inner, std::shared_ptr<LatencyTally> tally)
      : inner_(std::move(inner)), tally_(std::move(tally)) {}
  std::shared_ptr<FrameProcessor> makeProcessor() override;
  QVector<LayerRow> layers() override { return inner_->layers(); }
  MemoryPlanView plan(const QString &s, const QString &d) override { return inner_->plan(s, d); }
  QString statusMessage() const override { return inner_->statusMessage(); }

private:
  std::shared_ptr<StudioBackend> inner_;
  std::shared_ptr<LatencyTally> tally_;
};

// A finite source read as fast as the detector consumes it instead of at its native rate. read()
// decodes the next frame ahead (while the detector works on the current one), then hands it out
// only once nothing is outstanding (`outstanding` = captured - processed - dropped), so the
// detector never waits for a decode and no frame is decoded only to be dropped. Waits are bounded
// so a stopped detector cannot hang the capture thread.
class DetectorPacedSource : public FrameSource {
public:
  DetectorPacedSource(std::unique_ptr<FrameSource> inner,
                      std::function<std::int64_t()> outstanding);
  bool read(cv::Mat &frame) override;
  std::string description() const override { return inner_->description() + ", unpaced"; }
  double fps() const override { return 0.0; } // the capture worker then reads back to back

private:
  std::unique_ptr<FrameSource> inner_;
  std::function<std::int64_t()> outstanding_;
};

struct FpsReport {
  QString source;
  QString model;
  bool paced = true;
  double clip_fps = 0; // the source's native rate (0: unknown)
  double seconds = 0;  // measured window
  std::int64_t processed = 0, captured = 0, dropped = 0;
  double processed_fps = 0;   // processed / seconds
  double app_counter_fps = 0; // the status bar's "processed N fps" (last second) at the end
  double mean_latency_ms = 0;

  QString toText() const;
  QByteArray toJson() const;
};

class FpsMeasurement : public QObject {
  Q_OBJECT
public:
  FpsMeasurement(MainWindow *window, std::shared_ptr<LatencyTally> tally, double warmup_seconds,
                 double seconds, QObject *parent = nullptr);
  // Starts the warm-up timer; finished() follows after warm-up + seconds.
  void start(FpsReport header);

signals:
  void finished(rnnpool::FpsReport report);

private:
  void begin();
  void end();

  MainWindow *window_;
  std::shared_ptr<LatencyTally> tally_;
  double warmup_s_, seconds_;
  FpsReport report_;
  QElapsedTimer clock_;
  std::int64_t processed0_ = 0, captured0_ = 0, dropped0_ = 0, tally_frames0_ = 0;
  double tally_ms0_ = 0;
};

} // namespace rnnpool
