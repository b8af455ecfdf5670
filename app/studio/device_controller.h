// SPDX-License-Identifier: GPL-3.0-or-later
// The seam between the Device panel and the firmware bridge. It lists ports (PortWatcher, every
// second), flashes (QEMU: starts the built ELF and fills the port with its pty; st-flash,
// openocd, dfu-util: the board's image), connects (DeviceLink on its own thread, handshake and
// frames on a DeviceWorker thread, automatic reconnect), and mirrors every Nth processed frame to
// the device without blocking the GUI (a frame arriving while one is in flight is skipped).
// Results go to the window: device boxes, the metrics table, latency statistics and plot,
// measured RAM against the plan, and the device column of the layer table.
#pragma once

#include "app/studio/device_results.h"
#include "app/studio/device_worker.h"
#include "firmware_bridge/host/link_types.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThread>
#include <memory>
#include <vector>

namespace rnnpool {

namespace bridge {
class DeviceLink;
class Flasher;
class PortWatcher;
} // namespace bridge

class DevicePanel;
class MainWindow;

class DeviceController : public QObject {
  Q_OBJECT
public:
  DeviceController(MainWindow *window, DevicePanel *panel, QObject *parent = nullptr);
  ~DeviceController() override;

  // Flash with QEMU, connect to its pty, and mirror every `everyN` frames once the handshake
  // passed (the scripted --device-qemu start).
  void startQemuSession(int everyN);

  // Firmware images and the QEMU marker; defaults are this build's (tests override them).
  void setQemuElf(const QString &elf) { qemu_elf_ = elf; }
  void setQemuName(const QString &name) { qemu_name_ = name; }
  void setBoardImage(const QString &elf) { board_elf_ = elf; }
  // The quantized model the device is compared with (default: the one this build's firmware
  // was generated from); takes effect at the next handshake.
  void setReferenceModel(const QString &quantizedModel);

  bool sessionReady() const { return session_ready_; }
  int comparedFrames() const { return compared_frames_; }
  int bitExactFrames() const { return bit_exact_frames_; }
  // Process id of the QEMU this controller started (0 when none runs).
  qint64 qemuProcessId() const;
  // Milliseconds from the connect request to the first device result (-1 before it).
  qint64 firstResultMs() const { return first_result_ms_; }

signals:
  void frameCompared(bool bitExact);

private:
  void onFlashRequested(const QString &backend, const QString &port);
  void onFlashFinished(bool ok, const QString &error);
  void onConnectRequested(const QString &port);
  void onDisconnectRequested();
  void onMirrorChanged(bool enabled, int every_n_frames);
  void onLinkState(bridge::LinkState state, const QString &message);
  void onHandshake(const DeviceHello &hello);
  void onResultShown(const FrameResult &result);
  void onFrameDone(const DeviceFrameReport &report);
  void onFrameFailed(qint64 frameIndex, const QString &message);
  void report(const QString &message); // panel log and status bar
  void discardFlasher();

  MainWindow *window_;
  DevicePanel *panel_;
  bridge::PortWatcher *ports_ = nullptr;
  std::unique_ptr<bridge::DeviceLink> link_;
  QThread worker_thread_;
  DeviceWorker *worker_ = nullptr;
  bridge::Flasher *flasher_ = nullptr; // owned (child); a QEMU flasher owns the QEMU process
  QString qemu_elf_, qemu_name_, board_elf_;

  bool linked_ = false;        // a port is open (or being reconnected)
  bool session_ready_ = false; // handshake passed on the current connection
  bool handshaking_ = false;
  QString refused_;           // why the handshake refused this device (kept on screen)
  bool auto_connect_ = false; // scripted: connect after the QEMU flash
  int auto_mirror_every_ = 0; // scripted: mirror after the handshake
  bool mirror_ = false;
  int mirror_every_ = 10;
  bool in_flight_ = false;
  qint64 last_sent_index_ = -1;
  DeviceTimeUnit unit_;
  std::vector<double> device_times_; // per compared frame, in unit_
  int compared_frames_ = 0, bit_exact_frames_ = 0;
  QElapsedTimer connect_clock_;
  qint64 first_result_ms_ = -1;
};

} // namespace rnnpool
