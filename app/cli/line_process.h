// SPDX-License-Identifier: GPL-3.0-or-later
// A child process spoken to line by line over its stdin/stdout (POSIX pipes): how `bench` drives
// the PyTorch harness so that C++ and PyTorch rounds interleave in one run.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace rnnpool::cli {

class LineProcess {
public:
  // Starts argv[0] (looked up in PATH) with stderr inherited. Throws std::runtime_error naming
  // the program when it cannot be started.
  explicit LineProcess(const std::vector<std::string> &argv);
  ~LineProcess(); // closes the child's stdin and waits for it
  LineProcess(const LineProcess &) = delete;
  LineProcess &operator=(const LineProcess &) = delete;

  // false when the child has gone (its stdin is closed).
  bool send(const std::string &line);
  // The next line without its newline; nullopt at end of output.
  std::optional<std::string> receive();

private:
  pid_t pid_ = -1;
  int to_child_ = -1, from_child_ = -1;
  std::string pending_;
};

} // namespace rnnpool::cli
