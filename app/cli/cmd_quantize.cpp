// SPDX-License-Identifier: GPL-3.0-or-later
// rnnpool-cli quantize: float model + calibration images -> quantized model file, optional C
// arrays for the firmware, and the types-and-scales report (docs/quantization.md).
#include "app/cli/command.h"
#include "core/detect/preprocess.h"
#include "core/io/model_file.h"
#include "core/quant/emit_c.h"
#include "core/quant/quantized_model_file.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

namespace rnnpool::cli {
namespace {

namespace fs = std::filesystem;

struct QuantizeOptions {
  std::string model;
  std::vector<std::string> calibration; // directories or image files
  std::string output;
  std::string emit_c;
  std::string report; // "", "md" or "json"
  int max_images = 64;
};

bool is_image(const fs::path &p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp" || ext == ".pgm";
}

// Image files under the arguments, sorted; then an even sample of at most max_images.
std::vector<fs::path> calibration_images(const QuantizeOptions &opt) {
  std::vector<fs::path> all;
  for (const std::string &arg : opt.calibration) {
    const fs::path p(arg);
    std::error_code ec;
    const fs::path canon = fs::weakly_canonical(p, ec);
    // The demo clip is the held-out evaluation person: never calibrate on it.
    if (canon.string().find("data/demo") != std::string::npos)
      throw std::invalid_argument("calibration input " + arg +
                                  " is the held-out demo data; use training images");
    if (fs::is_directory(p)) {
      for (const auto &e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file() && is_image(e.path())) all.push_back(e.path());
    } else if (fs::is_regular_file(p) && is_image(p)) {
      all.push_back(p);
    } else {
      throw std::invalid_argument("calibration input " + arg +
                                  " is neither a directory nor an image file");
    }
  }
  std::sort(all.begin(), all.end());
  if (all.empty()) throw std::invalid_argument("no calibration images found");
  if (int(all.size()) <= opt.max_images) return all;
  std::vector<fs::path> sample;
  for (int i = 0; i < opt.max_images; ++i)
    sample.push_back(all[std::size_t(i) * all.size() / std::size_t(opt.max_images)]);
  return sample;
}

std::string hex(std::uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "%08x", v);
  return b;
}

void print_markdown(const quant::QuantizedModel &q, std::size_t images, std::ostream &out) {
  out << "| Tensor | Type | Scale | Zero point | Shape (WxHxC) | Note |\n"
         "|---|---|---|---|---|---|\n";
  char scale[32];
  for (const auto &t : q.tensors) {
    std::snprintf(scale, sizeof scale, "%.6g", t.scale);
    out << "| " << t.name << " | " << t.type << " | " << scale << " | " << t.zero_point << " | "
        << t.shape.to_string() << " | " << t.note << " |\n";
  }
  out << "\nQuantized weights, biases and requantization parameters: " << q.weight_bytes()
      << " bytes (" << (q.weight_bytes() + 1023) / 1024 << " KiB). Model digest (CRC-32): 0x"
      << hex(q.digest()) << ". Calibrated on " << images << " image(s).\n";
}

int run_quantize(const QuantizeOptions &opt) {
  if (opt.output.empty() && opt.emit_c.empty() && opt.report.empty())
    throw std::invalid_argument("nothing to do: give --output, --emit-c or --report");
  const LoadedModel model = load_model_file(opt.model);
  const auto images = calibration_images(opt);
  const ModelManifest &m = model.manifest;
  const PreprocessConfig pre{m.input_width, m.input_height, m.mean};
  const Shape input = preprocessed_shape(m.input_width, m.input_height, pre);
  std::vector<Tensor> inputs;
  for (const fs::path &p : images) {
    // Calibrate at the model's frame size (the device's); other aspect ratios are resized to it.
    cv::Mat image = read_image(p.string());
    PreprocessedImage pi = preprocess(image, pre);
    if (pi.input.shape() != input) {
      cv::Mat resized;
      cv::resize(image, resized, cv::Size(input.w, input.h));
      pi = preprocess(resized, pre);
    }
    inputs.push_back(std::move(pi.input));
  }
  Graph graph = model.graph;
  graph.input_shape = input;
  quant::QuantizedModel q =
      quant::quantize_face_model(graph, m.mean, quant::calibrate(graph, inputs));
  q.manifest_json = manifest_to_json(m);
  if (!opt.output.empty()) quant::save_quantized_model(opt.output, q);
  if (!opt.emit_c.empty()) quant::write_emitted_c(q, opt.emit_c);
  if (opt.report == "md") print_markdown(q, images.size(), std::cout);
  if (opt.report == "json")
    std::cout << nlohmann::json::parse(quant::quantized_model_to_json(q))["tensors"].dump(2)
              << "\n";
  if (opt.report.empty())
    std::cout << "quantized " << opt.model << " on " << images.size()
              << " image(s): " << q.weight_bytes() << " weight bytes, digest 0x" << hex(q.digest())
              << "\n";
  return 0;
}

RegisterCommand reg{[](CLI::App &app, int &exit_code) {
  auto opt = std::make_shared<QuantizeOptions>();
  CLI::App *cmd = app.add_subcommand(
      "quantize", "Post-training quantization of a face model (int8/int16 fixed point)");
  cmd->add_option("--model", opt->model, "Float model file (.npz)")->required();
  cmd->add_option("--calibration", opt->calibration,
                  "Calibration image directories or files (training data, never the demo)")
      ->required();
  cmd->add_option("--max-images", opt->max_images, "Use at most this many images (even sample)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--output", opt->output, "Write the quantized model file (JSON)");
  cmd->add_option("--emit-c", opt->emit_c,
                  "Write rp_model_data.h/.c (const arrays) for the firmware into this directory");
  cmd->add_option("--report", opt->report, "Print the types-and-scales table: md or json")
      ->check(CLI::IsMember({"md", "json"}));
  cmd->callback([opt, &exit_code] {
    try {
      exit_code = run_quantize(*opt);
    } catch (const std::exception &e) {
      std::cerr << "rnnpool-cli quantize: error: " << e.what() << "\n";
      exit_code = 1;
    }
  });
}};

} // namespace
} // namespace rnnpool::cli
