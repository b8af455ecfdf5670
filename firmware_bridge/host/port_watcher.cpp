// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/host/port_watcher.h"

#include <QFileInfo>
#include <QSerialPortInfo>

namespace rnnpool::bridge {

PortWatcher::PortWatcher(QObject *parent, int intervalMs) : QObject(parent), timer_(this) {
  connect(&timer_, &QTimer::timeout, this, &PortWatcher::refresh);
  ports_ = scan();
  timer_.start(intervalMs);
}

void PortWatcher::watchPath(const QString &path) {
  if (!watched_.contains(path)) watched_.append(path);
  refresh();
}

void PortWatcher::unwatchPath(const QString &path) {
  watched_.removeAll(path);
  refresh();
}

QStringList PortWatcher::scan() const {
  QStringList out;
  for (const QSerialPortInfo &info : QSerialPortInfo::availablePorts())
    out.append(info.systemLocation());
  for (const QString &path : watched_)
    if (QFileInfo::exists(path) && !out.contains(path)) out.append(path);
  out.sort();
  return out;
}

void PortWatcher::refresh() {
  QStringList now = scan();
  if (now == ports_) return;
  ports_ = std::move(now);
  emit portsChanged(ports_);
}

} // namespace rnnpool::bridge
