// SPDX-License-Identifier: GPL-3.0-or-later
// One interface for every way of getting the firmware running: QEMU (emulation) and the STM32F4
// flashing tools (st-flash, openocd, dfu-util). A flasher reports progress 0..1000 with a message,
// forwards the tool's output line by line, and finishes with ok or a one-line error that names
// the tool and why (not installed, exit code and its last output lines).
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>

namespace rnnpool::bridge {

struct FlashOptions {
  QString elf;  // the firmware ELF (QEMU, openocd)
  QString bin;  // the raw image at 0x08000000 (st-flash, dfu-util); default: elf with .bin
  QString port; // serial port the board's UART appears on (reported back as port())
  QString tool; // override of the tool's executable (name or path)
  // QEMU only: "-name" marker so a test suite can find its own processes.
  QString qemuName;
};

class Flasher : public QObject {
  Q_OBJECT
public:
  using QObject::QObject;
  ~Flasher() override = default;

  virtual QString backend() const = 0;
  // Starts flashing; progress/outputLine/finished follow from the event loop.
  virtual void start() = 0;
  // The serial port to talk to the firmware on after a successful flash (QEMU: its pty).
  virtual QString port() const { return port_; }
  bool isFinished() const { return finished_; }
  bool succeeded() const { return ok_; }
  QString errorMessage() const { return error_; }
  // Runs a local event loop until finished or `timeoutMs`; false on timeout or failure.
  bool waitForFinished(int timeoutMs);

signals:
  void progress(int permille, const QString &message);
  void outputLine(const QString &line);
  void finished(bool ok, const QString &error);

protected:
  void finish(bool ok, const QString &error);
  QString port_;

private:
  bool finished_ = false;
  bool ok_ = false;
  QString error_;
};

// "qemu", "st-flash", "openocd", "dfu-util"; nullptr for anything else.
std::unique_ptr<Flasher> makeFlasher(const QString &backend, const FlashOptions &options,
                                     QObject *parent = nullptr);
QStringList flasherBackends();

} // namespace rnnpool::bridge
