// SPDX-License-Identifier: GPL-3.0-or-later
// rnnpool-cli rnnpool-op: one RNNPool patch with EdgeML-format weights on an EdgeML trace input,
// for checking this implementation against EdgeML's traces.
#include "app/cli/command.h"
#include "core/io/edgeml_import.h"
#include "core/io/npy.h"
#include "core/ops/ops.h"

#include <iostream>

namespace rnnpool::cli {
namespace {

struct OpOptions {
  std::string weights, input, output;
};

int run_op(const OpOptions &opt) {
  const RNNPoolParams p = import_edgeml_rnnpool(opt.weights);
  const NpyArray in = read_npy_file(opt.input);
  if (!in.is_float() || in.shape.size() != 3)
    throw FormatError(opt.input + ": expected a float array [rows, cols, channels], got " +
                      npy_descr(in.dtype) + " " + shape_string(in.shape));
  const std::size_t rows = in.shape[0], cols = in.shape[1], channels = in.shape[2];
  if (rows == 0 || cols == 0 || rows > 4096 || cols > 4096)
    throw FormatError(opt.input + ": patch size " + shape_string(in.shape) +
                      " must have 1..4096 rows and columns");
  if (channels != std::size_t(p.rnn1.input_size))
    throw FormatError(opt.input + ": " + std::to_string(channels) + " channels, but W1 expects " +
                      std::to_string(p.rnn1.input_size));
  std::vector<float> scratch(rnnpool_patch_scratch_floats(p, int(rows), int(cols)));
  std::vector<float> out(4 * std::size_t(p.rnn2.hidden_size));
  rnnpool_patch(p, in.floats.data(), int(rows), int(cols), int(channels),
                std::ptrdiff_t(cols * channels), out.data(), scratch.data());
  write_npy_file(opt.output, NpyArray::from_floats({out.size()}, out));
  return 0;
}

RegisterCommand reg{[](CLI::App &app, int &exit_code) {
  auto opt = std::make_shared<OpOptions>();
  CLI::App *cmd = app.add_subcommand(
      "rnnpool-op", "Run one RNNPool patch with EdgeML weights on an EdgeML trace input");
  cmd->add_option("--weights", opt->weights, "Directory of W1.npy ... nu2.npy")->required();
  cmd->add_option("--input", opt->input, "Trace input .npy [rows, cols, channels] float32")
      ->required();
  cmd->add_option("--output", opt->output, "Output .npy [4*h2] float32")->required();
  cmd->callback([opt, &exit_code] {
    try {
      exit_code = run_op(*opt);
    } catch (const std::exception &e) {
      std::cerr << "rnnpool-cli rnnpool-op: error: " << e.what() << "\n";
      exit_code = 1;
    }
  });
}};

} // namespace
} // namespace rnnpool::cli
