// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/host/qemu_flasher.h"

#include "firmware_bridge/host/qemu_command.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTimer>
#include <csignal>
#include <sys/prctl.h>

namespace rnnpool::bridge {

QemuFlasher::QemuFlasher(FlashOptions options, QObject *parent)
    : Flasher(parent), options_(std::move(options)) {
  if (auto *app = QCoreApplication::instance())
    connect(app, &QCoreApplication::aboutToQuit, this, &QemuFlasher::stop);
}

QemuFlasher::~QemuFlasher() {
  stop();
}

QString QemuFlasher::program() const {
  return options_.tool.isEmpty() ? QString("qemu-system-arm") : options_.tool;
}

QStringList QemuFlasher::arguments() const {
  firmware::QemuCommand command;
  command.qemu = program().toStdString();
  command.kernel = options_.elf.toStdString();
  command.name = options_.qemuName.toStdString();
  QStringList args;
  for (const std::string &a : firmware::qemu_command_line(command))
    args << QString::fromStdString(a);
  args.removeFirst();
  return args;
}

bool QemuFlasher::isRunning() const {
  return process_ && process_->state() != QProcess::NotRunning;
}

qint64 QemuFlasher::processId() const {
  return process_ ? process_->processId() : 0;
}

void QemuFlasher::start() {
  if (isRunning()) {
    finish(false, "qemu: already running");
    return;
  }
  if (options_.elf.isEmpty() || !QFileInfo(options_.elf).isFile()) {
    finish(false, QString("qemu: firmware ELF not found: '%1'").arg(options_.elf));
    return;
  }
  const QString exe = program();
  const QString resolved = exe.contains('/') ? (QFileInfo(exe).isExecutable() ? exe : QString())
                                             : QStandardPaths::findExecutable(exe);
  if (resolved.isEmpty()) {
    finish(false, QString("qemu: '%1' not found (install qemu-system-arm)").arg(exe));
    return;
  }
  process_ = new QProcess(this);
  process_->setProcessChannelMode(QProcess::MergedChannels);
  process_->setStandardInputFile(QProcess::nullDevice());
  // In the child, before exec: die with the thread that started us, so QEMU is never orphaned.
  process_->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
  connect(process_, &QProcess::readyRead, this, &QemuFlasher::onOutput);
  connect(process_, &QProcess::finished, this, &QemuFlasher::onProcessFinished);
  connect(process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
    if (e == QProcess::FailedToStart)
      finish(
          false,
          QString("qemu: cannot start '%1': %2").arg(process_->program(), process_->errorString()));
  });
  QTimer::singleShot(startTimeoutMs_, this, [this] {
    if (isFinished()) return;
    const QString said = output_.trimmed();
    stop();
    finish(false, QString("qemu: no 'char device redirected to' line within %1 ms: %2")
                      .arg(startTimeoutMs_)
                      .arg(said));
  });
  emit progress(0, "starting QEMU");
  process_->start(resolved, arguments());
}

void QemuFlasher::onOutput() {
  const QString text = QString::fromLocal8Bit(process_->readAll());
  output_ += text;
  for (const QString &line : text.split('\n', Qt::SkipEmptyParts))
    emit outputLine(line.trimmed());
  if (isFinished()) return;
  if (auto pty = firmware::parse_qemu_pty(output_.toStdString())) {
    port_ = QString::fromStdString(*pty);
    emit progress(1000, QString("QEMU running, UART on %1").arg(port_));
    finish(true, {});
  }
}

void QemuFlasher::onProcessFinished(int exitCode, QProcess::ExitStatus status) {
  const QString reason = status == QProcess::CrashExit
                             ? QString("QEMU was killed or crashed")
                             : QString("QEMU exited with code %1").arg(exitCode);
  if (!isFinished()) {
    finish(false,
           QString("qemu: %1 before opening its serial pty: %2").arg(reason, output_.trimmed()));
    return;
  }
  emit processExited(reason);
}

void QemuFlasher::stop() {
  if (!process_) return;
  if (process_->state() != QProcess::NotRunning) {
    // Not interesting to anyone once we decided to stop it.
    disconnect(process_, &QProcess::finished, this, &QemuFlasher::onProcessFinished);
    process_->kill();
    process_->waitForFinished(3000);
  }
}

} // namespace rnnpool::bridge
