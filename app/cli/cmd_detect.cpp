// SPDX-License-Identifier: GPL-3.0-or-later
// rnnpool-cli detect: face boxes for image files (or chosen frames of a video), in original image
// pixels, with timings.
#include "app/cli/command.h"
#include "core/capture/frame_source.h"
#include "core/detect/detector.h"
#include "core/quant/golden.h"
#include "core/quant/quantized_detector.h"
#include "core/quant/quantized_model_file.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace rnnpool::cli {
namespace {

const char *const kBundledModel = "resources/models/rnnpool-face-m4.npz";

// The bundled model: in the source tree the binary was built from, else next to the executable.
std::string default_model_path() {
  std::vector<std::filesystem::path> candidates{std::filesystem::path(RNNPOOL_SOURCE_DIR) /
                                                kBundledModel};
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path() / kBundledModel);
    candidates.push_back(exe.parent_path() / std::filesystem::path(kBundledModel).filename());
  }
  for (const auto &c : candidates)
    if (std::filesystem::exists(c)) return c.string();
  throw std::runtime_error(std::string("no --model given and the bundled model ") + kBundledModel +
                           " is absent (make one with: rnnpool-cli init-model --random)");
}

struct DetectOptions {
  std::string model;
  std::vector<std::string> images;
  bool json = false;
  float threshold = -1.0f; // < 0: the model's manifest score_threshold
  std::string quantized;   // a quantized model file: detect through the integer kernels
  std::string golden;      // with quantized: write per-layer raw integer outputs here
  std::string draw;        // write each input with its boxes drawn into this directory
  std::string video;       // frames of this video, as --frames lists them
  std::vector<int> frames;
};

// The image with each box and its score drawn on it, as DIR/<name stem>.jpg (DIR exists).
void write_drawn(const std::string &dir, const std::string &name, const cv::Mat &image,
                 const DetectionResult &r) {
  cv::Mat out;
  if (image.channels() == 1)
    cv::cvtColor(image, out, cv::COLOR_GRAY2BGR);
  else
    out = image.clone();
  const int thick = std::max(2, out.cols / 300);
  for (const Detection &d : r.boxes) {
    const cv::Point p1(int(d.x1), int(d.y1)), p2(int(d.x2), int(d.y2));
    cv::rectangle(out, p1, p2, cv::Scalar(0, 220, 0), thick);
    char label[16];
    std::snprintf(label, sizeof label, "%.2f", d.score);
    cv::putText(out, label, {p1.x, std::max(p1.y - 4, 12)}, cv::FONT_HERSHEY_SIMPLEX, 0.4 * thick,
                cv::Scalar(0, 220, 0), std::max(1, thick / 2));
  }
  const std::string path =
      (std::filesystem::path(dir) / (std::filesystem::path(name).stem().string() + ".jpg"))
          .string();
  if (!cv::imwrite(path, out)) throw std::runtime_error("cannot write " + path);
}

// Calls `use(name, frame)` for the listed frames (0-based) of a video, in order, named
// "<stem>_f<NNNNN>"; reads sequentially (seeking is not frame-exact in every container).
template <class Use>
void for_video_frames(const std::string &path, std::vector<int> wanted, const Use &use) {
  if (!std::filesystem::exists(path)) throw std::runtime_error("no such video: " + path);
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  VideoFileSource source(path, false);
  cv::Mat frame;
  const std::string stem = std::filesystem::path(path).stem().string();
  std::size_t next = 0;
  for (int index = 0; next < wanted.size(); ++index) {
    if (!source.read(frame))
      throw std::runtime_error(path + " has " + std::to_string(index) + " frames, frame " +
                               std::to_string(wanted[next]) + " was asked for" +
                               (source.error().empty() ? "" : " (" + source.error() + ")"));
    if (index != wanted[next]) continue;
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, "_f%05d", index);
    use(stem + suffix, frame);
    ++next;
  }
}

