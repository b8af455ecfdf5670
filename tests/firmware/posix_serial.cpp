// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/firmware/posix_serial.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <termios.h>
#include <unistd.h>

namespace rnnpool::firmware {

PosixSerial::PosixSerial(const std::string &path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error("cannot open serial " + path + ": " + std::strerror(errno));
  termios tio{};
  if (::tcgetattr(fd_, &tio) == 0) {
    ::cfmakeraw(&tio);
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    ::cfsetspeed(&tio, B115200);
    ::tcsetattr(fd_, TCSANOW, &tio);
  }
}

PosixSerial::~PosixSerial() {
  if (fd_ >= 0) ::close(fd_);
}

void PosixSerial::write_all(const uint8_t *data, size_t length, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (length > 0) {
    const ssize_t n = ::write(fd_, data, length);
    if (n > 0) {
      data += n;
      length -= static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR)
      throw std::runtime_error("write to " + path_ + " failed: " + std::strerror(errno));
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("write to " + path_ + " timed out");
    pollfd p{fd_, POLLOUT, 0};
    ::poll(&p, 1, static_cast<int>(left.count()));
  }
}

size_t PosixSerial::read_some(uint8_t *data, size_t capacity, std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  const int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (r <= 0) return 0;
  const ssize_t n = ::read(fd_, data, capacity);
  return n > 0 ? static_cast<size_t>(n) : 0;
}

} // namespace rnnpool::firmware
