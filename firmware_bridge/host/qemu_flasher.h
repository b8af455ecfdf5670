// SPDX-License-Identifier: GPL-3.0-or-later
// "Flashes" by running the firmware ELF under qemu-system-arm (netduinoplus2) with its UART on a
// pty, which becomes port(). The flasher owns QEMU and ALWAYS kills it: in its destructor, on
// QCoreApplication::aboutToQuit, and through PR_SET_PDEATHSIG in the child should this process
// die without cleaning up (the kernel signal is tied to the thread that called start(), so start
// it from a long-lived thread such as the main thread).
#pragma once

#include "firmware_bridge/host/flasher.h"

#include <QProcess>
#include <QStringList>

namespace rnnpool::bridge {

class QemuFlasher : public Flasher {
  Q_OBJECT
public:
  QemuFlasher(FlashOptions options, QObject *parent = nullptr);
  ~QemuFlasher() override;

  QString backend() const override { return "qemu"; }
  void start() override;
  // Kills QEMU (SIGKILL) and reaps it. Idempotent.
  void stop();
  bool isRunning() const;
  qint64 processId() const;

  QString program() const;       // options.tool or "qemu-system-arm"
  QStringList arguments() const; // everything after argv[0]
  // Everything QEMU printed so far.
  QString output() const { return output_; }
  // How long QEMU may take to print its pty line.
  void setStartTimeout(int ms) { startTimeoutMs_ = ms; }

signals:
  // QEMU exited after it was running (crash, killed from outside).
  void processExited(const QString &reason);

private:
  void onOutput();
  void onProcessFinished(int exitCode, QProcess::ExitStatus status);

  FlashOptions options_;
  QProcess *process_ = nullptr;
  QString output_;
  int startTimeoutMs_ = 10000;
};

} // namespace rnnpool::bridge
