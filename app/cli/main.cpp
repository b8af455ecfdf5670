// SPDX-License-Identifier: GPL-3.0-or-later
// rnnpool-cli: analysis, detection, planning and device commands (see --help).
#include "app/cli/command.h"

#include <exception>
#include <iostream>

namespace rnnpool::cli {
std::vector<CommandInstaller> &command_registry() {
  static std::vector<CommandInstaller> registry;
  return registry;
}
} // namespace rnnpool::cli

int main(int argc, char **argv) {
  CLI::App app{"rnnpool-cli: RNNPool face detection, per-layer analysis and RAM planning"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "rnnpool-cli 0.1.0");
  int exit_code = 0;
  for (const auto &install : rnnpool::cli::command_registry()) install(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    // One line, as for every other error; --help has the details.
    std::cerr << "rnnpool-cli: error: " << e.what() << " (see --help)\n";
    return 2;
  } catch (const std::exception &e) {
    // Commands report their own errors; this is the last line of defence: one line, non-zero.
    std::cerr << "rnnpool-cli: error: " << e.what() << "\n";
    return 1;
  }
  return exit_code;
}
