// SPDX-License-Identifier: GPL-3.0-or-later
// Each rnnpool-cli subcommand lives in its own cmd_*.cpp and registers itself here, so adding a
// command never touches main.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

namespace rnnpool::cli {

// Adds the subcommand to `app`; the callback it installs returns through `exit_code`.
using CommandInstaller = std::function<void(CLI::App &app, int &exit_code)>;

std::vector<CommandInstaller> &command_registry();

struct RegisterCommand {
  explicit RegisterCommand(CommandInstaller installer) {
    command_registry().push_back(std::move(installer));
  }
};

} // namespace rnnpool::cli
