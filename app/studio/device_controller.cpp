// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/studio/device_controller.h"

#include "core/compare/run_stats.h"
#include "firmware_bridge/host/device_link.h"
#include "firmware_bridge/host/firmware_paths.h"
#include "firmware_bridge/host/flasher.h"
#include "firmware_bridge/host/port_watcher.h"
#include "firmware_bridge/host/qemu_flasher.h"
#include "widgets/device/device_panel.h"
#include "widgets/layers/layer_view.h"
#include "widgets/live/threshold_slider.h"
#include "widgets/main_window.h"
#include "widgets/model/layer_table_model.h"
#include "widgets/ram/ram_view.h"

#include <QFileInfo>

namespace rnnpool {

namespace {

DevicePanel::LinkState toPanelState(bridge::LinkState state) {
  switch (state) {
  case bridge::LinkState::Disconnected: return DevicePanel::LinkState::Disconnected;
  case bridge::LinkState::Connecting: return DevicePanel::LinkState::Connecting;
  case bridge::LinkState::Connected: return DevicePanel::LinkState::Connected;
  case bridge::LinkState::Reconnecting: return DevicePanel::LinkState::Reconnecting;
  case bridge::LinkState::Error: return DevicePanel::LinkState::Error;
  }
  return DevicePanel::LinkState::Error;
}

QString defaultBoardElf() {
#ifdef RNNPOOL_FIRMWARE_NUCLEO_ELF
  return QStringLiteral(RNNPOOL_FIRMWARE_NUCLEO_ELF);
#else
  return {};
#endif
}

} // namespace

DeviceController::DeviceController(MainWindow *window, DevicePanel *panel, QObject *parent)
    : QObject(parent), window_(window), panel_(panel), qemu_elf_(bridge::defaultQemuElf()),
      qemu_name_(QStringLiteral("rnnpool-studio")), board_elf_(defaultBoardElf()) {
  qRegisterMetaType<rnnpool::bridge::LinkState>();
  link_ = std::make_unique<bridge::DeviceLink>();

  // The host reference loads at the first handshake, on the worker; without it the device can
  // still be flashed and connected, and the handshake says why nothing can be compared.
  worker_ = new DeviceWorker(link_.get(), defaultFirmwareModelPath());
  worker_->moveToThread(&worker_thread_);
  connect(&worker_thread_, &QThread::finished, worker_, &QObject::deleteLater);
  worker_thread_.setObjectName("device-session");
  worker_thread_.start();
  connect(worker_, &DeviceWorker::handshakeDone, this, &DeviceController::onHandshake);
  connect(worker_, &DeviceWorker::frameDone, this, &DeviceController::onFrameDone);
  connect(worker_, &DeviceWorker::frameFailed, this, &DeviceController::onFrameFailed);
  connect(link_.get(), &bridge::DeviceLink::stateChanged, this, &DeviceController::onLinkState);

  ports_ = new bridge::PortWatcher(this);
  connect(ports_, &bridge::PortWatcher::portsChanged, panel_, &DevicePanel::setPorts);
  panel_->setPorts(ports_->scan());

  connect(panel_, &DevicePanel::flashRequested, this, &DeviceController::onFlashRequested);
  connect(panel_, &DevicePanel::connectRequested, this, &DeviceController::onConnectRequested);
  connect(panel_, &DevicePanel::disconnectRequested, this,
          &DeviceController::onDisconnectRequested);
  connect(panel_, &DevicePanel::mirrorChanged, this, &DeviceController::onMirrorChanged);
  connect(window_, &MainWindow::resultShown, this, &DeviceController::onResultShown);
  mirror_ = panel_->mirrorEnabled();
  mirror_every_ = panel_->mirrorEvery();
}

DeviceController::~DeviceController() {
  // Closing fails the request a frame may be blocked on, so the worker thread ends promptly;
  // then the flasher goes, and with it QEMU.
  disconnect(link_.get(), nullptr, this, nullptr);
  link_->close();
  worker_thread_.quit();
  worker_thread_.wait();
  link_.reset();
  discardFlasher();
}

void DeviceController::report(const QString &message) {
  panel_->appendLog(message);
  window_->showStatus(message);
}

qint64 DeviceController::qemuProcessId() const {
  const auto *qemu = qobject_cast<const bridge::QemuFlasher *>(flasher_);
  return qemu && qemu->isRunning() ? qemu->processId() : 0;
}

void DeviceController::discardFlasher() {
  if (!flasher_) return;
  if (auto *qemu = qobject_cast<bridge::QemuFlasher *>(flasher_)) qemu->stop();
  flasher_->disconnect(this);
  flasher_->deleteLater(); // it may be the sender of the signal being handled
  flasher_ = nullptr;
}

void DeviceController::setReferenceModel(const QString &quantizedModel) {
  QMetaObject::invokeMethod(
      worker_, [w = worker_, quantizedModel] { w->setReferenceModel(quantizedModel); });
}

void DeviceController::startQemuSession(int everyN) {
  auto_connect_ = true;
  auto_mirror_every_ = std::max(1, everyN);
  panel_->setBackend(QStringLiteral("QEMU"));
  onFlashRequested(QStringLiteral("QEMU"), panel_->port());
}

void DeviceController::onFlashRequested(const QString &backend, const QString &port) {
  const QString name = backend == QLatin1String("QEMU") ? QStringLiteral("qemu") : backend;
  bridge::FlashOptions options;
  options.port = port;
  if (name == QLatin1String("qemu")) {
    options.elf = qemu_elf_;
    options.qemuName = qemu_name_;
    if (linked_) {
      // The old QEMU's pty goes away with it; the link follows the new one.
      onDisconnectRequested();
      auto_connect_ = true;
    }
  } else {
    options.elf = board_elf_;
  }
  discardFlasher();
  std::unique_ptr<bridge::Flasher> flasher = bridge::makeFlasher(name, options, this);
  if (!flasher) {
    report(tr("Flash: unknown backend '%1'").arg(backend));
    return;
  }
  flasher_ = flasher.release();
  panel_->setFlashProgress(0, tr("starting"));
  panel_->appendLog(tr("flash with %1: %2").arg(backend, options.elf));
  connect(flasher_, &bridge::Flasher::progress, panel_,
          [this](int permille, const QString &message) {
            panel_->setFlashProgress(permille, message);
          });
  connect(flasher_, &bridge::Flasher::outputLine, panel_, &DevicePanel::appendLog);
  connect(flasher_, &bridge::Flasher::finished, this, &DeviceController::onFlashFinished);
  if (auto *qemu = qobject_cast<bridge::QemuFlasher *>(flasher_))
    connect(qemu, &bridge::QemuFlasher::processExited, this,
            [this](const QString &reason) { report(tr("QEMU exited: %1").arg(reason)); });
  flasher_->start();
}

void DeviceController::onFlashFinished(bool ok, const QString &error) {
  auto *flasher = qobject_cast<bridge::Flasher *>(sender());
  if (!flasher || flasher != flasher_) return;
  if (!ok) {
    panel_->setFlashProgress(0, tr("failed"));
    report(tr("Flash failed: %1").arg(error));
    if (!linked_) panel_->setState(DevicePanel::LinkState::Error, error);
    auto_connect_ = false;
    return;
  }
  panel_->setFlashProgress(1000, tr("done"));
  if (auto *qemu = qobject_cast<bridge::QemuFlasher *>(flasher)) {
    const QString pty = qemu->port();
    ports_->watchPath(pty);
    panel_->setPort(pty);
    report(tr("QEMU running (pid %1), firmware UART on %2").arg(qemu->processId()).arg(pty));
    if (auto_connect_) {
      auto_connect_ = false;
      onConnectRequested(pty);
    }
  } else {
    report(tr("Flashed with %1").arg(flasher->backend()));
  }
}

void DeviceController::onConnectRequested(const QString &port) {
  if (port.isEmpty()) {
    panel_->setState(DevicePanel::LinkState::Error, tr("choose or type a port first"));
    return;
  }
  refused_.clear();
  session_ready_ = false;
  in_flight_ = false;
  linked_ = true;
  connect_clock_.start();
  first_result_ms_ = -1;
  panel_->setPort(port);
  panel_->appendLog(tr("connecting to %1").arg(port));
  // A port typed by hand that is a path (a pty) is watched so it shows up in the list.
  if (QFileInfo(port).isAbsolute()) ports_->watchPath(port);
  link_->open(port);
}

void DeviceController::onDisconnectRequested() {
  linked_ = false;
  session_ready_ = false;
  link_->close();
  panel_->setState(DevicePanel::LinkState::Disconnected);
  window_->setDeviceBoxes({});
}

void DeviceController::onMirrorChanged(bool enabled, int every_n_frames) {
  mirror_ = enabled;
  mirror_every_ = std::max(1, every_n_frames);
  if (enabled && !session_ready_)
    panel_->appendLog(tr("mirroring starts once a device is connected"));
  if (!enabled) window_->setDeviceBoxes({});
}

void DeviceController::onLinkState(bridge::LinkState state, const QString &message) {
  if (!linked_ && state != bridge::LinkState::Disconnected) return; // a closed link's echo
  if (!refused_.isEmpty()) return; // keep the refusal on screen until the next connect
  if (state != bridge::LinkState::Connected) session_ready_ = false;
  panel_->setState(toPanelState(state), message);
  switch (state) {
  case bridge::LinkState::Connected:
    panel_->appendLog(tr("device answers on %1; handshake").arg(panel_->port()));
    if (!handshaking_) {
      handshaking_ = true;
      QMetaObject::invokeMethod(worker_, [w = worker_] { w->handshake(); });
    }
    break;
  case bridge::LinkState::Reconnecting:
    report(tr("Device link lost (%1): reconnecting when %2 returns").arg(message, panel_->port()));
    break;
  case bridge::LinkState::Error:
    linked_ = false;
    report(tr("Device: %1").arg(message));
    break;
  default: break;
  }
}

void DeviceController::onHandshake(const DeviceHello &hello) {
  handshaking_ = false;
  if (!linked_) return;
  if (!hello.ok && hello.linkLost) {
    panel_->appendLog(tr("handshake interrupted: %1").arg(hello.message));
    return; // the link reconnects and the next Connected handshakes again
  }
  if (!hello.ok) {
    refused_ = hello.message;
    report(tr("Device refused: %1").arg(hello.message));
    linked_ = false;
    link_->close();
    panel_->setState(DevicePanel::LinkState::Error, hello.message);
    return;
  }
  if (link_->state() != bridge::LinkState::Connected) return; // lost meanwhile; retried later
  session_ready_ = true;
  unit_ = deviceTimeUnit(hello.timeUnit, hello.clockHz);
  panel_->setState(DevicePanel::LinkState::Connected, hello.message);
  report(tr("Device connected: %1").arg(hello.message));
  if (auto_mirror_every_ > 0) {
    panel_->setMirror(true, auto_mirror_every_);
    auto_mirror_every_ = 0;
  }
}

void DeviceController::onResultShown(const FrameResult &result) {
  if (!mirror_ || !session_ready_ || in_flight_ || result.frame.empty()) return;
  if (result.frame_index < last_sent_index_) last_sent_index_ = -1; // a new source restarted
  if (last_sent_index_ >= 0 && result.frame_index - last_sent_index_ < mirror_every_) return;
  in_flight_ = true;
  last_sent_index_ = result.frame_index;
  // The worker gets its own copy: the pipeline may reuse the capture buffer.
  QMetaObject::invokeMethod(worker_, [w = worker_, frame = result.frame.clone(),
                                      index = result.frame_index] { w->mirror(frame, index); });
}

void DeviceController::onFrameDone(const DeviceFrameReport &r) {
  in_flight_ = false;
  ++compared_frames_;
  if (r.comparison.bitExact) ++bit_exact_frames_;
  if (first_result_ms_ < 0 && connect_clock_.isValid()) {
    first_result_ms_ = connect_clock_.elapsed();
    panel_->appendLog(tr("first device result %1 s after the connect request")
                          .arg(double(first_result_ms_) / 1000.0, 0, 'f', 1));
  }
  if (mirror_) {
    // Shown like the host's boxes: above the window's score threshold (the device keeps every
    // candidate above its own low cut; the comparison above uses them all).
    std::vector<DetectedBox> shown;
    const float threshold = window_->thresholdSlider()->threshold();
    for (const DetectedBox &b : r.deviceBoxes)
      if (b.score >= threshold) shown.push_back(b);
    window_->setDeviceBoxes(shown);
  }
  panel_->setMetrics(metricsRows(r.comparison));

  const double device_time = double(r.device.timings.frame_total) * unit_.scale;
  device_times_.push_back(device_time);
  const compare::LatencyStats stats = compare::latency_stats(device_times_);
  panel_->setLatencyStats(stats.mean, stats.min, stats.max, stats.std, unit_.plot);
  panel_->appendLatency(double(r.frameIndex), device_time);

  const rnnpool_memory_report &memory = r.device.memory;
  RamView *ram = window_->ramView();
  if (compared_frames_ == 1 && (ram->strategy() != "streaming" || ram->dtype() != "i8")) {
    // The measured arena is only comparable with the plan the firmware runs.
    ram->setStrategy("streaming");
    ram->setDtype("i8");
    panel_->appendLog(tr("RAM view: showing the streaming i8 plan, the one the device runs"));
  }
  panel_->setMeasuredRam(memory.arena_high_water, qint64(r.plannedArenaBytes));
  ram->setMeasuredPeak(memory.arena_high_water);
  window_->layerView()->updateDeviceTimes(
      deviceLayerTimes(r, window_->layerView()->model()->layers(), unit_), unit_.table);

  panel_->appendLog(frameSummaryLine(r, unit_));
  panel_->appendLog(tr("device RAM: arena high water %1 of %2 planned; peak total %3 bytes "
                       "(static %4, stack %5)")
                        .arg(memory.arena_high_water)
                        .arg(r.plannedArenaBytes)
                        .arg(memory.peak_total)
                        .arg(memory.static_data + memory.static_bss)
                        .arg(memory.stack_peak));
  if (!r.comparison.bitExact)
    window_->showStatus(tr("Device frame %1 differs from the host").arg(r.frameIndex));
  emit frameCompared(r.comparison.bitExact);
}

void DeviceController::onFrameFailed(qint64 frameIndex, const QString &message) {
  in_flight_ = false;
  const QString line = tr("Device frame %1 failed: %2").arg(frameIndex).arg(message);
  if (linked_)
    report(line);
  else
    panel_->appendLog(line); // the user disconnected: expected, not news for the status bar
}

} // namespace rnnpool
