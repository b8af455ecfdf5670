// SPDX-License-Identifier: GPL-3.0-or-later
// The qemu-system-arm command line that runs the firmware with its UART on a pty, and the parser
// for the pty path QEMU prints. Plain C++ (no Qt), header-only, so the Qt qemu flasher and the
// POSIX test harness (tests/firmware/qemu_process) build the same command.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace rnnpool::firmware {

struct QemuCommand {
  std::string qemu = "qemu-system-arm";
  std::string machine = "netduinoplus2";
  std::string kernel;   // the firmware ELF
  int icount_shift = 3; // deterministic: one instruction = 2^shift ns of virtual time
  // Optional "-name" value: a marker that lets a test suite find (and check for) its own QEMUs.
  std::string name;
};

// argv[0] first.
inline std::vector<std::string> qemu_command_line(const QemuCommand &c) {
  std::vector<std::string> args = {
      c.qemu,    "-M",      c.machine, "-nographic", "-monitor",
      "none",    "-serial", "pty",     "-icount",    "shift=" + std::to_string(c.icount_shift),
      "-kernel", c.kernel};
  if (!c.name.empty()) {
    args.push_back("-name");
    args.push_back(c.name);
  }
  return args;
}

// The pty from "char device redirected to /dev/pts/N (label serial0)", if `output` holds it.
inline std::optional<std::string> parse_qemu_pty(const std::string &output) {
  static const std::regex pty_line(R"(char device redirected to (/dev/pts/[0-9]+))");
  std::smatch m;
  if (std::regex_search(output, m, pty_line)) return m[1].str();
  return std::nullopt;
}

} // namespace rnnpool::firmware
