// SPDX-License-Identifier: GPL-3.0-or-later
// Refreshes the list of serial ports every second and says when it changed. QSerialPortInfo
// does not list ptys, so paths to watch (a QEMU pty, a symlink to one) can be added; they are
// listed while they exist.
#pragma once

#include <QObject>
#include <QStringList>
#include <QTimer>

namespace rnnpool::bridge {

class PortWatcher : public QObject {
  Q_OBJECT
public:
  explicit PortWatcher(QObject *parent = nullptr, int intervalMs = 1000);

  void watchPath(const QString &path);
  void unwatchPath(const QString &path);
  QStringList ports() const { return ports_; }
  // Scans now (also done by the timer); emits portsChanged when the list differs.
  void refresh();
  // System locations of the ports QSerialPortInfo lists plus the watched paths that exist.
  QStringList scan() const;

signals:
  void portsChanged(const QStringList &ports);

private:
  QTimer timer_;
  QStringList watched_;
  QStringList ports_;
};

} // namespace rnnpool::bridge
