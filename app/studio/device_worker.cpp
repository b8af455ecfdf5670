// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/studio/device_worker.h"

#include "firmware_bridge/host/reply_parser.h"

#include <QElapsedTimer>

namespace rnnpool {

DeviceWorker::DeviceWorker(bridge::DeviceLink *link, QString referenceModel)
    : link_(link), referenceModel_(std::move(referenceModel)) {
  qRegisterMetaType<rnnpool::DeviceFrameReport>();
  qRegisterMetaType<rnnpool::DeviceHello>();
}

DeviceWorker::~DeviceWorker() = default;

void DeviceWorker::setReferenceModel(const QString &path) {
  if (path == referenceModel_) return;
  referenceModel_ = path;
  reference_ = {};
  session_.reset();
}

void DeviceWorker::handshake() {
  DeviceHello hello;
  session_.reset();
  try {
    if (!reference_.reference) reference_ = loadFirmwareReference(referenceModel_);
  } catch (const std::exception &e) {
    hello.message = tr("no host model to compare the device with: %1").arg(e.what());
    emit handshakeDone(hello);
    return;
  }
  try {
    bridge::SessionOptions options;
    auto session = std::make_unique<bridge::DeviceSession>(*link_, options);
    // Refuses a firmware built for other weights; the message names both digests.
    const bridge::DeviceInfo info = session->handshake(reference_.reference->modelDigest());
    hello.ok = true;
    hello.timeUnit = info.timeUnit;
    hello.clockHz = info.clockHz;
    hello.arenaSize = info.arenaSize;
    hello.message =
        QStringLiteral("firmware %1 on %2, model digest %3, arena %4 bytes, %5 layers")
            .arg(QString::fromStdString(info.firmwareVersion), QString::fromStdString(info.board),
                 QString::fromStdString(bridge::hex32(info.modelDigest)))
            .arg(info.arenaSize)
            .arg(info.layerCount);
    session_ = std::move(session);
  } catch (const bridge::DeviceError &e) {
    hello.linkLost = e.kind() == bridge::DeviceError::Kind::Disconnected;
    hello.message = QString::fromStdString(e.what());
  } catch (const std::exception &e) {
    hello.message = QString::fromStdString(e.what());
  }
  emit handshakeDone(hello);
}

void DeviceWorker::mirror(const cv::Mat &bgr, qint64 frameIndex) {
  if (!session_) {
    emit frameFailed(frameIndex, tr("no device session (connect first)"));
    return;
  }
  try {
    DeviceFrameReport report;
    report.frameIndex = frameIndex;
    const DeviceInput input = prepareDeviceInput(bgr, reference_.mean);
    report.inputWidth = input.gray.cols;
    report.inputHeight = input.gray.rows;

    QElapsedTimer host_clock;
    host_clock.start();
    bridge::HostReference &reference = *reference_.reference;
    const bridge::HostRun host = reference.run(input.gray);
    report.hostMs = double(host_clock.nsecsElapsed()) / 1e6;

    bridge::GrayFrame frame{input.gray.cols, input.gray.rows,
                            std::vector<uint8_t>(input.gray.total())};
    std::copy(input.gray.ptr<uint8_t>(0), input.gray.ptr<uint8_t>(0) + input.gray.total(),
              frame.pixels.begin());
    report.device = session_->runFrame(frame);
    // The streaming firmware keeps no layer whole (GET_LAYER_TENSOR: NOT_AVAILABLE), so the
    // comparison is by digest; no tensors are read back.
    const std::vector<std::optional<bridge::LayerTensor>> tensors(report.device.digests.size());
    report.comparison = bridge::compareFrame(host, report.device, tensors, reference);
    report.deviceBoxes = toFrameBoxes(report.comparison.deviceBoxes, input);
    report.madds = reference.madds(input.gray.cols, input.gray.rows);
    report.plannedArenaBytes = reference.plannedArenaBytes(input.gray.cols, input.gray.rows);
    emit frameDone(report);
  } catch (const std::exception &e) {
    emit frameFailed(frameIndex, QString::fromStdString(e.what()));
  }
}

} // namespace rnnpool
