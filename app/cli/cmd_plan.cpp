// SPDX-License-Identifier: GPL-3.0-or-later
// rnnpool-cli plan --model NAME_OR_FILE --strategy layer|paper|streaming [--dtype f32|i8]
// [--format table|json|csv]: the RAM timeline of one execution strategy and its arena.
#include "app/cli/command.h"
#include "app/cli/resolve_model.h"
#include "core/plan/memory_plan.h"
#include "core/plan/plan_report.h"

#include <iostream>
#include <memory>

namespace rnnpool::cli {
namespace {

struct PlanOptions {
  std::string model;
  std::string strategy;
  std::string dtype = "f32";
  std::string format = "table";
};

int run_plan(const PlanOptions &opt) {
  try {
    const Graph graph = resolve_model_graph(opt.model);
    const MemoryPlan plan =
        make_memory_plan(graph, parse_strategy(opt.strategy), parse_dtype(opt.dtype));
    if (opt.format == "json")
      std::cout << plan_to_json(plan).dump(2) << '\n';
    else if (opt.format == "csv")
      std::cout << plan_to_csv(plan);
    else
      std::cout << plan_to_table(plan);
    return 0;
  } catch (const std::exception &e) {
    std::cerr << "rnnpool-cli: " << e.what() << '\n';
    return 1;
  }
}

const RegisterCommand reg{[](CLI::App &app, int &exit_code) {
  auto opt = std::make_shared<PlanOptions>();
  CLI::App *cmd = app.add_subcommand("plan", "RAM timeline and arena of an execution strategy");
  cmd->add_option("--model", opt->model, "Zoo name or model file")->required();
  // Validated by parse_strategy() so that 'streaming' gets its own message.
  cmd->add_option("--strategy", opt->strategy, "layer, paper or streaming")->required();
  cmd->add_option("--dtype", opt->dtype,
                  "Element types: f32, or i8 (int8 activations, int16 "
                  "RNN state)")
      ->check(CLI::IsMember({"f32", "i8"}));
  cmd->add_option("--format", opt->format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->callback([opt, &exit_code] { exit_code = run_plan(*opt); });
}};

} // namespace
} // namespace rnnpool::cli
