// SPDX-License-Identifier: GPL-3.0-or-later
// rnnpool-cli analyze --model NAME_OR_FILE [--format table|json|csv]: per-layer shapes, output
// bytes (float32 and int8), parameters and MAdds, with totals.
#include "app/cli/command.h"
#include "app/cli/resolve_model.h"
#include "core/analysis/layer_stats.h"
#include "core/analysis/stats_report.h"

#include <iostream>
#include <memory>

namespace rnnpool::cli {
namespace {

struct AnalyzeOptions {
  std::string model;
  std::string format = "table";
};

int run_analyze(const AnalyzeOptions &opt) {
  try {
    const GraphStats stats = analyze_graph(resolve_model_graph(opt.model));
    if (opt.format == "json")
      std::cout << stats_to_json(stats).dump(2) << '\n';
    else if (opt.format == "csv")
      std::cout << stats_to_csv(stats);
    else
      std::cout << stats_to_table(stats);
    return 0;
  } catch (const std::exception &e) {
    std::cerr << "rnnpool-cli: " << e.what() << '\n';
    return 1;
  }
}

const RegisterCommand reg{[](CLI::App &app, int &exit_code) {
  auto opt = std::make_shared<AnalyzeOptions>();
  CLI::App *cmd =
      app.add_subcommand("analyze", "Per-layer shapes, bytes, parameters and MAdds of a model");
  cmd->add_option("--model", opt->model,
                  "Zoo name (rnnpool-face-m4, mobilenetv2, "
                  "mobilenetv2-rnnpool) or model file")
      ->required();
  cmd->add_option("--format", opt->format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->callback([opt, &exit_code] { exit_code = run_analyze(*opt); });
}};

} // namespace
} // namespace rnnpool::cli
