// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/bridge/fault_proxy.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <termios.h>
#include <unistd.h>
#include <vector>

namespace rnnpool::bridge::test {
namespace {

void makeRaw(int fd) {
  termios tio{};
  if (::tcgetattr(fd, &tio) != 0) return;
  ::cfmakeraw(&tio);
  ::tcsetattr(fd, TCSANOW, &tio);
}

// Blocking-ish write of everything (the fds are non-blocking).
void writeAll(int fd, const uint8_t *data, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w > 0) {
      data += w;
      n -= static_cast<size_t>(w);
    } else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
      pollfd p{fd, POLLOUT, 0};
      ::poll(&p, 1, 100);
    } else {
      return; // the other end is gone; the reader notices
    }
  }
}

} // namespace

FaultProxy::FaultProxy(const std::string &devicePath, unsigned seed) : rng_(seed) {
  master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0)
    throw std::runtime_error(std::string("posix_openpt: ") + std::strerror(errno));
  slavePath_ = ::ptsname(master_);
  // Holding the slave open keeps the master readable while the link closes and reopens it.
  slaveKeep_ = ::open(slavePath_.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slaveKeep_ < 0) throw std::runtime_error("cannot open " + slavePath_);
  makeRaw(slaveKeep_);
  device_ = ::open(devicePath.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (device_ < 0)
    throw std::runtime_error("cannot open device " + devicePath + ": " + std::strerror(errno));
  makeRaw(device_);
  ::fcntl(master_, F_SETFL, ::fcntl(master_, F_GETFL) | O_NONBLOCK);
  thread_ = std::thread([this] { run(); });
}

FaultProxy::~FaultProxy() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  for (int fd : {master_, slaveKeep_, device_})
    if (fd >= 0) ::close(fd);
}

void FaultProxy::setFaults(double toDeviceRate, double toHostRate, uint32_t budget) {
  std::lock_guard lock(mutex_);
  toDeviceRate_ = toDeviceRate;
  toHostRate_ = toHostRate;
  budget_ = budget;
}

FaultCounts FaultProxy::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

bool FaultProxy::pump(int from, int to, bool toDevice) {
  uint8_t in[4096];
  const ssize_t n = ::read(from, in, sizeof in);
  if (n < 0) return errno == EAGAIN || errno == EINTR;
  if (n == 0) return false;
  if (!toDevice && muted_) return true;
  std::vector<uint8_t> out;
  out.reserve(static_cast<size_t>(n) + 8);
  {
    std::lock_guard lock(mutex_);
    const double rate = toDevice ? toDeviceRate_ : toHostRate_;
    std::uniform_real_distribution<double> chance(0.0, 1.0);
    for (ssize_t i = 0; i < n; ++i) {
      const uint8_t byte = in[i];
      if (counts_.total() < budget_ && chance(rng_) < rate) {
        (toDevice ? counts_.toDevice : counts_.toHost)++;
        switch (rng_() % 3) {
        case 0: ++counts_.drops; continue;
        case 1:
          ++counts_.flips;
          out.push_back(static_cast<uint8_t>(byte ^ (1u << (rng_() % 8))));
          continue;
        default:
          ++counts_.inserts;
          out.push_back(static_cast<uint8_t>(rng_()));
          break;
        }
      }
      out.push_back(byte);
    }
    counts_.forwarded += static_cast<uint64_t>(n);
  }
  writeAll(to, out.data(), out.size());
  return true;
}

void FaultProxy::run() {
  while (!stop_) {
    pollfd p[2] = {{master_, POLLIN, 0}, {device_, POLLIN, 0}};
    if (::poll(p, 2, 50) <= 0) continue;
    // Master errors (link closed its end) are transient: the kept slave fd holds the pair.
    if (p[0].revents & POLLIN) pump(master_, device_, true);
    if (p[1].revents & POLLIN) {
      if (!pump(device_, master_, false)) return; // the device went away
    } else if (p[1].revents & (POLLHUP | POLLERR)) {
      return;
    }
  }
}

} // namespace rnnpool::bridge::test
