// SPDX-License-Identifier: GPL-3.0-or-later
// A man in the middle for serial fault injection: opens a fresh pty pair (posix_openpt), whose
// slave the link under test opens, and forwards bytes between it and the device's pty on its own
// thread, dropping, flipping and inserting random bytes at the configured rates until a budget
// of faults is spent. Counts every fault it injects.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <thread>

namespace rnnpool::bridge::test {

struct FaultCounts {
  uint32_t drops = 0, flips = 0, inserts = 0;
  uint32_t toDevice = 0, toHost = 0;
  uint64_t forwarded = 0;
  uint32_t total() const { return drops + flips + inserts; }
};

class FaultProxy {
public:
  // Opens the pty pair and the device path; throws std::runtime_error naming what failed.
  FaultProxy(const std::string &devicePath, unsigned seed);
  ~FaultProxy();
  FaultProxy(const FaultProxy &) = delete;
  FaultProxy &operator=(const FaultProxy &) = delete;

  // The pty the link should open.
  const std::string &path() const { return slavePath_; }
  // Probability per forwarded byte of a fault, per direction; faults stop after `budget`.
  void setFaults(double toDeviceRate, double toHostRate, uint32_t budget);
  void stopFaults() { setFaults(0, 0, 0); }
  // While muted, nothing from the device reaches the host (a device gone silent).
  void setMuted(bool muted) { muted_ = muted; }
  FaultCounts counts() const;

private:
  void run();
  // Forwards what is readable on `from` to `to` with faults; false when `from` is gone.
  bool pump(int from, int to, bool toDevice);

  int master_ = -1, slaveKeep_ = -1, device_ = -1;
  std::string slavePath_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> muted_{false};
  mutable std::mutex mutex_;
  double toDeviceRate_ = 0, toHostRate_ = 0;
  uint32_t budget_ = 0;
  FaultCounts counts_;
  std::mt19937 rng_;
  std::thread thread_;
};

} // namespace rnnpool::bridge::test
