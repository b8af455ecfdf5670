// SPDX-License-Identifier: GPL-3.0-or-later
// The evaluation dataset written by tools/dataset/build_dataset.py: a directory with
// manifest.jsonl (one JSON object per image) and summary.json (counts, box convention).
#pragma once

#include "core/detect/decode.h"

#include <optional>
#include <string>
#include <vector>

namespace rnnpool::eval {

struct DatasetImage {
  std::string path;       // relative to the dataset directory
  std::string split;      // "train" or "eval"
  std::string kind;       // "video", "still", "synthetic" or "negative"
  std::vector<Box> boxes; // ground-truth faces in image pixels
  int width = 0;
  int height = 0;

  // "eval/video", "eval/negative", ...: the unit the metrics are reported for.
  std::string subset() const { return split + "/" + kind; }
};

// Parses manifest.jsonl text. Blank lines are skipped; anything malformed throws
// std::runtime_error naming `what`, the line number and the offending key.
std::vector<DatasetImage> parse_dataset_manifest(const std::string &jsonl_text,
                                                 const std::string &what);

// Reads DIR/manifest.jsonl; throws std::runtime_error naming the directory when it is missing.
std::vector<DatasetImage> read_dataset_manifest(const std::string &dataset_dir);

// How the dataset's labels relate to BlazeFace boxes (summary.json "box_convention"): the label is
// a square of side blaze_side_scale * mean(BlazeFace w, h), its centre moved down by
// blaze_centre_dy * that BlazeFace side (negative: up). Labels then match Haar alt2 boxes.
struct BoxConvention {
  std::string name;
  float blaze_side_scale = 1.0f;
  float blaze_centre_dy = 0.0f;
};

// DIR/summary.json's box_convention; nullopt when the file or the key is absent. Malformed
// content throws std::runtime_error naming the file.
std::optional<BoxConvention> read_box_convention(const std::string &dataset_dir);

} // namespace rnnpool::eval
