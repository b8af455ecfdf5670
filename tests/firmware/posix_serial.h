// SPDX-License-Identifier: GPL-3.0-or-later
// A serial device (a pty here, a tty on hardware) opened raw, with poll-based timed I/O.
#ifndef RNNPOOL_TESTS_FIRMWARE_POSIX_SERIAL_H
#define RNNPOOL_TESTS_FIRMWARE_POSIX_SERIAL_H

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace rnnpool::firmware {

class PosixSerial {
public:
  // Opens `path` raw (no echo, no line discipline, 8N1). Throws std::runtime_error naming it.
  explicit PosixSerial(const std::string &path);
  ~PosixSerial();
  PosixSerial(const PosixSerial &) = delete;
  PosixSerial &operator=(const PosixSerial &) = delete;

  // Writes everything or throws after `timeout`.
  void write_all(const uint8_t *data, size_t length,
                 std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  // Reads what is available, waiting up to `timeout` for the first byte. Returns bytes read.
  size_t read_some(uint8_t *data, size_t capacity, std::chrono::milliseconds timeout);

private:
  int fd_ = -1;
  std::string path_;
};

} // namespace rnnpool::firmware

#endif
