// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/eval/evaluation.h"

#include "core/detect/preprocess.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

namespace rnnpool::eval {
namespace {

// Report order: split (eval before train), then kind (faces before negatives).
int subset_rank(const std::string &subset) {
  static const char *const order[] = {"eval/video",      "eval/still",    "eval/synthetic",
                                      "eval/negative",   "train/video",   "train/still",
                                      "train/synthetic", "train/negative"};
  for (int i = 0; i < int(std::size(order)); ++i)
    if (subset == order[i]) return i;
  return int(std::size(order));
}

bool subset_less(const std::string &a, const std::string &b) {
  const int ra = subset_rank(a), rb = subset_rank(b);
  return ra != rb ? ra < rb : a < b;
}

} // namespace

std::vector<DatasetImage> select_images(const std::vector<DatasetImage> &images,
                                        const std::string &subset, int limit) {
  const std::string split = subset.empty() ? "eval" : subset;
  std::map<std::string, int> taken;
  std::set<std::string> available;
  std::vector<DatasetImage> out;
  for (const DatasetImage &img : images) {
    const std::string name = img.subset();
    available.insert(name);
    if (!(img.split == split || name == subset)) continue;
    if (limit > 0 && taken[name] >= limit) continue;
    ++taken[name];
    out.push_back(img);
  }
  if (out.empty()) {
    std::string list;
    for (const std::string &a : available)
      list += (list.empty() ? "" : ", ") + a;
    throw std::invalid_argument("no images in subset '" + subset +
                                "' (the dataset has: " + (list.empty() ? "nothing" : list) + ")");
  }
  return out;
}

EvalReport evaluate(const std::string &dataset_dir, const std::vector<DatasetImage> &images,
                    const std::vector<EvalDetector *> &detectors, const EvalProgress &progress) {
  using Clock = std::chrono::steady_clock;
  // per detector: subset -> accumulator
  std::vector<std::map<std::string, MetricsAccumulator, decltype(&subset_less)>> acc;
  for (std::size_t d = 0; d < detectors.size(); ++d)
    acc.emplace_back(&subset_less);

  int done = 0;
  for (const DatasetImage &img : images) {
    const std::string path = (std::filesystem::path(dataset_dir) / img.path).string();
    const cv::Mat bgr = read_image(path);
    for (std::size_t d = 0; d < detectors.size(); ++d) {
      const Clock::time_point start = Clock::now();
      const std::vector<Detection> found = detectors[d]->detect(bgr);
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      acc[d][img.subset()].add_image(match_detections(found, img.boxes), int(img.boxes.size()),
                                     img.kind == "negative", ms);
    }
    if (progress) progress(++done, int(images.size()));
  }

  EvalReport report;
  report.dataset = dataset_dir;
  report.images = int(images.size());
  for (std::size_t d = 0; d < detectors.size(); ++d) {
    DetectorReport r{
        detectors[d]->name(), detectors[d]->description(), detectors[d]->operating_threshold(), {}};
    MetricsAccumulator overall;
    for (const auto &[subset, a] : acc[d]) {
      r.subsets.push_back({subset, a.compute(r.operating_threshold)});
      overall.merge(a);
    }
    r.subsets.push_back({"overall", overall.compute(r.operating_threshold)});
    report.detectors.push_back(std::move(r));
  }
  return report;
}

} // namespace rnnpool::eval
