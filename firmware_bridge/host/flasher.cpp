// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/host/flasher.h"

#include "firmware_bridge/host/qemu_flasher.h"
#include "firmware_bridge/host/tool_flashers.h"

#include <QEventLoop>
#include <QTimer>

namespace rnnpool::bridge {

void Flasher::finish(bool ok, const QString &error) {
  if (finished_) return;
  finished_ = true;
  ok_ = ok;
  error_ = error;
  emit finished(ok, error);
}

bool Flasher::waitForFinished(int timeoutMs) {
  if (!finished_) {
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    connect(this, &Flasher::finished, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    loop.exec();
  }
  return finished_ && ok_;
}

QStringList flasherBackends() {
  return {"qemu", "st-flash", "openocd", "dfu-util"};
}

std::unique_ptr<Flasher> makeFlasher(const QString &backend, const FlashOptions &options,
                                     QObject *parent) {
  if (backend == "qemu") return std::make_unique<QemuFlasher>(options, parent);
  if (backend == "st-flash") return std::make_unique<StFlashFlasher>(options, parent);
  if (backend == "openocd") return std::make_unique<OpenOcdFlasher>(options, parent);
  if (backend == "dfu-util") return std::make_unique<DfuUtilFlasher>(options, parent);
  return nullptr;
}

} // namespace rnnpool::bridge
