// SPDX-License-Identifier: GPL-3.0-or-later
// Flashers that run an external tool to completion (st-flash, openocd, dfu-util). Command
// construction and progress parsing are pure functions so they can be tested with recorded
// output from real boards.
#pragma once

#include "firmware_bridge/host/flasher.h"

#include <QProcess>
#include <QStringList>
#include <optional>

namespace rnnpool::bridge {

struct ToolProgress {
  int permille = 0;
  QString message;
};

// Runs program + arguments, splits its merged output into lines (on \n and \r: progress bars
// redraw with \r), maps lines to progress, and keeps the last lines for the error message.
class ToolFlasher : public Flasher {
  Q_OBJECT
public:
  ToolFlasher(FlashOptions options, QObject *parent);
  ~ToolFlasher() override;
  void start() override;

  virtual QString program() const = 0; // default executable name
  virtual QStringList arguments() const = 0;
  // Progress a line of output implies; nullopt for lines that say nothing about it.
  virtual std::optional<ToolProgress> parseLine(const QString &line) = 0;
  // Hint appended when the tool is not installed.
  virtual QString installHint() const = 0;
  QString executable() const; // options.tool or program()

protected:
  FlashOptions options_;
  QString imageBin() const; // options.bin, or the ELF with its suffix replaced by .bin

private:
  void onOutput();
  void onFinished(int exitCode, QProcess::ExitStatus status);
  void handleLine(const QString &line);

  QProcess *process_ = nullptr;
  QByteArray pending_;
  QStringList lastLines_;
};

// st-flash --reset write fw.bin 0x08000000 (stlink-tools)
class StFlashFlasher : public ToolFlasher {
  Q_OBJECT
public:
  using ToolFlasher::ToolFlasher;
  QString backend() const override { return "st-flash"; }
  QString program() const override { return "st-flash"; }
  QStringList arguments() const override;
  std::optional<ToolProgress> parseLine(const QString &line) override;
  QString installHint() const override { return "install stlink-tools"; }

private:
  qint64 totalBytes_ = 0;
  qint64 writtenBytes_ = 0;
};

// openocd -f interface/stlink.cfg -f target/stm32f4x.cfg -c "program fw.elf verify reset exit"
class OpenOcdFlasher : public ToolFlasher {
  Q_OBJECT
public:
  using ToolFlasher::ToolFlasher;
  QString backend() const override { return "openocd"; }
  QString program() const override { return "openocd"; }
  QStringList arguments() const override;
  std::optional<ToolProgress> parseLine(const QString &line) override;
  QString installHint() const override { return "install openocd"; }
};

// dfu-util -a 0 -d 0483:df11 -s 0x08000000:leave -D fw.bin (board in DFU mode: BOOT0 high)
class DfuUtilFlasher : public ToolFlasher {
  Q_OBJECT
public:
  using ToolFlasher::ToolFlasher;
  QString backend() const override { return "dfu-util"; }
  QString program() const override { return "dfu-util"; }
  QStringList arguments() const override;
  std::optional<ToolProgress> parseLine(const QString &line) override;
  QString installHint() const override { return "install dfu-util"; }
};

} // namespace rnnpool::bridge
