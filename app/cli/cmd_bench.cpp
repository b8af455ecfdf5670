// SPDX-License-Identifier: GPL-3.0-or-later
// rnnpool-cli bench: latency per frame of the host paths (float at 1 and all threads, quantized
// whole-tensor and streaming) against PyTorch eager on the same model, weights and input, in one
// run: rounds interleave every path so that machine load affects all alike; medians reported.
#include "app/cli/command.h"
#include "app/cli/line_process.h"
#include "core/io/npy.h"
#include "core/io/npz.h"
#include "core/model/executor.h"
#include "core/model/zoo.h"
#include "core/ops/parallel.h"
#include "core/perf/bench_setup.h"
#include "core/quant/quantized_executor.h"
#include "core/quant/quantized_streaming_executor.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>
#include <unistd.h>

namespace rnnpool::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct BenchOptions {
  bool json = false;
  bool is_short = false;
  bool no_pytorch = false;
  int repeats = 0; // 0: 15, or 3 with --short
  std::string model;
  std::string python = "/usr/bin/python3";
};

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

template <typename F> double time_ms(F &&f) {
  const auto start = Clock::now();
  f();
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Removes the scratch directory however the command ends.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("rnnpool-bench-" + std::to_string(getpid()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// The PyTorch harness in serve mode, or the reason it is unavailable.
class TorchReference {
public:
  TorchReference(const BenchOptions &opt, const std::string &npz, const std::string &input,
                 const std::string &reference) {
    const std::string script = std::string(RNNPOOL_SOURCE_DIR) + "/bench/pytorch_reference.py";
    if (opt.no_pytorch) {
      reason_ = "skipped (--no-pytorch)";
      return;
    }
    if (!fs::exists(opt.python)) {
      reason_ = "no Python interpreter at " + opt.python;
      return;
    }
    process_ = std::make_unique<LineProcess>(std::vector<std::string>{
        opt.python, script, "--serve", "--model", npz, "--input", input, "--reference", reference});
    const std::optional<std::string> line = process_->receive();
    nlohmann::json ready = parse(line);
    if (!ready.value("ready", false)) {
      reason_ = ready.value("error", "the PyTorch harness did not start");
      process_.reset();
      return;
    }
    info_ = ready;
  }
  ~TorchReference() {
    if (process_) process_->send("quit");
  }

  bool available() const { return process_ != nullptr; }
  const std::string &reason() const { return reason_; }
  const nlohmann::json &info() const { return info_; }

  // One frame at `threads` (0: all); nullopt (and unavailable from then on) on failure.
  std::optional<double> frame_ms(int threads) {
    if (!process_) return std::nullopt;
    if (!process_->send("time " + std::to_string(threads) + " 1")) return fail();
    const nlohmann::json reply = parse(process_->receive());
    if (!reply.contains("ms") || !reply["ms"].is_array() || reply["ms"].empty()) return fail();
    return reply["ms"][0].get<double>();
  }

private:
  static nlohmann::json parse(const std::optional<std::string> &line) {
    if (!line) return nlohmann::json::object();
    nlohmann::json j = nlohmann::json::parse(*line, nullptr, false);
    return j.is_object() ? j : nlohmann::json::object();
  }
  std::optional<double> fail() {
    reason_ = "the PyTorch harness stopped answering";
    process_.reset();
    return std::nullopt;
  }
  std::unique_ptr<LineProcess> process_;
  std::string reason_;
  nlohmann::json info_ = nlohmann::json::object();
};

// The model as an NPZ the harness can load: the given file, or the random weights written out.
std::string model_npz(const BenchOptions &opt, const perf::BenchSetup &s, const TempDir &tmp) {
  if (!opt.model.empty()) return opt.model;
  const std::string path = (tmp.path / "model.npz").string();
  const Graph arch = make_rnnpool_face_m4(s.model.graph.input_shape);
  save_model_file(path, random_state_dict(arch, perf::kBenchSeed), s.model.manifest);
  return path;
}

nlohmann::json ratio(double num, double den) {
  return num > 0 && den > 0 ? nlohmann::json(num / den) : nlohmann::json(nullptr);
}

int run_bench(const BenchOptions &opt) {
  const int rounds = opt.repeats > 0 ? opt.repeats : (opt.is_short ? 3 : 15);
  const int all = int(std::max(1u, std::thread::hardware_concurrency()));
  const std::unique_ptr<perf::BenchSetup> s = perf::make_bench_setup(opt.model);
  const Shape in = s->model.graph.input_shape;
  TempDir tmp;

  Executor exec(s->model.graph);
  exec.run(s->input);
  const std::string input_npy = (tmp.path / "input.npy").string();
  write_npy_file(input_npy,
                 NpyArray::from_floats({std::size_t(in.h), std::size_t(in.w)}, s->input.values()));
  NpzArrays heads;
  for (const std::string &name : s->model.graph.outputs) {
    const Tensor &t = exec.tensor(name);
    heads[name] = NpyArray::from_floats(
        {std::size_t(t.h()), std::size_t(t.w()), std::size_t(t.c())}, t.values());
  }
  const std::string reference = (tmp.path / "reference.npz").string();
  write_npz_file(reference, heads, false);
  TorchReference torch(opt, model_npz(opt, *s, tmp), input_npy, reference);

  quant::QuantizedExecutor qexec(s->quantized);
  quant::QuantizedStreamingExecutor sexec(s->quantized);
  qexec.run(s->frame);
  (void)sexec.run(s->frame, in.h, in.w);

  std::vector<double> f1, fall, t1, tall, q, st;
  std::vector<std::vector<double>> layers(s->model.graph.layers.size());
  std::vector<std::vector<double>> qlayers(qexec.layer_ms().size());
  for (int r = 0; r < rounds; ++r) {
    set_op_threads(1);
    f1.push_back(time_ms([&] { exec.run(s->input); }));
    for (std::size_t i = 0; i < layers.size(); ++i)
      layers[i].push_back(exec.layer_ms()[i]);
    if (auto ms = torch.frame_ms(1)) t1.push_back(*ms);
    set_op_threads(all);
    fall.push_back(time_ms([&] { exec.run(s->input); }));
    set_op_threads(1);
    if (auto ms = torch.frame_ms(0)) tall.push_back(*ms);
    q.push_back(time_ms([&] { qexec.run(s->frame); }));
    for (std::size_t i = 0; i < qlayers.size(); ++i)
      qlayers[i].push_back(qexec.layer_ms()[i]);
    st.push_back(time_ms([&] { (void)sexec.run(s->frame, in.h, in.w); }));
  }
  const bool have_torch = torch.available() && !t1.empty() && !tall.empty();

  const double float_ms = median(f1), float_all = median(fall), quant_ms = median(q),
               stream_ms = median(st);
  const double torch_ms = have_torch ? median(t1) : 0.0,
               torch_all = have_torch ? median(tall) : 0.0;
  nlohmann::json j;
  j["model"] = s->description;
  j["input"] = std::to_string(in.w) + "x" + std::to_string(in.h);
  j["rounds"] = rounds;
  j["threads_all"] = all;
  j["float_ms"] = float_ms;
  j["float_ms_all_threads"] = float_all;
  j["quantized_ms"] = quant_ms;
  j["quantized_streaming_ms"] = stream_ms;
  j["pytorch_ms"] = have_torch ? nlohmann::json(torch_ms) : nlohmann::json(nullptr);
  j["pytorch_ms_all_threads"] = have_torch ? nlohmann::json(torch_all) : nlohmann::json(nullptr);
  j["speedup_vs_pytorch_1thread"] = ratio(torch_ms, float_ms);
  j["speedup_vs_pytorch_all_threads"] = ratio(torch_all, float_all);
  j["quantized_over_float"] = ratio(quant_ms, float_ms);
  j["quantized_streaming_over_float"] = ratio(stream_ms, float_ms);
  j["pytorch"] = {{"available", have_torch}};
  if (have_torch)
    j["pytorch"].update(torch.info());
  else
    j["pytorch"]["reason"] = torch.reason();
  nlohmann::json per_layer = nlohmann::json::array();
  for (std::size_t i = 0; i < layers.size(); ++i)
    per_layer.push_back({{"layer", s->model.graph.layers[i].name}, {"ms", median(layers[i])}});
  j["float_layers_ms"] = per_layer;
  nlohmann::json qper_layer = nlohmann::json::array();
  for (std::size_t i = 0; i < qlayers.size(); ++i)
    qper_layer.push_back({{"layer", qexec.outputs()[i].name}, {"ms", median(qlayers[i])}});
  j["quantized_layers_ms"] = qper_layer;

  if (opt.json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  auto num = [](const nlohmann::json &v, const char *fmt) {
    if (v.is_null()) return std::string("n/a");
    char b[32];
    std::snprintf(b, sizeof b, fmt, v.get<double>());
    return std::string(b);
  };
  std::cout << "model " << j["model"].get<std::string>() << ", input "
            << j["input"].get<std::string>() << ", " << rounds << " interleaved rounds, medians\n"
            << "  float, 1 thread          " << num(j["float_ms"], "%8.2f") << " ms\n"
            << "  float, " << all << " threads         " << num(j["float_ms_all_threads"], "%8.2f")
            << " ms\n"
            << "  quantized whole-tensor   " << num(j["quantized_ms"], "%8.2f") << " ms  ("
            << num(j["quantized_over_float"], "%.2f") << "x float)\n"
            << "  quantized streaming      " << num(j["quantized_streaming_ms"], "%8.2f")
            << " ms  (" << num(j["quantized_streaming_over_float"], "%.2f") << "x float)\n";
  if (have_torch)
    std::cout << "  PyTorch eager, 1 thread  " << num(j["pytorch_ms"], "%8.2f") << " ms  (float is "
              << num(j["speedup_vs_pytorch_1thread"], "%.1f") << "x faster)\n"
              << "  PyTorch eager, " << all << " threads "
              << num(j["pytorch_ms_all_threads"], "%8.2f") << " ms  (float is "
              << num(j["speedup_vs_pytorch_all_threads"], "%.1f") << "x faster)\n"
              << "  PyTorch vs float outputs: max abs diff "
              << num(j["pytorch"].value("max_abs_diff_vs_float", nlohmann::json(nullptr)), "%.2e")
              << "\n";
  else
    std::cout << "  PyTorch: not measured: " << torch.reason() << "\n";
  std::cout << "float per layer (1 thread):\n";
  for (const auto &l : per_layer)
    std::cout << "  " << l["layer"].get<std::string>() << "  " << num(l["ms"], "%.3f") << " ms\n";
  std::cout << "quantized whole-tensor per layer (fused MBConv blocks):\n";
  for (const auto &l : qper_layer)
    std::cout << "  " << l["layer"].get<std::string>() << "  " << num(l["ms"], "%.3f") << " ms\n";
  return 0;
}

RegisterCommand reg{[](CLI::App &app, int &exit_code) {
  auto opt = std::make_shared<BenchOptions>();
  CLI::App *cmd = app.add_subcommand(
      "bench", "Latency per frame: float, quantized and PyTorch eager side by side (medians)");
  cmd->add_flag("--json", opt->json, "Print the summary as JSON");
  cmd->add_flag("--short", opt->is_short, "Few rounds (a smoke run; numbers are rough)");
  cmd->add_option("--model", opt->model, "Model NPZ (default: random weights, seed 1)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--repeats", opt->repeats, "Interleaved rounds (default 15, 3 with --short)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--python", opt->python, "Python with PyTorch for the reference")
      ->capture_default_str();
  cmd->add_flag("--no-pytorch", opt->no_pytorch, "Skip the PyTorch reference");
  cmd->callback([opt, &exit_code] {
    try {
      exit_code = run_bench(*opt);
    } catch (const std::exception &e) {
      std::cerr << "rnnpool-cli bench: error: " << e.what() << "\n";
      exit_code = 1;
    }
  });
}};

} // namespace
} // namespace rnnpool::cli
