// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/host/tool_flashers.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

namespace rnnpool::bridge {
namespace {

constexpr int kKeptLines = 6; // output lines quoted in an error message

} // namespace

ToolFlasher::ToolFlasher(FlashOptions options, QObject *parent)
    : Flasher(parent), options_(std::move(options)) {
  port_ = options_.port;
}

ToolFlasher::~ToolFlasher() {
  // A flashing tool is never left running behind us.
  if (process_ && process_->state() != QProcess::NotRunning) {
    process_->kill();
    process_->waitForFinished(2000);
  }
}

QString ToolFlasher::executable() const {
  return options_.tool.isEmpty() ? program() : options_.tool;
}

QString ToolFlasher::imageBin() const {
  if (!options_.bin.isEmpty()) return options_.bin;
  const QFileInfo elf(options_.elf);
  return elf.path() + "/" + elf.completeBaseName() + ".bin";
}

void ToolFlasher::start() {
  const QString exe = executable();
  const QString resolved = exe.contains('/') ? (QFileInfo(exe).isExecutable() ? exe : QString())
                                             : QStandardPaths::findExecutable(exe);
  if (resolved.isEmpty()) {
    finish(false, QString("%1: '%2' not found (%3)").arg(backend(), exe, installHint()));
    return;
  }
  process_ = new QProcess(this);
  process_->setProcessChannelMode(QProcess::MergedChannels);
  connect(process_, &QProcess::readyRead, this, &ToolFlasher::onOutput);
  connect(process_, &QProcess::finished, this, &ToolFlasher::onFinished);
  connect(process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
    if (e == QProcess::FailedToStart)
      finish(false, QString("%1: cannot start '%2': %3")
                        .arg(backend(), process_->program(), process_->errorString()));
  });
  emit progress(0, QString("starting %1").arg(exe));
  process_->start(resolved, arguments());
}

void ToolFlasher::onOutput() {
  pending_ += process_->readAll();
  for (;;) {
    const qsizetype nl = pending_.indexOf('\n');
    const qsizetype cr = pending_.indexOf('\r');
    qsizetype end = nl < 0 ? cr : (cr < 0 ? nl : std::min(nl, cr));
    if (end < 0) break;
    const QString line = QString::fromLocal8Bit(pending_.left(end)).trimmed();
    pending_.remove(0, end + 1);
    if (!line.isEmpty()) handleLine(line);
  }
}

void ToolFlasher::handleLine(const QString &line) {
  lastLines_.append(line);
  while (lastLines_.size() > kKeptLines)
    lastLines_.removeFirst();
  emit outputLine(line);
  if (auto p = parseLine(line)) emit progress(p->permille, p->message);
}

void ToolFlasher::onFinished(int exitCode, QProcess::ExitStatus status) {
  if (!pending_.isEmpty()) {
    const QString rest = QString::fromLocal8Bit(pending_).trimmed();
    pending_.clear();
    if (!rest.isEmpty()) handleLine(rest);
  }
  if (status == QProcess::NormalExit && exitCode == 0) {
    emit progress(1000, QString("%1 done").arg(backend()));
    finish(true, {});
    return;
  }
  const QString why =
      status == QProcess::CrashExit ? QString("crashed") : QString("exit code %1").arg(exitCode);
  finish(false, QString("%1 failed (%2): %3").arg(backend(), why, lastLines_.join(" | ")));
}

// --- st-flash ---------------------------------------------------------------------------------

QStringList StFlashFlasher::arguments() const {
  return {"--reset", "write", imageBin(), "0x08000000"};
}

std::optional<ToolProgress> StFlashFlasher::parseLine(const QString &line) {
  static const QRegularExpression attempt(R"(Attempting to write (\d+))");
  static const QRegularExpression pages(R"((\d+)/(\d+) pages written)");
  static const QRegularExpression size(R"(^size: (\d+))");
  if (auto m = attempt.match(line); m.hasMatch()) {
    totalBytes_ = m.captured(1).toLongLong();
    return ToolProgress{50, QString("writing %1 bytes").arg(totalBytes_)};
  }
  if (line.contains("erased")) return ToolProgress{150, "erasing flash"};
  if (line.contains("Starting Flash write")) return ToolProgress{300, "writing flash"};
  if (auto m = pages.match(line); m.hasMatch()) {
    const int total = std::max(1, m.captured(2).toInt());
    return ToolProgress{300 + 600 * m.captured(1).toInt() / total,
                        QString("%1/%2 pages written").arg(m.captured(1)).arg(total)};
  }
  if (auto m = size.match(line); m.hasMatch() && totalBytes_ > 0) {
    writtenBytes_ += m.captured(1).toLongLong();
    const qint64 done = std::min(writtenBytes_, totalBytes_);
    return ToolProgress{static_cast<int>(300 + 600 * done / totalBytes_),
                        QString("%1/%2 bytes written").arg(done).arg(totalBytes_)};
  }
  if (line.contains("Starting verification")) return ToolProgress{900, "verifying"};
  if (line.contains("Flash written and verified")) return ToolProgress{980, "written and verified"};
  return std::nullopt;
}

// --- openocd ----------------------------------------------------------------------------------

QStringList OpenOcdFlasher::arguments() const {
  return {"-f", "interface/stlink.cfg",
          "-f", "target/stm32f4x.cfg",
          "-c", QString("program %1 verify reset exit").arg(options_.elf)};
}

std::optional<ToolProgress> OpenOcdFlasher::parseLine(const QString &line) {
  if (line.contains("processor detected")) return ToolProgress{50, "target found"};
  if (line.contains("** Programming Started **")) return ToolProgress{100, "programming"};
  if (line.contains("** Programming Finished **")) return ToolProgress{700, "programmed"};
  if (line.contains("** Verify Started **")) return ToolProgress{750, "verifying"};
  if (line.contains("** Verified OK **")) return ToolProgress{950, "verified"};
  if (line.contains("** Resetting Target **")) return ToolProgress{980, "resetting target"};
  return std::nullopt;
}

// --- dfu-util ---------------------------------------------------------------------------------

QStringList DfuUtilFlasher::arguments() const {
  return {"-a", "0", "-d", "0483:df11", "-s", "0x08000000:leave", "-D", imageBin()};
}

std::optional<ToolProgress> DfuUtilFlasher::parseLine(const QString &line) {
  // "Erase   [=====     ]  42%   5120 bytes", "Download [====] 100%  12345 bytes"
  static const QRegularExpression bar(R"(^(Erase|Download)\s*\[[= ]*\]\s*(\d+)%)");
  if (auto m = bar.match(line); m.hasMatch()) {
    const int pct = std::min(100, m.captured(2).toInt());
    if (m.captured(1) == "Erase")
      return ToolProgress{50 + 3 * pct, QString("erasing %1%").arg(pct)};
    return ToolProgress{350 + 6 * pct, QString("downloading %1%").arg(pct)};
  }
  if (line.startsWith("Opening DFU capable USB device")) return ToolProgress{10, "opening device"};
  if (line.startsWith("Downloading element")) return ToolProgress{40, "downloading"};
  if (line.startsWith("File downloaded successfully"))
    return ToolProgress{970, "downloaded; leaving DFU mode"};
  return std::nullopt;
}

} // namespace rnnpool::bridge
