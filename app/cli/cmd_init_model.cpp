// SPDX-License-Identifier: GPL-3.0-or-later
// rnnpool-cli init-model: writes a model file (NPZ + JSON manifest) with random weights, so the
// tools run end to end before a trained model is available.
#include "app/cli/command.h"
#include "core/io/model_file.h"
#include "core/model/zoo.h"

#include <iostream>

namespace rnnpool::cli {
namespace {

struct InitOptions {
  bool random = false;
  std::uint32_t seed = 1;
  std::string output;
  std::string architecture = "rnnpool-face-m4";
};

int run_init(const InitOptions &opt) {
  if (!opt.random) throw std::runtime_error("only --random initialisation is supported");
  ModelManifest manifest;
  manifest.architecture = opt.architecture;
  manifest.description = "random weights (seed " + std::to_string(opt.seed) + "), not trained";
  const Graph architecture = make_zoo_model(opt.architecture);
  save_model_file(opt.output, random_state_dict(architecture, opt.seed), manifest);
  std::cout << "wrote " << opt.output << " and " << manifest_path_for(opt.output) << "\n";
  return 0;
}

RegisterCommand reg{[](CLI::App &app, int &exit_code) {
  auto opt = std::make_shared<InitOptions>();
  CLI::App *cmd = app.add_subcommand("init-model", "Write a randomly initialised model file");
  cmd->add_flag("--random", opt->random, "Random weights (required; the only mode)")->required();
  cmd->add_option("--seed", opt->seed, "Random seed")->capture_default_str();
  cmd->add_option("--output,-o", opt->output, "Output .npz (manifest written next to it)")
      ->required();
  cmd->add_option("--architecture", opt->architecture, "Zoo architecture")->capture_default_str();
  cmd->callback([opt, &exit_code] {
    try {
      exit_code = run_init(*opt);
    } catch (const std::exception &e) {
      std::cerr << "rnnpool-cli init-model: error: " << e.what() << "\n";
      exit_code = 1;
    }
  });
}};

} // namespace
} // namespace rnnpool::cli
