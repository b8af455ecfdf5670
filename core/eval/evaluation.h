// SPDX-License-Identifier: GPL-3.0-or-later
// Runs detectors over the images of a dataset and collects their metrics per subset and overall.
// Each image is decoded once and given to every detector.
#pragma once

#include "core/eval/dataset.h"
#include "core/eval/eval_detector.h"
#include "core/eval/metrics.h"

#include <functional>
#include <string>
#include <vector>

namespace rnnpool::eval {

// The images to evaluate: `subset` "" or "eval" means every eval/* subset, "train" every train/*
// subset, anything else one subset by name ("eval/video"). `limit` > 0 keeps the first `limit`
// images of each subset (manifest order). Throws std::invalid_argument naming the subset and
// listing the available ones when nothing matches.
std::vector<DatasetImage> select_images(const std::vector<DatasetImage> &images,
                                        const std::string &subset, int limit);

struct NamedMetrics {
  std::string subset; // "eval/video", ..., or "overall"
  SubsetMetrics metrics;
};

struct DetectorReport {
  std::string name;
  std::string description;
  float operating_threshold = 0;
  std::vector<NamedMetrics> subsets; // video, still, synthetic, negative order; then "overall"
};

struct EvalReport {
  std::string dataset;
  int images = 0;
  std::vector<DetectorReport> detectors;
  std::vector<std::string> notes; // e.g. baselines that were skipped and why
};

// Called after each image: (images done, images in all).
using EvalProgress = std::function<void(int, int)>;

// Throws std::runtime_error naming the image when one cannot be decoded.
EvalReport evaluate(const std::string &dataset_dir, const std::vector<DatasetImage> &images,
                    const std::vector<EvalDetector *> &detectors,
                    const EvalProgress &progress = {});

} // namespace rnnpool::eval
