// SPDX-License-Identifier: GPL-3.0-or-later
// The device session's thread: the handshake and every mirrored frame run here, off the GUI
// thread, because DeviceSession calls block (a 320x240 frame takes seconds under QEMU). For each
// frame it preprocesses as the host quantized detector does, runs the host reference on the
// same pixels, runs the device, and compares the two; results go back by queued signals.
#pragma once

#include "app/studio/device_frame.h"
#include "app/studio/firmware_reference.h"
#include "firmware_bridge/host/device_session.h"
#include "firmware_bridge/host/frame_comparison.h"
#include "widgets/pipeline/frame_result.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <memory>

namespace rnnpool {

// One mirrored frame, device against host.
struct DeviceFrameReport {
  qint64 frameIndex = -1;
  int inputWidth = 0, inputHeight = 0;
  bridge::FrameComparison comparison;
  bridge::FrameResult device;           // timings and memory report as the device sent them
  std::vector<DetectedBox> deviceBoxes; // in the captured frame's pixels
  double hostMs = 0;                    // host reference run
  uint64_t madds = 0, plannedArenaBytes = 0;
};

// What the handshake learnt, for the panel and the unit of the timings.
struct DeviceHello {
  bool ok = false;
  // The link went away during the handshake: not the device's fault; the link reconnects and
  // the handshake runs again.
  bool linkLost = false;
  QString message; // the device (ok) or why it was refused
  rnnpool_time_unit timeUnit = RNNPOOL_TIME_CYCLES;
  uint32_t clockHz = 0;
  uint32_t arenaSize = 0;
};

class DeviceWorker : public QObject {
  Q_OBJECT
public:
  // `link` outlives the worker. The host reference is loaded from `referenceModel` (a quantized
  // model file) at the first handshake, on the worker's thread.
  DeviceWorker(bridge::DeviceLink *link, QString referenceModel);
  ~DeviceWorker() override;

  // These run on the worker's thread (call through QMetaObject::invokeMethod).
  void setReferenceModel(const QString &path);
  void handshake();
  void mirror(const cv::Mat &bgr, qint64 frameIndex);

signals:
  void handshakeDone(const rnnpool::DeviceHello &hello);
  void frameDone(const rnnpool::DeviceFrameReport &report);
  void frameFailed(qint64 frameIndex, const QString &message);

private:
  bridge::DeviceLink *link_;
  QString referenceModel_;
  FirmwareReference reference_;
  std::unique_ptr<bridge::DeviceSession> session_;
};

} // namespace rnnpool

Q_DECLARE_METATYPE(rnnpool::DeviceFrameReport)
Q_DECLARE_METATYPE(rnnpool::DeviceHello)
