// SPDX-License-Identifier: GPL-3.0-or-later
// The seam between the Device panel and the firmware bridge: it receives the panel's requests
// (flash, connect, disconnect, mirror) and will drive the Qt serial bridge, feeding device boxes
// to MainWindow::setDeviceBoxes() and metrics, latency and measured RAM back to the panel.
// The bridge is not wired yet, so every request answers with a plain message and the panel
// returns to a state the user can act on; nothing here opens a port.
#pragma once

#include <QObject>
#include <QString>

namespace rnnpool {

class DevicePanel;
class MainWindow;

class DeviceController : public QObject {
  Q_OBJECT
public:
  DeviceController(MainWindow *window, DevicePanel *panel, QObject *parent = nullptr);

  // The sentence every request answers with until the bridge is wired.
  static QString notAvailableText();

private slots:
  void onFlashRequested(const QString &backend, const QString &port);
  void onConnectRequested(const QString &port);
  void onDisconnectRequested();
  void onMirrorChanged(bool enabled, int every_n_frames);

private:
  MainWindow *window_;
  DevicePanel *panel_;
};

} // namespace rnnpool
