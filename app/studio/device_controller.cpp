// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/studio/device_controller.h"

#include "widgets/device/device_panel.h"
#include "widgets/main_window.h"

namespace rnnpool {

DeviceController::DeviceController(MainWindow *window, DevicePanel *panel, QObject *parent)
    : QObject(parent), window_(window), panel_(panel) {
  connect(panel_, &DevicePanel::flashRequested, this, &DeviceController::onFlashRequested);
  connect(panel_, &DevicePanel::connectRequested, this, &DeviceController::onConnectRequested);
  connect(panel_, &DevicePanel::disconnectRequested, this,
          &DeviceController::onDisconnectRequested);
  connect(panel_, &DevicePanel::mirrorChanged, this, &DeviceController::onMirrorChanged);
}

QString DeviceController::notAvailableText() {
  return tr("The device link is not part of this build yet (the serial bridge lands later)");
}

void DeviceController::onFlashRequested(const QString &backend, const QString &port) {
  panel_->appendLog(tr("flash with %1 on %2: %3").arg(backend, port, notAvailableText()));
  panel_->setFlashProgress(0);
  window_->showStatus(notAvailableText());
}

void DeviceController::onConnectRequested(const QString &port) {
  panel_->appendLog(tr("connect %1: %2").arg(port, notAvailableText()));
  panel_->setState(DevicePanel::LinkState::Disconnected, notAvailableText());
  window_->showStatus(notAvailableText());
}

void DeviceController::onDisconnectRequested() {
  panel_->setState(DevicePanel::LinkState::Disconnected);
}

void DeviceController::onMirrorChanged(bool enabled, int every_n_frames) {
  if (enabled)
    panel_->appendLog(tr("mirror every %1 frames: %2").arg(every_n_frames).arg(notAvailableText()));
}

} // namespace rnnpool
