// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/firmware/qemu_process.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace rnnpool::firmware {

QemuProcess::QemuProcess(QemuOptions options) : options_(std::move(options)) {}

QemuProcess::~QemuProcess() {
  stop();
}

std::vector<std::string> QemuProcess::command_line() const {
  return qemu_command_line(options_);
}

void QemuProcess::start() {
  if (pid_ > 0)
    throw std::runtime_error("QEMU is already running (pid " + std::to_string(pid_) + ")");
  struct stat st {};
  if (::stat(options_.kernel.c_str(), &st) != 0)
    throw std::runtime_error("firmware ELF not found: " + options_.kernel);

  const std::vector<std::string> args = command_line();
  std::vector<char *> argv;
  for (const auto &a : args)
    argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error("fork: " + std::string(std::strerror(errno)));
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls. Die with the parent so no QEMU is ever orphaned.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::execvp(argv[0], argv.data());
    static const char msg[] = "exec of qemu-system-arm failed\n";
    (void)!::write(STDERR_FILENO, msg, sizeof msg - 1);
    ::_exit(127);
  }
  ::close(fds[1]);
  pid_ = pid;
  output_fd_ = fds[0];
  ::fcntl(output_fd_, F_SETFL, ::fcntl(output_fd_, F_GETFL) | O_NONBLOCK);

  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    drain_output(50);
    if (auto pty = parse_qemu_pty(output_)) {
      pty_path_ = *pty;
      return;
    }
    if (!running()) {
      const std::string out = output_;
      stop();
      throw std::runtime_error("QEMU exited before opening its serial pty: " + out);
    }
  }
  const std::string out = output_;
  stop();
  throw std::runtime_error("QEMU printed no 'char device redirected to' line within " +
                           std::to_string(options_.start_timeout.count()) + " ms: " + out);
}

void QemuProcess::drain_output(int timeout_ms) {
  if (output_fd_ < 0) return;
  pollfd p{output_fd_, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(output_fd_, buf, sizeof buf);
    if (n <= 0) break;
    output_.append(buf, static_cast<size_t>(n));
  }
}

const std::string &QemuProcess::output() {
  drain_output(0);
  return output_;
}

bool QemuProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_ || (r < 0 && errno == ECHILD)) {
    pid_ = -1;
    return false;
  }
  return true;
}

void QemuProcess::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (running() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  if (output_fd_ >= 0) {
    drain_output(0);
    ::close(output_fd_);
    output_fd_ = -1;
  }
}

} // namespace rnnpool::firmware