int run_detect(const DetectOptions &opt) {
  std::unique_ptr<FaceDetector> detector;
  std::unique_ptr<quant::QuantizedFaceDetector> qdetector;
  if (!opt.golden.empty() && opt.quantized.empty())
    throw std::invalid_argument("--golden needs --quantized");
  if (opt.quantized.empty())
    detector = std::make_unique<FaceDetector>(
        load_model_file(opt.model.empty() ? default_model_path() : opt.model));
  else
    qdetector =
        std::make_unique<quant::QuantizedFaceDetector>(quant::load_quantized_model(opt.quantized));
  auto detect = [&](const cv::Mat &image) {
    if (qdetector)
      return opt.threshold < 0 ? qdetector->detect(image) : qdetector->detect(image, opt.threshold);
    return opt.threshold < 0 ? detector->detect(image) : detector->detect(image, opt.threshold);
  };
  if (opt.video.empty() != opt.frames.empty())
    throw std::invalid_argument("--video and --frames go together");
  if (opt.images.empty() && opt.video.empty())
    throw std::invalid_argument("give image files or --video with --frames");
  if (!opt.draw.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(opt.draw, ec);
    if (ec) throw std::runtime_error("cannot create " + opt.draw + ": " + ec.message());
  }
  nlohmann::ordered_json images = nlohmann::ordered_json::array();
  auto process = [&](const std::string &path, const cv::Mat &image) {
    const DetectionResult r = detect(image);
    if (!opt.draw.empty()) write_drawn(opt.draw, path, image, r);
    if (!opt.golden.empty())
      quant::write_golden_vectors(*qdetector->executor(), opt.golden,
                                  std::filesystem::path(path).stem().string());
    if (opt.json) {
      nlohmann::ordered_json boxes = nlohmann::ordered_json::array();
      for (const Detection &d : r.boxes)
        boxes.push_back(
            {{"x1", d.x1}, {"y1", d.y1}, {"x2", d.x2}, {"y2", d.y2}, {"score", d.score}});
      images.push_back({{"path", path},
                        {"width", image.cols},
                        {"height", image.rows},
                        {"ms", r.timing.total_ms},
                        {"boxes", std::move(boxes)}});
    } else {
      std::cout << path << ": " << image.cols << "x" << image.rows << ", " << r.boxes.size()
                << " face(s), " << r.timing.total_ms << " ms (network " << r.timing.inference_ms
                << " ms at " << r.network_input.w << "x" << r.network_input.h << ")\n";
      for (const Detection &d : r.boxes)
        std::cout << "  " << d.x1 << " " << d.y1 << " " << d.x2 << " " << d.y2 << "  score "
                  << d.score << "\n";
    }
  };
  for (const std::string &path : opt.images)
    process(path, read_image(path));
  if (!opt.video.empty()) for_video_frames(opt.video, opt.frames, process);
  if (opt.json) std::cout << nlohmann::ordered_json{{"images", images}}.dump(2) << "\n";
  return 0;
}

RegisterCommand reg{[](CLI::App &app, int &exit_code) {
  auto opt = std::make_shared<DetectOptions>();
  CLI::App *cmd =
      app.add_subcommand("detect", "Detect faces in image files or chosen frames of a video");
  cmd->add_option("--model", opt->model,
                  "Model file (.npz, with optional .json manifest); default: the bundled model");
  cmd->add_option("images", opt->images, "Image files");
  cmd->add_option("--draw", opt->draw,
                  "Also write each image with its boxes drawn into this folder");
  cmd->add_option("--video", opt->video, "A video file to take the --frames from");
  cmd->add_option("--frames", opt->frames, "0-based frame numbers of --video (e.g. 0,100,200)")
      ->delimiter(',')
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", opt->json, "Print JSON instead of text");
  cmd->add_option("--threshold", opt->threshold, "Score threshold (default: the model's)")
      ->check(CLI::Range(0.0f, 1.0f));
  cmd->add_option("--quantized", opt->quantized,
                  "Quantized model file (from `quantize`): run the integer kernels instead")
      ->excludes("--model");
  cmd->add_option("--golden", opt->golden,
                  "With --quantized: write each layer's raw integer output and CRC-32 here");
  cmd->callback([opt, &exit_code] {
    try {
      exit_code = run_detect(*opt);
    } catch (const std::exception &e) {
      std::cerr << "rnnpool-cli detect: error: " << e.what() << "\n";
      exit_code = 1;
    }
  });
}};

} // namespace
} // namespace rnnpool::cli
