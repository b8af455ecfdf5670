// SPDX-License-Identifier: GPL-3.0-or-later
// Runs the firmware under qemu-system-arm with its UART on a pty, and always cleans it up:
// the destructor kills QEMU, and the child asks the kernel to kill it if this process dies.
// Plain POSIX C++ (no Qt) so tests and, later, the Qt bridge's qemu flasher can share it.
#ifndef RNNPOOL_TESTS_FIRMWARE_QEMU_PROCESS_H
#define RNNPOOL_TESTS_FIRMWARE_QEMU_PROCESS_H

#include "firmware_bridge/host/qemu_command.h"

#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

namespace rnnpool::firmware {

// The command (shared with the Qt qemu flasher) plus how long to wait for the pty line.
struct QemuOptions : QemuCommand {
  std::chrono::milliseconds start_timeout{10000};
};

class QemuProcess {
public:
  explicit QemuProcess(QemuOptions options);
  ~QemuProcess();
  QemuProcess(const QemuProcess &) = delete;
  QemuProcess &operator=(const QemuProcess &) = delete;

  // Starts QEMU and waits for "char device redirected to /dev/pts/N". Throws
  // std::runtime_error naming the problem (missing ELF, QEMU not found or exited, no pty line).
  void start();
  // SIGTERM, then SIGKILL if it has not exited after a grace period; always reaps. Idempotent.
  void stop();
  bool running();

  const std::string &pty_path() const { return pty_path_; }
  pid_t pid() const { return pid_; }
  // Everything QEMU printed so far (for error messages).
  const std::string &output();
  std::vector<std::string> command_line() const;

private:
  void drain_output(int timeout_ms);

  QemuOptions options_;
  pid_t pid_ = -1;
  int output_fd_ = -1;
  std::string output_;
  std::string pty_path_;
};

} // namespace rnnpool::firmware

#endif
